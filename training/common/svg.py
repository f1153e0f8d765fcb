"""Figures as SVG drawn by matplotlib (training/common/png.py holds the shared style): line plots
of training curves with axes, units and legends, and spectrogram grids with a time axis in s, a
frequency axis in Hz and a colour bar. Text stays text in the SVG (svg.fonttype none)."""
from __future__ import annotations

import math
from pathlib import Path
from typing import Dict, Sequence, Tuple

import numpy as np

from training.common.png import STYLE, plt, save, spectrogram_figure

COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b")


def line_plot(panels: Sequence[Tuple[str, str, Dict[str, Tuple[Sequence[float], Sequence[float]]]]], xlabel: str,
              path: Path, title: str, width: int = 900, panel_h: int = 220) -> None:
    """panels: (panel title, y label, {legend: (xs, ys)}) stacked vertically, one x axis label."""
    with plt.rc_context(STYLE):
        fig, axes = plt.subplots(len(panels), 1, figsize=(width / 100, (panel_h + 60) * len(panels) / 100 + 0.4),
                                 squeeze=False, constrained_layout=True)
        for ax, (ptitle, ylabel, series) in zip(axes[:, 0], panels):
            for i, (name, (xs, ys)) in enumerate(series.items()):
                pts = [(x, y) for x, y in zip(xs, ys) if y is not None and math.isfinite(y)]
                if pts:
                    ax.plot(*zip(*pts), color=COLOURS[i % len(COLOURS)], linewidth=1.8, label=name)
            ax.set_title(ptitle, loc="left")
            ax.set_ylabel(ylabel)
            ax.set_xlabel(xlabel)
            ax.set_ylim(bottom=min(0.0, ax.get_ylim()[0]))
            ax.grid(True, color="#ddd")
            ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
        fig.suptitle(title)
        save(fig, path)


def spectrogram_grid(rows: Sequence[Tuple[str, Sequence[np.ndarray]]], col_titles: Sequence[str], seconds: float,
                     channel_hz: Sequence[float], path: Path, title: str, zoom: int = 2,
                     value_label: str = "auditory spectrogram (power-normalized)") -> None:
    """rows: (row label, one [128, T] spectrogram per column); one colour scale for all, low
    frequencies at the bottom, time axis in s, frequency axis in Hz, and a colour bar."""
    specs = [list(cols) for _, cols in rows]
    frames = specs[0][0].shape[1]
    save(spectrogram_figure(specs, [label for label, _ in rows], col_titles, title, frames / seconds, channel_hz,
                            value_label, zoom), path)
