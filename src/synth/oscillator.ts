import { PATCH } from './patch';

/**
 * Band-limited sawtooth + pulse oscillator (PolyBLEP: each step discontinuity is smoothed
 * by a two-sample polynomial residual, which removes most of the aliasing of naive shapes
 * at the cost of a few multiplies). Output is in about [-1, 1].
 *
 * The frequency is given per sample as a phase increment (Hz / sampleRate), so vibrato and
 * glides cost nothing extra. Allocation-free.
 *
 * @example
 * const osc = new SawPulseOscillator();
 * const inc = 440 / 16000;
 * for (let i = 0; i < out.length; i++) out[i] = osc.next(inc);
 */
export class SawPulseOscillator {
  private phase = 0;
  private readonly sawMix: number;
  private readonly pulseMix: number;
  private readonly width: number;

  constructor(sawMix: number = PATCH.SAW_MIX, pulseWidth: number = PATCH.PULSE_WIDTH) {
    this.sawMix = sawMix;
    this.pulseMix = 1 - sawMix;
    this.width = pulseWidth;
  }

  /** Restarts at phase 0 (melody notes start here, so renders are deterministic). */
  reset(): void {
    this.phase = 0;
  }

  /** Next sample for a phase increment `inc` in (0, 0.5). */
  next(inc: number): number {
    const t = this.phase;
    const saw = 2 * t - 1 - polyBlep(t, inc);
    let t2 = t + 1 - this.width;
    if (t2 >= 1) t2 -= 1;
    const pulse = (t < this.width ? 1 : -1) + polyBlep(t, inc) - polyBlep(t2, inc) - (2 * this.width - 1);
    let p = t + inc;
    if (p >= 1) p -= 1;
    this.phase = p;
    return this.sawMix * saw + this.pulseMix * pulse;
  }
}

/** PolyBLEP residual of a unit step at phase 0, for phase `t` in [0, 1) and increment `dt`. */
function polyBlep(t: number, dt: number): number {
  if (t < dt) {
    const x = t / dt;
    return x + x - x * x - 1;
  }
  if (t > 1 - dt) {
    const x = (t - 1) / dt;
    return x * x + x + x + 1;
  }
  return 0;
}
