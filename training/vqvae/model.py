"""Frame-wise raw-waveform VQ-VAE for timbre (after Bitton, Esling et al.; Caillon et al.).

One frame is a window of WINDOW raw samples at 16 kHz. Its gain (RMS, floored) is divided
out and carried beside the code, so the code describes timbre and pitch, not level.

* Encoder: normalized frame -> Hann window -> |DFT| by fixed matrices (part of the graph, so
  the graph input stays raw waveform) -> log -> MLP -> continuous latent z (LATENT dims).
* Quantizer: nearest of K codes (EMA codebook updates, commitment loss, dead-code restarts).
* Decoder: latent -> MLP -> amplitudes of a fixed sinusoid bank -> a SEGMENT = WINDOW + HOP
  sample waveform at unit gain, times the gain. Training compares it with the audio that follows the frame by a multi-resolution
  magnitude loss, so the decoder learns a steady, phase-free rendering of the code. The
  runtime (src/vq) picks, per frame, the WINDOW-long part of the segment whose phase best
  continues what is already output, windows it and overlap-adds it at HOP.
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import torch
from torch import nn
import torch.nn.functional as F


@dataclass
class VqConfig:
    sample_rate: int = 16000
    window: int = 1024
    hop: int = 256
    latent: int = 32
    codes: int = 512
    enc_hidden: int = 512
    dec_hidden: tuple = (384, 768)
    partials: int = 1025
    gain_floor: float = 1e-5
    log_floor: float = 1e-2
    ema_decay: float = 0.99
    commitment: float = 0.25
    # 'aligned': the decoder renders a WINDOW + HOP segment per frame; the runtime aligns it
    # by cross-correlation before overlap-add (the first shipped model).
    # 'periodic': the decoder renders one PERIOD (2 x WINDOW samples) of its sinusoid bank,
    # which is periodic in it (partials at k fs / PERIOD); frame t uses the WINDOW samples
    # starting at (t HOP) mod PERIOD, so every partial keeps its phase from frame to frame,
    # then Hann overlap-add at HOP. Training runs this synthesis in the loss.
    # 'periodic-aligned': the decoder renders one PERIOD as for 'periodic'; the runtime reads
    # each frame at the offset of the period that best continues the output (cross-correlation
    # over the whole period). An export-time choice (export.py --synthesis) for a decoder
    # trained as 'aligned' or 'periodic': the bank is the same, only its length differs.
    # 'harmonic': pitch is carried beside the code (like the gain). The decoder gives a
    # harmonic and a noise envelope over the window's rfft bins; the frame's f0 (YIN, pitch.py)
    # draws the harmonics: |X| = H x comb_f0 + N. Trained on each frame's STFT magnitude; the
    # runtime (src/vq, 'harmonic-pghi') rebuilds the phase by phase-gradient heap integration.
    synthesis: str = 'aligned'
    dec_log_max: float = 6.0
    # 'harmonic' only: the decoder also sees the frame's pitch (pitch_features: log2(f0 / 220) / 2
    # and a voiced flag), so an envelope can depend on where the harmonics fall.
    dec_pitch: bool = False
    # 'harmonic' only: the pitch tracker's settings (src/dsp/yin.ts through the plant server,
    # pitch.py; frames are the encoder's windows). The export writes them into the manifest,
    # which the runtime builds its tracker from. A checkpoint saved before these fields were
    # recorded was trained with exactly these values (the tracker's settings then).
    pitch_fmin: float = 50.0
    pitch_fmax: float = 2000.0
    pitch_threshold: float = 0.15

    @property
    def period(self) -> int:
        return 2 * (self.partials - 1)

    @property
    def bins(self) -> int:
        return self.window // 2 + 1

    @property
    def segment(self) -> int:
        if self.synthesis == 'harmonic':
            return 2 * self.bins
        return self.period if self.synthesis in ('periodic', 'periodic-aligned') else self.window + self.hop

    def to_dict(self) -> dict:
        d = asdict(self)
        d['dec_hidden'] = list(self.dec_hidden)
        return d

    @staticmethod
    def from_dict(d: dict) -> 'VqConfig':
        d = dict(d)
        d['dec_hidden'] = tuple(d['dec_hidden'])
        return VqConfig(**d)


class Dense(nn.Linear):
    """nn.Linear whose CPU training path runs as a 1x1 conv2d.

    Debian's torch has a generic BLAS (about 2 GFLOPS) but oneDNN convolutions (about 15-20
    GFLOPS on one core); the weights and the exported graph (plain Gemm) are unchanged."""

    conv_path = False

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not Dense.conv_path:
            return super().forward(x)
        y = F.conv2d(x[:, :, None, None], self.weight[:, :, None, None], self.bias)
        return y[:, :, 0, 0]

    @staticmethod
    def apply_fixed(x: torch.Tensor, matrix: torch.Tensor) -> torch.Tensor:
        """x @ matrix, through the fast path when it is on."""
        if not Dense.conv_path:
            return x @ matrix
        return F.conv2d(x[:, :, None, None], matrix.t()[:, :, None, None])[:, :, 0, 0]


PITCH_REF_HZ = 220.0


def pitch_features(f0: torch.Tensor) -> torch.Tensor:
    """[N] f0 in Hz (0 = unvoiced) -> [N, 2]: log2(f0 / 220) / 2 where voiced (0 where not) and
    a voiced flag. The exported decoder computes this in its graph (input f0)."""
    voiced = (f0 > 0).to(f0.dtype)
    octaves = torch.log2(f0.clamp_min(1.0) / PITCH_REF_HZ) * 0.5 * voiced
    return torch.stack([octaves, voiced], dim=1)


def frame_gain(frames: torch.Tensor, floor: float) -> torch.Tensor:
    """RMS of each frame [N, W] -> [N, 1], floored so silence does not divide by zero."""
    return torch.sqrt(torch.mean(frames * frames, dim=-1, keepdim=True)).clamp_min(floor)


class Encoder(nn.Module):
    def __init__(self, cfg: VqConfig):
        super().__init__()
        self.cfg = cfg
        n = cfg.window
        bins = n // 2 + 1
        t = torch.arange(n, dtype=torch.float64)
        k = torch.arange(bins, dtype=torch.float64)
        angle = 2 * math.pi * t[:, None] * k[None, :] / n
        hann = 0.5 - 0.5 * torch.cos(2 * math.pi * t / n)
        # Window folded into the DFT: one [W, 2*bins] product gives real and imaginary parts.
        basis = torch.cat([torch.cos(angle), -torch.sin(angle)], dim=1) * hann[:, None] / math.sqrt(n)
        self.register_buffer('dft', basis.float())
        self.bins = bins
        h = cfg.enc_hidden
        self.mlp = nn.Sequential(
            Dense(bins, h), nn.LeakyReLU(0.2),
            Dense(h, h), nn.LeakyReLU(0.2),
            Dense(h, cfg.latent),
        )

    use_fft = False  # training shortcut: the same |DFT| by torch.fft (export keeps the matrix)

    def forward(self, frames: torch.Tensor):
        gain = frame_gain(frames, self.cfg.gain_floor)
        if Encoder.use_fft:
            n = self.cfg.window
            hann = torch.hann_window(n, device=frames.device, dtype=frames.dtype)
            mag = torch.fft.rfft(frames / gain * hann).abs() / math.sqrt(n)
        else:
            spec = Dense.apply_fixed(frames / gain, self.dft)
            re, im = spec[:, :self.bins], spec[:, self.bins:]
            mag = torch.sqrt(re * re + im * im)
        logmag = torch.log(mag + self.cfg.log_floor)
        return self.mlp(logmag), gain

    def from_magnitudes(self, mag: torch.Tensor) -> torch.Tensor:
        """The latent of a normalized magnitude spectrum (what forward computes after its |DFT|)."""
        return self.mlp(torch.log(mag + self.cfg.log_floor))


class Decoder(nn.Module):
    """Latent -> amplitudes of a fixed bank of sinusoids -> segment.

    The bank holds `partials` sinusoids on a regular grid from 0 Hz to Nyquist (7.8 Hz apart
    for 1025 partials at 16 kHz) with fixed pseudo-random phases (seeded, stored as a buffer
    and exported as a constant). The MLP predicts log-amplitudes. A magnitude loss is smooth
    in amplitudes, so this trains far faster than predicting raw samples, and a harmonic lies
    within 3.9 Hz of a grid sinusoid."""

    def __init__(self, cfg: VqConfig):
        super().__init__()
        h1, h2 = cfg.dec_hidden
        harmonic = cfg.synthesis == 'harmonic'
        self.pitch_input = harmonic and cfg.dec_pitch
        self.mlp = nn.Sequential(
            Dense(cfg.latent + (2 if self.pitch_input else 0), h1), nn.LeakyReLU(0.2),
            Dense(h1, h2), nn.LeakyReLU(0.2),
            Dense(h2, 2 * cfg.bins if harmonic else cfg.partials),
        )
        nn.init.constant_(self.mlp[-1].bias, -4.0 if harmonic else -5.0)
        self.cfg = cfg
        if harmonic:
            return
        gen = torch.Generator().manual_seed(1234)
        phase = torch.rand(cfg.partials, generator=gen, dtype=torch.float64) * 2 * math.pi
        freq = torch.arange(cfg.partials, dtype=torch.float64) * (cfg.sample_rate / 2) / (cfg.partials - 1)
        n = torch.arange(cfg.segment, dtype=torch.float64)
        bank = torch.cos(2 * math.pi * freq[:, None] * n[None, :] / cfg.sample_rate + phase[:, None])
        self.register_buffer('bank', bank.float())
        if cfg.synthesis in ('periodic', 'periodic-aligned'):
            # irfft weights that give sum_k a_k cos(2 pi k n / P + phase_k) over one period P.
            p = cfg.period
            scale = torch.full((cfg.partials,), p / 2, dtype=torch.float64)
            scale[0] = scale[-1] = p
            rot = torch.polar(scale, phase)
            rot[0] = rot[0].real.clone()
            rot[-1] = rot[-1].real.clone()
            self.register_buffer('irfft_rot', rot.to(torch.complex64), persistent=False)

    def amplitudes(self, latents: torch.Tensor) -> torch.Tensor:
        return torch.exp(self.mlp(latents).clamp(max=8.0))

    def envelopes(self, latents: torch.Tensor, f0: torch.Tensor | None = None) -> torch.Tensor:
        """'harmonic': [N, 2 bins] harmonic then noise envelope of the normalized frame's
        magnitude (|rfft(hann x frame / gain)| / sqrt(W)). A soft ceiling (not a clamp, whose
        zero gradient would strand a bin that rarely meets a harmonic above it). With
        cfg.dec_pitch the frame's f0 [N] (Hz, 0 = unvoiced) is an input too."""
        top = self.cfg.dec_log_max
        x = torch.cat([latents, pitch_features(f0)], dim=1) if self.pitch_input else latents
        return torch.exp(top - F.softplus(top - self.mlp(x)))

    def forward(self, latents: torch.Tensor, gain: torch.Tensor, f0: torch.Tensor | None = None) -> torch.Tensor:
        if self.cfg.synthesis == 'harmonic':
            # The exported graph: envelopes of |rfft(hann x frame)| (gain and sqrt(W) put back).
            return self.envelopes(latents, f0) * (gain * math.sqrt(self.cfg.window))
        return Dense.apply_fixed(self.amplitudes(latents), self.bank) * gain

    def magnitudes(self, latents: torch.Tensor, f0: torch.Tensor) -> torch.Tensor:
        """'harmonic' at unit gain: H x comb_f0 + N over the rfft bins (training's output)."""
        from training.vqvae.pitch import harmonic_comb
        env = self.envelopes(latents, f0)
        b = self.cfg.bins
        return env[:, :b] * harmonic_comb(f0, self.cfg.window, self.cfg.sample_rate) + env[:, b:]

    def period_fft(self, latents: torch.Tensor) -> torch.Tensor:
        """Training shortcut for 'periodic': one period at unit gain by an inverse FFT
        (the same waveform as forward(latents, 1), which the export keeps as a matrix)."""
        a = self.amplitudes(latents).to(torch.complex64) * self.irfft_rot
        return torch.fft.irfft(a, n=self.cfg.period)


def periodic_overlap_add(periods: torch.Tensor, gains: torch.Tensor, first_frame: torch.Tensor,
                         window: int, hop: int) -> torch.Tensor:
    """The 'periodic' synthesis, exactly as src/vq/overlap-add.ts runs it.

    periods [B, L, P] (one period per frame at unit gain), gains [B, L], first_frame [B] (the
    index of frame 0 in its stream) -> [B, (L - 1) hop + window]: frame t uses the window
    samples of its period starting at ((first_frame + t) hop) mod P, times its gain, times a
    periodic Hann window scaled by 2 hop / window, overlap-added at hop."""
    b, l, p = periods.shape
    tiled = torch.cat([periods, periods[..., :window]], dim=-1)
    t = torch.arange(l, device=periods.device)
    offsets = ((first_frame[:, None] + t[None, :]) * hop) % p
    idx = offsets[..., None] + torch.arange(window, device=periods.device)
    frames = torch.gather(tiled, 2, idx)
    hann = torch.hann_window(window, device=periods.device, dtype=periods.dtype) * (2 * hop / window)
    frames = frames * hann * gains[..., None]
    out = periods.new_zeros(b, (l - 1) * hop + window)
    for i in range(l):
        out = out + F.pad(frames[:, i], (i * hop, (l - 1 - i) * hop))
    return out


class EmaQuantizer(nn.Module):
    """Nearest-code quantizer with EMA codebook updates and dead-code restarts."""

    frozen = False  # True: no EMA updates (decoder-only fine-tuning)

    def __init__(self, cfg: VqConfig):
        super().__init__()
        self.cfg = cfg
        self.register_buffer('codebook', torch.randn(cfg.codes, cfg.latent) * 0.1)
        self.register_buffer('ema_count', torch.ones(cfg.codes))
        self.register_buffer('ema_sum', self.codebook.clone())

    def nearest(self, z: torch.Tensor) -> torch.Tensor:
        cb = self.codebook
        d = (z * z).sum(-1, keepdim=True) - 2 * z @ cb.t() + (cb * cb).sum(-1)[None, :]
        return torch.argmin(d, dim=-1)

    def forward(self, z: torch.Tensor):
        codes = self.nearest(z)
        q = self.codebook[codes]
        if self.training and not self.frozen:
            self._ema_update(z.detach(), codes)
        commit = F.mse_loss(z, q.detach())
        q_st = z + (q - z).detach()
        return q_st, codes, commit

    @torch.no_grad()
    def _ema_update(self, z: torch.Tensor, codes: torch.Tensor):
        decay = self.cfg.ema_decay
        onehot = F.one_hot(codes, self.cfg.codes).type_as(z)
        self.ema_count.mul_(decay).add_(onehot.sum(0), alpha=1 - decay)
        self.ema_sum.mul_(decay).add_(onehot.t() @ z, alpha=1 - decay)
        n = self.ema_count.sum()
        count = (self.ema_count + 1e-5) / (n + self.cfg.codes * 1e-5) * n
        self.codebook.copy_(self.ema_sum / count[:, None])

    @torch.no_grad()
    def restart_dead(self, z: torch.Tensor, threshold: float) -> int:
        """Moves codes whose EMA usage fell below `threshold` onto random recent latents."""
        dead = torch.nonzero(self.ema_count < threshold).flatten()
        if dead.numel() == 0:
            return 0
        pick = torch.randint(0, z.shape[0], (dead.numel(),), device=z.device)
        fresh = z[pick] + 0.01 * z.std() * torch.randn(dead.numel(), z.shape[1], device=z.device)
        self.codebook[dead] = fresh
        self.ema_count[dead] = 2 * threshold
        self.ema_sum[dead] = fresh * 2 * threshold
        return int(dead.numel())

    @torch.no_grad()
    def kmeans_init(self, z: torch.Tensor, expected_count: float, iters: int = 15):
        k = self.cfg.codes
        centers = z[torch.randperm(z.shape[0], device=z.device)[:k]].clone()
        for _ in range(iters):
            d = (z * z).sum(-1, keepdim=True) - 2 * z @ centers.t() + (centers * centers).sum(-1)[None, :]
            assign = d.argmin(-1)
            counts = torch.bincount(assign, minlength=k).float()
            sums = torch.zeros_like(centers).index_add_(0, assign, z)
            empty = counts == 0
            centers = torch.where(empty[:, None], z[torch.randint(0, z.shape[0], (k,), device=z.device)],
                                  sums / counts.clamp_min(1)[:, None])
        self.codebook.copy_(centers)
        self.ema_count.fill_(expected_count)
        self.ema_sum.copy_(centers * expected_count)


class VqVae(nn.Module):
    def __init__(self, cfg: VqConfig):
        super().__init__()
        self.cfg = cfg
        self.encoder = Encoder(cfg)
        self.quantizer = EmaQuantizer(cfg)
        self.decoder = Decoder(cfg)

    def forward(self, frames: torch.Tensor, quantize: bool = True):
        z, gain = self.encoder(frames)
        if quantize:
            q, codes, commit = self.quantizer(z)
        else:
            q, codes, commit = z, None, torch.zeros((), device=z.device)
        # Training target is unit gain: the decoder's gain input is 1 here.
        seg = self.decoder(q, torch.ones_like(gain))
        return seg, gain, z, codes, commit


def multi_resolution_stft_loss(pred: torch.Tensor, target: torch.Tensor, sizes=(1024, 512, 256, 128),
                               log_eps: float = 0.03, log_weight: float = 0.5):
    """Spectral convergence + log_weight x log-magnitude L1, averaged over STFT sizes (hop = size / 4).

    Segments are at unit RMS, so a harmonic peaks near 360 at size 1024 and white noise sits
    near 7-20: `log_eps` keeps the log term from spending the model on the floor between
    harmonics, far below anything that counts. Returns (loss, mean spectral convergence)."""
    total = pred.new_zeros(())
    sc_total = pred.new_zeros(())
    for n in sizes:
        win = torch.hann_window(n, device=pred.device)
        sp = torch.stft(pred, n, n // 4, window=win, center=False, return_complex=True).abs()
        st = torch.stft(target, n, n // 4, window=win, center=False, return_complex=True).abs()
        sc = torch.linalg.norm(st - sp) / torch.linalg.norm(st).clamp_min(1e-8)
        logd = (torch.log(sp + log_eps) - torch.log(st + log_eps)).abs().mean()
        total = total + sc + log_weight * logd
        sc_total = sc_total + sc
    return total / len(sizes), sc_total / len(sizes)
