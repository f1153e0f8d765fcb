"""Pitch carried beside the code, and the harmonic comb the 'harmonic' decoder renders with.

* `yin(frames)`: YIN f0 per frame, batched; the same algorithm, defaults and edge cases as
  src/dsp/yin.ts (the runtime's estimator), so training sees the f0 the runtime will compute.
* `harmonic_comb(f0)`: for each rfft bin of a Hann-windowed frame, the magnitude response
  (peak 1) of a harmonic series at f0: the Hann window's transform around each harmonic,
  within 2.5 bins of it. f0 = 0 (unvoiced) gives no comb. src/vq/harmonic.ts renders the same.
"""
from __future__ import annotations

import math

import torch

YIN_FMIN = 50.0
YIN_FMAX = 2000.0
YIN_THRESHOLD = 0.15
KERNEL_HALF_WIDTH = 2.5


@torch.no_grad()
def yin(frames: torch.Tensor, sample_rate: int, fmin: float = YIN_FMIN, fmax: float = YIN_FMAX,
        threshold: float = YIN_THRESHOLD) -> torch.Tensor:
    """frames [N, F] -> f0 [N] in Hz (0 when unvoiced), as src/dsp/yin.ts Yin.estimate."""
    n_frames, length = frames.shape
    max_lag = math.ceil(sample_rate / fmin)
    min_lag = max(2, math.floor(sample_rate / fmax))
    w = length - max_lag
    size = 2 ** math.ceil(math.log2(length))
    x = frames.double()
    corr = torch.fft.irfft(torch.fft.rfft(x[:, :w], n=size).conj() * torch.fft.rfft(x, n=size), n=size)[:, :max_lag + 1]
    cs = torch.cat([x.new_zeros(n_frames, 1), torch.cumsum(x * x, -1)], -1)
    tau = torch.arange(max_lag + 1)
    head = cs[:, w:w + 1]
    slide = cs[:, tau + w] - cs[:, tau]
    d = (head + slide - 2 * corr).clamp_min(0)
    d[:, 0] = 0
    running = torch.cumsum(d[:, 1:], -1)
    cmnd = torch.ones_like(d)
    cmnd[:, 1:] = torch.where(running > 0, d[:, 1:] * tau[1:] / running.clamp_min(1e-300), torch.ones_like(running))
    region = cmnd[:, min_lag:]
    below = region < threshold
    voiced = below.any(-1)
    lag = min_lag + torch.argmax(below.to(torch.int8), -1)
    # Follow the dip down to its local minimum.
    for _ in range(max_lag):
        nxt = (lag + 1).clamp(max=max_lag)
        step = (lag + 1 <= max_lag) & (cmnd.gather(1, nxt[:, None])[:, 0] < cmnd.gather(1, lag[:, None])[:, 0]) & voiced
        if not bool(step.any()):
            break
        lag = lag + step.long()
    inner = (lag > 1) & (lag < max_lag)
    lo = d.gather(1, (lag - 1).clamp(min=0)[:, None])[:, 0]
    mid = d.gather(1, lag[:, None])[:, 0]
    hi = d.gather(1, (lag + 1).clamp(max=max_lag)[:, None])[:, 0]
    denom = lo - 2 * mid + hi
    ok = inner & (denom > 0)
    shift = torch.where(ok, (0.5 * (lo - hi) / torch.where(ok, denom, torch.ones_like(denom))).clamp(-1, 1), torch.zeros_like(denom))
    f0 = sample_rate / (lag.double() + shift)
    return torch.where(voiced, f0, torch.zeros_like(f0)).float()


def hann_response(delta: torch.Tensor, window: int) -> torch.Tensor:
    """|transform of a periodic Hann window of length `window`| at `delta` bins from its
    centre, 1 at 0, zero beyond KERNEL_HALF_WIDTH bins."""
    def dirichlet(u):
        u = torch.where(u.abs() < 1e-6, torch.full_like(u, 1e-6), u)
        return torch.sin(math.pi * u) / (window * torch.sin(math.pi * u / window))
    v = dirichlet(delta) + 0.5 * dirichlet(delta - 1) + 0.5 * dirichlet(delta + 1)
    return v.abs() * (delta.abs() < KERNEL_HALF_WIDTH)


def harmonic_comb(f0: torch.Tensor, window: int, sample_rate: int) -> torch.Tensor:
    """f0 [N] (Hz, 0 = unvoiced) -> [N, window / 2 + 1]: the sum of hann_response around
    each harmonic h f0 (h >= 1) below Nyquist."""
    bins = window // 2 + 1
    freq = torch.arange(bins, dtype=torch.float32, device=f0.device) * sample_rate / window
    f = f0.clamp_min(1.0)[:, None]
    nearest = torch.round(freq[None] / f)
    out = torch.zeros(len(f0), bins, device=f0.device)
    for j in (-1, 0, 1):
        h = nearest + j
        valid = (h >= 1) & (h * f < sample_rate / 2)
        out = out + hann_response((freq[None] - h * f) * window / sample_rate, window) * valid
    return out * (f0 > 0)[:, None]
