"""Trains MirrorNet (melody or stream variant) from scratch against the TypeScript plant.

    /usr/bin/python3 -m training.mirrornet.train --variant melody --out training/runs/mirrornet-melody

Loop (paper, ICASSP 2022): after a decoder warm-up on randomly sampled parameters ("babbling":
the plant renders parameters drawn from the training ranges, the decoder learns to imitate it),
each round
  1. the encoder predicts parameters for the training melodies, the plant renders them, and the
     decoder learns MSE(D(E(x)), aud(plant(E(x)))) on those pairs (plus the babbling set and the
     previous round's pairs, a small replay that keeps the decoder valid around the encoder);
  2. the encoder learns through the frozen decoder: MSE(D(E(x)), x).
The plant is never differentiated. Ground-truth parameters of the training melodies are used
for the progress display only (note accuracy, MAE), never in a loss.
Losses are shown as normalized MSE (MSE / variance of the training spectrograms; 1.0 = predicting
a constant). The checkpoint with the lowest plant loss MSE(aud(plant(E(x))), x) (label-free) is kept as best.pt.
"""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from training.common.loop import fit_decoder, format_entry, mirror_round, predict
from training.common.plant import Plant
from training.common.progress import Progress
from training.mirrornet import data as D
from training.mirrornet.model import ModelConfig, build, count_params, pick_device

PRESETS = {
    # The shipped models' schedules (training/README.md): melody 26 min on two CPU threads
    # (with --prior 0.01 --wide-decay 0.9, the melody defaults), stream about 12 min on two threads.
    "melody": dict(channels=64, rounds=22, dec_epochs=3, enc_epochs=16, warmup_epochs=30, babble=400, data=400,
                   batch=32, dec_batch=16),
    "stream": dict(channels=64, rounds=18, dec_epochs=3, enc_epochs=8, warmup_epochs=30, babble=400, data=400,
                   batch=32, dec_batch=16),
    # The voice model (issue 17): the stream network over MIDI 36-84 (49 note classes) on
    # voice-like trajectories (data.sample_voice_frames); sized for about 45 min on one niced thread.
    "voice": dict(channels=64, rounds=16, dec_epochs=3, enc_epochs=6, warmup_epochs=20, babble=400, data=400,
                  batch=32, dec_batch=16),
    "smoke": dict(channels=16, rounds=2, dec_epochs=1, enc_epochs=1, warmup_epochs=1, babble=16, data=16,
                  batch=8, dec_batch=8),
}


def parse_args(argv=None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--variant", choices=["melody", "stream", "voice"], default="melody")
    ap.add_argument("--smoke", action="store_true", help="tiny data/model/schedule for CI")
    for k in ("channels", "rounds", "dec_epochs", "enc_epochs", "warmup_epochs", "babble", "data", "batch", "dec_batch"):
        ap.add_argument("--" + k.replace("_", "-"), type=int, default=None)
    ap.add_argument("--enc-lr", type=float, default=2e-3)
    ap.add_argument("--dec-lr", type=float, default=3e-3)
    ap.add_argument("--lookahead", type=int, default=2, help="stream: future frames (8 ms each) the encoder sees")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--threads", type=int, default=0, help="torch CPU threads (0 = leave default)")
    ap.add_argument("--device", default="auto")
    ap.add_argument("--out", default=None)
    ap.add_argument("--resume", action="store_true",
                    help="continue from <out>/last.pt (or --resume-from) for --rounds more rounds (no warm-up; fresh optimizers)")
    ap.add_argument("--resume-from", default=None, help="checkpoint to resume from instead of <out>/last.pt")
    ap.add_argument("--reset-encoder", action="store_true", help="with --resume: keep the decoder, start a fresh encoder")
    ap.add_argument("--wide-decay", type=float, default=None,
                    help="melody: let the encoder output decays up to this value (training melodies keep 0.3-0.5) and "
                         "draw the babbling set's decays up to it, so the decoder knows longer notes "
                         "(default 0.9 for --variant melody, as shipped; 0 turns it off)")
    ap.add_argument("--prior", type=float, default=None,
                    help="weight of a Gaussian prior pulling the encoder's continuous outputs (not the note, not the "
                         "gauge-fixed level) toward the middle of their ranges, in units of the normalized loss "
                         "(MAP instead of ML: what the sound does not decide falls back to the middle). With --resume, "
                         "rounds are then selected among the new rounds only. Default 0.01 for --variant melody "
                         "(as shipped), else 0.")
    args = ap.parse_args(argv)
    preset = PRESETS["smoke" if args.smoke else args.variant]
    for k, v in preset.items():
        if getattr(args, k) is None:
            setattr(args, k, v)
    shipped_melody = args.variant == "melody" and not args.smoke
    if args.prior is None:
        args.prior = 0.01 if shipped_melody else 0.0
    if args.wide_decay is None and shipped_melody:
        args.wide_decay = 0.9
    if args.wide_decay == 0:
        args.wide_decay = None
    if args.out is None:
        args.out = f"training/runs/mirrornet-{args.variant}{'-smoke' if args.smoke else ''}"
    return args


# -- data ------------------------------------------------------------------------------------
def render(plant: Plant, variant: str, params: np.ndarray) -> np.ndarray:
    """The plant's spectrograms of `params`: melody renderer for melody, continuous mode otherwise
    (the note kept inside the continuous plant's range after float32 rounding: MIDI 36 is p = -13/6)."""
    if variant != "melody":
        params = params.copy()
        params[..., 0] = np.clip(params[..., 0], D.CONTINUOUS_P[0], D.CONTINUOUS_P[1])
    return plant.melody_aud(params) if variant == "melody" else plant.continuous_aud(params, D.FRAME_RATE)


def make_params(variant: str, n: int, rng: np.random.Generator, grid_notes: bool) -> np.ndarray:
    if variant == "voice":
        return D.sample_voice_frames(n, rng, semitones=grid_notes)
    mel = D.sample_melodies(n, rng, grid_notes=grid_notes, stream=variant == "stream")
    return mel if variant == "melody" else D.melodies_to_frames(mel, rng)


def monitor(variant: str, pred: np.ndarray, gt: np.ndarray) -> dict:
    """Display-only agreement with the (unused in training) ground truth."""
    if variant == "melody":
        acc = float(np.mean(D.p_to_note(pred[..., 0]) == D.p_to_note(gt[..., 0])))
        return {"note_acc": acc, "mae6": float(np.mean(np.abs(pred[..., 1:] - gt[..., 1:])))}
    on = gt[..., 1] > 0.5
    note_ok = np.round(62 + 12 * pred[..., 0]) == np.round(62 + 12 * gt[..., 0])
    gate_ok = (pred[..., 1] > 0.5) == on
    return {"note_acc": float(note_ok[on].mean()), "gate_acc": float(gate_ok.mean()),
            "mae5": float(np.mean(np.abs(pred[..., 2:] - gt[..., 2:])[on]))}


# -- optimisation -----------------------------------------------------------------------------
def prior_penalty(enc, feats: torch.Tensor) -> torch.Tensor:
    """Mean squared distance of the continuous outputs from the middle of their ranges, in range units."""
    k = len(enc.codes)
    n_cls = feats.shape[-1] - (enc.cfg.n_params - k)
    rest = feats[..., n_cls:]
    z = (rest - enc.range.lo) / enc.range.span - 0.5
    keep = [i for i in range(rest.shape[-1]) if enc.cfg.level_param is None or i != enc.cfg.level_param - k]
    return (z[..., keep] ** 2).mean()


def load_data(plant: Plant, args, rng, cache: Path, prog: Progress):
    """Training melodies and babbling set with their plant renders; cached in <out>/data.npz."""
    key = f"{args.variant}:{args.data}:{args.babble}:{args.seed}:{args.wide_decay}"
    if cache.exists():
        z = np.load(cache)
        if str(z["key"]) == key:
            prog.note(f"data: loaded {cache}")
            return z["gt"], z["x"], z["babble_p"], z["babble_s"], float(z["render_s"])
    t0 = time.time()
    gt = make_params(args.variant, args.data, rng, grid_notes=True)
    x_np = render(plant, args.variant, gt)
    babble_p = make_params(args.variant, args.babble, rng, grid_notes=False)
    if args.wide_decay is not None:
        j = D.SET1.index("decay")
        babble_p[..., j] = rng.uniform(D.TRAIN_RANGES["decay"][0], args.wide_decay, size=babble_p.shape[:-1])
    babble_s = render(plant, args.variant, babble_p)
    render_s = (time.time() - t0) / (args.data + args.babble)
    prog.note(f"data: {args.data} melodies {tuple(x_np.shape[1:])}, babbling {args.babble}; "
              f"plant+aud {render_s * 1e3:.1f} ms/clip")
    np.savez(cache, key=key, gt=gt, x=x_np, babble_p=babble_p, babble_s=babble_s, render_s=render_s)
    return gt, x_np, babble_p, babble_s, render_s


def save(path: Path, cfg: ModelConfig, enc, dec, info: dict) -> None:
    torch.save({"config": cfg.to_dict(), "encoder": enc.state_dict(), "decoder": dec.state_dict(), "info": info}, path)


def main(argv=None) -> int:
    args = parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    device = pick_device(args.device)
    prog = Progress(out / "train.log")
    prog.note(f"mirrornet {args.variant}: {json.dumps(vars(args))}")
    rng = np.random.default_rng(args.seed)
    gen = torch.Generator().manual_seed(args.seed)
    t_start = time.time()

    with Plant(log=prog.note) as plant:
        gt, x_np, babble_p, babble_s, render_s = load_data(plant, args, rng, out / "data.npz", prog)
        start_round, history, best = 0, [], float("inf")
        if args.resume:
            state = torch.load(args.resume_from or out / "last.pt", map_location="cpu")
            cfg = ModelConfig.from_dict(state["config"])
            history = state["info"]["history"]
            start_round = history[-1]["round"]
            best = min(h["plant_nmse"] for h in history) if args.prior == 0 else float("inf")
            prog.note(f"resuming after round {start_round} (best plant nmse {best:.4f})")
        else:
            scale = float(1.0 / (x_np.std() + 1e-8))
            voice = args.variant == "voice"
            ranges = D.voice_encoder_ranges() if voice else D.encoder_ranges(stream=args.variant == "stream")
            if args.wide_decay is not None:
                ranges[D.SET1.index("decay")] = (D.TRAIN_RANGES["decay"][0], args.wide_decay)
            cfg = ModelConfig(variant="stream" if voice else args.variant, channels=args.channels, n_params=7, lookahead=args.lookahead,
                              frames=x_np.shape[2], ranges=ranges, spec_scale=scale,
                              level_param=D.SET1.index("volume") if args.variant == "melody" else None,
                              note_range=D.VOICE_MIDI if voice else (62, 74))
        enc, dec = build(cfg)
        if args.resume:
            dec.load_state_dict(state["decoder"])
            if not args.reset_encoder:
                enc.load_state_dict(state["encoder"])
        enc.to(device), dec.to(device)
        prog.note(f"model: channels {cfg.channels}, encoder {count_params(enc)} params, decoder {count_params(dec)} "
                  f"params, device {device}, threads {torch.get_num_threads()}")
        opt_e = torch.optim.Adam(enc.parameters(), lr=args.enc_lr)
        opt_d = torch.optim.Adam(dec.parameters(), lr=args.dec_lr)
        tens = lambda a: torch.from_numpy(np.ascontiguousarray(a, dtype=np.float32)).to(device)
        x, bp, bs_ = tens(x_np), tens(babble_p), tens(babble_s)

        norm = cfg.spec_scale ** 2
        if not args.resume:
            fit_decoder(dec, opt_d, bp, bs_, args.warmup_epochs, args.dec_batch, gen, prog, "warm-up", norm)
        p = predict(enc, x)
        s = tens(render(plant, args.variant, p.cpu().numpy()))
        prev = None
        last_round = start_round + args.rounds
        for r in range(start_round + 1, last_round + 1):
            tag = f"round {r}/{last_round}"
            penalty = (lambda f: (args.prior / norm) * prior_penalty(enc, f)) if args.prior > 0 else None
            dec_loss, enc_loss = mirror_round(enc, dec, opt_e, opt_d, [(bp, bs_), (p, s), prev], x,
                                              args.dec_epochs, args.enc_epochs, args.batch, args.dec_batch, gen, prog,
                                              tag, norm, penalty)
            prev = (p, s)
            p = predict(enc, x)
            s = tens(render(plant, args.variant, p.cpu().numpy()))
            plant_loss = F.mse_loss(s, x).item() * norm
            entry = {"round": r, "dec_nmse": dec_loss, "enc_nmse": enc_loss, "plant_nmse": plant_loss,
                     "elapsed_s": round(time.time() - t_start, 1), **monitor(args.variant, p.cpu().numpy(), gt)}
            history.append(entry)
            prog.note(format_entry(tag, entry))
            info = {"args": vars(args), "history": history, "render_ms_per_clip": render_s * 1e3}
            save(out / "last.pt", cfg, enc, dec, info)
            if plant_loss < best:
                best = plant_loss
                save(out / "best.pt", cfg, enc, dec, dict(info, best_round=r))
    summary = {"variant": args.variant, "seconds": round(time.time() - t_start, 1), "best_plant_nmse": best,
               "history": history, "args": vars(args)}
    (out / "history.json").write_text(json.dumps(summary, indent=2))
    prog.note(f"done in {summary['seconds']} s; best plant nmse {best:.4f}; checkpoints in {out}")
    prog.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
