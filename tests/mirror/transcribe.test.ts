import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../src/core/random';
import { transcribeNotes } from '../../src/mirror/transcribe';
import { renderNotes, type PlantNote } from '../../src/synth/notes';

const FS = 22050;

/** Uneven rhythm over five octaves, with rests and a glide. */
const MELODY: PlantNote[] = [
  { onset: 0.1, duration: 0.08, midi: 36.3, sustain: 0.6 },
  { onset: 0.3, duration: 0.6, midi: 95.6, sustain: 0.5, cutoff: 2400 },
  { onset: 0.92, duration: 1.5, midi: 60.2, sustain: 0.7, decay: 0.5 },
  { onset: 3.0, duration: 0.25, midi: 71, sustain: 0.5 },
  { onset: 3.3, duration: 0.4, midi: 48.8, sustain: 0.5, glide: 0.05 },
];

describe('transcribeNotes', () => {
  it('finds every note of an uneven plant melody over MIDI 36-96: onset within 30 ms, pitch within 20 cents, offset within 40 ms', () => {
    const { notes, silent } = transcribeNotes(renderNotes(MELODY, { sampleRate: FS, totalSeconds: 4.2 }), FS);
    expect(silent).toBe(false);
    expect(notes.map((n) => n.key)).toEqual([36, 96, 60, 71, 49]);
    notes.forEach((n, i) => {
      const truth = MELODY[i];
      expect(Math.abs(n.onset - truth.onset), `onset ${i}`).toBeLessThan(0.03);
      expect(Math.abs(n.offset - (truth.onset + truth.duration!)), `offset ${i}`).toBeLessThan(0.04);
      if (i !== 4) expect(Math.abs(n.midi - truth.midi!), `pitch ${i}`).toBeLessThan(0.2);
    });
    expect(notes[1].cents).toBeGreaterThan(-45);
    expect(notes[1].cents).toBeLessThan(-35);
    expect(notes[2].cents).toBeGreaterThan(10);
  });

  it('gives the same notes at 8, 44.1 and 96 kHz and 40 dB quieter', () => {
    const keys = [8000, 44100, 96000].map((fs) => transcribeNotes(renderNotes(MELODY.slice(2), { sampleRate: fs }), fs).notes.map((n) => n.key));
    expect(keys).toEqual([[60, 71, 49], [60, 71, 49], [60, 71, 49]]);
    const quiet = renderNotes(MELODY.slice(2), { sampleRate: FS }).map((v) => v * 0.01);
    expect(transcribeNotes(quiet, FS).notes.map((n) => n.key)).toEqual([60, 71, 49]);
  });

  it('answers silence with no notes and noise with no pitched notes', () => {
    expect(transcribeNotes(new Float32Array(FS), FS)).toMatchObject({ notes: [], silent: true });
    const rand = mulberry32(3);
    const noise = new Float32Array(FS).map(() => 0.3 * (rand() * 2 - 1));
    const r = transcribeNotes(noise, FS);
    expect(r.notes.filter((n) => n.pitched)).toEqual([]);
    if (r.notes.length > 0) expect(r.unpitched).toBe(true);
  });

  it('flags chords as polyphonic instead of giving notes for them; a melody is not', () => {
    expect(transcribeNotes(renderNotes(MELODY, { sampleRate: FS, totalSeconds: 4.2 }), FS).polyphonic).toBe(false);
    // Triads and dyads: the plant is one voice, so each chord tone is a plant line of its own, summed.
    const chords = [[48, 52, 55], [57, 60, 64], [50, 57], [62, 66, 69]];
    const mix = new Float32Array(Math.round(3.6 * FS));
    for (let tone = 0; tone < 3; tone++) {
      const line: PlantNote[] = chords.flatMap((c, i) => (c[tone] === undefined ? [] : [{ onset: 0.2 + 0.8 * i, duration: 0.6, midi: c[tone], sustain: 0.7, cutoff: 3000 }]));
      renderNotes(line, { sampleRate: FS, totalSeconds: 3.6 }).forEach((v, i) => (mix[i] += v / 3));
    }
    const r = transcribeNotes(mix, FS);
    expect(r.polyphonic).toBe(true);
  });

  it('transcribes a 2-minute file in 30-s chunks with progress, the same notes as each piece alone', () => {
    // Twelve copies of a 3-note phrase over 2 minutes, at 8 kHz; notes cross the chunk edges at 30, 60 and 90 s.
    const fs = 8000;
    const piece = renderNotes(MELODY.slice(2), { sampleRate: fs, totalSeconds: 5 });
    const long = new Float32Array(120 * fs);
    const starts = [0.5, 10.5, 20.5, 28.5, 40.5, 50.5, 58.2, 70.5, 80.5, 88.9, 100.5, 110.5];
    for (const s0 of starts) long.set(piece, Math.round(s0 * fs));
    const progress: number[] = [];
    const r = transcribeNotes(long, fs, { onProgress: (f) => progress.push(f) });
    expect(progress).toEqual([0.25, 0.5, 0.75, 1]);
    expect(r.notes.map((n) => n.key)).toEqual(starts.flatMap(() => [60, 71, 49]));
    r.notes.forEach((n, i) => expect(Math.abs(n.onset - (starts[Math.floor(i / 3)] + MELODY[2 + (i % 3)].onset)), `onset ${i}`).toBeLessThan(0.03));
  });

  it('ignores a DC offset', () => {
    const x = renderNotes(MELODY.slice(2), { sampleRate: FS }).map((v) => v * 0.5 + 0.4);
    expect(transcribeNotes(x, FS).notes.map((n) => n.key)).toEqual([60, 71, 49]);
  });

  it('refuses empty and non-finite audio with MB_ERR_BAD_AUDIO', () => {
    expect(() => transcribeNotes(new Float32Array(0), FS)).toThrow(expect.objectContaining({ code: 'MB_ERR_BAD_AUDIO' }));
    expect(() => transcribeNotes(Float32Array.from([0, NaN]), FS)).toThrow(expect.objectContaining({ code: 'MB_ERR_BAD_AUDIO' }));
  });
});
