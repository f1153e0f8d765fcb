"""Held-out figures of a learned plant model, on renders it has never seen (another seed).

    /usr/bin/python3 -m training.learn.evaluate --run training/runs/learn-fm

For N random parameter vectors rendered by the plant:
- per-parameter MAE (normalized units) of the encoder's inference against the vectors rendered;
  the median over the parameters the probe called audible (<run>/probe.json, else all);
- note accuracy where the plant has a pitch: the inferred grid note equals the rendered one;
- distance of the plant's re-rendering, plant(E(x)), to x (feature MSE / variance of x) against
  the best fixed preset: the one vector, among M random ones and the schema's defaults, whose
  render is nearest to all held-out sounds on average (chosen on the held-out set itself, which
  favours the preset). `closerThanPreset` = 1 - model distance / preset distance.
Writes <run>/results.json (or --out) and <run>/heldout.png: three held-out sounds in columns,
from top to bottom the input, the decoder's D(E(x)), the plant's re-rendering plant(E(x)) and
the best fixed preset (one colour scale, low frequencies at the bottom of each panel).
"""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
import torch

from training.common.png import spectrogram_panels
from training.learn.report import write_report
from training.learn.model import PlantModelConfig, build
from training.learn.plant import LearnPlant

HELDOUT_SEED = 4242


def load(ckpt: Path):
    state = torch.load(ckpt, map_location="cpu")
    cfg = PlantModelConfig.from_dict(state["config"])
    enc, dec = build(cfg)
    enc.load_state_dict(state["encoder"])
    dec.load_state_dict(state["decoder"])
    return cfg, enc.eval(), dec.eval(), state["info"]


def nmse_rows(a: np.ndarray, b: np.ndarray, var: float) -> np.ndarray:
    return ((a - b) ** 2).reshape(len(a), -1).mean(axis=1) / var


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="held-out figures of a learned plant model")
    ap.add_argument("--run", required=True)
    ap.add_argument("--ckpt", default="best.pt")
    ap.add_argument("--heldout", type=int, default=200)
    ap.add_argument("--presets", type=int, default=256)
    ap.add_argument("--seed", type=int, default=HELDOUT_SEED)
    ap.add_argument("--out", default=None)
    ap.add_argument("--threads", type=int, default=1)
    args = ap.parse_args(argv)
    torch.set_num_threads(args.threads)
    run = Path(args.run)
    cfg, enc, dec, info = load(run / args.ckpt)
    targs = info["args"]
    rng = np.random.default_rng(args.seed)
    with LearnPlant(targs["plant"], targs.get("schema")) as plant:
        schema = plant.schema
        names = [p["name"] for p in schema["params"]]
        gt = rng.random((args.heldout, plant.n_params), dtype=np.float32)
        t0 = time.time()
        x = plant.aud(gt)
        render_ms = (time.time() - t0) * 1e3 / args.heldout
        with torch.no_grad():
            pred = torch.cat([enc(torch.from_numpy(x[i:i + 64])) for i in range(0, len(x), 64)]).numpy()
        s = plant.aud(pred)
        defaults = np.array([[p.get("default", 0.5) for p in schema["params"]]], dtype=np.float32)
        presets = np.concatenate([defaults, rng.random((args.presets, plant.n_params), dtype=np.float32)])
        ps = plant.aud(presets)
    var = float(x.var())
    model_d = nmse_rows(s, x, var)
    preset_d = np.array([nmse_rows(np.broadcast_to(ps[k], x.shape), x, var).mean() for k in range(len(ps))])
    best = int(np.argmin(preset_d))
    mae = np.abs(pred - gt).mean(axis=0)
    probe_path = run / "probe.json"
    audible = names
    if probe_path.exists():
        probe = json.loads(probe_path.read_text())
        audible = [p["name"] for p in probe["params"] if p["status"] == "audible"] or names
    res = {
        "heldoutSeed": args.seed, "heldout": args.heldout, "checkpoint": args.ckpt, "bestRound": info.get("best_round"),
        "maePerParam": {n: float(m) for n, m in zip(names, mae)},
        "audibleParams": audible,
        "medianMaeAudible": float(np.median([mae[names.index(n)] for n in audible])),
        "plantDistance": float(model_d.mean()),
        "bestPresetDistance": float(preset_d[best]),
        "bestPreset": {n: float(v) for n, v in zip(names, presets[best])},
        "presetCandidates": len(presets),
        "closerThanPreset": float(1 - model_d.mean() / preset_d[best]),
        # the trivial baseline: every parameter at the middle of its range
        "baselineMaePerParam": {n: float(m) for n, m in zip(names, np.abs(gt - 0.5).mean(axis=0))},
        "renderMsPerClip": {"training": info.get("render_ms_per_clip"), "heldout": render_ms},
        "renderSecondsPerClip": schema["seconds"],
    }
    if cfg.pitch_index is not None:
        grid = np.array(cfg.pitch_grid_p)
        snap = lambda p: np.argmin(np.abs(p[:, None] - grid[None, :]), axis=1)
        j = cfg.pitch_index
        hit = snap(pred[:, j]) == snap(gt[:, j])
        res["noteAccuracy"] = float(hit.mean())
        truth = snap(gt[:, j])
        # where the pitch is heard well and where not: note accuracy over the low and the high half
        # of each other parameter's range (normalized < 0.5, >= 0.5)
        res["noteAccuracyByHalf"] = {n: [float(hit[gt[:, k] < 0.5].mean()), float(hit[gt[:, k] >= 0.5].mean())]
                                     for k, n in enumerate(names) if k != j}
        res["baselineNoteAccuracy"] = float(np.bincount(truth).max() / len(truth))  # always the commonest note
        res["noteWithinSemitone"] = float((np.abs(np.array(cfg.pitch_grid_units)[snap(pred[:, j])]
                                            - np.array(cfg.pitch_grid_units)[snap(gt[:, j])]) <= 1).mean())
    with torch.no_grad():
        recon = dec(torch.from_numpy(pred[:3])).numpy()
    side3 = lambda a: [np.asarray(a[k]) for k in range(3)]
    spectrogram_panels([side3(x), side3(recon), side3(s), side3(np.broadcast_to(ps[best], x[:3].shape))], run / "heldout.png",
                       titles=("input x", "decoder D(E(x))", "plant(E(x))", "best fixed preset"),
                       col_titles=("held-out 1", "held-out 2", "held-out 3"),
                       title=f"{schema['name']}: held-out sounds (seed {args.seed}), never in training")
    res["figure"] = "heldout.png"
    out = Path(args.out) if args.out else run / "results.json"
    out.write_text(json.dumps(res, indent=2) + "\n")
    write_report(run, res, info, schema, {"input x": side3(x), "decoder D(E(x))": side3(recon),
                                           "plant(E(x))": side3(s), "best fixed preset": side3(np.broadcast_to(ps[best], x[:3].shape))})
    print(json.dumps(res))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
