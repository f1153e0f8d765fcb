"""MirrorNet for single notes of melodies as people play them (models/mirrornet-notes).

    /usr/bin/python3 -m training.mirrornet.notes --out training/runs/mirrornet-notes

What the networks learn: for one note (its pitch and gate known from the DSP transcription,
src/mirror/transcribe.ts), the plant's sound controls cutoff, resonance, attack, decay and
sustain (src/mirror/note-fit.ts FITTED_CONTROLS) from the auditory spectrogram of a 1-s excerpt
that starts 20 ms before the onset (8 kHz, 128 x 125, unit power; the plant server's
`note_aud` op renders exactly what the runtime analyses).

The MirrorNet loop, as training/mirrornet/train.py runs it for the paper's melodies:
  0. babbling: the plant renders random note vectors (pitch MIDI 36-96, gate 60 ms-4 s,
     controls in CONTROL_RANGES); the decoder learns to imitate it;
  each round
  1. the encoder learns through the frozen decoder on the training notes: L1(D(E(x), pitch,
     gate), x) plus a weak prior towards the middle of the ranges (what the sound does not
     decide falls back there);
  2. the plant renders E(x); the decoder learns those pairs with the babbling set (replay).
The training notes are plant renders whose settings are never used in a loss (only shown in the
progress line). The plant is never differentiated. The checkpoint kept is the round with the
lowest plant loss L1(aud(plant(E(x))), x) on the training notes (label-free).

The decoder predicts the spectrogram pooled 2 x 2 (64 channels x 62 frames of 16 ms) as a sum of
6 spectrum x envelope products from a small MLP, with the pitch also given as sines and cosines at
6 octave-spaced frequencies so it can place harmonics; every loss compares pooled spectrograms.
"""
from __future__ import annotations

import argparse
import json
import math
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from training.common.plant import Plant
from training.common.progress import Progress

VECTOR = ["midi", "duration", "cutoff", "resonance", "attack", "decay", "sustain"]
CONTROLS = VECTOR[2:]
# Normalized ranges the encoder outputs and the data is drawn from (PARAM_SPECS / NOTE_FIELD_SPECS mappings):
# cutoff 230-6000 Hz, Q 1.2-5.4, attack 10-100 ms, decay 50 ms-1.3 s to -60 dB, sustain 0-1.
CONTROL_RANGES = {"cutoff": (0.12, 0.8), "resonance": (0.05, 0.5), "attack": (0.0, 0.5), "decay": (0.2, 0.9),
                  "sustain": (0.0, 1.0)}
CHANNELS, FRAMES = 128, 125
POOL = 2
SPEC_SCALE = 50.0
PITCH_FREQS = 6


def pooled(aud: torch.Tensor) -> torch.Tensor:
    """[B, 128, 125] -> [B, 64, 62] (mean over 2 x 2; the last frame dropped)."""
    return F.avg_pool2d(aud.unsqueeze(1), POOL).squeeze(1)


def pointwise(*widths: int) -> nn.Sequential:
    """An MLP as 1x1 convolutions on [B, width, 1]: Debian's torch has a generic BLAS for Linear,
    while its convolutions run on oneDNN, several times faster here."""
    layers = []
    for i in range(len(widths) - 1):
        layers.append(nn.Conv1d(widths[i], widths[i + 1], 1))
        if i < len(widths) - 2:
            layers.append(nn.ReLU())
    return nn.Sequential(*layers)


class NoteEncoder(nn.Module):
    """aud [B, 128, 125] (raw units), cond [B, 2] (midi, duration normalized) -> controls [B, 5] in CONTROL_RANGES."""

    def __init__(self, ch: int = 64):
        super().__init__()
        self.conv = nn.Sequential(
            nn.Conv1d(CHANNELS, ch, 5, padding=2), nn.ReLU(),
            nn.Conv1d(ch, ch, 5, stride=2, padding=2), nn.ReLU(),
            nn.Conv1d(ch, ch, 5, stride=2, padding=2), nn.ReLU(),
            nn.Conv1d(ch, ch, 5, stride=2, padding=2), nn.ReLU(),
        )
        self.head = pointwise(ch * 16 + 2, 256, len(CONTROLS))
        lo = torch.tensor([CONTROL_RANGES[n][0] for n in CONTROLS])
        hi = torch.tensor([CONTROL_RANGES[n][1] for n in CONTROLS])
        self.register_buffer("lo", lo)
        self.register_buffer("span", hi - lo)

    def forward(self, aud: torch.Tensor, cond: torch.Tensor) -> torch.Tensor:
        h = self.conv(aud * SPEC_SCALE).flatten(1)
        z = self.head(torch.cat([h, cond], 1).unsqueeze(2)).squeeze(2)
        return self.lo + self.span * torch.sigmoid(z)


class NoteDecoder(nn.Module):
    """vector [B, 7] (normalized) -> pooled aud [B, 64, 62] (raw units), as a sum of RANK products of a
    spectrum (over channels) and an envelope (over frames): a plant note without vibrato is nearly
    one spectrum shaped by one envelope, and the attack's brightening takes a few more."""

    RANK = 6

    def __init__(self, hidden: int = 256):
        super().__init__()
        self.register_buffer("freqs", math.pi * 2.0 ** torch.arange(PITCH_FREQS, dtype=torch.float32))
        self.c, self.t = CHANNELS // POOL, FRAMES // POOL
        width = len(VECTOR) + 2 * PITCH_FREQS
        self.net = pointwise(width, hidden, hidden, hidden, self.RANK * (self.c + self.t))

    def forward(self, vector: torch.Tensor) -> torch.Tensor:
        angles = vector[:, :1] * self.freqs
        h = self.net(torch.cat([vector, torch.sin(angles), torch.cos(angles)], 1).unsqueeze(2)).squeeze(2)
        spectra = F.softplus(h[:, : self.RANK * self.c]).view(-1, self.RANK, self.c)
        envelopes = F.softplus(h[:, self.RANK * self.c:]).view(-1, self.RANK, self.t)
        return torch.matmul(spectra.transpose(1, 2), envelopes) / (SPEC_SCALE * self.RANK)


def random_vectors(rng: np.random.Generator, n: int) -> np.ndarray:
    v = np.empty((n, len(VECTOR)), dtype=np.float32)
    v[:, 0] = rng.uniform(0, 1, n)            # MIDI 36-96, continuous
    v[:, 1] = rng.uniform(0, 1, n)            # gate 60 ms-4 s, log-uniform (exponential mapping)
    for j, name in enumerate(CONTROLS):
        lo, hi = CONTROL_RANGES[name]
        v[:, 2 + j] = rng.uniform(lo, hi, n)
    return v


def flushed(aud: np.ndarray) -> np.ndarray:
    """Values below 1e-12 (far under anything audible at unit power) set to 0."""
    aud[aud < 1e-12] = 0
    return aud


def count_params(m: nn.Module) -> int:
    return sum(p.numel() for p in m.parameters())


def batches(n: int, size: int, rng: np.random.Generator):
    idx = rng.permutation(n)
    for i in range(0, n, size):
        yield idx[i:i + size]


def decoder_epoch(dec, opt, vectors: torch.Tensor, targets: torch.Tensor, size: int, rng) -> float:
    total = 0.0
    for b in batches(len(vectors), size, rng):
        loss = F.l1_loss(dec(vectors[b]), targets[b]) * SPEC_SCALE
        opt.zero_grad()
        loss.backward()
        opt.step()
        total += loss.item() * len(b)
    return total / len(vectors)


def encoder_epoch(enc, dec, opt, aud: torch.Tensor, target: torch.Tensor, cond: torch.Tensor, size: int, prior: float, rng) -> float:
    mid = enc.lo + enc.span / 2
    total = 0.0
    for b in batches(len(aud), size, rng):
        controls = enc(aud[b], cond[b])
        rec = F.l1_loss(dec(torch.cat([cond[b], controls], 1)), target[b]) * SPEC_SCALE
        loss = rec + prior * (((controls - mid) / enc.span) ** 2).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        total += rec.item() * len(b)
    return total / len(aud)


def encode_all(enc, aud: torch.Tensor, cond: torch.Tensor) -> torch.Tensor:
    with torch.no_grad():
        return torch.cat([enc(aud[i:i + 256], cond[i:i + 256]) for i in range(0, len(aud), 256)])


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default="training/runs/mirrornet-notes")
    ap.add_argument("--babble", type=int, default=12000)
    ap.add_argument("--data", type=int, default=6000)
    ap.add_argument("--warmup-epochs", type=int, default=40)
    ap.add_argument("--rounds", type=int, default=20)
    ap.add_argument("--dec-epochs", type=int, default=3)
    ap.add_argument("--enc-epochs", type=int, default=5)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--enc-lr", type=float, default=1e-3)
    ap.add_argument("--dec-lr", type=float, default=1e-3)
    ap.add_argument("--prior", type=float, default=0.01)
    ap.add_argument("--channels", type=int, default=64)
    ap.add_argument("--hidden", type=int, default=256)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--threads", type=int, default=1, help="torch CPU threads (1: on the shared 2-core machine OpenMP with 2 threads ran element-wise ops 15x slower)")
    ap.add_argument("--smoke", action="store_true", help="tiny sizes and schedule (CI)")
    args = ap.parse_args(argv)
    if args.smoke:
        args.babble, args.data, args.warmup_epochs, args.rounds, args.dec_epochs, args.enc_epochs = 64, 32, 1, 2, 1, 1
        args.channels, args.hidden = 8, 32
    torch.set_num_threads(args.threads)
    # The spectrograms' quiet channels reach the subnormal range; computing on subnormals is ~50x slower.
    torch.set_flush_denormal(True)
    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    prog = Progress(out / "train.log")
    prog.note(f"mirrornet-notes: {json.dumps(vars(args))}")
    enc, dec = NoteEncoder(args.channels), NoteDecoder(args.hidden)
    prog.note(f"encoder {count_params(enc)} parameters, decoder {count_params(dec)}")
    history = []
    best = (math.inf, -1)
    with Plant(log=prog.note) as plant:
        t0 = time.time()
        babble_v = random_vectors(rng, args.babble)
        babble_aud = torch.from_numpy(flushed(plant.note_aud(babble_v)))
        data_v = random_vectors(rng, args.data)      # the training notes; their settings are never in a loss
        data_aud = torch.from_numpy(flushed(plant.note_aud(data_v)))
        prog.note(f"rendered {args.babble} babbling and {args.data} training notes in {time.time() - t0:.1f} s")
        babble_v = torch.from_numpy(babble_v)
        babble_target = pooled(babble_aud)
        data_target = pooled(data_aud)
        data_cond = torch.from_numpy(data_v[:, :2])
        truth = torch.from_numpy(data_v[:, 2:])
        dec_opt = torch.optim.Adam(dec.parameters(), lr=args.dec_lr)
        enc_opt = torch.optim.Adam(enc.parameters(), lr=args.enc_lr)
        for e in range(args.warmup_epochs):
            loss = decoder_epoch(dec, dec_opt, babble_v, babble_target, args.batch, rng)
            prog.step(f"warm-up {e + 1}/{args.warmup_epochs} decoder L1 {loss:.4f}")
        prog.note(f"warm-up done: decoder L1 (x{SPEC_SCALE:g}) {loss:.4f}")
        pairs_v, pairs_target = babble_v, babble_target
        for r in range(1, args.rounds + 1):
            for e in range(args.enc_epochs):
                enc_loss = encoder_epoch(enc, dec, enc_opt, data_aud, data_target, data_cond, args.batch, args.prior, rng)
                prog.step(f"round {r}/{args.rounds} encoder {e + 1}/{args.enc_epochs} L1 {enc_loss:.4f}")
            controls = encode_all(enc, data_aud, data_cond)
            vec = torch.cat([data_cond, controls], 1)
            rendered = pooled(torch.from_numpy(flushed(plant.note_aud(vec.numpy()))))
            plant_loss = F.l1_loss(rendered, data_target).item() * SPEC_SCALE
            mae = (controls - truth).abs().mean(0).tolist()     # display only
            pairs_v = torch.cat([babble_v, vec])
            pairs_target = torch.cat([babble_target, rendered])
            for e in range(args.dec_epochs):
                dec_loss = decoder_epoch(dec, dec_opt, pairs_v, pairs_target, args.batch, rng)
                prog.step(f"round {r}/{args.rounds} decoder {e + 1}/{args.dec_epochs} L1 {dec_loss:.4f}")
            h = {"round": r, "encoderL1": round(enc_loss, 5), "plantL1": round(plant_loss, 5), "decoderL1": round(dec_loss, 5),
                 "maeDisplayOnly": {n: round(m, 4) for n, m in zip(CONTROLS, mae)}}
            history.append(h)
            state = {"encoder": enc.state_dict(), "decoder": dec.state_dict(),
                     "config": {"channels": args.channels, "hidden": args.hidden}, "args": vars(args), "history": history}
            if plant_loss < best[0]:
                best = (plant_loss, r)
                torch.save(dict(state, best_round=r), out / "best.pt")
            torch.save(dict(state, best_round=best[1]), out / "last.pt")
            prog.note(f"round {r}: encoder L1 {enc_loss:.4f}  plant L1 {plant_loss:.4f}  decoder L1 {dec_loss:.4f}  "
                      f"MAE (display only) " + " ".join(f"{n} {m:.3f}" for n, m in zip(CONTROLS, mae))
                      + ("  *best" if best[1] == r else ""))
    (out / "history.json").write_text(json.dumps({"history": history, "best_round": best[1], "args": vars(args)}, indent=2) + "\n")
    prog.note(f"done: best round {best[1]} (plant L1 {best[0]:.4f}), {out / 'best.pt'}")
    prog.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
