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
 * Ops travel as typed objects (`DeformOp`); the text form above is parsed (`parseOp`) only
 * where text comes in (the CLI's --op, message boxes) and written (`formatOp`) for reports.
 *
 * @example
 * const stats = latentStats(model.codebook, 32);
 * let s = applyOp(series, { op: 'scale', factor: 1.5 }, stats);
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

/** The ops that act on each frame by itself, so a live stream can apply them block by block. */
export type FrameDeformOp = Extract<DeformOp, { op: 'scale' | 'bias' | 'randomize' | 'transpose' }>;

/**
 * Each op's numeric fields and their inclusive ranges: the one declaration that `parseOp`
 * (text from the CLI) and `checkOp` (typed ops from code and live controls) check against.
 * A freeze without an end (Infinity) runs to the end of the series.
 */
const OP_FIELDS: { readonly [K in DeformOp['op']]: Readonly<Record<string, readonly [number, number]>> } = {
  scale: { factor: [-100, 100] },
  bias: { amount: [-100, 100] },
  randomize: { amount: [0, 100], seed: [0, 2 ** 31] },
  reverse: {},
  stretch: { factor: [0.01, 100] },
  freeze: { start: [0, 1e6], end: [0, 1e6] },
  smooth: { frames: [1, 10000] },
  transpose: { semitones: [-48, 48] },
};

function badOp(text: string, why: string): MbError {
  return new MbError('MB_ERR_BAD_ARGS', `--op ${text}: ${why}`);
}

function num(text: string, raw: string | undefined, [min, max]: readonly [number, number]): number {
  const v = Number(raw);
  if (raw === undefined || raw.trim() === '' || !Number.isFinite(v) || v < min || v > max) {
    throw badOp(text, `expected a number in [${min}, ${max}], got '${raw ?? ''}'`);
  }
  return v;
}

/** Parses `name[=args]` (see the list above): the text form, for command lines and message boxes. */
export function parseOp(text: string): DeformOp {
  const [name, arg] = text.split('=', 2);
  const parts = arg?.split(':') ?? [];
  switch (name) {
    case 'scale':
      return { op: 'scale', factor: num(text, arg, OP_FIELDS.scale.factor) };
    case 'bias':
      return { op: 'bias', amount: num(text, arg, OP_FIELDS.bias.amount) };
    case 'randomize':
      return { op: 'randomize', amount: num(text, parts[0], OP_FIELDS.randomize.amount), seed: parts[1] === undefined ? 1 : num(text, parts[1], OP_FIELDS.randomize.seed) };
    case 'reverse':
      return { op: 'reverse' };
    case 'stretch':
      return { op: 'stretch', factor: num(text, arg, OP_FIELDS.stretch.factor) };
    case 'freeze':
      return { op: 'freeze', start: num(text, parts[0], OP_FIELDS.freeze.start), end: parts[1] === undefined ? Infinity : num(text, parts[1], OP_FIELDS.freeze.end) };
    case 'smooth':
      return { op: 'smooth', frames: Math.round(num(text, arg, OP_FIELDS.smooth.frames)) };
    case 'transpose':
      return { op: 'transpose', semitones: num(text, arg, OP_FIELDS.transpose.semitones) };
    default:
      throw badOp(text, `unknown op '${name}'; use ${DEFORM_OPS.join(', ')}`);
  }
}

/**
 * Checks a typed op against the ranges `parseOp` enforces on text (MB_ERR_BAD_ARGS naming
 * the field otherwise) and returns it.
 *
 * @example
 * checkOp({ op: 'transpose', semitones: 60 }); // throws: semitones must be in [-48, 48]
 */
export function checkOp<T extends DeformOp>(op: T): T {
  const fields = OP_FIELDS[op?.op as DeformOp['op']];
  if (!fields) throw new MbError('MB_ERR_BAD_ARGS', `deform op must be one of ${DEFORM_OPS.join(', ')}, got ${JSON.stringify((op as { op?: unknown })?.op)}`);
  for (const [field, [min, max]] of Object.entries(fields)) {
    const v = (op as unknown as Record<string, unknown>)[field];
    const open = op.op === 'freeze' && field === 'end' && v === Infinity;
    if (!open && (typeof v !== 'number' || !(v >= min && v <= max))) {
      throw new MbError('MB_ERR_BAD_ARGS', `deform ${op.op}: ${field} must be a number in [${min}, ${max}], got ${String(v)}`);
    }
  }
  return op;
}

/**
 * The text form of an op, which `parseOp` reads back to the same op (a randomize with the
 * default seed 1 and a freeze to the end are written without them). For reports and help.
 *
 * @example
 * formatOp({ op: 'scale', factor: 1.5 }); // 'scale=1.5'
 */
export function formatOp(op: DeformOp): string {
  switch (op.op) {
    case 'scale':
      return `scale=${op.factor}`;
    case 'bias':
      return `bias=${op.amount}`;
    case 'randomize':
      return op.seed === 1 ? `randomize=${op.amount}` : `randomize=${op.amount}:${op.seed}`;
    case 'reverse':
      return 'reverse';
    case 'stretch':
      return `stretch=${op.factor}`;
    case 'freeze':
      return Number.isFinite(op.end) ? `freeze=${op.start}:${op.end}` : `freeze=${op.start}`;
    case 'smooth':
      return `smooth=${op.frames}`;
    case 'transpose':
      return `transpose=${op.semitones}`;
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

/**
 * Applies a latent op (scale, bias, randomize) in place to the first `length` values of
 * `latents` (frames x d, row-major): the form a live stream uses on its own buffers, and
 * what `applyOp` runs on a copy. Randomize draws its noise from `op.seed`, value by value
 * in order.
 */
export function deformLatentsInPlace(latents: Float32Array, d: number, op: Extract<DeformOp, { op: 'scale' | 'bias' | 'randomize' }>, stats: LatentStats, length = latents.length): void {
  const { mean, std } = stats;
  switch (op.op) {
    case 'scale':
      for (let i = 0; i < length; i++) {
        const c = i % d;
        latents[i] = mean[c] + op.factor * (latents[i] - mean[c]);
      }
      return;
    case 'bias':
      for (let i = 0; i < length; i++) latents[i] = latents[i] + op.amount * std[i % d];
      return;
    case 'randomize': {
      const noise = gaussian(op.seed);
      for (let i = 0; i < length; i++) latents[i] = latents[i] + op.amount * std[i % d] * noise();
      return;
    }
  }
}

/** Transposes the first `length` values of a pitch series in place (Hz; 0 stays unvoiced). */
export function transposeInPlace(f0: Float32Array, semitones: number, length = f0.length): void {
  const ratio = 2 ** (semitones / 12);
  for (let t = 0; t < length; t++) f0[t] = f0[t] * ratio;
}

function deformLatents(s: LatentSeries, op: Extract<DeformOp, { op: 'scale' | 'bias' | 'randomize' }>, stats: LatentStats): LatentSeries {
  const latents = s.latents.slice();
  deformLatentsInPlace(latents, s.latentDim, op, stats);
  return { ...s, codes: undefined, latents };
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
      const f0 = s.f0.slice();
      transposeInPlace(f0, op.semitones);
      return { ...s, f0 };
    }
    case 'scale':
    case 'bias':
    case 'randomize':
      return deformLatents(s, op, stats);
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
