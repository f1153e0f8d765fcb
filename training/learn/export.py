"""Exports a learned plant model to models/<name>/: encoder.onnx, decoder.onnx, <name>.json.

    /usr/bin/python3 -m training.learn.export --run training/runs/learn-fm --name fm --eval training/runs/learn-fm/results.json

Checks itself as training/mirrornet/export.py does: a dummy pass checks every shape, the same
inputs (twice the batch) go through onnxruntime-node and must agree within --tolerance. The
manifest follows src/models/manifest.ts; `params` and `plant` come from the plant's schema as
the plant server reports it. Everything is written to a sibling folder `.<name>.partial-<pid>`
first and renamed into place only when every check passed, so a failed export leaves nothing
half-written in models/.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
from datetime import date
from pathlib import Path

import torch

from training.common.plant import REPO
from training.learn.evaluate import load
from training.learn.report import REPORT_FILES
from training.mirrornet.export import dynamic_axes, ort_parity
from training.mirrornet.model import count_params

OPSET = 13
HOP = 64
KIND = "mirrornet-plant"


def graph_specs(cfg) -> dict:
    t = lambda name, shape: {"name": name, "dtype": "float32", "shape": shape}
    aud, par = ["batch", 128, cfg.frames], ["batch", cfg.n_params]
    return {"encoder": ([t("aud", aud)], [t("params", par)]), "decoder": ([t("params", par)], [t("aud", aud)])}


def export_graph(module, name: str, spec, folder: Path, sample: torch.Tensor) -> dict:
    inputs, outputs = spec
    path = folder / f"{name}.onnx"
    torch.onnx.export(module, (sample,), str(path), input_names=[inputs[0]["name"]], output_names=[outputs[0]["name"]],
                      dynamic_axes=dynamic_axes(inputs + outputs), opset_version=OPSET, do_constant_folding=True)
    return {"file": path.name, "sha256": hashlib.sha256(path.read_bytes()).hexdigest(), "inputs": inputs, "outputs": outputs}


def param_entries(schema: dict) -> list:
    out = []
    for p in schema["params"]:
        e = {"name": p["name"], "range": [0, 1], "unit": p["unit"], "unitRange": [p["min"], p["max"]], "scale": p["scale"]}
        if p.get("grid"):
            e["grid"] = list(p["grid"])
        out.append(e)
    return out


def manifest(cfg, name, version, graphs, info, evaluation, probe, parity) -> dict:
    schema, args, hist = info["schema"], info["args"], info.get("history", [])
    clip = int(round(schema["seconds"] * 8000))
    return {
        "name": name, "kind": KIND, "version": version, "opset": OPSET, "graphs": graphs,
        "audio": {"sampleRate": 8000, "feature": "auditory",
                  "settings": {"channels": 128, "frameMs": 8, "timeConstantMs": 8, "hop": HOP, "normalization": "unit-rms",
                               "frames": cfg.frames}},
        "params": param_entries(schema),
        "plant": {"kind": info["source"].split(":")[0], "source": info["source"], "schemaFile": args.get("schema"),
                  "schema": schema},
        "latency": {"samples": clip, "lookaheadSamples": clip},
        "training": {
            "data": {"sounds": args["data"], "babbling": args["babble"], "secondsPerSound": schema["seconds"],
                     "renderRate": schema["sampleRate"], "featureRate": 8000, "sampling": "uniform in [0, 1] per parameter"},
            "schedule": {k: args[k] for k in ("schedule", "rounds", "warmup_epochs", "dec_epochs", "enc_epochs", "batch",
                                              "dec_batch", "enc_lr", "dec_lr")},
            "seed": args["seed"],
            "model": {"channels": cfg.channels, "dilations": list(cfg.dilations), "kernel": cfg.kernel,
                      "pitch": schema.get("pitch") if cfg.pitch_index is not None else None,
                      "parameters": None},
            "bestRound": info.get("best_round"),
            "renderMsPerClip": info.get("render_ms_per_clip"),
            "finalMetrics": {"train": hist[-1] if hist else None,
                             "best": next((h for h in hist if h["round"] == info.get("best_round")), None),
                             "heldOut": evaluation},
            "probe": probe,
            "parityMaxAbsDiff": parity,
        },
        "extra": {"framesPerClip": cfg.frames, "clipSeconds": schema["seconds"], "mode": schema["mode"]},
    }


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="export a learned plant model to ONNX + manifest")
    ap.add_argument("--run", required=True)
    ap.add_argument("--ckpt", default="best.pt")
    ap.add_argument("--name", required=True)
    ap.add_argument("--out", default=None, help="model folder (default models/<name>)")
    ap.add_argument("--eval", default=None, help="results.json of training.learn.evaluate (held-out figures)")
    ap.add_argument("--version", default=f"1.0.0+{date.today():%Y%m%d}")
    ap.add_argument("--tolerance", type=float, default=1e-4)
    ap.add_argument("--force", action="store_true", help="replace an existing model folder")
    args = ap.parse_args(argv)
    torch.set_num_threads(1)
    run = Path(args.run)
    cfg, enc, dec, info = load(run / args.ckpt)
    final = Path(args.out or REPO / "models" / args.name)
    if final.exists() and not args.force:
        raise SystemExit(f"MB_ERR_BAD_ARGS: {final} exists; pass --force to replace it")
    tmp = final.parent / f".{final.name}.partial-{os.getpid()}"
    tmp.mkdir(parents=True)
    try:
        specs = graph_specs(cfg)
        gen = torch.Generator().manual_seed(0)
        x = torch.rand(2, 128, cfg.frames, generator=gen) / cfg.spec_scale
        with torch.no_grad():
            p = enc(x)
            y = dec(p)
        if list(p.shape) != [2, cfg.n_params] or list(y.shape) != [2, 128, cfg.frames]:
            raise SystemExit(f"shape check failed: params {list(p.shape)}, aud {list(y.shape)}")
        graphs, parity = {}, {}
        for gname, module, sample in (("encoder", enc, x), ("decoder", dec, p)):
            graphs[gname] = export_graph(module, gname, specs[gname], tmp, sample)
            x2 = torch.cat([sample, sample.flip(0)])
            with torch.no_grad():
                y2 = module(x2)
            parity[gname] = ort_parity(tmp / f"{gname}.onnx", x2, y2)
        evaluation = json.loads(Path(args.eval).read_text()) if args.eval else None
        probe_path = run / "probe.json"
        probe = json.loads(probe_path.read_text()) if probe_path.exists() else None
        man = manifest(cfg, args.name, args.version, graphs, info, evaluation, probe, parity)
        man["training"]["model"]["parameters"] = {"encoder": count_params(enc), "decoder": count_params(dec)}
        report = [f for f in REPORT_FILES if (run / f).exists()]
        for f in report:
            shutil.copy(run / f, tmp / f)
        if report:
            man["training"]["report"] = report
        (tmp / f"{args.name}.json").write_text(json.dumps(man, indent=2) + "\n")
        worst = max(parity.values())
        if worst > args.tolerance:
            raise SystemExit(f"parity failed: {parity} > {args.tolerance}")
        if final.exists():
            shutil.rmtree(final)
        tmp.replace(final)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp)
    print(json.dumps({"export": str(final), "parity": parity, "tolerance": args.tolerance, "status": "ok"}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
