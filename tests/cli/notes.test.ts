import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseMidi } from 'midi-file';
import { afterAll, describe, expect, it } from 'vitest';
import { readWav, writeWav } from '../../src/audio/wav';
import { midiToNotes, NOTE_CONTROLLERS, TICKS_PER_SECOND } from '../../src/mirror/midi';
import { spectralDistance } from '../../src/mirror/metrics';
import { renderNotes, type PlantNote } from '../../src/synth/notes';
import { mirrorbridge } from './run';

const dir = mkdtempSync(join(tmpdir(), 'mb-notes-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Six uneven notes over MIDI 48-67 with rests, one 30 cents sharp: the piano-phrase shape. */
const MELODY: PlantNote[] = [
  { onset: 0.1, duration: 0.25, midi: 48, sustain: 0.5, cutoff: 600, attack: 0.02 },
  { onset: 0.4, duration: 0.12, midi: 52.3, sustain: 0.6, cutoff: 1200, resonance: 5 },
  { onset: 0.8, duration: 1.1, midi: 67, sustain: 0.3, decay: 0.4, attack: 0.05 },
  { onset: 2.2, duration: 0.5, midi: 64, sustain: 0.7, cutoff: 2000 },
  { onset: 2.75, duration: 0.3, midi: 60, sustain: 0.5, volume: -14 },
  { onset: 3.1, duration: 0.6, midi: 55.8, sustain: 0.8 },
];
const KEYS = [48, 52, 67, 64, 60, 56];
const wav = join(dir, 'melody.wav');
writeWav(wav, renderNotes(MELODY, { sampleRate: 44100, totalSeconds: 4 }), 44100);

describe('mirrorbridge infer / resynth: notes by default', () => {
  it('infer returns the notes (onset, offset, MIDI with cents, plant settings) and writes a MIDI file that parses back', async () => {
    const mid = join(dir, 'melody.mid');
    const r = await mirrorbridge('infer', wav, '--json', '--midi', mid, '--refine', '1');
    expect(r.code, r.err).toBe(0);
    const result = JSON.parse(r.out);
    expect(result.notes.map((n: { key: number }) => n.key)).toEqual(KEYS);
    result.notes.forEach((n: { onset_s: number; offset_s: number; units: Record<string, number> }, i: number) => {
      expect(Math.abs(n.onset_s - MELODY[i].onset), `onset ${i}`).toBeLessThan(0.03);
      expect(n.offset_s).toBeGreaterThan(n.onset_s);
      for (const k of ['volume', 'cutoff', 'resonance', 'attack', 'decay', 'sustain', 'duration']) expect(Number.isFinite(n.units[k]), k).toBe(true);
    });
    expect(result.notes[1].cents).toBeGreaterThan(20);
    expect(result.notes[1].cents).toBeLessThan(40);

    const bytes = readFileSync(mid);
    const raw = parseMidi(bytes);
    expect(raw.header.format).toBe(0);
    const events = raw.tracks[0];
    expect(events.filter((e) => e.type === 'noteOn')).toHaveLength(6);
    const controllers = new Set(events.flatMap((e) => (e.type === 'controller' ? [e.controllerType] : [])));
    for (const c of Object.values(NOTE_CONTROLLERS)) expect(controllers.has(c), `CC ${c}`).toBe(true);
    const back = midiToNotes(bytes);
    expect(back.map((n) => n.key)).toEqual(KEYS);
    back.forEach((n, i) => {
      const inferred = result.notes[i];
      expect(Math.abs(n.onset_s - inferred.onset_s)).toBeLessThanOrEqual(1 / TICKS_PER_SECOND);
      expect(Math.abs(n.offset_s - (inferred.onset_s + inferred.units.duration))).toBeLessThanOrEqual(1 / TICKS_PER_SECOND);
      expect(Math.abs(n.midi - inferred.midi)).toBeLessThan(0.005);
      expect(Math.abs(n.params.cutoff! - inferred.params.cutoff)).toBeLessThanOrEqual(0.5 / 127);
    });
  });

  it('resynth renders the whole melody with the plant, closer to the input than the default settings', async () => {
    const out = join(dir, 'resynth.wav');
    const r = await mirrorbridge('resynth', wav, '--out', out, '--refine', '2', '--json');
    expect(r.code, r.err).toBe(0);
    const rendered = readWav(out);
    const input = readWav(wav);
    expect(rendered.sampleRate).toBe(44100);
    expect(rendered.samples.length).toBe(input.samples.length);
    const plain = renderNotes(MELODY.map((n) => ({ onset: n.onset, duration: n.duration, midi: n.midi, sustain: 0.5 })), { sampleRate: 44100, totalSeconds: 4 });
    const fitted = JSON.parse(r.out).metrics.audL1;
    expect(fitted).toBeLessThan(spectralDistance(input.samples, 44100, plain, 44100).audL1);
  });

  it('--model mirrornet-melody keeps the paper: 5 notes per 2-s segment', async () => {
    const r = await mirrorbridge('infer', wav, '--model', 'mirrornet-melody', '--json');
    expect(r.code, r.err).toBe(0);
    const result = JSON.parse(r.out);
    expect(result.model).toBe('mirrornet-melody');
    expect(result.notes).toHaveLength(10);
    expect(result.notes[1].onset_s).toBeCloseTo(0.4, 6);
  });

  it('silence gives no notes and the silent flag; --midi refuses the paper model', async () => {
    const quiet = join(dir, 'silence.wav');
    writeWav(quiet, new Float32Array(16000), 16000);
    const r = await mirrorbridge('infer', quiet, '--json');
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ notes: [], silent: true });
    const bad = await mirrorbridge('infer', wav, '--model', 'mirrornet-melody', '--midi', join(dir, 'x.mid'));
    expect(bad.code).toBe(2);
  });

  it('chords give the polyphonic flag and no notes; noise the unpitched flag and no notes (stereo, 48 kHz, clipped)', async () => {
    const fs = 48000;
    const chords = [[48, 52, 55], [57, 60, 64], [62, 66, 69]];
    const mix = new Float32Array(3 * fs);
    for (let tone = 0; tone < 3; tone++) {
      const line: PlantNote[] = chords.map((c, i) => ({ onset: 0.2 + 0.9 * i, duration: 0.7, midi: c[tone], sustain: 0.7, cutoff: 3000 }));
      renderNotes(line, { sampleRate: fs, totalSeconds: 3 }).forEach((v, i) => (mix[i] += v / 3));
    }
    const chordWav = join(dir, 'chords.wav');
    writeWav(chordWav, [mix, mix], fs);
    const r = await mirrorbridge('infer', chordWav, '--json');
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ notes: [], polyphonic: true });
    let seed = 7;
    const noise = new Float32Array(fs).map(() => Math.max(-0.5, Math.min(0.5, ((seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5) * 3)));
    const noiseWav = join(dir, 'noise.wav');
    writeWav(noiseWav, noise, fs);
    const n = await mirrorbridge('infer', noiseWav, '--json');
    expect(n.code, n.err).toBe(0);
    const nr = JSON.parse(n.out);
    expect(nr.notes).toEqual([]);
    expect(nr.polyphonic).toBe(false);
  });
});
