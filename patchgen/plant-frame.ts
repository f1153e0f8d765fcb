/**
 * What the Pd and Max plants ([mb.plant~], [mb.synth~], [mb.vst-map]) need to know about a
 * parameter frame and the plant's fixed patch, read from the TypeScript plant
 * (src/synth/params.ts, continuous.ts, patch.ts) rather than typed again.
 *
 * @example
 * `list append ${FRAME_PADDING.join(' ')}` // 'list append 0.4 0 0': set 1 gets set 2's vibrato defaults
 */
import { GATE_THRESHOLD, RETRIGGER_SEMITONES } from '../src/synth/continuous';
import { PARAM_SPECS, SET1, SET2, type ParamName } from '../src/synth/params';
import { PATCH } from '../src/synth/patch';

/** Frame values in model order (set 2; set 1 is its first SET1.length values). */
export const FRAME_NAMES: readonly ParamName[] = SET2;
/** The two frame lengths a plant accepts: set 1 and set 2. */
export const SHORT_FRAME = SET1.length;
export const FULL_FRAME = SET2.length;
/** Normalized defaults appended to a set-1 frame (the vibrato parameters of set 2). */
export const FRAME_PADDING: readonly number[] = SET2.slice(SET1.length).map((n) => PARAM_SPECS[n].defaultValue);
/** The normalized gate threshold of duration, and the pitch jump (semitones) that retriggers. */
export const GATE = GATE_THRESHOLD;
export const RETRIGGER = RETRIGGER_SEMITONES;
/** Semitones per unit of normalized note (continuous mode: MIDI = min + span p). */
export const NOTE_SPAN = PARAM_SPECS.note.max - PARAM_SPECS.note.min;
/** Release fade after the gate ends, in ms. */
export const RELEASE_MS = PATCH.RELEASE_SECONDS * 1000;
/** -60 dB: the level the decay time refers to (DECAY_FLOOR in src/synth/envelope.ts, not exported). */
export const DECAY_FLOOR = 0.001;
/** Decay exponent R at which DECAY_FLOOR^R reaches the envelope's silence level (7/3 for 1e-7). */
export const DECAY_TO_SILENCE = Math.log(PATCH.SILENCE) / Math.log(DECAY_FLOOR);
export const { OUTPUT_GAIN, CLIP_KNEE, MIN_CUTOFF_HZ, MAX_CUTOFF_RATIO } = PATCH;

/** The index of a parameter in a frame. */
export function frameIndex(name: ParamName): number {
  return FRAME_NAMES.indexOf(name);
}

/**
 * The frame's names in model order, set 2's extra values bracketed.
 * @example frameOrder() // 'note duration volume cutoff resonance attack decay [vibratoRate vibratoIntensity vibratoPhase]'
 */
export function frameOrder(brackets: '[]' | '()' = '[]'): string {
  return `${FRAME_NAMES.slice(0, SHORT_FRAME).join(' ')} ${brackets[0]}${FRAME_NAMES.slice(SHORT_FRAME).join(' ')}${brackets[1]}`;
}

/**
 * A frame that sounds, for the help patches: the note in the middle of its range, the gate
 * open, every other value at its default.
 * @example demoFrame(SHORT_FRAME) // [0.5, 1, 0.8, 0.45, 0.25, 0.3, 0.4]
 */
export function demoFrame(count: number): number[] {
  return FRAME_NAMES.slice(0, count).map((name) => (name === 'note' ? 0.5 : name === 'duration' ? 1 : PARAM_SPECS[name].defaultValue));
}
