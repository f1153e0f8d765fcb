import type { Hz } from '../core/units';

/**
 * Resonant band-pass: a topology-preserving-transform (trapezoidal) state-variable filter
 * (Zavalishin; Simper's form). Its state is in integrator form, so it stays stable and
 * click-free when centre and Q change every few samples.
 *
 * Output scaling: the raw band-pass output peaks at gain Q; it is scaled by 1/sqrt(Q), so
 * the peak gain is sqrt(Q) (resonance sounds as an emphasised, narrower peak) while the
 * power passed from a broadband input stays about constant (bandwidth ∝ 1/Q).
 *
 * @example
 * const bp = new TptBandPass();
 * bp.setParams(800, 2, 16000);
 * const y = bp.process(x);
 */
export class TptBandPass {
  private ic1 = 0;
  private ic2 = 0;
  private a1 = 0;
  private a2 = 0;
  private a3 = 0;
  private gain = 0;

  /** Sets centre `hz` (must be below fs/2) and quality `q` (> 0) at `sampleRate`. */
  setParams(hz: Hz, q: number, sampleRate: Hz): void {
    const g = Math.tan((Math.PI * hz) / sampleRate);
    const k = 1 / q;
    this.a1 = 1 / (1 + g * (g + k));
    this.a2 = g * this.a1;
    this.a3 = g * this.a2;
    this.gain = Math.sqrt(k);
  }

  /** Clears the filter memory. */
  reset(): void {
    this.ic1 = 0;
    this.ic2 = 0;
  }

  process(x: number): number {
    const v3 = x - this.ic2;
    const v1 = this.a1 * this.ic1 + this.a2 * v3;
    const v2 = this.ic2 + this.a2 * this.ic1 + this.a3 * v3;
    this.ic1 = 2 * v1 - this.ic1;
    this.ic2 = 2 * v2 - this.ic2;
    return this.gain * v1;
  }
}
