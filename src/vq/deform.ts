import { MbError } from '../core/errors';
import { mulberry32 } from '../core/random';
import type { Hz } from '../core/units';

/**
 * Latent deformation of a code/latent series. Every op returns a new series; none touches
 * its input. Ops that change latents leave codes out, so a following `requantize` (nearest
 * code per frame, as the CLI does by default) or an unquantized decode decides what is heard.
 *
 *   scale=s            z <- mean + s (z - mean)        (mean of the codebook)
 *   bias=b             z <- z + b sigma                 (sigma: per-dimension codebook std)
 *   randomize=a[:seed] z <- z + a sigma N(0, 1), seeded (default seed 1)
 *   reverse            frames in reverse order
 *   stretch=f          f times as many frames (latents and gains interpolated linearly)
 *   freeze=t0[:t1]     latents held at time t0 (s) from t0 to t1 (default: the end); gains keep moving
 *   smooth=n           centred moving average of latents over n frames
 *   transpose=st       pitch (carried beside the code) times 2^(st/12); codes unchanged
 *
 * @example
 * const stats = latentStats(model.codebook, 32);
 * let s = applyOp(series, parseOp('scale=1.5'), stats);
 * s = applyOp(s, parseOp('reverse'), stats);
 */
export interface LatentSeries {
  latents: Float32Array;
  gains: Float32Array;
  latentDim: number;
  frameRate: Hz;
  codes?: Int32Array;
  /** Pitch per frame (Hz, 0 = unvoiced) for models that carry it; time ops move it with the frames. */
  f0?: Float32Array;
}

export type DeformOp =
  | { op: 'scale'; factor: number }
  | { op: 'bias'; amount: number }
  | { op: 'randomize'; amount: number; seed: number }
  | { op: 'reverse' }
  | { op: 'stretch'; factor: number }
  | { op: 'freeze'; start: number; end: number }
  | { op: 'smooth'; frames: number }
  | { op: 'transpose'; semitones: number };

export interface LatentStats {
  mean: Float32Array;
  std: Float32Array;
}

export const DEFORM_OPS = ['scale', 'bias', 'randomize', 'reverse', 'stretch', 'freeze', 'smooth', 'transpose'] as const;

function badOp(text: string, why: string): MbError {
  return new MbError('MB_ERR_BAD_ARGS', `--op ${text}: ${why}`);
}

function num(text: string, raw: string | undefined, min: number, max: number): number {
  const v = Number(raw);
  if (raw === undefined || raw.trim() === '' || !Number.isFinite(v) || v < min || v > max) {
    throw badOp(text, `expected a number in [${min}, ${max}], got '${raw ?? ''}'`);
  }
  return v;
}

/** Parses `name[=args]` (see the list above). */
export function parseOp(text: string): DeformOp {
  const [name, arg] = text.split('=', 2);
  const parts = arg?.split(':') ?? [];
  switch (name) {
    case 'scale':
      return { op: 'scale', factor: num(text, arg, -100, 100) };
    case 'bias':
      return { op: 'bias', amount: num(text, arg, -100, 100) };
    case 'randomize':
      return { op: 'randomize', amount: num(text, parts[0], 0, 100), seed: parts[1] === undefined ? 1 : num(text, parts[1], 0, 2 ** 31) };
    case 'reverse':
      return { op: 'reverse' };
    case 'stretch':
      return { op: 'stretch', factor: num(text, arg, 0.01, 100) };
    case 'freeze':
      return { op: 'freeze', start: num(text, parts[0], 0, 1e6), end: parts[1] === undefined ? Infinity : num(text, parts[1], 0, 1e6) };
    case 'smooth':
      return { op: 'smooth', frames: Math.round(num(text, arg, 1, 10000)) };
    case 'transpose':
      return { op: 'transpose', semitones: num(text, arg, -48, 48) };
    default:
      throw badOp(text, `unknown op '${name}'; use ${DEFORM_OPS.join(', ')}`);
  }
}

/** Per-dimension mean and standard deviation of the codebook. */
export function latentStats(codebook: Float32Array, d: number): LatentStats {
  const k = codebook.length / d;
  const mean = new Float32Array(d);
  const std = new Float32Array(d);
  for (let i = 0; i < k; i++) for (let c = 0; c < d; c++) mean[c] += codebook[i * d + c] / k;
  for (let i = 0; i < k; i++) for (let c = 0; c < d; c++) std[c] += (codebook[i * d + c] - mean[c]) ** 2 / k;
  for (let c = 0; c < d; c++) std[c] = Math.sqrt(std[c]);
  return { mean, std };
}

/** Seeded standard normal numbers (mulberry32 + Box-Muller). */
export function gaussian(seed: number): () => number {
  const next = mulberry32(seed);
  // Box-Muller takes log(u), so u is moved from [0, 1) into (0, 1): (k + 1) / (2^32 + 1).
  const uniform = () => (next() * 4294967296 + 1) / 4294967297;
  return () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
}

function mapLatents(s: LatentSeries, f: (value: number, dim: number) => number): LatentSeries {
  const d = s.latentDim;
  return { ...s, codes: undefined, latents: s.latents.map((v, i) => f(v, i % d)) };
}

function resampleFrames(s: LatentSeries, frames: number, position: (t: number) => number): LatentSeries {
  const d = s.latentDim;
  const n = s.gains.length;
  const latents = new Float32Array(frames * d);
  const gains = new Float32Array(frames);
  const f0 = s.f0 ? new Float32Array(frames) : undefined;
  for (let t = 0; t < frames; t++) {
    const p = Math.min(n - 1, Math.max(0, position(t)));
    const i = Math.floor(p);
    const j = Math.min(n - 1, i + 1);
    const w = p - i;
    gains[t] = s.gains[i] * (1 - w) + s.gains[j] * w;
    for (let c = 0; c < d; c++) latents[t * d + c] = s.latents[i * d + c] * (1 - w) + s.latents[j * d + c] * w;
    if (f0 && s.f0) {
      // Between two voiced frames the pitch glides (geometrically); otherwise the nearer frame's.
      const a = s.f0[i];
      const b = s.f0[j];
      f0[t] = a > 0 && b > 0 ? a * (b / a) ** w : w < 0.5 ? a : b;
    }
  }
  return { ...s, codes: undefined, latents, gains, f0 };
}

export function applyOp(s: LatentSeries, op: DeformOp, stats: LatentStats): LatentSeries {
  const d = s.latentDim;
  const n = s.gains.length;
  switch (op.op) {
    case 'transpose': {
      // The pitch carried beside the code (models with pitch); the timbre codes stay.
      if (!s.f0) throw new MbError('MB_ERR_BAD_ARGS', 'transpose needs a series with pitch (a model that carries f0 beside the code)');
      const ratio = 2 ** (op.semitones / 12);
      return { ...s, f0: s.f0.map((v) => v * ratio) };
    }
    case 'scale':
      return mapLatents(s, (v, c) => stats.mean[c] + op.factor * (v - stats.mean[c]));
    case 'bias':
      return mapLatents(s, (v, c) => v + op.amount * stats.std[c]);
    case 'randomize': {
      const noise = gaussian(op.seed);
      return mapLatents(s, (v, c) => v + op.amount * stats.std[c] * noise());
    }
    case 'reverse': {
      const out = resampleFrames(s, n, (t) => n - 1 - t);
      return s.codes ? { ...out, codes: s.codes.slice().reverse() } : out;
    }
    case 'stretch': {
      const frames = Math.max(1, Math.round(n * op.factor));
      return resampleFrames(s, frames, (t) => (frames > 1 ? (t * (n - 1)) / (frames - 1) : 0));
    }
    case 'freeze': {
      const t0 = Math.min(n - 1, Math.round(op.start * s.frameRate));
      const t1 = Math.min(n, Number.isFinite(op.end) ? Math.round(op.end * s.frameRate) : n);
      const latents = s.latents.slice();
      for (let t = t0 + 1; t < t1; t++) latents.copyWithin(t * d, t0 * d, (t0 + 1) * d);
      const f0 = s.f0?.slice();
      if (f0) f0.fill(f0[t0], t0 + 1, t1);
      return { ...s, codes: undefined, latents, f0 };
    }
    case 'smooth': {
      const half = Math.floor(op.frames / 2);
      const latents = new Float32Array(s.latents.length);
      for (let t = 0; t < n; t++) {
        const a = Math.max(0, t - half);
        const b = Math.min(n - 1, t + half);
        for (let c = 0; c < d; c++) {
          let sum = 0;
          for (let u = a; u <= b; u++) sum += s.latents[u * d + c];
          latents[t * d + c] = sum / (b - a + 1);
        }
      }
      return { ...s, codes: undefined, latents };
    }
  }
}
