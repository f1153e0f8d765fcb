"""A shipped MirrorNet graph (models/<name>/{encoder,decoder}.onnx) as a callable for evaluate.py:
the batch goes through onnxruntime-node (training/common/ort_run.js), so the figures are those of
the graphs the runtime loads, not of a checkpoint."""
from __future__ import annotations

import json
import os
import subprocess
import tempfile
from pathlib import Path

import numpy as np
import torch

ORT_RUN = Path(__file__).resolve().parents[1] / "common" / "ort_run.js"


class OnnxGraph:
    def __init__(self, path: Path):
        self.path = Path(path)

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        a = np.ascontiguousarray(x.detach().numpy(), dtype=np.float32)
        with tempfile.TemporaryDirectory(prefix="mb-onnx-") as tmp:
            src, dst = os.path.join(tmp, "in.f32"), os.path.join(tmp, "out.f32")
            a.tofile(src)
            res = subprocess.run(["node", str(ORT_RUN), str(self.path), src, json.dumps(list(a.shape)), dst],
                                 capture_output=True, text=True)
            info = json.loads(res.stdout.strip().splitlines()[-1]) if res.stdout.strip() else {}
            if res.returncode != 0 or not info.get("ok"):
                raise RuntimeError(f"{self.path}: onnxruntime-node failed: {info.get('message') or res.stderr.strip()[:300]}")
            return torch.from_numpy(np.fromfile(dst, dtype="<f4").reshape(info["shape"]))


def load_onnx(model_dir: Path):
    """(ranges, encoder, decoder, manifest) of a shipped model folder."""
    model_dir = Path(model_dir)
    manifest = json.loads((model_dir / f"{model_dir.name}.json").read_text())
    ranges = manifest["training"]["model"].get("encoderRanges")
    return ranges, OnnxGraph(model_dir / "encoder.onnx"), OnnxGraph(model_dir / "decoder.onnx"), manifest
