import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { readWav } from '../src/audio/wav';
import { resample } from '../src/audio/resample';
import { spectralConvergence, VqRuntime } from '../src/vq';
import { searchCodes } from '../src/vq/code-search';
import { bootstrap, mean } from './eval/figures';
import { vqModelDir } from './eval/vq';

/**
 * The design bench of the VQ code search (src/vq/code-search.ts, `vq encode --search`): the shipped
 * encoder's codes beside the search with the encoder's gains (`refitGain: false`) and with the gain
 * refitted by least squares (the shipped variant). Run on a corpus builder's DEVELOPMENT split only
 * (design choices are made there):
 *
 *   python3 -m training.corpus.build --out /tmp/vq-dev --minutes 24 --seed 1 --splits dev
 *   npx vite-node bench/vq-search.ts -- --corpus /tmp/vq-dev --split dev
 */
const { values } = parseArgs({ options: { corpus: { type: 'string' }, split: { type: 'string', default: 'dev' } }, allowPositionals: true });

interface CorpusJson { files: { file: string; source: string; split: string }[] }

async function main(): Promise<void> {
  if (!values.corpus) throw new Error('--corpus <folder built by training/corpus/build.py> is required');
  const meta = JSON.parse(readFileSync(join(values.corpus, 'corpus.json'), 'utf8')) as CorpusJson;
  const files = meta.files.filter((f) => f.split === values.split);
  const codec = await VqRuntime.load(vqModelDir());
  const rows: { source: string; base: number; search: number; searchGain: number; searchPitch: number }[] = [];
  for (const f of files) {
    const wav = readWav(join(values.corpus, f.file));
    const x = wav.sampleRate === codec.sampleRate ? wav.samples : resample(wav.samples, wav.sampleRate, codec.sampleRate);
    const series = await codec.encode(x);
    // The search loop is src/vq/code-search.ts's; the variants are its options.
    const plain = searchCodes(codec.model, x, series, { refitGain: false });
    const refit = searchCodes(codec.model, x, series, { refitGain: true });
    const pitch = searchCodes(codec.model, x, series, { refitGain: true, pitchOffsets: [-0.3, 0, 0.3] });
    const base = spectralConvergence(x, await codec.decode(series));
    const search = spectralConvergence(x, await codec.decode({ codes: plain.codes, gains: plain.gains, f0: series.f0 }));
    const searchGain = spectralConvergence(x, await codec.decode({ codes: refit.codes, gains: refit.gains, f0: series.f0 }));
    const searchPitch = spectralConvergence(x, await codec.decode({ codes: pitch.codes, gains: pitch.gains, f0: pitch.f0 }));
    rows.push({ source: f.source, base, search, searchGain, searchPitch });
    console.log(JSON.stringify({ file: f.file, base: +base.toFixed(4), search: +search.toFixed(4), searchGain: +searchGain.toFixed(4), searchPitch: +searchPitch.toFixed(4) }));
  }
  await codec.dispose();
  for (const key of ['base', 'search', 'searchGain', 'searchPitch'] as const) {
    const v = rows.map((r) => r[key]);
    const bySource = Object.fromEntries([...new Set(rows.map((r) => r.source))].map((s) => [s, +mean(rows.filter((r) => r.source === s).map((r) => r[key])).toFixed(3)]));
    console.log(JSON.stringify({ method: key, files: v.length, sc: +mean(v).toFixed(4), interval: bootstrap(v, mean).map((q) => +q.toFixed(4)), bySource }));
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
