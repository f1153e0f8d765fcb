import { parseMidi, writeMidi, type MidiData, type MidiEvent } from 'midi-file';
import type { InferredPlayedNote } from './notes';

/**
 * Inferred notes as a standard MIDI file (format 0, one track, channel 1), written with the
 * `midi-file` library. Time: 480 ticks per quarter note at 120 bpm (1 tick = 1/960 s).
 * Per note, just before its note-on:
 * - pitch bend for the cents (the bend range is set to ±2 semitones once, by RPN 0 at the
 *   start; bend = 8192 x cents / 200);
 * - one controller per plant setting, value round(127 p) of its normalized value p
 *   (NOTE_CONTROLLERS, docs/mirrornet.md "Notes out as MIDI");
 * - velocity = 1 + round(126 p) of the note's normalized volume.
 *
 * @example
 * writeFileSync('out.mid', notesToMidi(result.notes));
 */
export const TICKS_PER_BEAT = 480;
/** Ticks per second at the file's tempo (120 bpm). */
export const TICKS_PER_SECOND = 960;
const TEMPO_US_PER_BEAT = 500000;
export const BEND_RANGE_SEMITONES = 2;

/**
 * The controller that carries each of the plant's per-note settings (General MIDI's sound
 * controllers where one has that meaning).
 * @example NOTE_CONTROLLERS.cutoff // 74 (brightness)
 */
export const NOTE_CONTROLLERS = Object.freeze({
  volume: 7,
  sustain: 70,
  resonance: 71,
  attack: 73,
  cutoff: 74,
  decay: 75,
} as const);
export type ControlledParam = keyof typeof NOTE_CONTROLLERS;

/** The RPN 0 (pitch-bend sensitivity) messages that set ±BEND_RANGE_SEMITONES. */
function bendRange(): MidiEvent[] {
  return [
    [101, 0],
    [100, 0],
    [6, BEND_RANGE_SEMITONES],
    [38, 0],
  ].map(([controllerType, value]) => ({ deltaTime: 0, type: 'controller', channel: 0, controllerType, value }));
}

/** The notes as MIDI file bytes. */
export function notesToMidi(notes: readonly InferredPlayedNote[], name = 'mirrorbridge notes'): Uint8Array {
  const timed: Array<{ tick: number; order: number; event: MidiEvent }> = [];
  const at = (s: number): number => Math.max(0, Math.round(s * TICKS_PER_SECOND));
  notes.forEach((n) => {
    const on = at(n.onset_s);
    const off = Math.max(on + 1, at(n.onset_s + n.units.duration));
    const bend = Math.max(-8192, Math.min(8191, Math.round((8192 * (n.midi - n.key)) / BEND_RANGE_SEMITONES)));
    timed.push({ tick: on, order: 1, event: { deltaTime: 0, type: 'pitchBend', channel: 0, value: bend } });
    for (const [param, controllerType] of Object.entries(NOTE_CONTROLLERS) as [ControlledParam, number][]) {
      timed.push({ tick: on, order: 1, event: { deltaTime: 0, type: 'controller', channel: 0, controllerType, value: toSeven(n.params[param]) } });
    }
    const noteNumber = Math.max(0, Math.min(127, n.key));
    timed.push({ tick: on, order: 2, event: { deltaTime: 0, type: 'noteOn', channel: 0, noteNumber, velocity: 1 + Math.round(126 * clamp01(n.params.volume)) } });
    timed.push({ tick: off, order: 0, event: { deltaTime: 0, type: 'noteOff', channel: 0, noteNumber, velocity: 0 } });
  });
  // At one tick: note-offs first, then a note's settings, then its note-on.
  timed.sort((a, b) => a.tick - b.tick || a.order - b.order);
  const track: MidiEvent[] = [
    { deltaTime: 0, type: 'trackName', text: name },
    { deltaTime: 0, type: 'setTempo', microsecondsPerBeat: TEMPO_US_PER_BEAT },
    ...bendRange(),
  ];
  let last = 0;
  for (const t of timed) {
    track.push({ ...t.event, deltaTime: t.tick - last });
    last = t.tick;
  }
  track.push({ deltaTime: 0, type: 'endOfTrack' });
  const data: MidiData = { header: { format: 0, numTracks: 1, ticksPerBeat: TICKS_PER_BEAT }, tracks: [track] };
  return Uint8Array.from(writeMidi(data));
}

/**
 * A MIDI file written by notesToMidi read back: per note its onset, offset, key, pitch with
 * cents and the controller values (normalized, value / 127).
 * @example midiToNotes(readFileSync('out.mid'))[0].midi // 60.07
 */
export function midiToNotes(bytes: ArrayLike<number>): Array<{ onset_s: number; offset_s: number; key: number; midi: number; velocity: number; params: Partial<Record<ControlledParam, number>> }> {
  const data = parseMidi(bytes);
  const out: ReturnType<typeof midiToNotes> = [];
  const open = new Map<number, (typeof out)[number]>();
  let tick = 0;
  let bend = 0;
  let params: Partial<Record<ControlledParam, number>> = {};
  const byController = new Map(Object.entries(NOTE_CONTROLLERS).map(([k, v]) => [v as number, k as ControlledParam]));
  for (const e of data.tracks[0] ?? []) {
    tick += e.deltaTime;
    if (e.type === 'pitchBend') bend = e.value;
    else if (e.type === 'controller' && byController.has(e.controllerType)) params = { ...params, [byController.get(e.controllerType)!]: e.value / 127 };
    else if (e.type === 'noteOn' && e.velocity > 0) {
      const note = { onset_s: tick / TICKS_PER_SECOND, offset_s: NaN, key: e.noteNumber, midi: e.noteNumber + (BEND_RANGE_SEMITONES * bend) / 8192, velocity: e.velocity, params };
      open.set(e.noteNumber, note);
      out.push(note);
    } else if (e.type === 'noteOff' || (e.type === 'noteOn' && e.velocity === 0)) {
      const n = open.get(e.noteNumber);
      if (n) n.offset_s = tick / TICKS_PER_SECOND;
      open.delete(e.noteNumber);
    }
  }
  return out;
}

function clamp01(p: number): number {
  return Math.min(1, Math.max(0, p));
}

function toSeven(p: number): number {
  return Math.round(127 * clamp01(p));
}
