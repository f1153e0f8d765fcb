"""Python handle on the TypeScript plant (src/cli/plantServer.ts).

The synth and the auditory spectrogram exist only in TypeScript; this class keeps one
``node`` child process alive and exchanges float32 files with it (line-delimited JSON on
stdin/stdout). Nothing here renders or analyses audio itself.

    with Plant() as plant:
        spec = plant.melody_aud(params)          # params [B, 5, 7] in [0, 1] -> [B, 128, 250]
"""
from __future__ import annotations

import json
import os
import subprocess
import tempfile
from pathlib import Path
from typing import List, Optional, Sequence

import numpy as np

REPO = Path(__file__).resolve().parents[2]
SERVER_JS = REPO / "dist" / "src" / "cli" / "plantServer.js"
# Sources whose change makes the compiled bridge stale.
SOURCE_DIRS = ("src/synth", "src/dsp", "src/audio", "src/core", "src/native", "src/cli/plantServer.ts")
FEATURE_RATE = 8000


class PlantError(RuntimeError):
    """A coded failure reported by the bridge (code is an MB_ERR_* string)."""

    def __init__(self, code: str, message: str):
        super().__init__(f"{code}: {message}")
        self.code = code


def _newest_source_mtime(sources: Sequence[str]) -> float:
    newest = 0.0
    for rel in sources:
        p = REPO / rel
        files = [p] if p.is_file() else list(p.rglob("*.ts")) if p.is_dir() else []
        for f in files:
            newest = max(newest, f.stat().st_mtime)
    return newest


def ensure_built(log=print, server_js: Path = SERVER_JS, sources: Sequence[str] = SOURCE_DIRS,
                 override_env: str = "MB_PLANT_JS") -> Path:
    """Compiles the project with tsc when `server_js` is missing or older than its sources
    (`override_env`, when set, names a compiled server to use instead)."""
    override = os.environ.get(override_env)
    if override:
        return Path(override)
    if server_js.exists() and server_js.stat().st_mtime >= _newest_source_mtime(sources):
        return server_js
    log("plant: compiling TypeScript (tsc) ...")
    tsc = REPO / "node_modules" / "typescript" / "bin" / "tsc"
    # tsc emits even when unrelated files have type errors; the file check below decides.
    subprocess.run(["node", str(tsc), "-p", str(REPO / "tsconfig.json")], cwd=REPO,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if not server_js.exists():
        raise PlantError("MB_ERR_TOOL_MISSING", f"could not build {server_js}; run `npm run build`")
    server_js.touch()
    return server_js


class JsonServer:
    """One long-lived ``node`` child: a JSON request per line on its stdin, a JSON reply per line
    on its stdout, tensors as float32 files in a private temporary folder. Not thread-safe."""

    def __init__(self, cmd: List[str], prefix: str, workdir: Optional[str] = None):
        self._cmd = cmd
        self._dir = tempfile.mkdtemp(prefix=prefix, dir=workdir)
        self._count = 0
        self._start()

    def _start(self) -> None:
        self._proc = subprocess.Popen(self._cmd, cwd=REPO, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                                      bufsize=1)

    def restart(self) -> None:
        self._proc.kill()
        self._start()

    def request(self, req: dict) -> dict:
        if self._proc.poll() is not None:
            raise PlantError("MB_ERR_INTERNAL", f"plant server exited with {self._proc.returncode}")
        self._count += 1
        req = dict(req, id=self._count)
        self._proc.stdin.write(json.dumps(req) + "\n")
        self._proc.stdin.flush()
        line = self._proc.stdout.readline()
        if not line:
            raise PlantError("MB_ERR_INTERNAL", "plant server closed its output")
        reply = json.loads(line)
        if not reply.get("ok"):
            raise PlantError(reply.get("code", "MB_ERR_INTERNAL"), reply.get("message", "unknown failure"))
        return reply

    def _tmp(self, name: str) -> str:
        return os.path.join(self._dir, f"{name}-{self._count}.f32")

    def _write(self, arr: np.ndarray, name: str) -> str:
        path = self._tmp(name)
        np.ascontiguousarray(arr, dtype="<f4").tofile(path)
        return path

    def _read(self, path: str, shape: Sequence[int]) -> np.ndarray:
        out = np.fromfile(path, dtype="<f4").reshape(shape)
        os.unlink(path)
        return out

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

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class Plant(JsonServer):
    """The built-in plant's bridge process (src/cli/plantServer.ts)."""

    def __init__(self, node: str = "node", workdir: Optional[str] = None, log=print):
        super().__init__([node, str(ensure_built(log))], "mb-plant-", workdir)
        self.request({"op": "ping"})

    def _aud(self, op: str, params: np.ndarray, extra: dict) -> np.ndarray:
        pf, of = self._write(params, "params"), self._tmp("spec")
        reply = self.request(dict(extra, op=op, params_file=pf, out_file=of))
        os.unlink(pf)
        return self._read(of, reply["shape"])

    # -- operations ---------------------------------------------------------------
    def melody_aud(self, params: np.ndarray, sample_rate: int = FEATURE_RATE, total_seconds: float = 2.0,
                   chunk: int = 256) -> np.ndarray:
        """params [B, notes, P] (P = 7 or 10) -> auditory spectrograms [B, 128, frames]."""
        params = np.asarray(params, dtype=np.float32)
        b, notes, p = params.shape
        parts = [self._aud("melody_aud", params[i:i + chunk],
                           {"batch": len(params[i:i + chunk]), "notes": notes, "paramCount": p,
                            "sampleRate": sample_rate, "totalSeconds": total_seconds})
                 for i in range(0, b, chunk)]
        return np.concatenate(parts)

    def refine_melody(self, params: np.ndarray, targets: np.ndarray, mode: str = "each", passes: int = 4,
                      step: float = 0.1, with_renders: bool = False) -> tuple:
        """Plant-in-the-loop coordinate search (src/mirror/refine.ts). mode 'each': params [B, notes, P]
        against targets [B, 128, frames] one by one; 'shared': one preset params [1, notes, P] against
        the mean over all targets. Returns (refined params, l1_before [B], l1_after [B]), and with
        ``with_renders`` also the plant renderings each search used [B]."""
        params = np.ascontiguousarray(params, dtype=np.float32)
        targets = np.ascontiguousarray(targets, dtype=np.float32)
        b, notes, p = params.shape
        pf, tf, of = self._write(params, "params"), self._write(targets, "targets"), self._tmp("refined")
        reply = self.request({"op": "refine_melody", "params_file": pf, "target_file": tf, "out_file": of,
                              "batch": b, "targets": len(targets), "notes": notes, "paramCount": p,
                              "mode": mode, "passes": passes, "step": step})
        os.unlink(pf)
        os.unlink(tf)
        out = (self._read(of, [b, notes, p]), np.array(reply["l1Before"]), np.array(reply["l1After"]))
        return out + (np.array(reply["renders"]),) if with_renders else out

    def note_aud(self, vectors: np.ndarray, chunk: int = 512) -> np.ndarray:
        """Note vectors [B, 7] (midi, duration, cutoff, resonance, attack, decay, sustain; normalized) ->
        the plant's spectrograms [B, 128, 125] of each note in a 1-s excerpt (src/mirror/note-fit.ts)."""
        vectors = np.asarray(vectors, dtype=np.float32)
        parts = [self._aud("note_aud", vectors[i:i + chunk], {"batch": len(vectors[i:i + chunk])})
                 for i in range(0, len(vectors), chunk)]
        return np.concatenate(parts)

    def continuous_aud(self, frames: np.ndarray, control_rate: float = 125.0,
                       sample_rate: int = FEATURE_RATE, chunk: int = 256) -> np.ndarray:
        """frames [B, T, P] per-control-frame params -> auditory spectrograms [B, 128, frames]."""
        frames = np.asarray(frames, dtype=np.float32)
        b, t, p = frames.shape
        parts = [self._aud("continuous_aud", frames[i:i + chunk],
                           {"batch": len(frames[i:i + chunk]), "frames": t, "paramCount": p,
                            "controlRate": control_rate, "sampleRate": sample_rate})
                 for i in range(0, b, chunk)]
        return np.concatenate(parts)

    def audio(self, params: np.ndarray, mode: str = "melody", sample_rate: int = FEATURE_RATE,
              control_rate: float = 125.0, total_seconds: float = 2.0, out_wav: Optional[str] = None,
              normalize: bool = False) -> np.ndarray:
        """Renders params to audio [B, samples] (and a WAV when out_wav is given, B = 1)."""
        params = np.asarray(params, dtype=np.float32)
        b, n, p = params.shape
        shape_key = {"notes": n} if mode == "melody" else {"frames": n, "controlRate": control_rate}
        pf = self._write(params, "params")
        of = self._tmp("audio")
        req = dict(shape_key, op="audio", mode=mode, params_file=pf, out_file=of, batch=b, paramCount=p,
                   sampleRate=sample_rate, totalSeconds=total_seconds, normalize=normalize)
        reply = self.request(req)
        audio = self._read(of, reply["shape"])
        if out_wav:
            req.update(out_file=out_wav, batch=1, params_file=self._write(params[:1], "params"))
            self.request(req)
        os.unlink(pf)
        return audio

    def aud_of_audio(self, audio: np.ndarray, sample_rate: int) -> np.ndarray:
        """audio [B, samples] at any rate -> resampled to 8 kHz, normalized, [B, 128, frames]."""
        audio = np.atleast_2d(np.asarray(audio, dtype=np.float32))
        inf, of = self._write(audio, "audio"), self._tmp("spec")
        reply = self.request({"op": "aud_of_f32", "in_file": inf, "out_file": of, "batch": audio.shape[0],
                              "samples": audio.shape[1], "sampleRate": sample_rate})
        os.unlink(inf)
        return self._read(of, reply["shape"])

    def aud_of_wav(self, path: str) -> np.ndarray:
        of = self._tmp("spec")
        reply = self.request({"op": "aud_of_wav", "in_file": str(path), "out_file": of})
        return self._read(of, reply["shape"])[0]

    def yin(self, audio: np.ndarray, sample_rate: int, frame_length: int, hop: int, fmin: float, fmax: float,
            threshold: float, chunk_samples: int = 1 << 22) -> tuple:
        """The pitch tracker of the VQ models (src/dsp/yin.ts, op 'yin'): audio [B, samples] ->
        (f0 [B, frames] in Hz, 0 = unvoiced; confidence [B, frames]), frame t at t * hop. Every
        setting is explicit. Sent in chunks of about `chunk_samples` values."""
        audio = np.atleast_2d(np.ascontiguousarray(audio, dtype=np.float32))
        b, n = audio.shape
        per = max(1, chunk_samples // n)
        settings = {"sampleRate": sample_rate, "frameLength": frame_length, "hop": hop, "fmin": fmin, "fmax": fmax,
                    "threshold": threshold}
        f0, confidence = [], []
        for i in range(0, b, per):
            part = audio[i:i + per]
            inf, of = self._write(part, "audio"), self._tmp("pitch")
            reply = self.request(dict(settings, op="yin", in_file=inf, out_file=of, batch=len(part), samples=n))
            os.unlink(inf)
            out = self._read(of, reply["shape"])
            f0.append(out[0])
            confidence.append(out[1])
        return np.concatenate(f0), np.concatenate(confidence)
