import type { Hz, Seconds } from '../core/units';

/**
 * Live stand-in for the unit-RMS power normalization MirrorNet's clips get in training: the
 * signal is divided by its running RMS (one-pole mean square, `timeConstant` long). Below
 * `floorDb` the gain stops growing, so room noise is not blown up to full level.
 *
 * @example
 * const n = new RunningNormalizer(8000);
 * const y = n.process(block); // y is n's own buffer, valid until the next call
 */
export class RunningNormalizer {
  private meanSquare: number;
  private readonly alpha: number;
  private readonly floor: number;
  private out = new Float32Array(0);

  constructor(sampleRate: Hz, timeConstant: Seconds = 1, floorDb = -50) {
    this.alpha = Math.exp(-1 / (timeConstant * sampleRate));
    this.floor = Math.pow(10, floorDb / 10);
    this.meanSquare = this.floor;
  }

  process(x: Float32Array): Float32Array {
    if (this.out.length < x.length) this.out = new Float32Array(x.length);
    const y = this.out.subarray(0, x.length);
    let ms = this.meanSquare;
    const a = this.alpha;
    for (let i = 0; i < x.length; i++) {
      ms = a * ms + (1 - a) * x[i] * x[i];
      y[i] = x[i] / Math.sqrt(ms > this.floor ? ms : this.floor);
    }
    this.meanSquare = ms;
    return y;
  }

  reset(): void {
    this.meanSquare = this.floor;
  }
}
