/**
 * What `npm run eval` records: figures with their 95 % bootstrap interval over clips, each beside
 * its trivial baseline, grouped in tables that README.md and docs/ print between markers.
 */

/** A figure over clips (or notes, frames: `unit` says) with its interval. */
export interface Figure {
  /** Stable id inside its table, e.g. `sc` or `mae.cutoff`. */
  id: string;
  /** What the table's first column says. */
  label: string;
  value: number;
  /** 95 % percentile-bootstrap interval over `unit`s; null when the figure has no resampling unit. */
  interval: [number, number] | null;
  /** How many `unit`s the figure is computed over. */
  n: number;
  unit: string;
  /** Lower is better (errors, distances) or higher (accuracies). */
  better: 'lower' | 'higher';
  /** The trivial baseline, computed by the same command on the same clips. */
  baseline?: { label: string; value: number; interval: [number, number] | null };
  /** A target: met only when the interval's far end meets it. */
  target?: { op: '<=' | '>='; value: number };
  /** Digits after the point in the table (default 3); `percent` prints x 100 with a % sign. */
  digits?: number;
  percent?: boolean;
  /** A sentence printed under the table (thresholds, budgets, what the baseline is). */
  note?: string;
  /** The model's name when the figure also goes into README.md's summary table. */
  headline?: string;
}

export interface Table {
  /** The marker name: `<!-- eval:ID -->` ... `<!-- /eval:ID -->` in README.md or docs/*.md. */
  id: string;
  /** Which set the figures come from (`test`, `dev`), and how it is drawn. */
  set: string;
  /** The command that reproduces the table (what `npm run eval` runs for it). */
  command: string;
  figures: Figure[];
  /** Sentences printed under the table. */
  notes?: string[];
}

/** mulberry32: a small seeded generator, so every run resamples the same way. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const BOOTSTRAP_RESAMPLES = 2000;

/**
 * 95 % percentile-bootstrap interval of `stat` over `items` (resampled with replacement,
 * BOOTSTRAP_RESAMPLES times, seeded: the same items give the same interval).
 *
 * @example
 * bootstrap([0.3, 0.4, 0.35], mean) // [0.3, 0.4] or inside it
 */
export function bootstrap<T>(items: T[], stat: (sample: T[]) => number, seed = 20): [number, number] {
  if (items.length === 0) return [NaN, NaN];
  const rand = seeded(seed);
  const stats: number[] = [];
  const sample: T[] = new Array(items.length);
  for (let r = 0; r < BOOTSTRAP_RESAMPLES; r++) {
    for (let i = 0; i < items.length; i++) sample[i] = items[Math.floor(rand() * items.length)];
    stats.push(stat(sample));
  }
  stats.sort((a, b) => a - b);
  return [stats[Math.floor(0.025 * (stats.length - 1))], stats[Math.ceil(0.975 * (stats.length - 1))]];
}

export const mean = (v: number[]): number => v.reduce((a, b) => a + b, 0) / v.length;

/** The mean of per-clip values with its interval. */
export function meanWithInterval(values: number[]): { value: number; interval: [number, number]; n: number } {
  return { value: mean(values), interval: bootstrap(values, mean), n: values.length };
}

/**
 * A ratio of sums over clips (e.g. correct frames / frames, pooled) with its interval, resampling
 * whole clips: `parts` holds [numerator, denominator] per clip.
 */
export function ratioWithInterval(parts: [number, number][]): { value: number; interval: [number, number]; n: number } {
  const ratio = (s: [number, number][]) => s.reduce((a, p) => a + p[0], 0) / s.reduce((a, p) => a + p[1], 0);
  return { value: ratio(parts), interval: bootstrap(parts, ratio), n: parts.length };
}

/** Whether a figure meets its target, its interval's far end included (null: no target). */
export function targetMet(f: Figure): boolean | null {
  if (!f.target) return null;
  const far = f.interval ? (f.target.op === '<=' ? f.interval[1] : f.interval[0]) : f.value;
  return f.target.op === '<=' ? far <= f.target.value : far >= f.target.value;
}

/** Whether a figure beats its baseline (null: no baseline). */
export function beatsBaseline(f: Figure): boolean | null {
  if (!f.baseline) return null;
  return f.better === 'lower' ? f.value < f.baseline.value : f.value > f.baseline.value;
}
