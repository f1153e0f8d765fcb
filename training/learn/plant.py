"""Python handle on any plant of src/plants (the built-in synth, a Pd patch) through
src/cli/learn-server.ts: one long-lived ``node`` child, line-delimited JSON, float32 files.
Nothing here renders or analyses audio; Python never holds a copy of a plant.

    with LearnPlant("pd:patches/pd/plants/fm.pd", "patches/pd/plants/fm.json") as plant:
        spec = plant.aud(params)        # params [B, P] in [0, 1] -> features [B, 128, frames]
"""
from __future__ import annotations

import json
import os
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Optional

import numpy as np

from training.common.plant import PlantError

REPO = Path(__file__).resolve().parents[2]
SERVER_JS = REPO / "dist" / "src" / "cli" / "learn-server.js"
SOURCES = ("src/plants", "src/cli/learn-server.ts", "src/dsp", "src/audio", "src/synth", "src/core")


def ensure_built(log=print) -> Path:
    """Compiles the project with tsc when the server is missing or older than its sources."""
    override = os.environ.get("MB_LEARN_SERVER_JS")
    if override:
        return Path(override)
    newest = 0.0
    for rel in SOURCES:
        p = REPO / rel
        for f in ([p] if p.is_file() else p.rglob("*.ts") if p.is_dir() else []):
            newest = max(newest, f.stat().st_mtime)
    if SERVER_JS.exists() and SERVER_JS.stat().st_mtime >= newest:
        return SERVER_JS
    log("plant: compiling TypeScript (tsc) ...")
    tsc = REPO / "node_modules" / "typescript" / "bin" / "tsc"
    subprocess.run(["node", str(tsc), "-p", str(REPO / "tsconfig.json")], cwd=REPO,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if not SERVER_JS.exists():
        raise PlantError("MB_ERR_TOOL_MISSING", f"could not build {SERVER_JS}; run `npm run build`")
    SERVER_JS.touch()
    return SERVER_JS


class LearnPlant:
    """One plant server process. `aud` retries a failed render after restarting the server
    (`restarts` times, pausing `pause_s`), so a plant that stops answering pauses the run."""

    def __init__(self, spec: str, schema: Optional[str] = None, log=print, restarts: int = 3, pause_s: float = 5.0):
        self.spec, self.schema_path, self.log = spec, schema, log
        self.restarts, self.pause_s = restarts, pause_s
        self.script = ensure_built(log)
        self._dir = tempfile.mkdtemp(prefix="mb-learn-")
        self._count = 0
        self._start()
        info = self.request({"op": "schema"})
        self.schema = info["schema"]
        self.source = info["source"]
        self.kind = info["kind"]
        self.n_params = len(self.schema["params"])

    def _start(self) -> None:
        cmd = ["node", str(self.script), "--plant", self.spec] + (["--schema", self.schema_path] if self.schema_path else [])
        self._proc = subprocess.Popen(cmd, cwd=REPO, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)

    def request(self, req: dict) -> dict:
        if self._proc.poll() is not None:
            raise PlantError("MB_ERR_INTERNAL", f"plant server exited with {self._proc.returncode}")
        self._count += 1
        self._proc.stdin.write(json.dumps(dict(req, id=self._count)) + "\n")
        self._proc.stdin.flush()
        line = self._proc.stdout.readline()
        if not line:
            raise PlantError("MB_ERR_INTERNAL", "plant server closed its output")
        reply = json.loads(line)
        if not reply.get("ok"):
            raise PlantError(reply.get("code", "MB_ERR_INTERNAL"), reply.get("message", "unknown failure"))
        return reply

    def _render(self, op: str, params: np.ndarray) -> np.ndarray:
        params = np.ascontiguousarray(params, dtype="<f4")
        pf = os.path.join(self._dir, f"params-{self._count}.f32")
        of = os.path.join(self._dir, f"out-{self._count}.f32")
        params.tofile(pf)
        try:
            reply = self.request({"op": op, "params_file": pf, "batch": len(params), "out_file": of})
            out = np.fromfile(of, dtype="<f4").reshape(reply["shape"])
        finally:
            for f in (pf, of):
                if os.path.exists(f):
                    os.unlink(f)
        return out

    def _with_restarts(self, op: str, params: np.ndarray) -> np.ndarray:
        for attempt in range(self.restarts + 1):
            try:
                return self._render(op, params)
            except PlantError as e:
                if e.code != "MB_ERR_INTERNAL" or attempt == self.restarts:
                    raise
                self.log(f"plant: {e}; pausing {self.pause_s:.0f} s, restarting the plant server ({attempt + 1}/{self.restarts})")
                time.sleep(self.pause_s)
                self._proc.kill()
                self._start()
        raise AssertionError("unreachable")

    def aud(self, params: np.ndarray, chunk: int = 128) -> np.ndarray:
        """params [B, P] normalized -> features [B, 128, frames]."""
        params = np.asarray(params, dtype=np.float32)
        return np.concatenate([self._with_restarts("aud", params[i:i + chunk]) for i in range(0, len(params), chunk)])

    def audio(self, params: np.ndarray) -> np.ndarray:
        """params [B, P] normalized -> renders [B, samples] at the schema's rate."""
        return self._with_restarts("audio", np.asarray(params, dtype=np.float32))

    def close(self) -> None:
        if self._proc.poll() is None:
            try:
                self._proc.stdin.write(json.dumps({"op": "quit"}) + "\n")
                self._proc.stdin.close()
                self._proc.wait(timeout=10)
            except (BrokenPipeError, subprocess.TimeoutExpired):
                self._proc.kill()
        try:
            os.rmdir(self._dir)
        except OSError:
            pass

    def __enter__(self) -> "LearnPlant":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
