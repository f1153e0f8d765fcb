import { checkRange } from '../core/errors';
import { hzToMidi, type Decibels, type Hz, type Midi, type Samples } from '../core/units';
import { Yin } from './yin';

/** Options of CausalPitchTracker (defaults filled in by the constructor). */
export interface CausalPitchOptions {
  /** Rate of the samples pushed. */
  sampleRate: Hz;
  /** Lowest f0 searched; default 60 Hz (MIDI 35.3, so a bass voice's C2 = 65.4 Hz is inside). */
  fmin?: Hz;
  /** Highest f0 searched; default min(1400 Hz, sampleRate / 4) (MIDI 84 = 1046.5 Hz is inside). */
  fmax?: Hz;
  /** YIN's absolute threshold on d' for a voiced estimate; default 0.1 (a pitch only where the period is clear). */
  threshold?: number;
  /**
   * d' below which a frame counts as periodic (`periodic`) though not voiced; default 0.25. A dip
   * below it at a sub-multiple of the chosen lag also wins over the chosen lag (Yin's
   * `subharmonicThreshold`): a naive saw at 8 kHz dips to 0.09 at two periods, 0.18 at one.
   */
  periodicThreshold?: number;
  /** Integration window in ms; default 8 (the lower, the sooner a new pitch shows, the less robust). */
  windowMs?: number;
}

/** One estimate over the newest samples. */
export interface PitchEstimate {
  /** Fundamental frequency, 0 when unvoiced. */
  f0: Hz;
  /** f0 as a fractional MIDI note; NaN when unvoiced. */
  midi: Midi;
  voiced: boolean;
  /** d' at the best dip below `periodicThreshold`: periodic enough to keep a gate open, not to set a pitch. */
  periodic: boolean;
  /** YIN's 1 - d' at the chosen lag. */
  confidence: number;
  /** RMS level of the newest integration window, dBFS (floored at -120). */
  levelDb: Decibels;
}

/**
 * Causal, low-latency pitch tracking: the project's YIN run on the newest samples only, with
 * the frame time-reversed so that its integration window is the newest W samples and each lag
 * compares them with the samples one lag earlier. A plain YIN frame integrates over its oldest
 * samples, which after a pitch step would keep reporting the old pitch for a whole frame; the
 * reversed frame reports the new pitch once about W + one period of it has arrived. The pitch of
 * a periodic signal does not change under time reversal.
 *
 * The frame is the maximal lag T = ceil(fs / fmin) plus the integration window W (`windowMs`,
 * which may be shorter than a period of fmin: d(T0) = 0 at the true period whatever W). The
 * estimate reacts to a step once about W + one new period is in. `latencySamples` is the centre
 * of the integration window, W / 2 — the mean age of the samples an estimate is made of.
 *
 * Prepared once: the history ring, the reversed frame and the YIN plans are allocated in the
 * constructor; push and estimate allocate nothing.
 *
 * @example
 * const p = new CausalPitchTracker({ sampleRate: 16000 });
 * p.push(block);
 * const { midi, voiced, levelDb } = p.estimate();
 */
export class CausalPitchTracker {
  readonly sampleRate: Hz;
  readonly frameLength: Samples;
  /** Integration window W: the newest samples each estimate is made of. */
  readonly windowSamples: Samples;
  readonly latencySamples: Samples;
  private readonly yin: Yin;
  private readonly ring: Float32Array;
  private readonly frame: Float64Array;
  private readonly periodicConfidence: number;
  private write = 0;

  constructor(options: CausalPitchOptions) {
    this.sampleRate = checkRange('sampleRate', options.sampleRate, 4000, 192000);
    const fmin = checkRange('fmin', options.fmin ?? 60, 20, 1000);
    const fmax = checkRange('fmax', options.fmax ?? Math.min(1400, this.sampleRate / 4), fmin, this.sampleRate / 2);
    const maxLag = Math.ceil(this.sampleRate / fmin);
    this.windowSamples = Math.max(16, Math.round((checkRange('windowMs', options.windowMs ?? 8, 1, 100) * this.sampleRate) / 1000));
    this.frameLength = this.windowSamples + maxLag;
    this.latencySamples = Math.round(this.windowSamples / 2);
    const threshold = checkRange('threshold', options.threshold ?? 0.1, 0.01, 1);
    const periodicThreshold = checkRange('periodicThreshold', options.periodicThreshold ?? 0.25, threshold, 1);
    this.periodicConfidence = 1 - periodicThreshold;
    this.yin = new Yin({ sampleRate: this.sampleRate, frameLength: this.frameLength, fmin, fmax, threshold, window: this.windowSamples, subharmonicThreshold: periodicThreshold });
    this.ring = new Float32Array(this.frameLength);
    this.frame = new Float64Array(this.frameLength);
  }

  /** Appends samples to the history (only the newest frameLength are kept). */
  push(samples: ArrayLike<number>): void {
    const n = this.frameLength;
    for (let i = 0; i < samples.length; i++) {
      this.ring[this.write] = samples[i];
      this.write = this.write + 1 === n ? 0 : this.write + 1;
    }
  }

  /** Pitch and level of the newest samples (zeros before the first push count as silence). */
  estimate(): PitchEstimate {
    const n = this.frameLength;
    let energy = 0;
    for (let j = 0, k = this.write - 1; j < n; j++, k--) {
      if (k < 0) k = n - 1;
      const v = this.ring[k];
      this.frame[j] = v;
      if (j < this.windowSamples) energy += v * v;
    }
    const levelDb = Math.max(-120, 10 * Math.log10(energy / this.windowSamples + 1e-12));
    const { f0, confidence } = this.yin.estimate(this.frame);
    const voiced = f0 > 0;
    return { f0, midi: voiced ? hzToMidi(f0) : NaN, voiced, periodic: voiced || confidence >= this.periodicConfidence, confidence, levelDb };
  }

  /** Copies the newest `out.length` samples, oldest first, into `out`; zeros before what it holds (frameLength). */
  newest(out: Float32Array): void {
    const n = this.frameLength;
    const m = Math.min(out.length, n);
    const lead = out.length - m;
    out.fill(0, 0, lead);
    for (let j = 0, k = this.write - m; j < m; j++, k++) out[lead + j] = this.ring[k < 0 ? k + n : k];
  }

  /** Forgets the history (silence). */
  reset(): void {
    this.ring.fill(0);
    this.write = 0;
  }
}
