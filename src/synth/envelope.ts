import type { Hz, Seconds } from '../core/units';
import { PATCH } from './patch';

const IDLE = 0;
const ATTACK = 1;
const DECAY = 2;
const RELEASE = 3;

/** -60 dB, the level the decay time refers to. */
const DECAY_FLOOR = 0.001;

/**
 * Attack/decay envelope with sustain 0 (or a sustain level, setSustain) and a short release when the gate ends.
 *
 * - attack: linear rise from the current level to 1 at a rate of 1 per `attack` seconds
 *   (from silence the peak comes exactly `attack` after the trigger);
 * - decay: exponential fall from 1, reaching -60 dB `decay` seconds after the peak;
 * - release (gate off): linear fade from the current level to 0 in PATCH.RELEASE_SECONDS.
 *
 * Times can change while the envelope runs (continuous mode). Allocation-free.
 *
 * @example
 * const env = new AdEnvelope(16000);
 * env.setTimes(0.02, 0.3);
 * env.trigger();
 * for (let i = 0; i < gate; i++) out[i] *= env.next();
 * env.release();
 */
export class AdEnvelope {
  private level = 0;
  private stage = IDLE;
  private attackStep = 1;
  private decayFactor = 0;
  private releaseStep = 0;
  private sustain = 0;
  private readonly sampleRate: Hz;
  private readonly releaseSamples: number;

  constructor(sampleRate: Hz) {
    this.sampleRate = sampleRate;
    this.releaseSamples = Math.max(1, Math.round(PATCH.RELEASE_SECONDS * sampleRate));
  }

  /** Sets attack and decay times (seconds, > 0). */
  setTimes(attack: Seconds, decay: Seconds): void {
    this.attackStep = 1 / Math.max(1, attack * this.sampleRate);
    this.decayFactor = Math.pow(DECAY_FLOOR, 1 / Math.max(1, decay * this.sampleRate));
  }

  /**
   * Sets the level the decay falls towards and holds (default 0: the paper's envelope, which
   * ends in silence). With 0 the decay is bit-identical to an envelope without sustain.
   */
  setSustain(level: number): void {
    this.sustain = Math.min(1, Math.max(0, level));
  }

  /** Starts (or restarts, from the current level) the attack. */
  trigger(): void {
    this.stage = ATTACK;
  }

  /** Ends the gate: fades the current level to 0 in the release time. */
  release(): void {
    if (this.stage === IDLE) return;
    this.stage = RELEASE;
    this.releaseStep = this.level / this.releaseSamples;
  }

  /** Back to silence. */
  reset(): void {
    this.level = 0;
    this.stage = IDLE;
  }

  /** True while the envelope is silent and not triggered. */
  get idle(): boolean {
    return this.stage === IDLE;
  }

  /** Advances one sample and returns the level in [0, 1]. */
  next(): number {
    switch (this.stage) {
      case ATTACK:
        this.level += this.attackStep;
        if (this.level >= 1) {
          this.level = 1;
          this.stage = DECAY;
        }
        break;
      case DECAY:
        this.level = this.sustain + (this.level - this.sustain) * this.decayFactor;
        if (this.level < PATCH.SILENCE) this.reset();
        break;
      case RELEASE:
        this.level -= this.releaseStep;
        if (this.level <= 0) this.reset();
        break;
    }
    return this.level;
  }
}
