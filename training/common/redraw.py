"""Redraws a bare picture written by the former spectrogram_panels (numpy + zlib, before
matplotlib): panels of [128, T] spectrograms drawn on a 5-anchor viridis-like ramp, zoom 2,
4-pixel white rows between panels, low frequencies at the bottom. The ramp is inverted pixel by
pixel (nearest of 1024 ramp steps), which recovers each value relative to the old figure's colour
scale (the 99.5th percentile of all its panels), and the panels are drawn again with axes in s
and Hz, titles and a colour bar.

    /usr/bin/python3 -m training.common.redraw docs/img/learn-fm-heldout.png --out docs/img/learn-fm-heldout.png \
        --rows "input x" "decoder D(E(x))" "plant(E(x))" "best fixed preset" --columns 3 --title "..."
"""
from __future__ import annotations

import argparse

import matplotlib.image
import numpy as np

from training.common.png import spectrogram_panels

# the former ramp's anchors (dark blue -> teal -> yellow)
_ANCHORS = np.array([[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37]], dtype=np.float64)


def _ramp(steps: int = 1024) -> np.ndarray:
    t = np.linspace(0, 1, steps) * (len(_ANCHORS) - 1)
    i = np.minimum(t.astype(int), len(_ANCHORS) - 2)
    f = (t - i)[:, None]
    return _ANCHORS[i] * (1 - f) + _ANCHORS[i + 1] * f


def invert(rgb: np.ndarray, zoom: int = 2, gap: int = 4) -> list:
    """[H, W, 3] uint8 picture -> list of [128, T] arrays in [0, 1] (top panel first)."""
    white = (rgb >= 250).all(axis=2).all(axis=1)
    panels, start = [], 0
    for y in range(len(white) + 1):
        if y == len(white) or white[y]:
            if y - start >= zoom:
                panels.append(rgb[start:y])
            start = y + 1
    ramp = _ramp()
    values = np.linspace(0, 1, len(ramp))
    out = []
    for p in panels:
        small = p[::zoom, ::zoom].astype(np.float64)
        idx = np.stack([((row[:, None, :] - ramp[None]) ** 2).sum(axis=2).argmin(axis=1) for row in small])
        out.append(values[idx][::-1])          # low frequencies back at row 0
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="redraw a bare spectrogram-panel picture with axes")
    ap.add_argument("picture")
    ap.add_argument("--out", required=True)
    ap.add_argument("--rows", nargs="+", required=True, help="one title per panel, top to bottom")
    ap.add_argument("--columns", type=int, default=1, help="sounds side by side in each panel")
    ap.add_argument("--column-titles", nargs="*", default=None)
    ap.add_argument("--title", required=True)
    args = ap.parse_args(argv)
    rgb = (matplotlib.image.imread(args.picture)[..., :3] * 255).round().astype(np.uint8)
    panels = invert(rgb)
    if len(panels) != len(args.rows):
        raise SystemExit(f"found {len(panels)} panels, --rows names {len(args.rows)}")
    rows = [np.array_split(p, args.columns, axis=1) if args.columns > 1 else p for p in panels]
    spectrogram_panels(rows, args.out, titles=args.rows, col_titles=args.column_titles, title=args.title,
                       value_label="power, relative to the figure's 99.5th percentile")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
