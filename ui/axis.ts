import type { DescriptorTable } from './codebook-map';

/**
 * Axes over one descriptor of a VQ model's descriptor table, shared by the codebook map and the
 * curve pad: its range over the codes, log where all values are positive and span more than a
 * decade, nice ticks, short tick labels and a title with the unit.
 *
 * @example
 * const a = axisOf(table, table.names.indexOf('centroid')); ticks(a); axisTitle(table, a); // 'centroid (Hz, log)'
 */
export interface Axis {
  index: number;
  log: boolean;
  lo: number;
  hi: number;
  /** The descriptor's unit, '' when it has none or the table names none. */
  unit: string;
}

/**
 * The axis of descriptor `index`: over all codes, or between the `clip` and 1 - `clip` quantiles
 * (the curve pad: a few rumble codes at 10 Hz would otherwise take most of a centroid axis).
 */
export function axisOf(table: DescriptorTable, index: number, clip = 0): Axis {
  const v = table.values.map((row) => row[index]).filter(Number.isFinite).sort((a, b) => a - b);
  const lo = v[Math.floor(clip * (v.length - 1))];
  const hi = v[Math.ceil((1 - clip) * (v.length - 1))];
  const log = lo > 0 && hi / lo > 10;
  return { index, log, lo: lo === hi ? lo - 1 : lo, hi: lo === hi ? hi + 1 : hi, unit: table.units?.[index] ?? '' };
}

/** 0..1 along the axis. */
export const unit = (a: Axis, x: number) => (a.log ? Math.log(x / a.lo) / Math.log(a.hi / a.lo) : (x - a.lo) / (a.hi - a.lo));

export function ticks(a: Axis): number[] {
  if (a.log) {
    const out: number[] = [];
    for (let e = Math.floor(Math.log10(a.lo)); e <= Math.ceil(Math.log10(a.hi)); e++) for (const m of [1, 2, 5]) out.push(m * 10 ** e);
    return out.filter((t) => t >= a.lo && t <= a.hi);
  }
  const step = 10 ** Math.floor(Math.log10((a.hi - a.lo) / 4));
  const nice = [1, 2, 5, 10].map((m) => m * step).find((s) => (a.hi - a.lo) / s <= 6) ?? step * 10;
  const out: number[] = [];
  for (let t = Math.ceil(a.lo / nice) * nice; t <= a.hi; t += nice) out.push(+t.toPrecision(6));
  return out;
}

export const fmt = (t: number) => (Math.abs(t) >= 1000 ? `${+(t / 1000).toPrecision(3)}k` : `${+t.toPrecision(3)}`);


/** 'name (unit, log)', 'name (log)', 'name (unit)' or 'name'. */
export function axisTitle(table: DescriptorTable, a: Axis): string {
  const notes = [a.unit, a.log ? 'log' : ''].filter(Boolean);
  return `${table.names[a.index]}${notes.length ? ` (${notes.join(', ')})` : ''}`;
}

/** Grid lines at the axis's ticks, labelled: vertical ones over [top, top + height] (drawXGrid), horizontal ones over [left, left + width] (drawYGrid). */
function drawGrid(g: CanvasRenderingContext2D, a: Axis, vertical: boolean, from: number, span: number, at: (v: number) => number): void {
  g.font = '11px system-ui, sans-serif';
  g.strokeStyle = '#e4e4e4';
  g.fillStyle = '#333';
  g.textAlign = vertical ? 'center' : 'right';
  for (const t of ticks(a)) {
    const p = at(t);
    g.beginPath();
    if (vertical) {
      g.moveTo(p, from);
      g.lineTo(p, from + span);
    } else {
      g.moveTo(from, p);
      g.lineTo(from + span, p);
    }
    g.stroke();
    if (vertical) g.fillText(fmt(t), p, from + span + 14);
    else g.fillText(fmt(t), from - 6, p + 4);
  }
}

export const drawXGrid = (g: CanvasRenderingContext2D, a: Axis, top: number, height: number, x: (v: number) => number): void => drawGrid(g, a, true, top, height, x);
export const drawYGrid = (g: CanvasRenderingContext2D, a: Axis, left: number, width: number, y: (v: number) => number): void => drawGrid(g, a, false, left, width, y);
