"""Python handle on any plant of src/plants (the built-in synth, a Pd patch) through
src/cli/learn-server.ts: one long-lived ``node`` child, line-delimited JSON, float32 files.
Nothing here renders or analyses audio; Python never holds a copy of a plant.

    with LearnPlant("pd:patches/pd/plants/fm.pd", "patches/pd/plants/fm.json") as plant:
        spec = plant.aud(params)        # params [B, P] in [0, 1] -> features [B, 128, frames]
"""
from __future__ import annotations

import os
import time
from typing import Optional

import numpy as np

from training.common.plant import REPO, JsonServer, PlantError, ensure_built

SERVER_JS = REPO / "dist" / "src" / "cli" / "learn-server.js"
SOURCES = ("src/plants", "src/cli/learn-server.ts", "src/dsp", "src/audio", "src/synth", "src/core")


class LearnPlant(JsonServer):
    """One plant server process. `aud` retries a failed render after restarting the server
    (`restarts` times, pausing `pause_s`), so a plant that stops answering pauses the run."""

    def __init__(self, spec: str, schema: Optional[str] = None, log=print, restarts: int = 3, pause_s: float = 5.0):
        self.spec, self.schema_path, self.log = spec, schema, log
        self.restarts, self.pause_s = restarts, pause_s
        script = ensure_built(log, SERVER_JS, SOURCES, "MB_LEARN_SERVER_JS")
        super().__init__(["node", str(script), "--plant", spec] + (["--schema", schema] if schema else []), "mb-learn-")
        info = self.request({"op": "schema"})
        self.schema = info["schema"]
        self.source = info["source"]
        self.kind = info["kind"]
        self.n_params = len(self.schema["params"])

    def _render(self, op: str, params: np.ndarray) -> np.ndarray:
        pf, of = self._write(params, "params"), self._tmp("out")
        try:
            reply = self.request({"op": op, "params_file": pf, "batch": len(params), "out_file": of})
            return self._read(of, reply["shape"])
        finally:
            for f in (pf, of):
                if os.path.exists(f):
                    os.unlink(f)

    def _with_restarts(self, op: str, params: np.ndarray) -> np.ndarray:
        for attempt in range(self.restarts + 1):
            try:
                return self._render(op, params)
            except PlantError as e:
                if e.code != "MB_ERR_INTERNAL" or attempt == self.restarts:
                    raise
                self.log(f"plant: {e}; pausing {self.pause_s:.0f} s, restarting the plant server ({attempt + 1}/{self.restarts})")
                time.sleep(self.pause_s)
                self.restart()
        raise AssertionError("unreachable")

    def aud(self, params: np.ndarray, chunk: int = 128) -> np.ndarray:
        """params [B, P] normalized -> features [B, 128, frames]."""
        params = np.asarray(params, dtype=np.float32)
        return np.concatenate([self._with_restarts("aud", params[i:i + chunk]) for i in range(0, len(params), chunk)])

    def audio(self, params: np.ndarray) -> np.ndarray:
        """params [B, P] normalized -> renders [B, samples] at the schema's rate."""
        return self._with_restarts("audio", np.asarray(params, dtype=np.float32))
