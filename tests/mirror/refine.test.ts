import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readWav, writeWav } from '../../src/audio/wav';
import { MirrorMelody } from '../../src/mirror/melody';
import { melodySpectrogram, refineMelody, type MelodyLayout } from '../../src/mirror/refine';
import { renderMelody } from '../../src/synth';
import { mirrorbridge } from '../cli/run';
import { MODELS_DIR, sharedMirrorMelody } from '../shipped-models';

const layout: MelodyLayout = { notes: 5, paramCount: 7, totalSeconds: 2, sampleRate: 8000 };
const MIDI = [62, 65, 69, 72, 67];

/** note, duration, volume, cutoff, resonance, attack, decay per note. */
function melody(decay: number, cutoff = 0.45): Float32Array {
  return Float32Array.from(MIDI.flatMap((m) => [(m - 62) / 12, 0.3, 0.8, cutoff, 0.25, 0.3, decay]));
}

describe('plant-in-the-loop refinement (src/mirror/refine.ts)', () => {
  it('recovers a decay and a cutoff that start far off, and never gets worse', () => {
    const target = melodySpectrogram(melody(0.45, 0.5), layout);
    const r = refineMelody([target], melody(0.25, 0.35), layout, { passes: 4, indices: [3, 6] });
    expect(r.l1After).toBeLessThan(r.l1Before * 0.5);
    for (let n = 0; n < 5; n++) {
      expect(Math.abs(r.params[n * 7 + 6] - 0.45)).toBeLessThan(0.04);
      expect(Math.abs(r.params[n * 7 + 3] - 0.5)).toBeLessThan(0.04);
    }
    // notes are not moved unless asked
    for (let n = 0; n < 5; n++) expect(r.params[n * 7]).toBe(melody(0.25)[n * 7]);
    expect(r.renders).toBeGreaterThan(10);
  });

  it('goes beyond the training ranges when the sound asks for it (long decay)', () => {
    // decay 0.8 is outside the training range 0.3-0.5; the search starts at its top
    const target = melodySpectrogram(Float32Array.from(MIDI.flatMap((m) => [(m - 62) / 12, 0.9, 0.8, 0.45, 0.25, 0.3, 0.8])), layout);
    const start = Float32Array.from(MIDI.flatMap((m) => [(m - 62) / 12, 0.4, 0.8, 0.45, 0.25, 0.3, 0.5]));
    const r = refineMelody([target], start, layout, { passes: 4 });
    const decays = [0, 1, 2, 3, 4].map((n) => r.params[n * 7 + 6]);
    expect(Math.min(...decays)).toBeGreaterThan(0.6);
    expect(r.l1After).toBeLessThan(r.l1Before);
  });

  it('tied mode keeps one preset for every note and fits several targets at once', () => {
    const targets = [melodySpectrogram(melody(0.35), layout), melodySpectrogram(melody(0.45), layout)];
    const preset = Float32Array.from({ length: 35 }, (_, i) => [0.4, 0.3, 0.8, 0.45, 0.25, 0.3, 0.3][i % 7]);
    const r = refineMelody(targets, preset, layout, { passes: 2, tied: true });
    for (let n = 1; n < 5; n++) for (let j = 0; j < 7; j++) expect(r.params[n * 7 + j]).toBe(r.params[j]);
    expect(r.l1After).toBeLessThanOrEqual(r.l1Before);
  });

  it('refuses bad arguments with coded errors', () => {
    const t = melodySpectrogram(melody(0.4), layout);
    expect(() => refineMelody([t], new Float32Array(7), layout)).toThrow(/MB_ERR_BAD_PARAMS|35/);
    expect(() => refineMelody([], melody(0.4), layout)).toThrow(/target/);
    expect(() => refineMelody([t], melody(0.4), layout, { passes: -1 })).toThrow(/passes/);
    expect(() => refineMelody([t], melody(0.4), layout, { indices: [9] })).toThrow(/index/);
    expect(() => refineMelody([{ data: new Float32Array(10), channels: 2, frames: 5 }], melody(0.4), layout)).toThrow(/does not match/);
  });
});

describe('refinement through the melody model and the CLI', () => {
  let mirror: MirrorMelody;
  const dir = mkdtempSync(join(tmpdir(), 'mb-refine-'));
  // A sustained melody (decay 0.85, long gates): outside what the training melodies contain.
  const input = renderMelody(MIDI.map((m) => [(m - 62) / 12, 0.9, 0.8, 0.5, 0.25, 0.3, 0.85]), { sampleRate: 16000 });
  const inWav = join(dir, 'sustained.wav');
  writeWav(inWav, input, 16000);
  beforeAll(async () => {
    mirror = await sharedMirrorMelody();
  });

  it('inferParams with refine reports the distance before and after, and it falls', async () => {
    const plain = await mirror.inferParams(input, 16000);
    expect(plain.refinement).toBeUndefined();
    const r = await mirror.inferParams(input, 16000, { refine: 3 });
    expect(r.refinement?.passes).toBe(3);
    expect(r.refinement?.l1Before).toHaveLength(1);
    expect(r.refinement!.l1After[0]).toBeLessThan(r.refinement!.l1Before[0] * 0.8);
    // the notes are the encoder's
    expect(r.notes.map((n) => n.midi)).toEqual(plain.notes.map((n) => n.midi));
    await expect(mirror.inferParams(input, 16000, { refine: 1.5 })).rejects.toMatchObject({ code: 'MB_ERR_BAD_ARGS' });
  });

  it('`resynth --refine` renders closer to the input than plain resynth', async () => {
    const a = await mirrorbridge('resynth', inWav, '--out', join(dir, 'plain.wav'), '--model', 'mirrornet-melody', '--json');
    const b = await mirrorbridge('resynth', inWav, '--out', join(dir, 'refined.wav'), '--model', 'mirrornet-melody', '--json', '--refine', '3');
    expect(a.code).toBe(0);
    expect(b.code).toBe(0);
    const ja = JSON.parse(a.out);
    const jb = JSON.parse(b.out);
    expect(jb.metrics.audL1).toBeLessThan(ja.metrics.audL1);
    expect(jb.refinement.l1After[0]).toBeLessThan(jb.refinement.l1Before[0]);
    // 2 s, written at the input's rate (16 kHz; the model renders at 8 kHz).
    expect(readWav(join(dir, 'refined.wav')).samples.length).toBe(2 * 16000);
    const bad = await mirrorbridge('infer', inWav, '--refine', 'many');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/MB_ERR_BAD_ARGS/);
  });
});

describe('refinement in an engine job', () => {
  it('a resynth job with refine reports the refinement and keeps the event loop free', async () => {
    const { createEngine } = await import('../../src/app/create');
    const files = mkdtempSync(join(tmpdir(), 'mb-refine-job-'));
    const input = renderMelody(MIDI.map((m) => [(m - 62) / 12, 0.9, 0.8, 0.5, 0.25, 0.3, 0.85]), { sampleRate: 8000 });
    writeWav(join(files, 'in.wav'), input, 8000);
    const { engine } = await createEngine({ modelsDir: MODELS_DIR, filesDir: files });
    try {
      await engine.loadModel('mirrornet-melody');
      // the longest gap between timer ticks while the job runs: refinement must yield
      let last = performance.now();
      let worst = 0;
      const timer = setInterval(() => {
        const now = performance.now();
        worst = Math.max(worst, now - last);
        last = now;
      }, 1);
      const finished = async (id: number) =>
        new Promise<{ state: string; result?: unknown; error?: unknown }>((resolve) => {
          engine.on('job', (e) => {
            if (e.id === id && (e.state === 'done' || e.state === 'failed')) resolve(e);
          });
        });
      const { id } = await engine.submitJob('c', 'resynth', { in: 'in.wav', out: 'out.wav', refine: 2 });
      const done = await finished(id);
      clearInterval(timer);
      expect(done.state, JSON.stringify(done)).toBe('done');
      const result = done.result as { refinement: { passes: number; l1Before: number[]; l1After: number[] } };
      expect(result.refinement.passes).toBe(2);
      expect(result.refinement.l1After[0]).toBeLessThan(result.refinement.l1Before[0]);
      // a whole refinement pass takes hundreds of ms; the loop never stalls for that long
      expect(worst).toBeLessThan(100);
      const bad = await engine.submitJob('c', 'infer', { file: 'in.wav', refine: -1 });
      expect(JSON.stringify(await finished(bad.id))).toMatch(/failed.*MB_ERR_BAD_ARGS/);
    } finally {
      await engine.dispose();
    }
  });
});
