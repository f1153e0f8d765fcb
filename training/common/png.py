"""Minimal PNG output (numpy + zlib) for training figures; matplotlib is not installed here."""
from __future__ import annotations

import struct
import zlib
from pathlib import Path

import numpy as np

# A perceptually ordered dark-blue -> teal -> yellow ramp (anchors in the style of viridis).
_ANCHORS = np.array([[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37]], dtype=np.float64)


def colormap(v: np.ndarray) -> np.ndarray:
    """Values in [0, 1] -> uint8 RGB."""
    t = np.clip(v, 0, 1) * (len(_ANCHORS) - 1)
    i = np.minimum(t.astype(int), len(_ANCHORS) - 2)
    f = (t - i)[..., None]
    return (_ANCHORS[i] * (1 - f) + _ANCHORS[i + 1] * f).round().astype(np.uint8)


def write_png(path: str | Path, rgb: np.ndarray) -> None:
    """Writes an [H, W, 3] uint8 image as an 8-bit RGB PNG."""
    rgb = np.ascontiguousarray(rgb, dtype=np.uint8)
    h, w, _ = rgb.shape
    raw = b"".join(b"\x00" + rgb[y].tobytes() for y in range(h))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
    png += chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")
    Path(path).write_bytes(png)


def spectrogram_panels(specs, path: str | Path, zoom: int = 2, gap: int = 4) -> None:
    """Stacks [128, T] spectrograms top to bottom (low frequencies at the bottom of each panel),
    all on one colour scale, separated by white rows, and writes them as a PNG."""
    vmax = max(float(np.percentile(s, 99.5)) for s in specs) or 1.0
    panels = []
    for s in specs:
        img = colormap(np.clip(np.asarray(s)[::-1], 0, None) / vmax)
        img = img.repeat(zoom, axis=0).repeat(zoom, axis=1)
        panels += [img, np.full((gap, img.shape[1], 3), 255, np.uint8)]
    write_png(path, np.concatenate(panels[:-1]))
