import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { spectralDistance } from '../src/mirror/metrics';
import { NoteModel } from '../src/mirror/note-model';
import { FITTED_CONTROLS } from '../src/mirror/note-fit';
import { inferNotes, renderInferred, type InferredPlayedNote, type NoteEncoder } from '../src/mirror/notes';
import { noteFieldToNormalized, unitsToNormalized } from '../src/synth/params';
import { fluidAvailable, fluidSet } from './notes/fluid';
import { fmSet, plantSet, type Clip } from './notes/sets';
import { ONSET_TOLERANCE } from './notes/score';

/**
 * The plant's settings per note on held-out melodies: per-parameter MAE (normalized) on set (a),
 * the plant, where the truth is known, and the re-rendering's auditory-spectrogram L1 to the input
 * on (a), (b, the FM synth) and (c, sampled instruments: bench/notes/fluid.ts), against the best fixed preset (the same settings for every note,
 * the best of a grid, chosen on the set itself). Methods: the note model alone, the
 * plant-in-the-loop search alone, the model then the search.
 *
 *   npx vite-node bench/notes-params.ts -- --seed 2 --clips 20 [--sets plant,fm,timgm6mb] [--write]
 */
const { values } = parseArgs({
  options: { seed: { type: 'string', default: '2' }, clips: { type: 'string', default: '20' }, sets: { type: 'string', default: 'plant,fm,timgm6mb' }, write: { type: 'boolean' }, models: { type: 'string' } },
  allowPositionals: true,
});

type Method = { name: string; encoder?: NoteEncoder; refine: number };

function truthControls(clip: Clip, onset: number): number[] | null {
  const i = clip.truth.findIndex((t) => Math.abs(t.onset - onset) <= ONSET_TOLERANCE);
  if (i < 0 || !clip.plant) return null;
  const n = clip.plant[i];
  return [unitsToNormalized('cutoff', n.cutoff!), unitsToNormalized('resonance', n.resonance!), unitsToNormalized('attack', n.attack!), unitsToNormalized('decay', n.decay!), noteFieldToNormalized('sustain', n.sustain!)];
}

/** A grid of fixed presets (normalized FITTED_CONTROLS), the same for every note. */
function presetGrid(): number[][] {
  const out: number[][] = [];
  for (const cutoff of [0.3, 0.45, 0.6]) for (const decay of [0.3, 0.5, 0.7]) for (const sustain of [0, 0.4, 0.8]) out.push([cutoff, 0.25, 0.3, decay, sustain]);
  return out;
}

function withControls(notes: InferredPlayedNote[], p: number[]): InferredPlayedNote[] {
  return notes.map((n) => {
    const params = { ...n.params };
    FITTED_CONTROLS.forEach((c, i) => (params[c] = p[i]));
    const units = { ...n.units };
    // Units from the normalized values by the schema, as noteResult does.
    units.cutoff = 100 * Math.pow(128, p[0]);
    units.resonance = 0.7 + 9.3 * p[1];
    units.attack = 0.01 * Math.pow(100, p[2]);
    units.decay = 0.02 * Math.pow(100, p[3]);
    units.sustain = p[4];
    return { ...n, params, units };
  });
}

const l1Of = (clip: Clip, notes: InferredPlayedNote[]): number =>
  spectralDistance(clip.audio, clip.sampleRate, renderInferred(notes, 16000, clip.audio.length / clip.sampleRate), 16000).audL1;

async function main(): Promise<void> {
  const seed = Number(values.seed);
  const count = Number(values.clips);
  const modelDir = join(values.models ?? join(__dirname, '..', 'models'), 'mirrornet-notes');
  const model = await NoteModel.load(modelDir).catch((err) => {
    console.warn(`no note model (${(err as Error).message}); search only`);
    return undefined;
  });
  const methods: Method[] = [{ name: 'search (3 passes)', refine: 3 }];
  if (model) methods.unshift({ name: 'model', encoder: model, refine: 0 }, { name: 'model + search (2 passes)', encoder: model, refine: 2 });
  const sets: Record<string, Clip[]> = {};
  for (const name of String(values.sets).split(',')) {
    if (name === 'plant') sets.plant = plantSet(seed, count);
    else if (name === 'fm') sets.fm = fmSet(seed + 1000, count);
    // Set (c) as bench/notes.ts draws it (seed + 2000), sampled instruments through fluidsynth.
    else if ((name === 'timgm6mb' || name === 'fluidr3') && fluidAvailable(name)) sets[name] = fluidSet(seed + 2000, count, name);
    else throw new Error(`unknown or unavailable set ${name}`);
  }
  const rows: Record<string, unknown>[] = [];
  for (const [set, clips] of Object.entries(sets)) {
    const base = await Promise.all(clips.map((c) => inferNotes(c.audio, c.sampleRate, { refine: 0 })));
    const presets = presetGrid().map((p) => ({ p, l1: clips.reduce((a, c, k) => a + l1Of(c, withControls(base[k].notes, p)), 0) / clips.length }));
    const bestPreset = presets.reduce((a, b) => (b.l1 < a.l1 ? b : a));
    rows.push({ set, method: `best fixed preset [${bestPreset.p.join(', ')}]`, audL1: round(bestPreset.l1, 6) });
    for (const m of methods) {
      const t0 = performance.now();
      let l1 = 0;
      const errs: number[][] = [];
      for (const c of clips) {
        const r = await inferNotes(c.audio, c.sampleRate, { refine: m.refine, ...(m.encoder ? { encoder: m.encoder } : {}) });
        l1 += l1Of(c, r.notes);
        for (const n of r.notes) {
          const t = truthControls(c, n.onset_s);
          if (t) errs.push(FITTED_CONTROLS.map((name, i) => Math.abs(n.params[name] - t[i])));
        }
      }
      const seconds = clips.reduce((a, c) => a + c.audio.length / c.sampleRate, 0);
      const mae = errs.length ? Object.fromEntries(FITTED_CONTROLS.map((n, i) => [n, round(errs.reduce((a, e) => a + e[i], 0) / errs.length, 3)])) : {};
      const meanL1 = l1 / clips.length;
      rows.push({ set, method: m.name, audL1: round(meanL1, 6), closerThanBestPreset: round(1 - meanL1 / bestPreset.l1, 3), ...(set === 'plant' ? { notes: errs.length, mae } : {}), msPerAudioSecond: round((performance.now() - t0) / seconds, 1) });
    }
  }
  for (const r of rows) console.log(JSON.stringify(r));
  if (values.write) {
    const file = join(__dirname, 'results', 'notes-params.json');
    writeFileSync(file, `${JSON.stringify({ command: `npx vite-node bench/notes-params.ts -- --seed ${seed} --clips ${count} --sets ${values.sets} --write`, model: model ? modelDir : null, rows }, null, 2)}\n`);
    console.log(`wrote ${file}`);
  }
  await model?.dispose();
}

function round(x: number, d: number): number {
  return Math.round(x * 10 ** d) / 10 ** d;
}

// A script (node, or vite-node, which keeps its own path in argv[1]); `npm run bench` only imports it.
if (require.main === module || /vite-node$/.test(process.argv[1] ?? '')) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
