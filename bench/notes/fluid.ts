import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeMidi, type MidiData, type MidiEvent } from 'midi-file';
import { readWav } from '../../src/audio/wav';
import { mulberry32 } from '../../src/core/random';
import type { Clip, TruthNote } from './sets';

/**
 * Set (c): sampled instruments. A seeded random melody (4-9 notes of uneven lengths with
 * rests, integer MIDI 48-84) is written as a standard MIDI file and rendered by fluidsynth
 * (`fluidsynth -ni -q -F out.wav -r <rate> <sf2> in.mid`, its default reverb and chorus) with
 * one General MIDI instrument per clip; the truth is the MIDI file's notes.
 *
 * Soundfonts: TimGM6mb (Debian's timgm6mb-soundfont) is the set the issue names and may be
 * used for development with a development seed; FluidR3_GM (fluid-soundfont-gm) is test only,
 * never tuned on (COMMON: any soundfont other than TimGM6mb and OPL-3 is test-only).
 */
export const SOUNDFONTS = Object.freeze({
  timgm6mb: '/usr/share/sounds/sf2/TimGM6mb.sf2',
  fluidr3: '/usr/share/sounds/sf2/FluidR3_GM.sf2',
});
export type SoundfontName = keyof typeof SOUNDFONTS;

/** General MIDI programs (0-based): piano, electric piano, strings, flute, guitar, a lead. */
export const INSTRUMENTS = Object.freeze([
  { name: 'piano', program: 0 },
  { name: 'electric piano', program: 4 },
  { name: 'strings', program: 48 },
  { name: 'flute', program: 73 },
  { name: 'guitar', program: 24 },
  { name: 'square lead', program: 80 },
]);

const TICKS_PER_BEAT = 480;
/** 120 bpm: 960 ticks per second. */
const TICKS_PER_SECOND = 960;

/** The melody of clip `c`: 4-9 notes, 80 ms-1.6 s log-uniform, rests of 50-800 ms before about a third. */
export function fluidMelody(rand: () => number): Array<TruthNote & { velocity: number }> {
  const count = 4 + Math.floor(rand() * 6);
  const notes: Array<TruthNote & { velocity: number }> = [];
  let t = 0.1 + 0.3 * rand();
  for (let i = 0; i < count; i++) {
    if (i > 0 && rand() < 0.35) t += 0.05 + 0.75 * rand();
    const len = 0.08 * Math.pow(1.6 / 0.08, rand());
    const midi = 48 + Math.floor(rand() * 37);
    const velocity = 60 + Math.floor(rand() * 61);
    // Times on the MIDI file's tick grid, so the truth is exactly what the file says.
    const onset = Math.round(t * TICKS_PER_SECOND) / TICKS_PER_SECOND;
    const offset = Math.round((t + len) * TICKS_PER_SECOND) / TICKS_PER_SECOND;
    notes.push({ onset, offset, midi, velocity });
    t += len + 0.01;
  }
  return notes;
}

/** One track, channel 1, 120 bpm; the file ends 1 s after the last note-off (the release and reverb tail). */
export function melodyToMidi(notes: Array<TruthNote & { velocity: number }>, program: number): Uint8Array {
  const timed: Array<{ tick: number; event: MidiEvent }> = [];
  for (const n of notes) {
    timed.push({ tick: Math.round(n.onset * TICKS_PER_SECOND), event: { deltaTime: 0, type: 'noteOn', channel: 0, noteNumber: n.midi, velocity: n.velocity } });
    timed.push({ tick: Math.round(n.offset * TICKS_PER_SECOND), event: { deltaTime: 0, type: 'noteOff', channel: 0, noteNumber: n.midi, velocity: 0 } });
  }
  // A note-off sorts before a note-on at the same tick.
  timed.sort((a, b) => a.tick - b.tick || (a.event.type === 'noteOff' ? -1 : 1));
  const events: MidiEvent[] = [
    { deltaTime: 0, meta: true, type: 'setTempo', microsecondsPerBeat: 500000 },
    { deltaTime: 0, type: 'programChange', channel: 0, programNumber: program },
  ];
  let last = 0;
  for (const { tick, event } of timed) {
    events.push({ ...event, deltaTime: tick - last } as MidiEvent);
    last = tick;
  }
  events.push({ deltaTime: TICKS_PER_SECOND, meta: true, type: 'endOfTrack' });
  const data: MidiData = { header: { format: 0, numTracks: 1, ticksPerBeat: TICKS_PER_BEAT }, tracks: [events] };
  return Uint8Array.from(writeMidi(data));
}

/** True when fluidsynth and the soundfont are installed (scripts/setup.sh installs both). */
export function fluidAvailable(soundfont: SoundfontName = 'timgm6mb'): boolean {
  if (!existsSync(SOUNDFONTS[soundfont])) return false;
  try {
    execFileSync('fluidsynth', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Renders `midi` with fluidsynth to mono samples at `sampleRate`. */
export function renderWithFluidsynth(midi: Uint8Array, soundfont: string, sampleRate: number): Float32Array {
  const dir = mkdtempSync(join(tmpdir(), 'mb-fluid-'));
  try {
    const mid = join(dir, 'in.mid');
    const wav = join(dir, 'out.wav');
    writeFileSync(mid, midi);
    execFileSync('fluidsynth', ['-ni', '-q', '-F', wav, '-r', String(sampleRate), '-T', 'wav', soundfont, mid], { stdio: ['ignore', 'ignore', 'pipe'] });
    return readWav(readFileSync(wav)).samples;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Set (c): `clips` melodies, instrument `c % 6`, rendered with `soundfont`. Seeded: the same seed gives the same MIDI. */
export function fluidSet(seed: number, clips: number, soundfont: SoundfontName = 'timgm6mb', sampleRate = 22050): Clip[] {
  const rand = mulberry32(seed);
  const out: Clip[] = [];
  for (let c = 0; c < clips; c++) {
    const instrument = INSTRUMENTS[c % INSTRUMENTS.length];
    const notes = fluidMelody(rand);
    const audio = renderWithFluidsynth(melodyToMidi(notes, instrument.program), SOUNDFONTS[soundfont], sampleRate);
    out.push({ name: `${soundfont}-${instrument.name}-${seed}-${c}`, audio, sampleRate, truth: notes.map(({ onset, offset, midi }) => ({ onset, offset, midi })) });
  }
  return out;
}
