/**
 * Unit types in the manner of Tone.js. They are plain numbers; the names document intent.
 *
 * @example
 * const f: Hz = midiToHz(69); // 440
 */
export type Hz = number;
export type Seconds = number;
export type Decibels = number;
export type Samples = number;
/** A value in [0, 1]. */
export type NormalRange = number;
export type Midi = number;

export function midiToHz(midi: Midi): Hz {
  return 440 * Math.pow(2, (midi - 69) / 12);
}

export function hzToMidi(hz: Hz): Midi {
  return 69 + 12 * Math.log2(hz / 440);
}

export function dbToGain(db: Decibels): number {
  return Math.pow(10, db / 20);
}

export function gainToDb(gain: number, floor: Decibels = -120): Decibels {
  return gain > 0 ? Math.max(floor, 20 * Math.log10(gain)) : floor;
}

/** The sample rates the project supports end to end. */
export const SUPPORTED_SAMPLE_RATES = [8000, 16000, 22050, 44100, 48000] as const;
