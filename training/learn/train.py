"""Learns the controls of a plant (a Pd patch, the built-in synth) with MirrorNet, no labels.

    /usr/bin/python3 -m training.learn.train --plant pd:patches/pd/plants/fm.pd \
        --schema patches/pd/plants/fm.json --run training/runs/learn-fm

`mirrorbridge learn` runs this after its probe. The loop is MirrorNet's (training/common/loop.py, shared
with training/mirrornet/train.py):
babbling (random parameter vectors rendered by the plant) warms the decoder up; then each round
  1. the encoder infers parameters for the training sounds, the plant renders them, and the
     decoder learns those pairs (plus the babbling set and the previous round's pairs);
  2. the encoder learns through the frozen decoder: MSE(D(E(x)), x).
The plant sits in the loop and is never differentiated. The training sounds are renders of
random vectors; their vectors are used for the progress display only (MAE, note accuracy),
never in a loss. The round with the lowest plant loss MSE(aud(plant(E(x))), x) is kept as best.pt.

Resumable: <run>/data.npz caches the renders, <run>/last.pt holds the state after the warm-up
and after every round (networks, optimizers, the replay pairs, the history); `--resume`
continues from it to the schedule's last round. A plant that stops answering is restarted and
retried (training/learn/plant.py); if it stays down, the run stops with its state saved.
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
from training.common.progress import Progress
from training.learn.model import PlantModelConfig, build, config_for
from training.learn.plant import LearnPlant
from training.mirrornet.model import count_params

SCHEDULES = {
    # CI smoke: a tiny schedule that proves the pipeline end to end in well under 3 minutes.
    "smoke": dict(channels=12, babble=48, data=32, warmup_epochs=3, rounds=2, dec_epochs=1, enc_epochs=2, batch=16, dec_batch=16),
    # A synth of about 8 parameters in about 30-40 minutes of one loaded CPU core. The encoder
    # learns from the babbling sounds too (sound only), 1800 sounds in all.
    "default": dict(channels=32, babble=1200, data=600, warmup_epochs=20, rounds=20, dec_epochs=3, enc_epochs=8, batch=32, dec_batch=32),
    # A plant recorded in real time (osc:host:port): every render takes its seconds, so few renders
    # (240 babbling + 120 sounds x 7 renders of them: about 1100 renders, 20 minutes for 1-s notes).
    "realtime": dict(channels=24, babble=240, data=120, warmup_epochs=30, rounds=6, dec_epochs=3, enc_epochs=12, batch=24, dec_batch=24),
}
KEYS = ("channels", "babble", "data", "warmup_epochs", "rounds", "dec_epochs", "enc_epochs", "batch", "dec_batch")


def parse_args(argv=None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--plant", required=True, help="builtin | pd:path/to/synth.pd | osc:host:port")
    ap.add_argument("--schema", default=None, help="the plant's schema JSON (Pd plants)")
    ap.add_argument("--run", required=True, help="run folder (checkpoints, log, data cache)")
    ap.add_argument("--schedule", choices=sorted(SCHEDULES), default="default")
    for k in KEYS:
        ap.add_argument("--" + k.replace("_", "-"), type=int, default=None)
    ap.add_argument("--enc-lr", type=float, default=2e-3)
    ap.add_argument("--dec-lr", type=float, default=3e-3)
    ap.add_argument("--enc-babble", type=int, choices=(0, 1), default=1,
                    help="1: the encoder also learns from the babbling sounds (sound only, no labels)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("--resume", action="store_true", help="continue from <run>/last.pt")
    args = ap.parse_args(argv)
    for k, v in SCHEDULES[args.schedule].items():
        if getattr(args, k) is None:
            setattr(args, k, v)
    return args


def monitor(cfg: PlantModelConfig, pred: np.ndarray, gt: np.ndarray) -> dict:
    """Display only: agreement with the vectors the training sounds were rendered from."""
    out = {"mae": float(np.mean(np.abs(pred - gt)))}
    j = cfg.pitch_index
    if j is not None:
        grid = np.array(cfg.pitch_grid_p)
        snap = lambda p: np.argmin(np.abs(p[:, None] - grid[None, :]), axis=1)
        out["note_acc"] = float(np.mean(snap(pred[:, j]) == snap(gt[:, j])))
    return out


def load_data(plant: LearnPlant, args, cache: Path, prog: Progress):
    key = f"{plant.source}:{json.dumps(plant.schema, sort_keys=True)}:{args.data}:{args.babble}:{args.seed}"
    if cache.exists():
        z = np.load(cache)
        if str(z["key"]) == key:
            prog.note(f"data: loaded {cache}")
            return z["gt"], z["x"], z["babble_p"], z["babble_s"], float(z["render_s"])
    rng = np.random.default_rng(args.seed)
    t0 = time.time()
    gt = rng.random((args.data, plant.n_params), dtype=np.float32)
    babble_p = rng.random((args.babble, plant.n_params), dtype=np.float32)
    prog.note(f"babbling: rendering {args.babble} random vectors and {args.data} training sounds through {plant.source}")
    x = plant.aud(gt)
    babble_s = plant.aud(babble_p)
    render_s = (time.time() - t0) / (args.data + args.babble)
    prog.note(f"data: {args.data} sounds {tuple(x.shape[1:])}, babbling {args.babble}; plant + features {render_s * 1e3:.1f} ms/clip")
    np.savez(cache, key=key, gt=gt, x=x, babble_p=babble_p, babble_s=babble_s, render_s=render_s)
    return gt, x, babble_p, babble_s, render_s


def save(path: Path, cfg, enc, dec, opt_e, opt_d, state: dict) -> None:
    tmp = path.with_suffix(".tmp")
    torch.save({"config": cfg.to_dict(), "encoder": enc.state_dict(), "decoder": dec.state_dict(),
                "opt_e": opt_e.state_dict(), "opt_d": opt_d.state_dict(), **state}, tmp)
    tmp.replace(path)       # never a half-written checkpoint


def main(argv=None) -> int:
    args = parse_args(argv)
    run = Path(args.run)
    run.mkdir(parents=True, exist_ok=True)
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    prog = Progress(run / "train.log")
    prog.note(f"learn {args.plant}: {json.dumps(vars(args))}")
    gen = torch.Generator().manual_seed(args.seed)
    t_start = time.time()
    tens = lambda a: torch.from_numpy(np.ascontiguousarray(a, dtype=np.float32))

    with LearnPlant(args.plant, args.schema, log=prog.note) as plant:
        gt, x_np, babble_p, babble_s, render_s = load_data(plant, args, run / "data.npz", prog)
        x, bp, bs_ = tens(x_np), tens(babble_p), tens(babble_s)
        state = torch.load(run / "last.pt", map_location="cpu") if args.resume and (run / "last.pt").exists() else None
        if args.resume and state is None:
            prog.note(f"nothing to resume in {run}; starting afresh")
        cfg = (PlantModelConfig.from_dict(state["config"]) if state else
               config_for(plant.schema, x_np.shape[2], args.channels, float(1.0 / (x_np.std() + 1e-8))))
        enc, dec = build(cfg)
        opt_e = torch.optim.Adam(enc.parameters(), lr=args.enc_lr)
        opt_d = torch.optim.Adam(dec.parameters(), lr=args.dec_lr)
        norm = cfg.spec_scale ** 2
        prog.note(f"model: channels {cfg.channels}, encoder {count_params(enc)} / decoder {count_params(dec)} parameters, "
                  f"pitch {'categorical over ' + str(cfg.classes) + ' grid notes' if cfg.pitch_index is not None else 'none (all continuous)'}, "
                  f"threads {torch.get_num_threads()}")
        if state:
            enc.load_state_dict(state["encoder"]), dec.load_state_dict(state["decoder"])
            opt_e.load_state_dict(state["opt_e"]), opt_d.load_state_dict(state["opt_d"])
            history, best, prev = state["history"], state["best"], state["prev"]
            gen.set_state(state["gen"])
            p, s = state["p"], state["s"]
            prog.note(f"resuming after round {state['round']} (best plant nmse {best:.4f})")
        else:
            fit_decoder(dec, opt_d, bp, bs_, args.warmup_epochs, args.dec_batch, gen, prog, "warm-up", norm)
            history, best, prev = [], float("inf"), None
            p = predict(enc, x)
            s = tens(plant.aud(p.numpy()))
            save(run / "last.pt", cfg, enc, dec, opt_e, opt_d,
                 dict(round=0, history=history, best=best, prev=prev, p=p, s=s, gen=gen.get_state(), args=vars(args)))
        start = state["round"] if state else 0
        enc_x = torch.cat([x, bs_]) if args.enc_babble else x
        for r in range(start + 1, args.rounds + 1):
            tag = f"round {r}/{args.rounds}"
            dec_loss, enc_loss = mirror_round(enc, dec, opt_e, opt_d, [(bp, bs_), (p, s), prev], enc_x, args.dec_epochs,
                                              args.enc_epochs, args.batch, args.dec_batch, gen, prog, tag, norm)
            prev = (p, s)
            p = predict(enc, x)
            s = tens(plant.aud(p.numpy()))
            plant_loss = F.mse_loss(s, x).item() * norm
            entry = {"round": r, "dec_nmse": dec_loss, "enc_nmse": enc_loss, "plant_nmse": plant_loss,
                     "elapsed_s": round(time.time() - t_start, 1), **monitor(cfg, p.numpy(), gt)}
            history.append(entry)
            prog.note(format_entry(tag, entry))
            if plant_loss < best:
                best = plant_loss
                torch.save({"config": cfg.to_dict(), "encoder": enc.state_dict(), "decoder": dec.state_dict(),
                            "info": {"best_round": r, "history": history, "args": vars(args), "source": plant.source,
                                     "schema": plant.schema, "render_ms_per_clip": render_s * 1e3}}, run / "best.pt")
            save(run / "last.pt", cfg, enc, dec, opt_e, opt_d,
                 dict(round=r, history=history, best=best, prev=prev, p=p, s=s, gen=gen.get_state(), args=vars(args)))
    summary = {"plant": args.plant, "seconds": round(time.time() - t_start, 1), "best_plant_nmse": best,
               "history": history, "args": vars(args)}
    (run / "history.json").write_text(json.dumps(summary, indent=2))
    prog.note(f"done in {summary['seconds']} s; best plant nmse {best:.4f}; checkpoints in {run}")
    prog.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
