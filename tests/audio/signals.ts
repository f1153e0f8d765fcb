import { mulberry32 } from '../../src/core/random';

/**
 * Test fixtures made with code: tones, band-limited sawtooth, seeded noise, random block
 * splits. Shared by tests/audio and tests/dsp.
 */

/** A sine of `amplitude` (peak) at `freq` Hz, `n` samples at `sampleRate`. */
export function sine(freq: number, sampleRate: number, n: number, amplitude = 1, phase = 0): Float32Array {
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = amplitude * Math.sin((2 * Math.PI * freq * i) / sampleRate + phase);
  return x;
}

/** Sawtooth built from every harmonic below Nyquist (so it has no aliasing), peak about `amplitude`. */
export function bandLimitedSaw(freq: number, sampleRate: number, n: number, amplitude = 0.5): Float32Array {
  const x = new Float32Array(n);
  const harmonics = Math.floor((sampleRate / 2 - 1) / freq);
  for (let k = 1; k <= harmonics; k++) {
    const w = (2 * Math.PI * freq * k) / sampleRate;
    const a = (amplitude * 2) / (Math.PI * k);
    for (let i = 0; i < n; i++) x[i] += a * Math.sin(w * i);
  }
  return x;
}

/** Uniform white noise in [-amplitude, amplitude). */
export function whiteNoise(n: number, amplitude = 0.5, seed = 1): Float32Array {
  const r = mulberry32(seed);
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = amplitude * (2 * r() - 1);
  return x;
}

/** Splits `x` into consecutive blocks of random sizes in [1, maxBlock] (views, not copies). */
export function randomBlocks(x: Float32Array, maxBlock: number, seed = 7): Float32Array[] {
  const r = mulberry32(seed);
  const blocks: Float32Array[] = [];
  for (let i = 0; i < x.length; ) {
    const n = 1 + Math.floor(r() * maxBlock);
    blocks.push(x.subarray(i, Math.min(x.length, i + n)));
    i += n;
  }
  return blocks;
}

/** RMS of x[start, end). */
export function rms(x: ArrayLike<number>, start = 0, end = x.length): number {
  let s = 0;
  for (let i = start; i < end; i++) s += x[i] * x[i];
  return Math.sqrt(s / Math.max(1, end - start));
}

/** Largest absolute difference between two arrays (Infinity when lengths differ). */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** Runs `fn` and returns the `code` of what it throws (undefined when it does not throw). */
export function thrownCode(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return (err as { code?: string }).code;
  }
  return undefined;
}
