/**
 * What the Pd and Max vocal-sketch examples share: the test voice's notes and what the comments
 * say about the range the live voice stream follows (the continuous plant's notes).
 */
import { CONTINUOUS_NOTE_MIDI } from '../src/synth/params';

/** The test voice's notes: an A-major arpeggio up three octaves and down again (A2-A5). */
export const TEST_VOICE_NOTES: readonly number[] = [45, 49, 52, 57, 61, 64, 69, 73, 76, 81, 76, 73, 69, 64, 61, 57, 52, 49];
const NOTE_NAMES = ['C', 'C#', 'D', 'D#', 'E', 'F', 'F#', 'G', 'G#', 'A', 'A#', 'B'];
const noteName = (midi: number) => `${NOTE_NAMES[midi % 12]}${Math.floor(midi / 12) - 1}`;
const midiHz = (midi: number) => Math.round(440 * 2 ** ((midi - 69) / 12));

/** What the live voice stream follows: the tracker's notes (the continuous plant's range). */
export function voiceRangeNote(): string {
  const [lo, hi] = CONTINUOUS_NOTE_MIDI;
  return `The note follows your voice from ${noteName(lo)} to ${noteName(hi)} (MIDI ${lo}-${hi}, ${midiHz(lo)}-${midiHz(hi)} Hz): a pitch tracker on the server gives the note and the gate, the model the timbre. The stream's mapping (stream/map/...: transpose, fold, quantize, glide, gate) fits it to your synth.`;
}

