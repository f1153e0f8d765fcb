"""Exports the note model to models/<name>/: encoder.onnx, decoder.onnx and <name>.json.

    /usr/bin/python3 -m training.mirrornet.notes_export --run training/runs/mirrornet-notes --name mirrornet-notes

Checks itself as training/mirrornet/export.py does: a dummy pass checks every shape in PyTorch,
then other inputs (another batch size, proving the dynamic axis) go through onnxruntime-node
(training/common/ort_run_inputs.js) and must agree within --tolerance (default 1e-4). Units and
ranges of the controls come from the plant's schema over the bridge.
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
from training.mirrornet import notes as N

ORT_RUN = REPO / "training" / "common" / "ort_run_inputs.js"
OPSET = 13
HOP = 64


def tensor(name, shape):
    return {"name": name, "dtype": "float32", "shape": shape}


SPECS = {
    "encoder": ([tensor("aud", ["batch", N.CHANNELS, N.FRAMES]), tensor("cond", ["batch", 2])],
                [tensor("controls", ["batch", len(N.CONTROLS)])]),
    "decoder": ([tensor("vector", ["batch", len(N.VECTOR)])],
                [tensor("aud", ["batch", N.CHANNELS // N.POOL, N.FRAMES // N.POOL])]),
}


def load(ckpt: Path):
    state = torch.load(ckpt, map_location="cpu")
    enc, dec = N.NoteEncoder(state["config"]["channels"]), N.NoteDecoder(state["config"]["hidden"])
    enc.load_state_dict(state["encoder"])
    dec.load_state_dict(state["decoder"])
    return enc.eval(), dec.eval(), state


def concrete(shape, batch):
    return [batch if s == "batch" else s for s in shape]


def export_graph(module, name, folder: Path, sample: tuple) -> dict:
    inputs, outputs = SPECS[name]
    path = folder / f"{name}.onnx"
    axes = {t["name"]: {0: "batch"} for t in inputs + outputs}
    torch.onnx.export(module, sample, str(path), input_names=[t["name"] for t in inputs],
                      output_names=[outputs[0]["name"]], dynamic_axes=axes, opset_version=OPSET, do_constant_folding=True)
    return {"file": path.name, "sha256": hashlib.sha256(path.read_bytes()).hexdigest(), "inputs": inputs, "outputs": outputs}


def ort_parity(path: Path, names, xs, y: torch.Tensor) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        args = []
        for i, (n, x) in enumerate(zip(names, xs)):
            f = Path(tmp) / f"in{i}.f32"
            x.numpy().astype("<f4").tofile(f)
            args.append(f"{n}={f}:{json.dumps(list(x.shape))}")
        out = Path(tmp) / "out.f32"
        r = subprocess.run(["node", str(ORT_RUN), str(path), str(out), *args], cwd=REPO, capture_output=True, text=True)
        reply = json.loads(r.stdout.strip().splitlines()[-1]) if r.stdout.strip() else {"ok": False, "message": r.stderr}
        if not reply.get("ok"):
            raise SystemExit(f"onnxruntime-node failed on {path.name}: {reply.get('message')}")
        got = np.fromfile(out, dtype="<f4").reshape(reply["shape"])
    if list(got.shape) != list(y.shape):
        raise SystemExit(f"{path.name}: onnxruntime shape {list(got.shape)} != PyTorch {list(y.shape)}")
    return float(np.max(np.abs(got - y.numpy())))


def param_entries(schema: list) -> list:
    """Manifest ParamEntry per control, from the plant's ParamSpec; sustain is the notes configuration's level."""
    by_name = {p["name"]: p for p in schema}
    out = []
    for name in N.CONTROLS:
        if name == "sustain":
            out.append({"name": "sustain", "range": [0, 1], "unit": "level", "unitRange": [0, 1], "scale": "linear"})
            continue
        s = by_name[name]
        out.append({"name": name, "range": [0, 1], "unit": s["unit"], "unitRange": [s["min"], s["max"]],
                    "scale": "log" if s["curve"] == "exponential" else "linear"})
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="export the note model to ONNX + manifest")
    ap.add_argument("--run", required=True)
    ap.add_argument("--ckpt", default="best.pt")
    ap.add_argument("--name", default="mirrornet-notes")
    ap.add_argument("--out", default=None)
    ap.add_argument("--version", default=f"1.0.0+{date.today():%Y%m%d}")
    ap.add_argument("--tolerance", type=float, default=1e-4)
    ap.add_argument("--heldout", default=None, help="JSON of held-out figures to embed (bench/results/notes.json)")
    args = ap.parse_args(argv)
    torch.set_num_threads(1)
    enc, dec, state = load(Path(args.run) / args.ckpt)
    folder = Path(args.out or REPO / "models" / args.name)
    folder.mkdir(parents=True, exist_ok=True)
    gen = torch.Generator().manual_seed(0)
    aud = torch.rand(2, N.CHANNELS, N.FRAMES, generator=gen) / N.SPEC_SCALE
    cond = torch.rand(2, 2, generator=gen)
    with torch.no_grad():
        controls = enc(aud, cond)
        vector = torch.cat([cond, controls], 1)
        rec = dec(vector)
    for name, y, spec in (("encoder", controls, SPECS["encoder"]), ("decoder", rec, SPECS["decoder"])):
        if list(y.shape) != concrete(spec[1][0]["shape"], 2):
            raise SystemExit(f"shape check failed: {name} gives {list(y.shape)}")
    graphs = {"encoder": export_graph(enc, "encoder", folder, (aud, cond)),
              "decoder": export_graph(dec, "decoder", folder, (vector,))}
    aud2, cond2 = torch.cat([aud, aud.flip(0), aud]), torch.cat([cond, cond.flip(0), cond])
    with torch.no_grad():
        c2 = enc(aud2, cond2)
        v2 = torch.cat([cond2, c2], 1)
        r2 = dec(v2)
    parity = {"encoder": ort_parity(folder / "encoder.onnx", ["aud", "cond"], [aud2, cond2], c2),
              "decoder": ort_parity(folder / "decoder.onnx", ["vector"], [v2], r2)}
    with Plant() as plant:
        schema = plant.request({"op": "schema", "paramCount": 7})["params"]
    hist = state.get("history", [])
    best = state.get("best_round")
    a = state.get("args", {})
    manifest = {
        "name": args.name, "kind": "mirrornet-notes", "version": args.version, "opset": OPSET, "graphs": graphs,
        "audio": {"sampleRate": 8000, "feature": "auditory",
                  "settings": {"channels": N.CHANNELS, "frameMs": 8, "timeConstantMs": 8, "hop": HOP, "normalization": "unit-rms",
                               "frames": N.FRAMES, "excerptSeconds": 1, "leadSeconds": 0.02}},
        "params": param_entries(schema),
        "plant": {"name": "built-in", "configuration": "notes (src/synth/notes.ts)"},
        "latency": {"samples": 8000, "lookaheadSamples": 8000},
        "training": {
            "data": {"babbling": a.get("babble"), "notes": a.get("data"), "sampleRate": 8000,
                     "vector": N.VECTOR, "ranges": {k: list(v) for k, v in N.CONTROL_RANGES.items()},
                     "pitch": "MIDI 36-96 uniform", "gate": "60 ms-4 s log-uniform", "renderer": "renderNotes, note_aud"},
            "schedule": {k: a.get(k) for k in ("warmup_epochs", "rounds", "dec_epochs", "enc_epochs", "batch", "enc_lr", "dec_lr", "prior")},
            "seed": a.get("seed"),
            "command": "/usr/bin/python3 -m training.mirrornet.notes --out training/runs/mirrornet-notes",
            "model": {"encoderChannels": state["config"]["channels"], "decoderHidden": state["config"]["hidden"],
                      "decoderRank": N.NoteDecoder.RANK, "decoderPooling": N.POOL,
                      "parameters": {"encoder": N.count_params(enc), "decoder": N.count_params(dec)}},
            "bestRound": best,
            "finalMetrics": {"best": next((h for h in hist if h["round"] == best), None), "last": hist[-1] if hist else None,
                             **({"heldOut": json.loads(Path(args.heldout).read_text())} if args.heldout else {})},
            "parityMaxAbsDiff": parity,
        },
        "extra": {"vector": N.VECTOR, "cond": ["midi", "duration"], "controls": N.CONTROLS,
                  "decoderOutput": {"channels": N.CHANNELS // N.POOL, "frames": N.FRAMES // N.POOL, "pooling": N.POOL}},
    }
    (folder / f"{args.name}.json").write_text(json.dumps(manifest, indent=2) + "\n")
    worst = max(parity.values())
    print(json.dumps({"export": str(folder), "parity": parity, "tolerance": args.tolerance, "status": "ok" if worst <= args.tolerance else "FAILED"}))
    return 0 if worst <= args.tolerance else 1


if __name__ == "__main__":
    raise SystemExit(main())
