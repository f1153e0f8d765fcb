"""Figures as SVG with axes, units and legends (matplotlib is not installed here): line plots of
training curves and spectrogram panels (the PNG of training/common/png.py embedded, with a time
axis in seconds, a frequency axis in Hz and a colour bar)."""
from __future__ import annotations

import base64
import math
import tempfile
from pathlib import Path
from typing import Dict, List, Sequence, Tuple

import numpy as np

from training.common.png import colormap, write_png

COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b")
FONT = 'font-family="sans-serif" font-size="12"'


def font(size: int) -> str:
    return f'font-family="sans-serif" font-size="{size}"'


def _esc(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _ticks(lo: float, hi: float, n: int = 5) -> List[float]:
    if hi <= lo:
        hi = lo + 1
    step = 10 ** math.floor(math.log10((hi - lo) / n))
    for m in (1, 2, 5, 10):
        if (hi - lo) / (step * m) <= n:
            step *= m
            break
    first = math.ceil(lo / step) * step
    return [first + k * step for k in range(int((hi - first) / step + 1e-9) + 1)]


def _fmt(v: float) -> str:
    return f"{v:g}" if abs(v) >= 1e-3 or v == 0 else f"{v:.1e}"


def line_plot(panels: Sequence[Tuple[str, str, Dict[str, Tuple[Sequence[float], Sequence[float]]]]], xlabel: str,
              path: Path, title: str, width: int = 900, panel_h: int = 220) -> None:
    """panels: (panel title, y label, {legend: (xs, ys)}) stacked vertically, one x axis label."""
    left, right, top, gap = 70, 300, 40, 60
    h = top + len(panels) * (panel_h + gap)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{h}" viewBox="0 0 {width} {h}">',
           f'<rect width="100%" height="100%" fill="white"/>',
           f'<text x="{width / 2}" y="22" text-anchor="middle" {font(15)}>{_esc(title)}</text>']
    for k, (ptitle, ylabel, series) in enumerate(panels):
        y0 = top + k * (panel_h + gap)
        pw = width - left - right
        xs = [x for xs_, _ in series.values() for x in xs_]
        ys = [y for _, ys_ in series.values() for y in ys_ if y is not None and math.isfinite(y)]
        xlo, xhi = min(xs), max(xs)
        ylo, yhi = min(0.0, min(ys)), max(ys) * 1.05
        sx = lambda x: left + (x - xlo) / max(1e-12, xhi - xlo) * pw
        sy = lambda y: y0 + panel_h - (y - ylo) / max(1e-12, yhi - ylo) * panel_h
        out.append(f'<text x="{left}" y="{y0 - 8}" {FONT} font-weight="bold">{_esc(ptitle)}</text>')
        out.append(f'<rect x="{left}" y="{y0}" width="{pw}" height="{panel_h}" fill="none" stroke="black"/>')
        for t in _ticks(xlo, xhi):
            out.append(f'<line x1="{sx(t):.1f}" y1="{y0 + panel_h}" x2="{sx(t):.1f}" y2="{y0 + panel_h + 5}" stroke="black"/>'
                       f'<text x="{sx(t):.1f}" y="{y0 + panel_h + 18}" text-anchor="middle" {FONT}>{_fmt(t)}</text>')
        for t in _ticks(ylo, yhi):
            out.append(f'<line x1="{left - 5}" y1="{sy(t):.1f}" x2="{left}" y2="{sy(t):.1f}" stroke="black"/>'
                       f'<line x1="{left}" y1="{sy(t):.1f}" x2="{left + pw}" y2="{sy(t):.1f}" stroke="#ddd"/>'
                       f'<text x="{left - 8}" y="{sy(t) + 4:.1f}" text-anchor="end" {FONT}>{_fmt(t)}</text>')
        out.append(f'<text x="18" y="{y0 + panel_h / 2}" text-anchor="middle" {FONT} '
                   f'transform="rotate(-90 18 {y0 + panel_h / 2})">{_esc(ylabel)}</text>')
        out.append(f'<text x="{left + pw / 2}" y="{y0 + panel_h + 36}" text-anchor="middle" {FONT}>{_esc(xlabel)}</text>')
        for i, (name, (xs_, ys_)) in enumerate(series.items()):
            c = COLOURS[i % len(COLOURS)]
            pts = " ".join(f"{sx(x):.1f},{sy(y):.1f}" for x, y in zip(xs_, ys_) if y is not None and math.isfinite(y))
            out.append(f'<polyline points="{pts}" fill="none" stroke="{c}" stroke-width="2"/>')
            ly = y0 + 14 + 18 * i
            out.append(f'<line x1="{left + pw + 12}" y1="{ly - 4}" x2="{left + pw + 32}" y2="{ly - 4}" stroke="{c}" stroke-width="2"/>'
                       f'<text x="{left + pw + 38}" y="{ly}" {FONT}>{_esc(name)}</text>')
    out.append("</svg>")
    Path(path).write_text("\n".join(out) + "\n")


def _png_b64(rgb: np.ndarray) -> str:
    with tempfile.NamedTemporaryFile(suffix=".png") as f:
        write_png(f.name, rgb)
        return base64.b64encode(Path(f.name).read_bytes()).decode("ascii")


def spectrogram_grid(rows: Sequence[Tuple[str, Sequence[np.ndarray]]], col_titles: Sequence[str], seconds: float,
                     channel_hz: Sequence[float], path: Path, title: str, zoom: int = 2,
                     value_label: str = "auditory spectrogram (power-normalized)") -> None:
    """rows: (row label, one [128, T] spectrogram per column); one colour scale for all, low
    frequencies at the bottom, time axis in s, frequency axis in Hz, and a colour bar."""
    specs = [s for _, cols in rows for s in cols]
    vmax = max(float(np.percentile(s, 99.5)) for s in specs) or 1.0
    ch, t = specs[0].shape
    pw, ph = t * zoom, ch * zoom
    left, top, gapx, gapy, right = 150, 50, 24, 36, 90
    ncol = len(col_titles)
    width = left + ncol * pw + (ncol - 1) * gapx + right
    height = top + len(rows) * (ph + gapy) + 20
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="{width}" '
           f'height="{height}" viewBox="0 0 {width} {height}">', '<rect width="100%" height="100%" fill="white"/>',
           f'<text x="{width / 2}" y="20" text-anchor="middle" {font(15)}>{_esc(title)}</text>']
    hz_ticks = [f for f in (125, 250, 500, 1000, 2000, 4000) if channel_hz[0] <= f <= channel_hz[-1]]
    logs = np.log(np.asarray(channel_hz, dtype=np.float64))
    for r, (label, cols) in enumerate(rows):
        y0 = top + r * (ph + gapy)
        out.append(f'<text x="10" y="{y0 + ph / 2}" {FONT} font-weight="bold">{_esc(label)}</text>')
        for c, s in enumerate(cols):
            x0 = left + c * (pw + gapx)
            img = colormap(np.clip(np.asarray(s)[::-1], 0, None) / vmax).repeat(zoom, 0).repeat(zoom, 1)
            out.append(f'<image x="{x0}" y="{y0}" width="{pw}" height="{ph}" xlink:href="data:image/png;base64,{_png_b64(img)}"/>')
            out.append(f'<rect x="{x0}" y="{y0}" width="{pw}" height="{ph}" fill="none" stroke="black"/>')
            if r == 0:
                out.append(f'<text x="{x0 + pw / 2}" y="{y0 - 8}" text-anchor="middle" {FONT}>{_esc(col_titles[c])}</text>')
            for tt in _ticks(0, seconds, 4):
                xx = x0 + tt / seconds * pw
                out.append(f'<line x1="{xx:.1f}" y1="{y0 + ph}" x2="{xx:.1f}" y2="{y0 + ph + 4}" stroke="black"/>'
                           f'<text x="{xx:.1f}" y="{y0 + ph + 15}" text-anchor="middle" {font(10)}>{_fmt(tt)}</text>')
            if c == 0:
                for f in hz_ticks:
                    j = float(np.interp(math.log(f), logs, np.arange(len(logs))))
                    yy = y0 + ph - (j + 0.5) * zoom
                    out.append(f'<line x1="{x0 - 4}" y1="{yy:.1f}" x2="{x0}" y2="{yy:.1f}" stroke="black"/>'
                               f'<text x="{x0 - 6}" y="{yy + 3:.1f}" text-anchor="end" {font(10)}>{f}</text>')
    out.append(f'<text x="{left - 40}" y="{height - 4}" {font(11)}>frequency: Hz (auditory channels); time: s</text>')
    # colour bar
    bx, by, bh = width - right + 30, top, len(rows) * (ph + gapy) - gapy
    bar = colormap(np.linspace(1, 0, 256)[:, None].repeat(12, 1))
    out.append(f'<image x="{bx}" y="{by}" width="12" height="{bh}" preserveAspectRatio="none" '
               f'xlink:href="data:image/png;base64,{_png_b64(bar)}"/>')
    out.append(f'<text x="{bx + 16}" y="{by + 8}" {font(10)}>{_fmt(vmax)}</text>'
               f'<text x="{bx + 16}" y="{by + bh}" {font(10)}>0</text>'
               f'<text x="{bx - 6}" y="{by + bh / 2}" text-anchor="middle" {font(10)} '
               f'transform="rotate(-90 {bx - 6} {by + bh / 2})">{_esc(value_label)}</text>')
    out.append("</svg>")
    Path(path).write_text("\n".join(out) + "\n")
