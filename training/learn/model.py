"""MirrorNet for a learned plant: one render (one note, or one continuous clip) per example.

Encoder: auditory spectrogram [B, 128, frames] -> the plant's P normalized parameters [B, P].
Decoder: [B, P] -> [B, 128, frames]. The encoder's blocks are MirrorNet's (training/mirrornet/
model.py: dilated residual convolutions), averaged over the clip; the decoder is a sum of a few
separable parts (spectral shape x envelope, see PlantDecoder), pitch-equivariant along the
channel axis where the plant has a grid pitch.

A pitch parameter with a grid (schema `pitch` + `grid`, e.g. MIDI semitones) is categorical
inside the networks, as in MirrorNet: the encoder scores the grid notes, the decoder takes a
class vector; the encoder trains through the frozen decoder on the softmax of its scores. The
graphs keep the plant's interface: P normalized values in and out (the encoder reports the
argmax grid note's normalized value, the decoder snaps a scalar as the plant does).
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import List, Optional, Tuple

import torch
from torch import nn
import torch.nn.functional as F

from training.mirrornet.model import SPEC_CHANNELS, Conv, RangeMap, ResBlock

DILATIONS: Tuple[int, ...] = (1, 4, 16, 1, 4, 16)
# The auditory spectrogram's resolution (src/dsp/auditory.ts: 24 filters per octave).
CHANNELS_PER_SEMITONE = 2


@dataclass
class PlantModelConfig:
    n_params: int
    frames: int
    channels: int = 48
    kernel: int = 3
    dilations: Tuple[int, ...] = DILATIONS
    spec_scale: float = 1.0
    # Index of the categorical pitch parameter and the normalized value of each grid note.
    pitch_index: Optional[int] = None
    pitch_grid_p: List[float] = field(default_factory=list)
    pitch_grid_units: List[float] = field(default_factory=list)
    # Decoder: width of its MLP and number of separable (spectral shape x envelope) parts.
    hidden: int = 256
    rank: int = 4
    # Pitch scores from a convolution along the frequency axis (PitchScorer), shared by every
    # grid note; False: from the encoder's head like the other parameters (older checkpoints).
    pitch_conv: bool = False
    pitch_channels: int = 24

    def to_dict(self) -> dict:
        d = asdict(self)
        d["dilations"] = list(self.dilations)
        return d

    @staticmethod
    def from_dict(d: dict) -> "PlantModelConfig":
        d = dict(d)
        d["dilations"] = tuple(d["dilations"])
        return PlantModelConfig(**d)

    @property
    def classes(self) -> int:
        return len(self.pitch_grid_p) if self.pitch_index is not None else 0

    @property
    def feature_width(self) -> int:
        return self.classes + self.n_params - (1 if self.pitch_index is not None else 0)


def to_units(param: dict, p: float) -> float:
    lo, hi = param["min"], param["max"]
    return lo * (hi / lo) ** p if param["scale"] == "log" else lo + (hi - lo) * p


def to_normalized(param: dict, v: float) -> float:
    lo, hi = param["min"], param["max"]
    p = math.log(v / lo) / math.log(hi / lo) if param["scale"] == "log" else (v - lo) / (hi - lo)
    return min(1.0, max(0.0, p))


def config_for(schema: dict, frames: int, channels: int, spec_scale: float) -> PlantModelConfig:
    params = schema["params"]
    names = [p["name"] for p in params]
    cfg = PlantModelConfig(n_params=len(params), frames=frames, channels=channels, spec_scale=spec_scale, pitch_conv=True)
    pitch = schema.get("pitch")
    if pitch is not None and params[names.index(pitch)].get("grid"):
        param = params[names.index(pitch)]
        cfg.pitch_index = names.index(pitch)
        cfg.pitch_grid_units = [float(g) for g in param["grid"]]
        cfg.pitch_grid_p = [to_normalized(param, g) for g in param["grid"]]
    return cfg


class PitchCode(nn.Module):
    """Scalar normalized pitch <-> grid class vector. The plant maps p to units and snaps to the
    nearest grid value; in p the grid values are at `grid_p`, and for a linear or log scale the
    nearest in units is the nearest in p (the mapping is monotonic; ties differ negligibly)."""

    def __init__(self, grid_p: List[float]):
        super().__init__()
        self.register_buffer("p", torch.tensor(grid_p, dtype=torch.float32))

    def encode(self, p: torch.Tensor) -> torch.Tensor:
        best = torch.argmin(torch.abs(p.unsqueeze(-1) - self.p), dim=-1, keepdim=True)
        return (torch.arange(self.p.numel(), device=p.device) == best).to(p.dtype)

    def decode(self, logits: torch.Tensor) -> torch.Tensor:
        return self.p[torch.argmax(logits, dim=-1)]


FREQ_DILATIONS: Tuple[int, ...] = (1, 2, 4, 8, 16, 1)
# Score of grid note k = the scorer's output at channel LOW + 2 (note_k - lowest note), where LOW
# sits this far above channel 0 so that the lowest note's window (+-32 channels, the stack's
# reach) also sees what lies below its carrier (an FM ratio under 1 puts energy there).
PITCH_BASE = 16


class PitchScorer(nn.Module):
    """Grid-note scores that move with the sound along the frequency axis: the clip's time-mean
    and time-max spectra [B, 2, 128] go through dilated convolutions along frequency (reach +-32
    channels, 1.3 octaves each way) to one score per channel; grid note k reads the channel 2 per
    semitone above the lowest note's. A transposed sound shifts every score by the same channels,
    so what is learned on one note holds for all of them: with a few hundred sounds and no labels
    the head-per-note encoder learned a third of the notes (docs/learn.md)."""

    def __init__(self, cfg: "PlantModelConfig"):
        super().__init__()
        c = cfg.pitch_channels
        self.front = Conv(2, c, cfg.kernel)
        self.blocks = nn.Sequential(*[ResBlock(c, cfg.kernel, d, causal=False) for d in FREQ_DILATIONS])
        self.out = nn.Conv1d(c, 1, 1)
        offsets = [round(CHANNELS_PER_SEMITONE * (u - cfg.pitch_grid_units[0])) for u in cfg.pitch_grid_units]
        self.register_buffer("at", torch.tensor([min(SPEC_CHANNELS - 1, PITCH_BASE + o) for o in offsets]))

    def forward(self, spec: torch.Tensor) -> torch.Tensor:
        f = torch.stack([spec.mean(dim=2), spec.amax(dim=2)], dim=1)        # [B, 2, 128]
        score = self.out(F.leaky_relu(self.blocks(self.front(f)), 0.1))[:, 0]  # [B, 128]
        return score[:, self.at]


def stack(cfg: PlantModelConfig) -> nn.Sequential:
    return nn.Sequential(*[ResBlock(cfg.channels, cfg.kernel, d, causal=False) for d in cfg.dilations])


class PlantEncoder(nn.Module):
    def __init__(self, cfg: PlantModelConfig):
        super().__init__()
        self.cfg = cfg
        self.front = Conv(SPEC_CHANNELS, cfg.channels, cfg.kernel)
        self.blocks = stack(cfg)
        rest = cfg.n_params - (1 if cfg.pitch_index is not None else 0)
        self.scorer = PitchScorer(cfg) if cfg.pitch_conv and cfg.pitch_index is not None else None
        self.head = nn.Conv1d(cfg.channels, rest if self.scorer is not None else cfg.feature_width, 1)
        self.range = RangeMap([(0.0, 1.0)] * rest)
        self.pitch = PitchCode(cfg.pitch_grid_p) if cfg.pitch_index is not None else None

    def split(self, spec: torch.Tensor):
        x = spec * self.cfg.spec_scale
        h = self.blocks(self.front(x))
        z = self.head(F.leaky_relu(h, 0.1)).mean(dim=2)             # [B, K]
        if self.scorer is not None:
            return self.scorer(x), self.range(z)
        k = self.cfg.classes
        return z[:, :k], self.range(z[:, k:])

    def _assemble(self, pitch: Optional[torch.Tensor], rest: torch.Tensor) -> torch.Tensor:
        j = self.cfg.pitch_index
        if j is None:
            return rest
        return torch.cat([rest[:, :j], pitch.unsqueeze(-1), rest[:, j:]], dim=-1)

    def forward(self, spec: torch.Tensor) -> torch.Tensor:
        logits, rest = self.split(spec)
        return self._assemble(self.pitch.decode(logits) if self.pitch is not None else None, rest)

    def relaxed(self, spec: torch.Tensor) -> torch.Tensor:
        """Decoder features: softmax over the grid (if any) followed by the other parameters."""
        logits, rest = self.split(spec)
        return torch.cat([torch.softmax(logits, dim=-1), rest], dim=-1) if self.pitch is not None else rest


class PlantDecoder(nn.Module):
    """[B, P] -> [B, 128, frames] as a sum of `rank` separable parts, spectral shape x envelope:
    out[c, t] = sum_r H_r[c] A_r[t], both from an MLP of the parameters. A note of a synth whose
    timbre holds still while its level moves (an FM note of fixed index, a filtered noise burst)
    is close to rank 1; the other ranks carry what changes over the note.

    With a grid pitch the spectral shapes are translation-equivariant along the channel axis:
    the auditory spectrogram has 24 channels per octave (2 per semitone), so the MLP draws one
    wider template G_r and grid note k reads it shifted by 2 (note_k - lowest note) channels;
    a softmax over the notes (the encoder's relaxed output) mixes the shifted copies. The MLP
    also sees the pitch as a scalar, for what does not shift (filters fixed in Hz)."""

    def __init__(self, cfg: PlantModelConfig):
        super().__init__()
        self.cfg = cfg
        self.pitch = PitchCode(cfg.pitch_grid_p) if cfg.pitch_index is not None else None
        if self.pitch is not None:
            offsets = [round(CHANNELS_PER_SEMITONE * (u - cfg.pitch_grid_units[0])) for u in cfg.pitch_grid_units]
            self.span = max(offsets)
            index = torch.tensor([[c + self.span - o for c in range(SPEC_CHANNELS)] for o in offsets])
            self.register_buffer("shift_index", index)                       # [K, 128]
        else:
            self.span = 0
        width = cfg.n_params   # the other parameters plus the pitch as a scalar (or all P)
        h = cfg.hidden
        self.mlp = nn.Sequential(nn.Linear(width, h), nn.LeakyReLU(0.1), nn.Linear(h, h), nn.LeakyReLU(0.1))
        self.shape = nn.Linear(h, cfg.rank * (SPEC_CHANNELS + self.span))
        self.envelope = nn.Linear(h, cfg.rank * cfg.frames)

    def features(self, params: torch.Tensor) -> torch.Tensor:
        j = self.cfg.pitch_index
        if j is None:
            return params
        rest = torch.cat([params[:, :j], params[:, j + 1:]], dim=-1)
        return torch.cat([self.pitch.encode(params[:, j]), rest], dim=-1)

    def from_features(self, feats: torch.Tensor) -> torch.Tensor:
        cfg, b = self.cfg, feats.shape[0]
        k = cfg.classes
        probs, rest = feats[:, :k], feats[:, k:]
        scalar = rest if self.pitch is None else torch.cat([(probs * self.pitch.p).sum(-1, keepdim=True), rest], dim=-1)
        h = self.mlp(scalar)
        g = self.shape(h).view(b, cfg.rank, SPEC_CHANNELS + self.span)
        if self.pitch is not None:
            shifted = g[:, :, self.shift_index]                              # [B, R, K, 128]
            g = torch.einsum("brkc,bk->brc", shifted, probs)
        a = self.envelope(h).view(b, cfg.rank, cfg.frames)
        return torch.einsum("brc,brt->bct", g, a) / cfg.spec_scale

    def forward(self, params: torch.Tensor) -> torch.Tensor:
        return self.from_features(self.features(params))


def build(cfg: PlantModelConfig):
    return PlantEncoder(cfg), PlantDecoder(cfg)
