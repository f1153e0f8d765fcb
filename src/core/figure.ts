/*
 * Figures: a Vega-Lite spec compiled by vega-lite, laid out and drawn to SVG by vega (headless,
 * no canvas), and rasterised to PNG by @resvg/resvg-js with the system's fonts. Every picture the
 * CLI and the docs make goes through here, so each has the axes, titles, legends and colour bars
 * its spec declares, and a test can read them back from the SVG's structure (vega marks each
 * group with its role: role-axis-title, role-legend, role-title).
 */
import { writeFileSync } from 'node:fs';
import { extname } from 'node:path';
import { PNG } from 'pngjs';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { Resvg } from '@resvg/resvg-js';
import { MbError } from './errors';

export type { TopLevelSpec as FigureSpec } from 'vega-lite';

/** The colour scheme of every heat map and colour bar (perceptually ordered, colour-blind safe). */
export const FIGURE_SCHEME = 'viridis';

/** A rendered figure: the SVG (with vega's role classes) and its PNG. */
export interface Figure {
  svg: string;
  png: Buffer;
}

/** Spec defaults merged under every figure: white background, readable fonts. */
const CONFIG = {
  background: 'white',
  padding: 8,
  font: 'DejaVu Sans',
  title: { fontSize: 14 },
  axis: { labelFontSize: 11, titleFontSize: 12 },
  legend: { labelFontSize: 11, titleFontSize: 12, titleLimit: 400, labelLimit: 400 },
};

/**
 * Renders a Vega-Lite spec to SVG and PNG (scale 2 by default, for crisp text).
 *
 * @example
 * const { svg, png } = await renderFigure({ data: { values: [{ t: 0, v: 1 }] }, mark: 'line', encoding: { x: { field: 't', type: 'quantitative', title: 'time (s)' }, y: { field: 'v', type: 'quantitative' } } });
 */
export async function renderFigure(spec: TopLevelSpec, scale = 2): Promise<Figure> {
  const withConfig = { ...spec, config: { ...CONFIG, ...(spec.config ?? {}) } } as TopLevelSpec;
  const view = new vega.View(vega.parse(compile(withConfig).spec), { renderer: 'none' });
  try {
    const svg = await view.toSVG();
    const png = new Resvg(svg, { fitTo: { mode: 'zoom', value: scale }, background: 'white', font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' } }).render().asPng();
    return { svg, png: Buffer.from(png) };
  } finally {
    view.finalize();
  }
}

/**
 * Renders a spec and writes it as `.png` (at `scale`, default 2) or `.svg` by the path's extension.
 *
 * @example
 * await writeFigure('docs/img/x.png', spec);
 */
export async function writeFigure(path: string, spec: TopLevelSpec, scale?: number): Promise<void> {
  const ext = extname(path).toLowerCase();
  if (ext !== '.png' && ext !== '.svg') throw new MbError('MB_ERR_PATH', `a figure is written as .png or .svg, got '${path}'`);
  const figure = await renderFigure(spec, scale);
  writeFileSync(path, ext === '.svg' ? figure.svg : figure.png);
}

/** The scheme's colour at t in [0, 1] (clamped), as RGB bytes: rasters use the colour bar's own ramp. */
export function schemeColour(t: number): [number, number, number] {
  const interpolate = vega.scheme(FIGURE_SCHEME) as (t: number) => string;
  const c = interpolate(Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)));
  const hex = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(c);
  if (hex) return [parseInt(hex[1], 16), parseInt(hex[2], 16), parseInt(hex[3], 16)];
  const rgb = /rgb\((\d+),\s*(\d+),\s*(\d+)\)/.exec(c);
  if (!rgb) throw new MbError('MB_ERR_INTERNAL', `unexpected colour '${c}' from the ${FIGURE_SCHEME} scheme`);
  return [Number(rgb[1]), Number(rgb[2]), Number(rgb[3])];
}

/**
 * A row-major matrix (row 0 drawn at the top) as a PNG data URL of exactly width x height pixels
 * (nearest neighbour), coloured by the figure scheme over [lo, hi]. Heat maps place it as an image
 * mark under their axes, so the cells are pixels and the axes, ticks and colour bar are vega's.
 */
export function rasterUrl(matrix: ArrayLike<number>, rows: number, cols: number, range: [number, number], width: number, height: number): string {
  const [lo, hi] = range;
  const span = hi > lo ? hi - lo : 1;
  const lut = Array.from({ length: 256 }, (_, i) => schemeColour(i / 255));
  const png = new PNG({ width, height });
  for (let y = 0; y < height; y++) {
    const r = Math.min(rows - 1, Math.floor((y * rows) / height));
    for (let x = 0; x < width; x++) {
      const c = Math.min(cols - 1, Math.floor((x * cols) / width));
      const t = (matrix[r * cols + c] - lo) / span;
      const [red, green, blue] = lut[Math.round(255 * Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)))];
      const o = (y * width + x) * 4;
      png.data[o] = red;
      png.data[o + 1] = green;
      png.data[o + 2] = blue;
      png.data[o + 3] = 255;
    }
  }
  return `data:image/png;base64,${PNG.sync.write(png).toString('base64')}`;
}

/** One named curve sampled at a fixed rate. */
export interface Series {
  name: string;
  values: ArrayLike<number>;
}

/** Options of linePanel. */
export interface LinePanelOptions {
  title?: string;
  series: Series[];
  /** Samples per second of every series (x in seconds). */
  rate: number;
  /** The y axis: its title with the unit, e.g. 'centroid (Hz)'. */
  yTitle: string;
  logY?: boolean;
  /** Legend title (shown when there is more than one series). */
  legendTitle?: string;
  /** Every series name the figure's panels share one legend for (default: this panel's). */
  seriesDomain?: string[];
  width?: number;
  height?: number;
}

/**
 * A line chart of series over time in seconds, one colour per series with a legend: the
 * building block of the curve figures (descriptor curves, target against achieved).
 *
 * @example
 * await writeFigure('c.png', { title: 'centroid', ...linePanel({ series: [{ name: 'target', values }], rate: 62.5, yTitle: 'centroid (Hz)', logY: true }) } as FigureSpec);
 */
export function linePanel(options: LinePanelOptions): Record<string, unknown> {
  const step = 1 / options.rate;
  const values = options.series.flatMap((s) =>
    // On a log axis a value <= 0 (an unvoiced frame's f0) is a gap in the line, not a plunge.
    Array.from(s.values, (v, i) => ({ t: Number((i * step).toFixed(6)), v: Number.isFinite(v) && (!options.logY || v > 0) ? v : null, series: s.name })),
  );
  const names = options.seriesDomain ?? options.series.map((s) => s.name);
  return {
    ...(options.title ? { title: options.title } : {}),
    width: options.width ?? 560,
    height: options.height ?? 200,
    data: { values },
    mark: { type: 'line', strokeWidth: 1.5, invalid: 'break-paths-filter-domains' },
    encoding: {
      x: { field: 't', type: 'quantitative', title: 'time (s)' },
      y: { field: 'v', type: 'quantitative', title: options.yTitle, scale: options.logY ? { type: 'log' } : { zero: false } },
      color: names.length > 1 ? { field: 'series', type: 'nominal', title: options.legendTitle ?? 'curve', scale: { domain: names }, legend: { labelLimit: 400 } } : { value: '#3b528b' },
    },
  };
}
