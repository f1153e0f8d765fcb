"""MirrorNet networks (Siriwardena, Marion, Shamma, ICASSP 2022), sized for CPU training.

Two variants share one residual block design:

* ``melody``: encoder maps an auditory spectrogram [B, 128, 250] to 7 params x 5 notes;
  decoder maps [B, 5, 7] params back to [B, 128, 250]. Non-causal convolutions, average
  pooling over each 50-frame (0.4 s) note slot, transposed-conv upsampling in the decoder.
* ``stream``: causal (left-padded) dilated convolutions; encoder outputs params per 8-ms
  frame [B, T, P] using at most ``lookahead`` future frames; decoder maps per-frame params to
  a per-frame spectrogram [B, 128, T] causally.

Encoder outputs pass a sigmoid and are then mapped affinely into the training range of
each parameter (``ParamRange``); this keeps the encoder inside the region where the decoder
has seen the plant, which curbs the collapse the unsupervised loop is prone to.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import List, Sequence, Tuple

import torch
from torch import nn
import torch.nn.functional as F

DILATIONS: Tuple[int, ...] = (1, 4, 16, 1, 4, 16, 1, 4, 16)
SPEC_CHANNELS = 128


@dataclass
class ModelConfig:
    variant: str = "melody"            # 'melody' | 'stream'
    channels: int = 64                 # paper: 256
    n_params: int = 7
    n_notes: int = 5                   # melody only
    frames: int = 250                  # melody only: 2 s of 8-ms frames
    lookahead: int = 0                 # stream only: future frames the encoder may use
    kernel: int = 3
    dilations: Tuple[int, ...] = DILATIONS
    # Per-parameter (lo, hi) the sigmoid output is mapped into.
    ranges: List[Tuple[float, float]] = field(default_factory=lambda: [(0.0, 1.0)] * 7)
    # Spectrograms are multiplied by this inside the encoder and divided by it at the decoder
    # output, so the networks work near unit scale while the graphs take and give raw features.
    spec_scale: float = 1.0

    @property
    def frames_per_note(self) -> int:
        return self.frames // self.n_notes

    def to_dict(self) -> dict:
        return {
            "variant": self.variant, "channels": self.channels, "n_params": self.n_params,
            "n_notes": self.n_notes, "frames": self.frames, "lookahead": self.lookahead,
            "kernel": self.kernel, "dilations": list(self.dilations),
            "ranges": [list(r) for r in self.ranges], "spec_scale": self.spec_scale,
        }

    @staticmethod
    def from_dict(d: dict) -> "ModelConfig":
        d = dict(d)
        d["dilations"] = tuple(d["dilations"])
        d["ranges"] = [tuple(r) for r in d["ranges"]]
        return ModelConfig(**d)


class Conv(nn.Module):
    """Conv1d that keeps the length: centred padding, or left padding when causal."""

    def __init__(self, cin: int, cout: int, kernel: int, dilation: int = 1, causal: bool = False):
        super().__init__()
        span = dilation * (kernel - 1)
        self.pad = (span, 0) if causal else (span // 2, span - span // 2)
        self.conv = nn.Conv1d(cin, cout, kernel, dilation=dilation)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.conv(F.pad(x, self.pad))


class ResBlock(nn.Module):
    """x + W1x1(act(Wdilated(act(x)))), the WaveNet-style block of the paper's encoder."""

    def __init__(self, channels: int, kernel: int, dilation: int, causal: bool):
        super().__init__()
        self.dilated = Conv(channels, channels, kernel, dilation, causal)
        self.mix = nn.Conv1d(channels, channels, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.mix(F.leaky_relu(self.dilated(F.leaky_relu(x, 0.1)), 0.1))


def res_stack(cfg: ModelConfig, causal: bool) -> nn.Sequential:
    return nn.Sequential(*[ResBlock(cfg.channels, cfg.kernel, d, causal) for d in cfg.dilations])


class RangeMap(nn.Module):
    """sigmoid, then lo + (hi - lo) * s per parameter along the last axis."""

    def __init__(self, ranges: Sequence[Tuple[float, float]]):
        super().__init__()
        lo = torch.tensor([r[0] for r in ranges], dtype=torch.float32)
        hi = torch.tensor([r[1] for r in ranges], dtype=torch.float32)
        self.register_buffer("lo", lo)
        self.register_buffer("span", hi - lo)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return self.lo + self.span * torch.sigmoid(z)


class MelodyEncoder(nn.Module):
    """[B, 128, 250] auditory spectrogram -> [B, notes, params] in [0, 1]."""

    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.cfg = cfg
        self.front = Conv(SPEC_CHANNELS, cfg.channels, cfg.kernel)
        self.blocks = res_stack(cfg, causal=False)
        self.head = nn.Conv1d(cfg.channels, cfg.n_params, 1)
        self.range = RangeMap(cfg.ranges)

    def forward(self, spec: torch.Tensor) -> torch.Tensor:
        h = self.blocks(self.front(spec * self.cfg.spec_scale))
        z = self.head(F.leaky_relu(h, 0.1))
        z = F.avg_pool1d(z, self.cfg.frames_per_note)          # [B, P, notes]
        return self.range(z.transpose(1, 2))


class MelodyDecoder(nn.Module):
    """[B, notes, params] -> [B, 128, 250]; a transposed conv gives each frame of a note slot its own weights."""

    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.cfg = cfg
        fpn = cfg.frames_per_note
        self.up = nn.ConvTranspose1d(cfg.n_params, cfg.channels, fpn, stride=fpn)
        self.smooth = Conv(cfg.channels, cfg.channels, cfg.kernel)
        self.blocks = res_stack(cfg, causal=False)
        self.out = Conv(cfg.channels, SPEC_CHANNELS, cfg.kernel)

    def forward(self, params: torch.Tensor) -> torch.Tensor:
        h = self.smooth(self.up(params.transpose(1, 2)))
        return self.out(F.leaky_relu(self.blocks(h), 0.1)) / self.cfg.spec_scale


class StreamEncoder(nn.Module):
    """[B, 128, T] -> [B, T, params]; frame t sees frames <= t + lookahead."""

    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.cfg = cfg
        self.front = Conv(SPEC_CHANNELS, cfg.channels, cfg.kernel, causal=True)
        self.blocks = res_stack(cfg, causal=True)
        self.head = nn.Conv1d(cfg.channels, cfg.n_params, 1)
        self.range = RangeMap(cfg.ranges)

    def forward(self, spec: torch.Tensor) -> torch.Tensor:
        la = self.cfg.lookahead
        # Shifting the input left by `lookahead` frames lets causal convs use that much future.
        spec = spec * self.cfg.spec_scale
        x = F.pad(spec[:, :, la:], (0, la)) if la > 0 else spec
        z = self.head(F.leaky_relu(self.blocks(self.front(x)), 0.1))
        return self.range(z.transpose(1, 2))


class StreamDecoder(nn.Module):
    """[B, T, params] -> [B, 128, T], causal like the plant it imitates."""

    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.cfg = cfg
        self.front = Conv(cfg.n_params, cfg.channels, cfg.kernel, causal=True)
        self.blocks = res_stack(cfg, causal=True)
        self.out = Conv(cfg.channels, SPEC_CHANNELS, cfg.kernel, causal=True)

    def forward(self, params: torch.Tensor) -> torch.Tensor:
        h = self.blocks(self.front(params.transpose(1, 2)))
        return self.out(F.leaky_relu(h, 0.1)) / self.cfg.spec_scale


def build(cfg: ModelConfig) -> Tuple[nn.Module, nn.Module]:
    if cfg.variant == "melody":
        return MelodyEncoder(cfg), MelodyDecoder(cfg)
    if cfg.variant == "stream":
        return StreamEncoder(cfg), StreamDecoder(cfg)
    raise ValueError(f"variant must be 'melody' or 'stream', got {cfg.variant!r}")


def receptive_field(cfg: ModelConfig) -> int:
    """Frames of past context one encoder output depends on (front conv + blocks)."""
    return 1 + (cfg.kernel - 1) * (1 + sum(cfg.dilations))


def count_params(m: nn.Module) -> int:
    return sum(p.numel() for p in m.parameters())


def pick_device(name: str = "auto") -> torch.device:
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    return torch.device(name)
