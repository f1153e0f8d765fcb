import FFT from 'fft.js';
import { MbError } from '../core/errors';

/**
 * Inverse real FFT of length n through a complex FFT of length n / 2 (half the work of a
 * full complex inverse). Input: bins 0..n/2 of a Hermitian spectrum as separate real and
 * imaginary arrays (the imaginary parts of bins 0 and n/2 are ignored); output: the n real
 * samples x[t] = (1/n) sum_k X[k] e^{2 pi i k t / n}, as numpy's irfft. Buffers are
 * allocated in the constructor (real-time safe).
 *
 * With E[k] = X[k] + X[k + n/2] and O[k] = (X[k] - X[k + n/2]) e^{2 pi i k / n}, where
 * X[k + n/2] = conj(X[n/2 - k]), the half-length inverse of Z = E + i O gives
 * x[2j] + i x[2j + 1] = IDFT_{n/2}(Z)[j] / 2.
 *
 * @example
 * const inv = new RealInverseFft(1024);
 * inv.inverse(re, im, out); // out: 1024 samples
 */
export class RealInverseFft {
  private readonly fft: FFT;
  private readonly z: number[];
  private readonly zOut: number[];
  private readonly twiddle: Float64Array;

  constructor(readonly n: number) {
    if (!Number.isInteger(n) || n < 8 || (n & (n - 1)) !== 0) throw new MbError('MB_ERR_BAD_ARGS', `inverse FFT length must be a power of two >= 8, got ${n}`);
    this.fft = new FFT(n / 2);
    this.z = this.fft.createComplexArray() as number[];
    this.zOut = this.fft.createComplexArray() as number[];
    this.twiddle = new Float64Array(n);
    for (let k = 0; k < n / 2; k++) {
      this.twiddle[2 * k] = Math.cos((2 * Math.PI * k) / n);
      this.twiddle[2 * k + 1] = Math.sin((2 * Math.PI * k) / n);
    }
  }

  /** re, im: n/2 + 1 values each (from `offset`, stride `stride`); out: n samples. */
  inverse(re: ArrayLike<number>, im: ArrayLike<number>, out: Float32Array | Float64Array | number[], offset = 0, stride = 1): void {
    const { n, z, zOut, twiddle } = this;
    const half = n / 2;
    for (let k = 0; k < half; k++) {
      const a = offset + k * stride;
      const b = offset + (half - k) * stride;
      const ar = re[a];
      const ai = k === 0 ? 0 : im[a];
      const br = re[b];
      const bi = k === 0 ? 0 : -im[b];
      const dr = ar - br;
      const di = ai - bi;
      const c = twiddle[2 * k];
      const s = twiddle[2 * k + 1];
      const or = dr * c - di * s;
      const oi = dr * s + di * c;
      z[2 * k] = ar + br - oi;
      z[2 * k + 1] = ai + bi + or;
    }
    this.fft.inverseTransform(zOut, z);
    for (let j = 0; j < n; j++) out[j] = 0.5 * zOut[j];
  }
}
