import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readWav, writeWav } from '../../src/audio/wav';
import { renderNotes } from '../../src/synth/notes';

/** /mb/job/infer and /mb/job/resynth on the note model: the engine's jobs, as OSC and Max run them. */
const MODELS_DIR = join(__dirname, '..', '..', 'models');
const files = mkdtempSync(join(tmpdir(), 'mb-notes-job-'));
afterAll(() => rmSync(files, { recursive: true, force: true }));

const MELODY = [
  { onset: 0.1, duration: 0.3, midi: 50, sustain: 0.6 },
  { onset: 0.5, duration: 0.2, midi: 74.4, sustain: 0.5 },
  { onset: 1.2, duration: 0.7, midi: 62, sustain: 0.7 },
];

describe('MirrorNet jobs on mirrornet-notes', () => {
  it('infer gives the notes; resynth writes the plant rendering at the asked rate; mirrornet-melody still gives its slots', async () => {
    const { createEngine } = await import('../../src/app/create');
    writeWav(join(files, 'in.wav'), renderNotes(MELODY, { sampleRate: 22050, totalSeconds: 2.2 }), 22050);
    const { engine } = await createEngine({ modelsDir: MODELS_DIR, filesDir: files });
    const finished = (id: number) =>
      new Promise<{ state: string; result?: unknown; error?: unknown }>((resolve) => {
        engine.on('job', (e) => {
          if (e.id === id && (e.state === 'done' || e.state === 'failed')) resolve(e);
        });
      });
    try {
      await engine.loadModel('mirrornet-notes');
      await engine.loadModel('mirrornet-melody');
      const infer = await finished((await engine.submitJob('c', 'infer', { file: 'in.wav', model: 'mirrornet-notes', refine: 0 })).id);
      expect(infer.state, JSON.stringify(infer)).toBe('done');
      const notes = (infer.result as { model: string; notes: { key: number; cents: number; onset_s: number }[] });
      expect(notes.model).toBe('mirrornet-notes');
      expect(notes.notes.map((n) => n.key)).toEqual([50, 74, 62]);
      expect(notes.notes[1].cents).toBeGreaterThan(30);
      const re = await finished((await engine.submitJob('c', 'resynth', { in: 'in.wav', out: 'out.wav', model: 'mirrornet-notes', refine: 1, rate: 48000 })).id);
      expect(re.state, JSON.stringify(re)).toBe('done');
      const out = readWav(join(files, 'out.wav'));
      expect(out.sampleRate).toBe(48000);
      expect(out.samples.length).toBe(Math.round(2.2 * 48000));
      const paper = await finished((await engine.submitJob('c', 'infer', { file: 'in.wav', model: 'mirrornet-melody', refine: 0 })).id);
      expect((paper.result as { notes: unknown[] }).notes).toHaveLength(5); // the second 2-s segment is silent
    } finally {
      await engine.dispose();
    }
  });
});
