import type { Samples } from '../core/units';

/**
 * Splits a signal into consecutive fixed-length segments (the model's 2-s clip), zero-padding
 * the last one. Returns views where no padding is needed.
 *
 * @example
 * const { segments, padded } = segment(x, 16000); // 2 s at 8 kHz
 */
export function segment(x: Float32Array, length: Samples): { segments: Float32Array[]; padded: Samples } {
  const count = Math.max(1, Math.ceil(x.length / length));
  const segments: Float32Array[] = [];
  for (let s = 0; s < count; s++) {
    const part = x.subarray(s * length, (s + 1) * length);
    if (part.length === length) segments.push(part);
    else {
      const full = new Float32Array(length);
      full.set(part);
      segments.push(full);
    }
  }
  return { segments, padded: count * length - x.length };
}

/** RMS level of a signal in dBFS (RMS re full scale, -inf → -200). */
export function rmsDb(x: Float32Array): number {
  let acc = 0;
  for (let i = 0; i < x.length; i++) acc += x[i] * x[i];
  const rms = Math.sqrt(acc / Math.max(1, x.length));
  return rms > 0 ? 20 * Math.log10(rms) : -200;
}
