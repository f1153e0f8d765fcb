"""The MirrorNet training loop's steps, shared by every MirrorNet here: the paper's melody and
stream models (training/mirrornet/train.py) and learned plants (training/learn/train.py).

A round (Siriwardena et al., ICASSP 2022): the decoder learns (parameters, plant render) pairs:
the babbling set, the encoder's current inferences with their renders and the previous round's
(a small replay that keeps the decoder valid around the encoder); then the encoder learns
through the frozen decoder, MSE(D(E(x)), x). The plant is never differentiated and no loss sees
a label. Losses are reported as normalized MSE (x `norm`, the spectrogram scale squared).
"""
from __future__ import annotations

import time
from typing import Callable, Optional, Sequence, Tuple

import torch
import torch.nn.functional as F

from training.common.progress import Progress

Pair = Tuple[torch.Tensor, torch.Tensor]


def batches(n: int, size: int, gen: torch.Generator):
    order = torch.randperm(n, generator=gen)
    for i in range(0, n, size):
        yield order[i:i + size]


@torch.no_grad()
def predict(enc, x: torch.Tensor, size: int = 128) -> torch.Tensor:
    enc.eval()
    out = torch.cat([enc(x[i:i + size]) for i in range(0, len(x), size)])
    enc.train()
    return out


def fit_decoder(dec, opt, p: torch.Tensor, s: torch.Tensor, epochs: int, bs: int, gen, prog: Progress, tag: str,
                norm: float) -> float:
    loss_sum = 0.0
    for ep in range(epochs):
        loss_sum, t0 = 0.0, time.time()
        for idx in batches(len(p), bs, gen):
            loss = F.mse_loss(dec(p[idx]), s[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            loss_sum += loss.item() * len(idx)
        loss_sum /= len(p) / norm
        prog.step(f"{tag} dec {ep + 1}/{epochs} nmse {loss_sum:.4f} ({time.time() - t0:.1f}s/ep)")
    return loss_sum


def fit_encoder(enc, dec, opt, x: torch.Tensor, epochs: int, bs: int, gen, prog: Progress, tag: str, norm: float,
                penalty: Optional[Callable[[torch.Tensor], torch.Tensor]] = None) -> float:
    """The encoder through the frozen decoder on its relaxed features (softmax over note classes);
    `penalty(features)` is added to the loss when given (the melody model's prior)."""
    for q in dec.parameters():
        q.requires_grad_(False)
    dec.eval()
    loss_sum = 0.0
    for ep in range(epochs):
        loss_sum, t0 = 0.0, time.time()
        for idx in batches(len(x), bs, gen):
            feats = enc.relaxed(x[idx])
            loss = F.mse_loss(dec.from_features(feats), x[idx])
            if penalty is not None:
                loss = loss + penalty(feats)
            opt.zero_grad()
            loss.backward()
            opt.step()
            loss_sum += loss.item() * len(idx)
        loss_sum /= len(x) / norm
        prog.step(f"{tag} enc {ep + 1}/{epochs} nmse {loss_sum:.4f} ({time.time() - t0:.1f}s/ep)")
    for q in dec.parameters():
        q.requires_grad_(True)
    dec.train()
    return loss_sum


def mirror_round(enc, dec, opt_e, opt_d, pairs: Sequence[Optional[Pair]], x: torch.Tensor, dec_epochs: int,
                 enc_epochs: int, batch: int, dec_batch: int, gen, prog: Progress, tag: str, norm: float,
                 penalty=None) -> Tuple[float, float]:
    """One round: the decoder on the (parameters, render) `pairs` (None entries skipped), then the
    encoder on the sounds `x`. Returns (decoder nmse, encoder nmse) of their last epochs."""
    used = [pr for pr in pairs if pr is not None]
    dec_loss = fit_decoder(dec, opt_d, torch.cat([pr[0] for pr in used]), torch.cat([pr[1] for pr in used]),
                           dec_epochs, dec_batch, gen, prog, tag, norm)
    enc_loss = fit_encoder(enc, dec, opt_e, x, enc_epochs, batch, gen, prog, tag, norm, penalty)
    return dec_loss, enc_loss


def format_entry(tag: str, entry: dict) -> str:
    return f"{tag}: " + " ".join(f"{k} {v:.4g}" if isinstance(v, float) else f"{k} {v}" for k, v in entry.items())
