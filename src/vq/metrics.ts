import { MbError } from '../core/errors';
import { powerSpectrogram } from '../dsp/stft';

/**
 * Reconstruction metrics of the codec (docs/vqvae.md, bench/vq.ts), on magnitude
 * spectrograms (Hann, hop = size / 4, src/dsp/stft framing):
 * - multi-resolution spectral convergence: mean over FFT sizes of |S - S'|_F / |S|_F;
 * - log-spectral distance (dB) at one size: mean over frames of the RMS over bins of
 *   10 log10(|S|^2 + eps) - 10 log10(|S'|^2 + eps).
 * The reference sets the length; the reconstruction is cut (or zero-padded) to it.
 *
 * @example
 * const sc = spectralConvergence(x, y); // 0 is perfect
 */
export const METRIC_FFT_SIZES = [1024, 512, 256, 128] as const;

function align(reference: Float32Array, estimate: Float32Array): Float32Array {
  if (reference.length === 0) throw new MbError('MB_ERR_BAD_AUDIO', 'reference audio is empty');
  const out = new Float32Array(reference.length);
  out.set(estimate.subarray(0, reference.length));
  return out;
}

export function spectralConvergenceAt(reference: Float32Array, estimate: Float32Array, nFft: number): number {
  const y = align(reference, estimate);
  const a = powerSpectrogram(reference, { nFft, hop: nFft / 4 }).data;
  const b = powerSpectrogram(y, { nFft, hop: nFft / 4 }).data;
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.sqrt(a[i]) - Math.sqrt(b[i]);
    num += d * d;
    den += a[i];
  }
  return den > 0 ? Math.sqrt(num / den) : 0;
}

export function spectralConvergence(reference: Float32Array, estimate: Float32Array, sizes: readonly number[] = METRIC_FFT_SIZES): number {
  return sizes.reduce((s, n) => s + spectralConvergenceAt(reference, estimate, n), 0) / sizes.length;
}

export function logSpectralDistance(reference: Float32Array, estimate: Float32Array, nFft = 1024, eps = 1e-8): number {
  const y = align(reference, estimate);
  const a = powerSpectrogram(reference, { nFft, hop: nFft / 4 });
  const b = powerSpectrogram(y, { nFft, hop: nFft / 4 }).data;
  let total = 0;
  for (let t = 0; t < a.frames; t++) {
    let s = 0;
    for (let k = 0; k < a.bins; k++) {
      const i = t * a.bins + k;
      const d = 10 * Math.log10(a.data[i] + eps) - 10 * Math.log10(b[i] + eps);
      s += d * d;
    }
    total += Math.sqrt(s / a.bins);
  }
  return a.frames ? total / a.frames : 0;
}
