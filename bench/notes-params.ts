import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { NoteModel } from '../src/mirror/note-model';
import { FITTED_CONTROLS } from '../src/mirror/note-fit';
import type { Clip } from './notes/sets';
import { paramsBench, paramsSet, type Method } from './notes/params';

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
  for (const name of String(values.sets).split(',')) sets[name] = paramsSet(name, seed, count);
  const rows: Record<string, unknown>[] = [];
  const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
  for (const [set, clips] of Object.entries(sets)) {
    const r = await paramsBench(set, clips, methods);
    const presetL1 = mean(r.presetL1);
    rows.push({ set, method: `best fixed preset [${r.bestPreset.join(', ')}]`, audL1: round(presetL1, 6) });
    for (const m of r.methods) {
      const errs = m.errors.flat();
      const mae = errs.length ? Object.fromEntries(FITTED_CONTROLS.map((n, i) => [n, round(errs.reduce((a, e) => a + e[i], 0) / errs.length, 3)])) : {};
      const meanL1 = mean(m.l1);
      rows.push({ set, method: m.name, audL1: round(meanL1, 6), closerThanBestPreset: round(1 - meanL1 / presetL1, 3), ...(set === 'plant' ? { notes: errs.length, mae } : {}), msPerAudioSecond: round(m.ms / r.audioSeconds, 1) });
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
