import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../../src/core/random';
import { FIT_RATE, FITTED_CONTROLS, NOTE_LEAD, controlsToUnits } from '../../src/mirror/note-fit';
import { NoteModel } from '../../src/mirror/note-model';
import { renderNotes } from '../../src/synth/notes';

/**
 * The shipped note model on plant notes it never saw (another seed than training): its controls
 * must beat the middle of each range, which is what a model that learned nothing would answer.
 */
const DIR = join(__dirname, '..', '..', 'models', 'mirrornet-notes');
let model: NoteModel;
beforeAll(async () => {
  model = await NoteModel.load(DIR);
});
afterAll(() => model?.dispose());

const RANGES: Record<string, [number, number]> = { cutoff: [0.2, 0.75], resonance: [0.1, 0.45], attack: [0, 0.45], decay: [0.25, 0.85], sustain: [0, 1] };

describe('mirrornet-notes (shipped)', () => {
  it('infers cutoff, attack, decay and sustain of unseen plant notes better than the middle of the ranges', async () => {
    const rand = mulberry32(77);
    const truth: number[][] = [];
    const excerpts = Array.from({ length: 64 }, () => {
      const p = FITTED_CONTROLS.map((n) => RANGES[n][0] + (RANGES[n][1] - RANGES[n][0]) * rand());
      truth.push(p);
      const midi = 40 + 50 * rand();
      const duration = 0.1 + 0.8 * rand();
      const audio = renderNotes([{ onset: NOTE_LEAD, duration, midi, ...controlsToUnits(p) }], { sampleRate: FIT_RATE, totalSeconds: 1 });
      return { audio, midi, lead: NOTE_LEAD, duration };
    });
    const got = await model.encode(excerpts);
    FITTED_CONTROLS.forEach((name, i) => {
      const mid = (RANGES[name][0] + RANGES[name][1]) / 2;
      const mae = got.reduce((a, g, k) => a + Math.abs(g[i] - truth[k][i]), 0) / got.length;
      const chance = truth.reduce((a, t) => a + Math.abs(mid - t[i]), 0) / truth.length;
      if (name !== 'resonance') expect(mae, `${name}: MAE ${mae.toFixed(3)} vs ${chance.toFixed(3)} for the middle`).toBeLessThan(0.75 * chance);
    });
  });

  it('refuses a manifest of another kind', async () => {
    await expect(NoteModel.load(join(__dirname, '..', '..', 'models', 'mirrornet-melody'))).rejects.toMatchObject({ code: 'MB_ERR_MODEL_MANIFEST' });
  });
});
