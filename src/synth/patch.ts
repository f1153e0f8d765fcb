import { checkRange } from '../core/errors';
import type { Hz, Seconds } from '../core/units';

/**
 * The fixed part of the plant's patch: settings MirrorNet does not control. Both renderers
 * (melody and continuous) read them from here so they sound alike.
 *
 * Output level: the band-pass output is scaled by OUTPUT_GAIN times the volume gain, then
 * passes `softClip`, which is the identity up to CLIP_KNEE and bends smoothly towards ±1
 * above it, so the output peak stays within [-1, 1] for every parameter value.
 * Inside the training ranges the signal stays (almost always) below the knee.
 *
 * @example
 * softClip(0.5);  // 0.5
 * softClip(1.2);  // ≈ 0.993; |softClip(x)| <= 1 for every x
 */
export const PATCH = Object.freeze({
  /** Weight of the sawtooth in the oscillator mix; the 50 % pulse gets 1 - SAW_MIX. */
  SAW_MIX: 0.5,
  /** Pulse width of the pulse oscillator (0.5 = square). */
  PULSE_WIDTH: 0.5,
  /** Linear fade after the gate ends. */
  RELEASE_SECONDS: 0.01 as Seconds,
  /** The band-pass centre never goes above this fraction of the sample rate (TPT stays accurate). */
  MAX_CUTOFF_RATIO: 0.45,
  MIN_CUTOFF_HZ: 20 as Hz,
  /** Headroom before the soft clipper: a resonant peak (gain sqrt(Q) <= 3.2) stays mostly linear. */
  OUTPUT_GAIN: 0.8,
  /** Level where the soft clipper starts to bend. */
  CLIP_KNEE: 0.8,
  /** Envelope levels below this count as silence (keeps doubles out of the denormal range). */
  SILENCE: 1e-7,
});

const KNEE = PATCH.CLIP_KNEE;
const SPAN = 1 - KNEE;

/**
 * Identity below CLIP_KNEE; above it a tanh bend with matching slope, asymptotic to ±1.
 * @example softClip(-0.5) // -0.5
 */
export function softClip(x: number): number {
  if (x > KNEE) return KNEE + SPAN * Math.tanh((x - KNEE) / SPAN);
  if (x < -KNEE) return -KNEE - SPAN * Math.tanh((-x - KNEE) / SPAN);
  return x;
}

/**
 * The band-pass centre actually used at a sample rate: the mapped cutoff clamped to [MIN_CUTOFF_HZ, MAX_CUTOFF_RATIO fs].
 * @example clampCutoff(12800, 8000) // 3600
 */
export function clampCutoff(hz: Hz, sampleRate: Hz): Hz {
  return Math.min(PATCH.MAX_CUTOFF_RATIO * sampleRate, Math.max(PATCH.MIN_CUTOFF_HZ, hz));
}

/**
 * Lowest and highest sample rates the renderers accept.
 * @example checkSampleRate(44100) // 44100; checkSampleRate(500) throws MB_ERR_BAD_ARGS
 */
export const MIN_SAMPLE_RATE: Hz = 1000;
export const MAX_SAMPLE_RATE: Hz = 384000;

/** Checks a sample rate where it enters; throws MB_ERR_BAD_ARGS naming it (example above). */
export function checkSampleRate(sampleRate: unknown): Hz {
  return checkRange('sampleRate', sampleRate, MIN_SAMPLE_RATE, MAX_SAMPLE_RATE);
}
