import * as path from 'node:path';
import { mulberry32 } from '../../src/core/random';
import { VqRuntime } from '../../src/vq';
import { VQ_MODEL_DIR } from '../shipped-models';

/** The VQ-VAE model the tests run against (see ../shipped-models.ts, MB_VQ_MODEL_DIR). */
export const MODEL_DIR = VQ_MODEL_DIR;
/** The folder holding it, for an engine (which loads models by name from a folder). */
export const MODELS_DIR = path.dirname(MODEL_DIR);
export const SR = 16000;

let shared: Promise<VqRuntime> | undefined;

/** One codec per test file (loading builds a K x K path-cost table). */
export function sharedCodec(): Promise<VqRuntime> {
  shared ??= VqRuntime.load(MODEL_DIR);
  return shared;
}

/** A harmonic tone with a slow level swell, deterministic. */
export function tone(f0: number, seconds: number, amp = 0.3, harmonics = 6): Float32Array {
  const n = Math.round(seconds * SR);
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let v = 0;
    for (let h = 1; h <= harmonics; h++) v += Math.sin((2 * Math.PI * f0 * h * i) / SR) / h;
    x[i] = amp * v * (0.6 + 0.4 * Math.sin((2 * Math.PI * i) / n));
  }
  return x;
}

/** Seeded white noise. */
export function noise(seconds: number, amp = 0.1, seed = 3): Float32Array {
  const next = mulberry32(seed);
  return Float32Array.from({ length: Math.round(seconds * SR) }, () => amp * (2 * next() - 1));
}

export function concat(...parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
