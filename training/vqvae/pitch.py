"""Pitch carried beside the code, and the harmonic comb the 'harmonic' decoder renders with.

* `yin(frames, settings)`: f0 per frame from the one pitch tracker, src/dsp/yin.ts, run by the
  plant server (src/cli/plantServer.ts op 'yin'; training/common/plant.py). Training has no
  tracker of its own, so it sees the f0 the runtime computes; the settings it used go into the
  checkpoint's config (model.py VqConfig.pitch_*) and from there into the manifest
  (audio.settings.pitch*), which the runtime builds its tracker from.
* `harmonic_comb(f0)`: for each rfft bin of a Hann-windowed frame, the magnitude response
  (peak 1) of a harmonic series at f0: the Hann window's transform around each harmonic,
  within 2.5 bins of it. f0 = 0 (unvoiced) gives no comb. src/vq/harmonic.ts renders the same.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Optional

import numpy as np
import torch

from training.common.plant import Plant

KERNEL_HALF_WIDTH = 2.5


@dataclass(frozen=True)
class YinSettings:
    """Every setting of src/dsp/yin.ts Yin; no defaults here (VqConfig holds the trained ones)."""
    sample_rate: int
    frame_length: int
    fmin: float
    fmax: float
    threshold: float

    @staticmethod
    def of(cfg) -> 'YinSettings':
        """The tracker of a VqConfig: its frames are the encoder's windows."""
        return YinSettings(cfg.sample_rate, cfg.window, cfg.pitch_fmin, cfg.pitch_fmax, cfg.pitch_threshold)

    def manifest(self) -> dict:
        """The manifest's audio.settings keys (src/models/pitch-tracker.ts reads them)."""
        return {'pitch': 'yin', 'pitchFmin': self.fmin, 'pitchFmax': self.fmax, 'pitchThreshold': self.threshold}


def yin_track(frames, settings: YinSettings, plant: Optional[Plant] = None) -> tuple:
    """frames [N, frame_length] -> (f0 [N] Hz, 0 when unvoiced; confidence [N]) as numpy
    float32, by src/dsp/yin.ts through the plant server (one is started when `plant` is None)."""
    x = np.ascontiguousarray(frames.detach().cpu().numpy() if isinstance(frames, torch.Tensor) else frames,
                             dtype=np.float32)
    if x.ndim != 2 or x.shape[1] != settings.frame_length:
        raise ValueError(f'yin: frames must be [N, {settings.frame_length}], got {list(x.shape)}')
    if len(x) == 0:
        return np.zeros(0, np.float32), np.zeros(0, np.float32)
    if plant is None:
        with Plant(log=lambda *_: None) as own:
            return yin_track(x, settings, own)
    f0, confidence = plant.yin(x, settings.sample_rate, settings.frame_length, settings.frame_length,
                               settings.fmin, settings.fmax, settings.threshold)
    return f0[:, 0], confidence[:, 0]


def yin(frames, settings: YinSettings, plant: Optional[Plant] = None) -> torch.Tensor:
    """frames [N, frame_length] -> f0 [N] float32 tensor in Hz (0 when unvoiced)."""
    return torch.from_numpy(yin_track(frames, settings, plant)[0].copy())


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
