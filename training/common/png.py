"""Training figures drawn by matplotlib (Debian's python3-matplotlib, installed by scripts/setup.sh):
spectrogram panels with a time axis in s, a frequency axis in Hz (the auditory channels' centre
frequencies), a title per panel, a figure title and a colour bar. The figure is written as PNG
or SVG by the path's extension (SVG keeps its text as text, so tests can read it back)."""
from __future__ import annotations

import math
from pathlib import Path
from typing import Optional, Sequence, Union

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

CMAP = "viridis"
FRAME_RATE = 125          # auditory frames per second (8-ms frames at 8 kHz, hop 64)
STYLE = {"font.family": "DejaVu Sans", "font.size": 10, "axes.titlesize": 10, "figure.titlesize": 12,
         "svg.fonttype": "none", "savefig.facecolor": "white", "figure.facecolor": "white"}


def channel_hz(rate: int = 8000, channels: int = 128) -> list:
    """Centre frequencies of the auditory channels (src/dsp/auditory-settings.ts)."""
    return [440 * 2 ** ((c + 0.5 - 30) / 24) * (rate / 16000) for c in range(channels)]


def colormap(v: np.ndarray) -> np.ndarray:
    """Values in [0, 1] -> uint8 RGB on the figures' colour map (viridis)."""
    rgba = matplotlib.colormaps[CMAP](np.clip(np.asarray(v, dtype=np.float64), 0, 1))
    return (rgba[..., :3] * 255).round().astype(np.uint8)


def write_png(path: Union[str, Path], rgb: np.ndarray) -> None:
    """Writes an [H, W, 3] uint8 image as a PNG, pixel for pixel (no axes: for embedding)."""
    plt.imsave(str(path), np.ascontiguousarray(rgb, dtype=np.uint8))


def save(fig, path: Union[str, Path], dpi: int = 110) -> None:
    """Writes a figure as PNG or SVG by the path's extension and closes it."""
    kind = Path(path).suffix.lstrip(".") or "png"
    with plt.rc_context({**STYLE, "svg.hashsalt": "mirrorbridge"}):
        fig.savefig(str(path), dpi=dpi, bbox_inches="tight", format=kind,
                    metadata={"Date": None} if kind == "svg" else {"Software": None})
    plt.close(fig)
    if kind == "svg":   # a bare <svg> element (no XML prolog or doctype), as the reports embed it
        text = Path(path).read_text()
        Path(path).write_text(text[text.index("<svg"):].rstrip() + "\n")


def _rows(specs) -> list:
    """A flat list of [C, T] arrays is one column; a list of lists is rows of columns."""
    return [[np.asarray(s) for s in r] if isinstance(r, (list, tuple)) else [np.asarray(r)] for r in specs]


def spectrogram_figure(specs, titles: Optional[Sequence[str]] = None, col_titles: Optional[Sequence[str]] = None,
                       title: str = "auditory spectrograms", frame_rate: float = FRAME_RATE,
                       hz: Optional[Sequence[float]] = None, value_label: str = "power (auditory spectrogram, 0 = silence)",
                       zoom: float = 2):
    """Rows of spectrograms ([channels, frames] each, one colour scale for all, low frequencies at
    the bottom) as a matplotlib figure: time in s, frequency in Hz, a colour bar."""
    rows = _rows(specs)
    vmax = max(float(np.percentile(s, 99.5)) for r in rows for s in r) or 1.0
    ch, frames = rows[0][0].shape
    hz = list(hz) if hz is not None else channel_hz(channels=ch)
    ncol = max(len(r) for r in rows)
    panel_w, panel_h = max(2.4, frames * zoom / 110), max(1.4, ch * zoom / 110)
    with plt.rc_context(STYLE):
        fig, axes = plt.subplots(len(rows), ncol, figsize=(panel_w * ncol + 1.6, panel_h * len(rows) + 1.0),
                                 squeeze=False, sharex=True, sharey=True, constrained_layout=True)
        logs = np.log(np.asarray(hz, dtype=np.float64))
        ticks = [f for f in (63, 125, 250, 500, 1000, 2000, 4000, 8000) if hz[0] <= f <= hz[-1]]
        image = None
        for r, row in enumerate(rows):
            for c in range(ncol):
                ax = axes[r][c]
                if c >= len(row):
                    ax.axis("off")
                    continue
                s = np.clip(row[c], 0, None)
                seconds = s.shape[1] / frame_rate
                # channel k spans [k - 0.5, k + 0.5] on a log-frequency axis; ticks at round Hz
                image = ax.imshow(s, origin="lower", aspect="auto", cmap=CMAP, vmin=0, vmax=vmax,
                                  extent=(0, seconds, -0.5, ch - 0.5), interpolation="nearest")
                ax.set_yticks([float(np.interp(math.log(f), logs, np.arange(ch))) for f in ticks])
                ax.set_yticklabels([f"{f:g}" for f in ticks])
                label = titles[r] if titles is not None and r < len(titles) else f"panel {r + 1}"
                if ncol > 1:
                    label = f"{label}: {col_titles[c]}" if col_titles is not None else f"{label} ({c + 1})"
                ax.set_title(label, loc="left")
                if r == len(rows) - 1:
                    ax.set_xlabel("time (s)")
                if c == 0:
                    ax.set_ylabel("frequency (Hz)")
        fig.suptitle(title)
        bar = fig.colorbar(image, ax=axes, shrink=0.9, aspect=30, pad=0.02)
        bar.set_label(value_label)
    return fig


def spectrogram_panels(specs, path: Union[str, Path], zoom: int = 2, gap: int = 4, *,
                       titles: Optional[Sequence[str]] = None, col_titles: Optional[Sequence[str]] = None,
                       title: str = "auditory spectrograms", frame_rate: float = FRAME_RATE,
                       hz: Optional[Sequence[float]] = None,
                       value_label: str = "power (auditory spectrogram, 0 = silence)") -> None:
    """Stacks [128, T] spectrograms top to bottom (low frequencies at the bottom of each panel),
    all on one colour scale, with axes in s and Hz, panel titles, a figure title and a colour bar,
    and writes them as PNG (or SVG by the extension). `gap` is kept for older callers; the layout
    spaces the panels itself."""
    del gap
    save(spectrogram_figure(specs, titles, col_titles, title, frame_rate, hz, value_label, zoom), path)
