/**
 * Descriptor-based code selection (batch and streaming).
 *
 * Cost of code k at frame t: sum over targeted descriptors of w * (feature(k) - feature(target))^2
 * in the table's standardised feature space; a target outside the codebook's range is first
 * clamped to it (and counted against coverage). A code with no pitch costs UNVOICED_COST
 * for an f0 target. Loudness is met through the gain, not the code.
 *
 * With `continuity` c > 0, a path cost c * |latent(j) - latent(k)|^2 / (mean pairwise
 * distance^2) is added between consecutive codes and Viterbi finds the cheapest series. The
 * trellis keeps the `beam` cheapest codes of each frame (exact when beam = K); the default (32)
 * keeps 10-s targets well under 20 ms (the trellis itself: trellis.ts).
 *
 * @example
 * const selector = new CodeSelector(table, model.codebook, model.geometry.latentDim);
 * const sel = selector.select([parseTarget('centroid=linear(800,2400)', 188, 62.5)], { continuity: 0.5 });
 * sel.codes; sel.gains; sel.coverage.overall;
 */
import { MbError } from '../core/errors';
import type { Decibels } from '../core/units';
import type { DescriptorName } from '../dsp/descriptors';
import { DescriptorTable, SELECTABLE } from './descriptor-table';
import { checkTargets, type Target } from './targets';
import { Trellis } from './trellis';

/** Options of a selection (see the file comment). */
export interface SelectionOptions {
  /** Weight per descriptor; default 1. */
  weights?: Partial<Record<DescriptorName, number>>;
  /** Path smoothness weight; 0 picks the nearest code per frame. Default 0. */
  continuity?: number;
  /** Codes kept per frame in the Viterbi trellis. Default DEFAULT_BEAM (32). */
  beam?: number;
  /** Loudness when no loudness target is given. Default -20 dBFS. */
  loudness?: Decibels;
}

export interface Coverage {
  /** Mean over targeted descriptors of the share of frames whose target lay inside the codebook's range. */
  overall: number;
  perDescriptor: Partial<Record<DescriptorName, number>>;
  ranges: Partial<Record<DescriptorName, [number, number]>>;
}

export interface Selection {
  codes: Int32Array;
  gains: Float32Array;
  frames: number;
  /** Targets after clamping to the codebook's range. */
  clamped: Target[];
  coverage: Coverage;
}

export const UNVOICED_COST = 9;
export const DEFAULT_BEAM = 32;

interface Prepared {
  names: DescriptorName[];
  weights: number[];
  /** Per name, the clamped target's feature per frame. */
  features: Float32Array[];
  /** Per name, the codes' standardised feature column. */
  columns: Float32Array[];
  loudness: Float32Array;
  clamped: Target[];
  coverage: Coverage;
}

export class CodeSelector {
  readonly codes: number;
  /** K x K path costs between codes (squared latent distance), scaled so the mean over pairs is 1. */
  readonly transition: Float32Array;
  private readonly codeLoudness: Float32Array;

  constructor(
    readonly table: DescriptorTable,
    codebook: Float32Array,
    latentDim: number,
  ) {
    this.codes = table.codes;
    if (codebook.length !== this.codes * latentDim) {
      throw new MbError('MB_ERR_MODEL_SHAPE', `descriptor table has ${this.codes} codes, codebook holds ${codebook.length / latentDim}`);
    }
    this.transition = pairwiseDistances(codebook, this.codes, latentDim);
    this.codeLoudness = table.column('loudness');
  }

  /** Batch selection over whole target curves. */
  select(targets: Target[], options: SelectionOptions = {}): Selection {
    const p = this.prepare(targets, options);
    const frames = p.loudness.length;
    const continuity = checkContinuity(options.continuity);
    const cost = new Float32Array(this.codes);
    const codes = new Int32Array(frames);
    if (continuity === 0) {
      for (let t = 0; t < frames; t++) {
        this.frameCost(p, t, cost);
        codes[t] = argmin(cost);
      }
    } else {
      const beam = Math.min(this.codes, checkBeam(options.beam));
      const trellis = new Trellis(beam, frames);
      for (let t = 0; t < frames; t++) {
        this.frameCost(p, t, cost);
        trellis.addFrame(cost);
      }
      trellis.decode(this.transition, this.codes, continuity, -1, codes);
    }
    return { codes, gains: this.gainsFor(codes, p.loudness), frames, clamped: p.clamped, coverage: p.coverage };
  }

  /** Cost of every code for frame t of prepared targets, written into `out`. */
  frameCost(p: Prepared, t: number, out: Float32Array): void {
    out.fill(0);
    const k = this.codes;
    for (let i = 0; i < p.columns.length; i++) {
      const col = p.columns[i];
      const target = p.features[i][t];
      const w = p.weights[i];
      for (let c = 0; c < k; c++) {
        const d = col[c] - target;
        // NaN marks a code without pitch (f0 column): a fixed penalty instead of a distance.
        out[c] += d === d ? w * d * d : w * UNVOICED_COST;
      }
    }
  }

  /** Checks, clamps and maps targets; measures coverage. */
  prepare(targets: Target[], options: SelectionOptions): Prepared {
    const frames = checkTargets(targets);
    const loudnessTarget = targets.find((t) => t.name === 'loudness');
    const loudness = loudnessTarget ? Float32Array.from(loudnessTarget.values) : new Float32Array(frames).fill(options.loudness ?? -20);
    const chosen = targets.filter((t) => t.name !== 'loudness');
    for (const t of chosen) {
      if (!SELECTABLE.includes(t.name)) throw new MbError('MB_ERR_BAD_TARGET', `descriptor '${t.name}' cannot be targeted`);
    }
    const names = chosen.map((t) => t.name);
    const weights = names.map((n) => {
      const w = options.weights?.[n] ?? 1;
      if (!Number.isFinite(w) || w < 0) throw new MbError('MB_ERR_BAD_TARGET', `weight of ${n} must be a finite number >= 0, got ${w}`);
      return w;
    });
    const coverage: Coverage = { overall: 1, perDescriptor: {}, ranges: {} };
    const clamped: Target[] = [];
    const features = chosen.map((t) => {
      const [lo, hi] = this.table.range(t.name);
      let inside = 0;
      const c = t.values.map((v) => {
        if (v >= lo && v <= hi) inside++;
        return Math.min(hi, Math.max(lo, v));
      });
      coverage.perDescriptor[t.name] = inside / frames;
      coverage.ranges[t.name] = [lo, hi];
      clamped.push({ ...t, values: c });
      return c.map((v) => this.table.toFeature(t.name, v));
    });
    const shares = Object.values(coverage.perDescriptor) as number[];
    coverage.overall = shares.length ? shares.reduce((a, b) => a + b, 0) / shares.length : 1;
    const columns = names.map((n) => this.table.featureColumn(n));
    return { names, weights, features, columns, loudness, clamped, coverage };
  }

  /** Gains that give each frame its loudness target (codes are analysed at unit gain). */
  gainsFor(codes: Int32Array, loudness: Float32Array): Float32Array {
    return Float32Array.from(codes, (k, t) => Math.pow(10, (loudness[t] - this.codeLoudness[k]) / 20));
  }

  /** Path cost between two codes. */
  pathCost(j: number, k: number): number {
    return this.transition[j * this.codes + k];
  }
}

export function argmin(v: Float32Array): number {
  let best = 0;
  for (let i = 1; i < v.length; i++) if (v[i] < v[best]) best = i;
  return best;
}

export function checkContinuity(c: number | undefined): number {
  const v = c ?? 0;
  if (!Number.isFinite(v) || v < 0 || v > 1000) throw new MbError('MB_ERR_BAD_ARGS', `continuity must be a number in [0, 1000], got ${c}`);
  return v;
}

function checkBeam(b: number | undefined): number {
  const v = b ?? DEFAULT_BEAM;
  if (!Number.isInteger(v) || v < 1) throw new MbError('MB_ERR_BAD_ARGS', `beam must be a positive integer, got ${b}`);
  return v;
}

function pairwiseDistances(codebook: Float32Array, k: number, d: number): Float32Array {
  const out = new Float32Array(k * k);
  let sum = 0;
  for (let i = 0; i < k; i++) {
    for (let j = i + 1; j < k; j++) {
      let s = 0;
      for (let c = 0; c < d; c++) {
        const diff = codebook[i * d + c] - codebook[j * d + c];
        s += diff * diff;
      }
      out[i * k + j] = s;
      out[j * k + i] = s;
      sum += 2 * s;
    }
  }
  const mean = sum / Math.max(1, k * (k - 1)) || 1;
  for (let i = 0; i < out.length; i++) out[i] /= mean;
  return out;
}
