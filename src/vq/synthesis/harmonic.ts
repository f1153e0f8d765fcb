import { checkInt, MbError } from '../../core/errors';

/** Half-width, in bins, of the Hann response drawn around each harmonic (training/vqvae/pitch.py). */
const KERNEL_HALF_WIDTH = 2.5;
/** Table steps per bin of the Hann response (linear interpolation between them). */
const KERNEL_STEPS = 256;

/**
 * Magnitude spectra of the 'harmonic' decoder (manifest `audio.settings.synthesis:
 * "harmonic-pghi"`): for each frame the decoder gives two envelopes over the rfft bins, a
 * harmonic one H and a noise one N (segments of 2 x bins values, times the frame's gain),
 * and the pitch carried beside the code draws the harmonics:
 *   |X[k]| = H[k] x comb_f0[k] + N[k],
 * where comb_f0 is the magnitude response (peak 1) of a periodic Hann window of frameLength
 * samples centred on every harmonic h f0 below Nyquist, within 2.5 bins of it; f0 = 0
 * (unvoiced) leaves the noise alone. The same formula as training/vqvae/pitch.py
 * harmonic_comb, tabulated here (256 steps per bin, linear interpolation).
 * All buffers are allocated in the constructor (real-time safe).
 *
 * @example
 * const r = new HarmonicRenderer(1024, 16000);
 * r.render(envelopes, 0, 220, magnitudes); // magnitudes: 513 values for PhaseReconstructor
 */
export class HarmonicRenderer {
  readonly bins: number;
  private readonly table: Float64Array;
  private readonly binHz: number;

  constructor(
    readonly frameLength: number,
    readonly sampleRate: number,
  ) {
    checkInt('frameLength', frameLength, 16, 1 << 16);
    this.bins = frameLength / 2 + 1;
    this.binHz = sampleRate / frameLength;
    const n = Math.ceil(KERNEL_HALF_WIDTH * KERNEL_STEPS);
    this.table = new Float64Array(2 * n + 2);
    for (let i = 0; i <= 2 * n + 1; i++) this.table[i] = hannResponse(i / KERNEL_STEPS - n / KERNEL_STEPS, frameLength);
  }

  /**
   * envelopes[offset, offset + 2 bins) = H then N (already times the gain) and f0 in Hz ->
   * out[0, bins).
   */
  render(envelopes: ArrayLike<number>, offset: number, f0: number, out: Float32Array, gain = 1): void {
    const { bins, table, binHz } = this;
    if (envelopes.length - offset < 2 * bins) {
      throw new MbError('MB_ERR_BAD_ARGS', `envelopes have ${envelopes.length - offset} values, expected ${2 * bins}`);
    }
    if (!Number.isFinite(f0) || f0 < 0) throw new MbError('MB_ERR_BAD_ARGS', `f0 must be a finite number >= 0 Hz, got ${f0}`);
    for (let k = 0; k < bins; k++) out[k] = envelopes[offset + bins + k] * gain;
    if (f0 <= 0) return;
    const nyquist = (bins - 1) * binHz;
    const centre = Math.ceil(KERNEL_HALF_WIDTH * KERNEL_STEPS);
    const step = f0 / binHz;
    for (let h = 1; h * f0 < nyquist; h++) {
      const c = h * step;
      const lo = Math.max(0, Math.ceil(c - KERNEL_HALF_WIDTH));
      const hi = Math.min(bins - 1, Math.floor(c + KERNEL_HALF_WIDTH));
      for (let k = lo; k <= hi; k++) {
        const delta = k - c;
        if (delta <= -KERNEL_HALF_WIDTH || delta >= KERNEL_HALF_WIDTH) continue;
        const pos = delta * KERNEL_STEPS + centre;
        const i = Math.floor(pos);
        const frac = pos - i;
        const r = table[i] + frac * (table[i + 1] - table[i]);
        out[k] += envelopes[offset + k] * gain * r;
      }
    }
  }
}

/** |transform of a periodic Hann window of length n| at `delta` bins from its centre; 1 at 0. */
export function hannResponse(delta: number, n: number): number {
  const dirichlet = (u: number) => {
    const v = Math.abs(u) < 1e-6 ? 1e-6 : u;
    return Math.sin(Math.PI * v) / (n * Math.sin((Math.PI * v) / n));
  };
  return Math.abs(dirichlet(delta) + 0.5 * dirichlet(delta - 1) + 0.5 * dirichlet(delta + 1));
}
