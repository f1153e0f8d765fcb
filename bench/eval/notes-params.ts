import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../src/core/paths';
import { FITTED_CONTROLS } from '../../src/mirror/note-fit';
import { NoteModel } from '../../src/mirror/note-model';
import { fluidAvailable } from '../notes/fluid';
import { paramsBench, paramsSet, type Method, type SetResult } from '../notes/params';
import { ratioWithInterval, type Figure, type Table } from './figures';
import type { EvalEntry } from './registry';

/**
 * The plant's settings per transcribed note (what `infer` / `resynth` give each note) on the notes
 * bench's test seed: the re-rendering's L1 against the best fixed preset (one setting for every
 * note, the best of 27 chosen on the set itself, on the same transcribed notes, gates and levels),
 * beside the default settings on the same notes (what the notes alone earn); on the plant set
 * also the error per control against the settings it was rendered with, beside the best constant
 * guess (the median of the set's true settings). Same sets and methods as
 * `npx vite-node bench/notes-params.ts -- --seed 2 --clips N --sets ...`.
 */
const SEED = 2;
const CLIPS: Record<string, number> = { plant: 10, fm: 10, timgm6mb: 8, fluidr3: 8 };
const LABELS: Record<string, string> = { plant: '(a) plant', fm: '(b) FM synth', timgm6mb: '(c) TimGM6mb', fluidr3: "(c') FluidR3_GM" };

type Parts = [number, number][];

/** 1 - sum(a) / sum(ref) over clips, with its interval by clip. */
function closer(a: number[], ref: number[]): { value: number; interval: [number, number]; n: number } {
  const r = ratioWithInterval(a.map((v, i) => [v, ref[i]]));
  return { value: 1 - r.value, interval: [1 - r.interval[1], 1 - r.interval[0]], n: r.n };
}

function setFigures(r: SetResult): Figure[] {
  const label = LABELS[r.set];
  const defaults = closer(r.defaultsL1, r.presetL1);
  const baseline = { label: 'the default settings on the same notes', value: defaults.value, interval: defaults.interval };
  const targeted = r.set !== 'plant';
  const figures: Figure[] = r.methods.map((m) => ({
    id: `${r.set}.${m.name.split(' ')[0]}${m.name.includes('+') ? '+search' : ''}`, label: `${label}, ${m.name}: closer than the best fixed preset`,
    ...closer(m.l1, r.presetL1), unit: 'clips', better: 'higher', percent: true, digits: 3, baseline,
    ...(targeted && m.name.startsWith('model') ? { target: { op: '>=' as const, value: 0.3 } } : {}),
  }));
  if (r.set === 'plant') {
    for (const m of r.methods) {
      FITTED_CONTROLS.forEach((name, i) => {
        const all = r.truths.flat().map((t) => t[i]).sort((a, b) => a - b);
        const median = all[Math.floor(all.length / 2)];
        const ours: Parts = m.errors.map((errs) => [errs.reduce((a, e) => a + e[i], 0), errs.length]);
        const base: Parts = r.truths.map((ts) => [ts.reduce((a, t) => a + Math.abs(t[i] - median), 0), ts.length]);
        const o = ratioWithInterval(ours);
        const b = ratioWithInterval(base);
        figures.push({
          id: `plant.${m.name.split(' ')[0]}${m.name.includes('+') ? '+search' : ''}.mae.${name}`, label: `${label}, ${m.name}: MAE ${name} (normalized, per note)`, ...o, unit: 'clips', better: 'lower',
          baseline: { label: `the set's median true ${name}, for every note`, value: b.value, interval: b.interval },
        });
      });
    }
  }
  return figures;
}

async function evaluate(): Promise<Table[]> {
  const model = await NoteModel.load(join(packageRoot(), 'models', 'mirrornet-notes'));
  const methods: Method[] = [
    { name: 'model', encoder: model, refine: 0 },
    { name: 'model + search (2 passes)', encoder: model, refine: 2 },
    { name: 'search alone (3 passes)', refine: 3 },
  ];
  const sets = Object.keys(CLIPS).filter((s) => s === 'plant' || s === 'fm' || fluidAvailable(s as 'timgm6mb' | 'fluidr3'));
  const results: SetResult[] = [];
  try {
    for (const s of sets) results.push(await paramsBench(s, paramsSet(s, SEED, CLIPS[s]), methods));
  } finally {
    await model.dispose();
  }
  return [{
    id: 'notes-params-test', set: `settings per transcribed note, notes bench test seed ${SEED} (${sets.map((s) => `${LABELS[s]} ${CLIPS[s]} clips`).join(', ')})`,
    command: 'npm run eval -- notes-params', figures: results.flatMap(setFigures),
    notes: [
      'L1: auditory-spectrogram distance (8 kHz, unit power) between the input and the plant playing the transcribed notes with each method\'s settings; '
        + 'the best fixed preset: the best of 27 (cutoff x decay x sustain), one for all notes, chosen on the set itself, on the same transcribed notes, gates and levels.',
      'Baseline: the default settings (src/mirror/notes.ts) on the same notes, no choice at all. Target (>= 30 % closer on the sets that are not the plant) on the model rows.',
      ...results.map((r) => `${LABELS[r.set]}: best fixed preset [${r.bestPreset.join(', ')}]; ${r.methods.map((m) => `${m.name} ${(m.ms / r.audioSeconds).toFixed(0)} ms per audio second`).join(', ')} (on a loaded 2-core machine).`),
      `Seed ${SEED} is the notes benches' test seed (development: 101 / 1101 / 2101); the note model was trained on plant notes only.`,
    ],
  }];
}

export const notesParamsEntry: EvalEntry = {
  name: 'notes-params',
  what: 'the plant settings per transcribed note (note model, search) against the best fixed preset and the default settings',
  available: () => (existsSync(join(packageRoot(), 'models', 'mirrornet-notes')) ? null : 'no models/mirrornet-notes'),
  run: evaluate,
};
