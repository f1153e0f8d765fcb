"""PyTorch side of `npm run bench -- mirror`: times the melody encoder on one 2-s clip, one thread.

The weights are the ones exported to ONNX (models/<name>/torch/encoder.pt, written by
`python -m training.mirrornet.bench_torch --save RUN/best.pt --model models/<name>`), so
onnxruntime-node and PyTorch run the same network side by side.

    /usr/bin/python3 -m training.mirrornet.bench_torch --model models/mirrornet-melody --runs 60
"""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import torch

from .model import ModelConfig, build


def save(ckpt: Path, model_dir: Path) -> Path:
    state = torch.load(ckpt, map_location="cpu")
    out = model_dir / "torch" / "encoder.pt"
    out.parent.mkdir(parents=True, exist_ok=True)
    torch.save({"config": state["config"], "encoder": state["encoder"]}, out)
    return out


def time_encoder(model_dir: Path, runs: int) -> dict:
    torch.set_num_threads(1)
    state = torch.load(model_dir / "torch" / "encoder.pt", map_location="cpu")
    cfg = ModelConfig.from_dict(state["config"])
    enc, _ = build(cfg)
    enc.load_state_dict(state["encoder"])
    enc.eval()
    x = torch.rand(1, 128, cfg.frames) * 0.05
    times = []
    with torch.no_grad():
        for _ in range(5):
            enc(x)
        for _ in range(runs):
            t = time.perf_counter()
            enc(x)
            times.append((time.perf_counter() - t) * 1000)
    times.sort()
    return {"encoderMs": times[len(times) // 2], "runs": runs, "torch": torch.__version__, "threads": 1}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--model", required=True, help="model folder, e.g. models/mirrornet-melody")
    ap.add_argument("--runs", type=int, default=60)
    ap.add_argument("--save", default=None, help="checkpoint (best.pt) whose encoder to save into MODEL/torch/")
    a = ap.parse_args()
    if a.save:
        print(f"wrote {save(Path(a.save), Path(a.model))}")
        return 0
    print(json.dumps(time_encoder(Path(a.model), a.runs)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
