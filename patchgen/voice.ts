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

/** The voice's range the live stream was measured to follow (docs/mirrornet.md, held-out voices, `npm run bench -- voice`). */
const MEASURED_MIDI: readonly [number, number] = [36, 84];

/** What the live voice stream follows: the voices it was measured on, and the notes the synth plays. */
export function voiceRangeNote(): string {
  const [lo, hi] = MEASURED_MIDI;
  const [plo, phi] = CONTINUOUS_NOTE_MIDI;
  return `The note follows your voice from ${noteName(lo)} to ${noteName(hi)} (MIDI ${lo}-${hi}, ${midiHz(lo)}-${midiHz(hi)} Hz, measured on held-out voices): a pitch tracker on the server gives the note and the gate, the voice's level and brightness the volume and cutoff, the model the rest. The synth plays MIDI ${plo}-${phi}; the stream's mapping (stream/map/...: transpose, fold, quantize, glide, gate) fits your voice to it.`;
}
