"""MirrorNet networks (Siriwardena, Marion, Shamma, ICASSP 2022), sized for CPU training.

Two variants share one residual block design:

* ``melody``: encoder maps an auditory spectrogram [B, 128, 250] to 7 params x 5 notes;
  decoder maps [B, 5, 7] params back to [B, 128, 250]. Non-causal convolutions, average
  pooling over each 50-frame (0.4 s) note slot, transposed-conv upsampling in the decoder.
* ``stream``: causal (left-padded) dilated convolutions; encoder outputs params per 8-ms
  frame [B, T, P] using at most ``lookahead`` future frames; decoder maps per-frame params to
  a per-frame spectrogram [B, 128, T] causally.

Pitch is categorical inside the networks (see ``NoteCode``): the encoder scores the note classes
(the plant's 8 grid notes for the melody model, the 13 semitones 62..74 for the stream model),
the decoder takes a class vector. Through the frozen decoder the encoder trains on the softmax
of its scores, so every note class receives gradient at once instead of only the neighbours of
the current guess (a scalar pitch through a spectrogram loss has many local minima). The graphs
still take and give the plant's 7 normalized parameters: the encoder reports the argmax grid
note (melody) or the softmax-weighted pitch (stream), the decoder encodes a scalar note exactly
as the plant maps it.

The other encoder outputs pass a sigmoid and are then mapped affinely into the training range of
each parameter (``ParamRange``); this keeps the encoder inside the region where the decoder
has seen the plant, which curbs the collapse the unsupervised loop is prone to.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import List, Optional, Sequence, Tuple

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
    # Melody only: index of a parameter whose per-melody mean is pinned to the middle of its range
    # (volume: the unit-RMS normalization removes the overall level, so only the notes' relative
    # levels are heard; see MelodyEncoder). None: no pinning (older checkpoints, the stream model).
    level_param: Optional[int] = None
    # Stream only: the semitones (MIDI, inclusive) of the hat note code; the shipped stream model
    # covers 62..74, the voice model 36..84. The scalar note stays the plant's p = (midi - 62) / 12.
    note_range: Tuple[int, int] = (62, 74)

    @property
    def frames_per_note(self) -> int:
        return self.frames // self.n_notes

    def to_dict(self) -> dict:
        return {
            "variant": self.variant, "channels": self.channels, "n_params": self.n_params,
            "n_notes": self.n_notes, "frames": self.frames, "lookahead": self.lookahead,
            "kernel": self.kernel, "dilations": list(self.dilations),
            "ranges": [list(r) for r in self.ranges], "spec_scale": self.spec_scale,
            "level_param": self.level_param, "note_range": list(self.note_range),
        }

    @staticmethod
    def from_dict(d: dict) -> "ModelConfig":
        d = dict(d)
        d["dilations"] = tuple(d["dilations"])
        d["ranges"] = [tuple(r) for r in d["ranges"]]
        if "note_range" in d:
            d["note_range"] = tuple(d["note_range"])
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


GRID_MIDI = (62, 64, 65, 67, 69, 71, 72, 74)


class NoteCode(nn.Module):
    """Note <-> class-vector conversions.

    'grid' (melody): 8 classes = the plant's grid; a scalar p maps like the plant's melody
    renderer (MIDI = round(62 + 12p), nearest grid note, ties low) to a one-hot vector.
    'hat' (stream): one class per semitone of `note_range` (62..74: 13 classes; the voice model
    36..84: 49); a continuous p maps to the triangular (linear-interpolation) basis, so in-between
    pitches are a mix of two neighbours.
    """

    def __init__(self, mode: str, note_range: Tuple[int, int] = (62, 74)):
        super().__init__()
        self.mode = mode
        lo, hi = note_range
        midi = torch.tensor(GRID_MIDI if mode == "grid" else range(lo, hi + 1), dtype=torch.float32)
        self.register_buffer("midi", midi)
        self.register_buffer("p", (midi - 62.0) / 12.0)

    @property
    def classes(self) -> int:
        return int(self.midi.numel())

    def encode(self, p: torch.Tensor) -> torch.Tensor:
        """[...] scalar note -> [..., classes]."""
        m = 62.0 + 12.0 * p.unsqueeze(-1)
        if self.mode == "hat":
            return F.relu(1.0 - torch.abs(m - self.midi))
        dist = torch.abs(torch.floor(m + 0.5) - self.midi)
        # argmin returns the first minimum, i.e. the lower note on ties, as the plant does.
        best = torch.argmin(dist, dim=-1, keepdim=True)
        return (torch.arange(self.classes, device=p.device) == best).to(p.dtype)

    def decode(self, logits: torch.Tensor) -> torch.Tensor:
        """[..., classes] scores -> [...] scalar note p as the plant reads it."""
        if self.mode == "hat":
            return (torch.softmax(logits, dim=-1) * self.p).sum(-1)
        return self.p[torch.argmax(logits, dim=-1)]


class GateCode(nn.Module):
    """The continuous renderer's gate (duration > 0.5 = on) as 2 classes [off, on]; the encoder
    reports 0.25 + 0.5 P(on), which crosses the plant's threshold where P(on) = 0.5."""

    classes = 2

    def encode(self, p: torch.Tensor) -> torch.Tensor:
        on = (p > 0.5).to(p.dtype).unsqueeze(-1)
        return torch.cat([1.0 - on, on], dim=-1)

    def decode(self, logits: torch.Tensor) -> torch.Tensor:
        return 0.25 + 0.5 * torch.softmax(logits, dim=-1)[..., 1]


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


class Categorical(nn.Module):
    """The leading parameters that are categorical inside the networks: the note, and for the
    stream variant also the gate (parameters 0 and 1)."""

    note: NoteCode

    @property
    def codes(self) -> list:
        gate: Optional[GateCode] = getattr(self, "gate", None)   # a submodule of the stream variant only
        return [self.note] + ([gate] if gate is not None else [])


class Encoder(Categorical):
    """Shared output logic: scores -> (class logits per code, other params); `forward` gives the
    plant's 7 normalized params, `relaxed` the decoder's input features (softmaxes + params)."""

    range: RangeMap

    def scores(self, spec: torch.Tensor) -> torch.Tensor:  # [B, steps, feature_width]
        raise NotImplementedError

    def split(self, spec: torch.Tensor):
        z = self.scores(spec)
        logits, k = [], 0
        for code in self.codes:
            logits.append(z[..., k:k + code.classes])
            k += code.classes
        return logits, self.range(z[..., k:])

    def forward(self, spec: torch.Tensor) -> torch.Tensor:
        logits, rest = self.split(spec)
        return torch.cat([c.decode(l).unsqueeze(-1) for c, l in zip(self.codes, logits)] + [rest], dim=-1)

    def relaxed(self, spec: torch.Tensor) -> torch.Tensor:
        """Decoder features for training the encoder through the frozen decoder."""
        logits, rest = self.split(spec)
        return torch.cat([torch.softmax(l, dim=-1) for l in logits] + [rest], dim=-1)


class Decoder(Categorical):
    """`forward(params)` takes the plant's 7 params; `from_features` the class-vector form."""

    def features(self, params: torch.Tensor) -> torch.Tensor:
        n = len(self.codes)
        return torch.cat([c.encode(params[..., i]) for i, c in enumerate(self.codes)] + [params[..., n:]], dim=-1)

    def from_features(self, feats: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError

    def forward(self, params: torch.Tensor) -> torch.Tensor:
        return self.from_features(self.features(params))


def feature_width(cfg: ModelConfig, codes: list) -> int:
    return sum(c.classes for c in codes) + cfg.n_params - len(codes)


class MelodyEncoder(Encoder):
    """[B, 128, 250] auditory spectrogram -> [B, notes, params] in [0, 1]."""

    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.cfg = cfg
        self.note = NoteCode("grid")
        self.front = Conv(SPEC_CHANNELS, cfg.channels, cfg.kernel)
        self.blocks = res_stack(cfg, causal=False)
        self.head = nn.Conv1d(cfg.channels, feature_width(cfg, self.codes), 1)
        self.range = RangeMap(cfg.ranges[1:])

    def scores(self, spec: torch.Tensor) -> torch.Tensor:
        h = self.blocks(self.front(spec * self.cfg.spec_scale))
        z = self.head(F.leaky_relu(h, 0.1))
        return F.avg_pool1d(z, self.cfg.frames_per_note).transpose(1, 2)   # [B, notes, K]

    def split(self, spec: torch.Tensor):
        logits, rest = super().split(spec)
        j = self.cfg.level_param
        if j is None:
            return logits, rest
        # Gauge fixing: the input is power-normalized, so adding a constant to every note's level
        # (in dB) changes nothing the loss can see. Pin the melody's mean level to the middle of
        # the training range and keep the inferred relative levels.
        k = j - len(self.codes)
        lo, span = self.range.lo[k], self.range.span[k]
        v = rest[..., k]
        v = torch.clamp(v - v.mean(dim=1, keepdim=True) + lo + 0.5 * span, lo, lo + span)
        return logits, torch.cat([rest[..., :k], v.unsqueeze(-1), rest[..., k + 1:]], dim=-1)


class MelodyDecoder(Decoder):
    """[B, notes, params] -> [B, 128, 250]; a transposed conv gives each frame of a note slot its own weights."""

    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.cfg = cfg
        self.note = NoteCode("grid")
        fpn = cfg.frames_per_note
        self.up = nn.ConvTranspose1d(feature_width(cfg, self.codes), cfg.channels, fpn, stride=fpn)
        self.smooth = Conv(cfg.channels, cfg.channels, cfg.kernel)
        self.blocks = res_stack(cfg, causal=False)
        self.out = Conv(cfg.channels, SPEC_CHANNELS, cfg.kernel)

    def from_features(self, feats: torch.Tensor) -> torch.Tensor:
        h = self.smooth(self.up(feats.transpose(1, 2)))
        return self.out(F.leaky_relu(self.blocks(h), 0.1)) / self.cfg.spec_scale


class StreamEncoder(Encoder):
    """[B, 128, T] -> [B, T, params]; frame t sees frames <= t + lookahead."""

    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.cfg = cfg
        self.note, self.gate = NoteCode("hat", cfg.note_range), GateCode()
        self.front = Conv(SPEC_CHANNELS, cfg.channels, cfg.kernel, causal=True)
        self.blocks = res_stack(cfg, causal=True)
        self.head = nn.Conv1d(cfg.channels, feature_width(cfg, self.codes), 1)
        self.range = RangeMap(cfg.ranges[2:])

    def scores(self, spec: torch.Tensor) -> torch.Tensor:
        la = self.cfg.lookahead
        # Shifting the input left by `lookahead` frames lets causal convs use that much future.
        spec = spec * self.cfg.spec_scale
        x = F.pad(spec[:, :, la:], (0, la)) if la > 0 else spec
        z = self.head(F.leaky_relu(self.blocks(self.front(x)), 0.1))
        return z.transpose(1, 2)


class StreamDecoder(Decoder):
    """[B, T, params] -> [B, 128, T], causal like the plant it imitates."""

    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.cfg = cfg
        self.note, self.gate = NoteCode("hat", cfg.note_range), GateCode()
        self.front = Conv(feature_width(cfg, self.codes), cfg.channels, cfg.kernel, causal=True)
        self.blocks = res_stack(cfg, causal=True)
        self.out = Conv(cfg.channels, SPEC_CHANNELS, cfg.kernel, causal=True)

    def from_features(self, feats: torch.Tensor) -> torch.Tensor:
        h = self.blocks(self.front(feats.transpose(1, 2)))
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
