"""Exports a trained MirrorNet to models/<name>/: encoder.onnx, decoder.onnx and <name>.json.

    /usr/bin/python3 -m training.mirrornet.export --run training/runs/mirrornet-melody --name mirrornet-melody

The export checks itself: a dummy pass checks every shape in PyTorch, then the same inputs go
through onnxruntime-node (training/common/ort_run.js) and the outputs must agree within
--tolerance (default 1e-4). The manifest follows src/models/manifest.ts (DESIGN.md's contract);
parameter names, units and grid come from the plant's schema over the bridge, not a copy.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import tempfile
from datetime import date
from pathlib import Path

import numpy as np
import torch

from training.common.plant import REPO, Plant
from training.mirrornet import data as D
from training.mirrornet.model import ModelConfig, build, count_params, receptive_field

OPSET = 13
ORT_RUN = REPO / "training" / "common" / "ort_run.js"
HOP = 64                              # 8 ms at 8 kHz


def load(ckpt: Path):
    state = torch.load(ckpt, map_location="cpu")
    cfg = ModelConfig.from_dict(state["config"])
    enc, dec = build(cfg)
    enc.load_state_dict(state["encoder"])
    dec.load_state_dict(state["decoder"])
    return cfg, enc.eval(), dec.eval(), state.get("info", {})


def graph_specs(cfg: ModelConfig) -> dict:
    """Input/output tensor specs of both graphs; strings are dynamic axes."""
    if cfg.variant == "melody":
        aud, par = ["batch", 128, cfg.frames], ["batch", cfg.n_notes, cfg.n_params]
    else:
        aud, par = ["batch", 128, "frames"], ["batch", "frames", cfg.n_params]
    t = lambda name, shape: {"name": name, "dtype": "float32", "shape": shape}
    return {"encoder": ([t("aud", aud)], [t("params", par)]), "decoder": ([t("params", par)], [t("aud", aud)])}


def concrete(shape, batch: int, frames: int):
    return [batch if s == "batch" else frames if s == "frames" else s for s in shape]


def dynamic_axes(specs) -> dict:
    return {t["name"]: {i: s for i, s in enumerate(t["shape"]) if isinstance(s, str)} for t in specs}


def vary(x: torch.Tensor, cfg: ModelConfig, graph: str) -> torch.Tensor:
    """Twice the batch and, for the stream variant, half the frames (time is axis 2 of aud, 1 of params)."""
    x = torch.cat([x, x.flip(0)])
    if cfg.variant == "stream":
        x = x[:, :, : x.shape[2] // 2] if graph == "encoder" else x[:, : x.shape[1] // 2]
    return x


def export_graph(module, name: str, spec, folder: Path, sample: torch.Tensor, opset: int) -> dict:
    inputs, outputs = spec
    path = folder / f"{name}.onnx"
    torch.onnx.export(module, (sample,), str(path), input_names=[inputs[0]["name"]],
                      output_names=[outputs[0]["name"]], dynamic_axes=dynamic_axes(inputs + outputs),
                      opset_version=opset, do_constant_folding=True)
    return {"file": path.name, "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
            "inputs": inputs, "outputs": outputs}


def check_shapes(module, spec, sample: torch.Tensor, batch: int, frames: int) -> torch.Tensor:
    with torch.no_grad():
        y = module(sample)
    want = concrete(spec[1][0]["shape"], batch, frames)
    if list(y.shape) != want:
        raise SystemExit(f"shape check failed: {spec[1][0]['name']} is {list(y.shape)}, expected {want}")
    return y


def ort_parity(path: Path, x: torch.Tensor, y: torch.Tensor) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        fin, fout = Path(tmp) / "in.f32", Path(tmp) / "out.f32"
        x.numpy().astype("<f4").tofile(fin)
        r = subprocess.run(["node", str(ORT_RUN), str(path), str(fin), json.dumps(list(x.shape)), str(fout)],
                           cwd=REPO, capture_output=True, text=True)
        reply = json.loads(r.stdout.strip().splitlines()[-1]) if r.stdout.strip() else {"ok": False, "message": r.stderr}
        if not reply.get("ok"):
            raise SystemExit(f"onnxruntime-node failed on {path.name}: {reply.get('message')}")
        got = np.fromfile(fout, dtype="<f4").reshape(reply["shape"])
    if list(got.shape) != list(y.shape):
        raise SystemExit(f"{path.name}: onnxruntime shape {list(got.shape)} != PyTorch {list(y.shape)}")
    return float(np.max(np.abs(got - y.numpy())))


def param_entry(spec: dict, stream: bool, note_range=(62, 74)) -> dict:
    """A manifest ParamEntry from the plant's ParamSpec (src/synth/params.ts). A stream model over
    other notes than 62..74 (the voice model, 36..84) gives its note's range by the plant's own
    continuous mapping p = (midi - 62) / 12."""
    entry = {"name": spec["name"], "range": list(spec["range"]), "unit": spec["unit"]}
    if stream and spec["name"] == "note" and tuple(note_range) != (62, 74):
        lo, hi = note_range
        return dict(entry, range=[(lo - 62) / 12, (hi - 62) / 12], unitRange=[lo, hi], scale="linear")
    curve = spec["curve"]
    if curve == "slotFraction":
        if stream:       # continuous mode reads duration as a gate (on while p > 0.5)
            return dict(entry, unit="gate")
        slot = D.SECONDS / D.NOTES
        return dict(entry, unitRange=[slot * spec["min"], slot * spec["max"]], scale="linear")
    entry.update(unitRange=[spec["min"], spec["max"]], scale="log" if curve == "exponential" else "linear")
    if curve == "grid" and not stream:  # the continuous renderer does not snap pitch
        entry["grid"] = list(spec["grid"])
    return entry


def manifest(cfg, name, version, opset, graphs, schema, info, evaluation) -> dict:
    hist = info.get("history", [])
    args = info.get("args", {})
    stream = cfg.variant == "stream"
    voice = stream and tuple(cfg.note_range) != (62, 74)
    params = [param_entry(p, stream, cfg.note_range) for p in schema]
    # The stream model trains on STREAM_DURATION gates (data.py), the melody model on TRAIN_RANGES,
    # the voice model on data.sample_voice_frames (VOICE_RANGES, notes over VOICE_MIDI).
    if voice:
        ranges = {n: list(D.VOICE_RANGES[n]) for n in D.SET1}
        ranges["note"] = list(cfg.ranges[0])
        ranges["duration"] = [0.5, 1.0]
    else:
        ranges = {n: list(D.STREAM_DURATION if stream and n == "duration" else D.TRAIN_RANGES[n]) for n in D.SET1}
    lookahead = cfg.lookahead * HOP if stream else int(D.SECONDS * 8000)
    settings = {"channels": 128, "frameMs": 8, "timeConstantMs": 8, "hop": HOP, "normalization": "unit-rms"}
    if not stream:
        settings["frames"] = cfg.frames
    return {
        "name": name, "kind": f"mirrornet-{cfg.variant}", "version": version, "opset": opset, "graphs": graphs,
        "audio": {"sampleRate": 8000, "feature": "auditory", "settings": settings},
        "params": params,
        "latency": {"samples": (HOP * (1 + cfg.lookahead)) if stream else int(D.SECONDS * 8000),
                    "lookaheadSamples": lookahead},
        "training": {
            "data": {"melodies": args.get("data"), "babbling": args.get("babble"), "notesPerMelody": D.NOTES,
                     "seconds": D.SECONDS, "sampleRate": 8000, "ranges": ranges,
                     "renderer": ("continuous (voice-like phrases over MIDI %d-%d: data.sample_voice_frames)" % tuple(cfg.note_range))
                     if voice else "continuous (jittered note slots)" if stream else "melody (fixed 0.4-s slots)"},
            "schedule": {**{k: args.get(k) for k in ("dec_epochs", "enc_epochs", "warmup_epochs", "batch", "dec_batch",
                                                     "enc_lr", "dec_lr")},
                         "rounds": hist[-1]["round"] if hist else 0},
            "seed": args.get("seed"),
            "model": {"channels": cfg.channels, "dilations": list(cfg.dilations), "kernel": cfg.kernel,
                      "encoderRanges": [list(r) for r in cfg.ranges]},
            "bestRound": info.get("best_round"),
            "finalMetrics": {"train": hist[-1] if hist else None,
                             "best": next((h for h in hist if h["round"] == info.get("best_round")), None),
                             "heldOut": evaluation},
        },
        "extra": ({"framesPerSecond": 125, "lookaheadFrames": cfg.lookahead, "receptiveFieldFrames": receptive_field(cfg),
                   "gate": {"param": "duration", "threshold": 0.5}}
                  if stream else {"notes": cfg.n_notes, "framesPerNote": cfg.frames_per_note, "seconds": D.SECONDS}),
    }


def held_out(path: Path, variant: str) -> dict:
    """The part of evaluate.py's results.json that concerns this variant, without figure names."""
    res = json.loads(path.read_text())
    keys = ["stream"] if variant == "stream" else [k for k in res if k.startswith("exp")]
    strip = lambda d: {k: v for k, v in d.items() if k != "figure"}
    return {"seed": res.get("heldout_seed"), **{k: strip(res[k]) for k in keys if k in res}}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="export MirrorNet to ONNX + manifest")
    ap.add_argument("--run", required=True, help="training run folder (with best.pt)")
    ap.add_argument("--ckpt", default="best.pt")
    ap.add_argument("--name", required=True)
    ap.add_argument("--out", default=None, help="model folder (default models/<name>)")
    ap.add_argument("--opset", type=int, default=OPSET)
    ap.add_argument("--version", default=f"1.0.0+{date.today():%Y%m%d}")
    ap.add_argument("--eval", default=None, help="evaluation JSON to embed as held-out metrics")
    ap.add_argument("--tolerance", type=float, default=1e-4)
    ap.add_argument("--notes", default=None, help="free text stored as training.notes (e.g. how the run was resumed)")
    args = ap.parse_args(argv)
    torch.set_num_threads(1)

    cfg, enc, dec, info = load(Path(args.run) / args.ckpt)
    folder = Path(args.out or REPO / "models" / args.name)
    folder.mkdir(parents=True, exist_ok=True)
    specs = graph_specs(cfg)
    batch, frames = 2, (cfg.frames if cfg.variant == "melody" else 100)
    gen = torch.Generator().manual_seed(0)
    x_aud = torch.rand(concrete(specs["encoder"][0][0]["shape"], batch, frames), generator=gen) / cfg.spec_scale
    p = check_shapes(enc, specs["encoder"], x_aud, batch, frames)
    y_aud = check_shapes(dec, specs["decoder"], p, batch, frames)

    graphs, parity = {}, {}
    for gname, module, x, y in (("encoder", enc, x_aud, p), ("decoder", dec, p, y_aud)):
        graphs[gname] = export_graph(module, gname, specs[gname], folder, x, args.opset)
        # Parity on a different batch/length than the export sample also proves the dynamic axes.
        x2 = vary(x, cfg, gname)
        with torch.no_grad():
            y2 = module(x2)
        parity[gname] = ort_parity(folder / f"{gname}.onnx", x2, y2)
    with Plant() as plant:
        schema = plant.request({"op": "schema", "paramCount": cfg.n_params})["params"]
    evaluation = held_out(Path(args.eval), cfg.variant) if args.eval else None
    man = manifest(cfg, args.name, args.version, args.opset, graphs, schema, info, evaluation)
    man["training"]["parityMaxAbsDiff"] = parity
    if args.notes:
        man["training"]["notes"] = args.notes
    man["training"]["model"]["parameters"] = {"encoder": count_params(enc), "decoder": count_params(dec)}
    (folder / f"{args.name}.json").write_text(json.dumps(man, indent=2) + "\n")
    worst = max(parity.values())
    status = "ok" if worst <= args.tolerance else "FAILED"
    print(json.dumps({"export": str(folder), "parity": parity, "tolerance": args.tolerance, "status": status}))
    return 0 if worst <= args.tolerance else 1


if __name__ == "__main__":
    raise SystemExit(main())
