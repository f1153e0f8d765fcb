import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readWav } from '../../src/audio/wav';
import { resample } from '../../src/audio/resample';
import { packageRoot } from '../../src/core/paths';
import { logSpectralDistance, spectralConvergence, VqRuntime, type CodeSeries } from '../../src/vq';
import { meanWithInterval, type Figure, type Table } from './figures';
import { vqTestFiles, VQ_TEST_BUILD } from './vq-corpus';
import type { EvalEntry } from './registry';

/** The shipped codec, or a candidate export (MB_VQ_MODEL_DIR) before it replaces it. */
export const vqModelDir = (): string => process.env.MB_VQ_MODEL_DIR ?? join(packageRoot(), 'models', 'vqvae-timbre');

/** The series with every frame's code replaced by the clip's most used one (gains and pitch kept). */
function oneCode(series: CodeSeries): CodeSeries {
  const counts = new Map<number, number>();
  for (const c of series.codes) counts.set(c, (counts.get(c) ?? 0) + 1);
  const mode = [...counts].reduce((a, b) => (b[1] > a[1] ? b : a))[0];
  return { ...series, codes: new Int32Array(series.frames).fill(mode) };
}

interface Row { source: string; family?: string; sc: number; scSearch: number; scCausal: number; scOneCode: number; scOneCodeCausal: number; lsd: number; lsdOneCode: number }

const SOURCES: Record<string, string> = { sox: 'sox synth voices', espeak: 'espeak-ng voices (test voices and sentences)', plant: 'plant melodies', sampled: 'sampled instruments (FluidR3_GM)' };

function figure(id: string, label: string, rows: Row[], key: 'sc' | 'scSearch' | 'scCausal' | 'lsd', base: 'scOneCode' | 'scOneCodeCausal' | 'lsdOneCode', extra: Partial<Figure> = {}): Figure {
  const m = meanWithInterval(rows.map((r) => r[key]));
  const b = meanWithInterval(rows.map((r) => r[base]));
  return { id, label, ...m, unit: 'files', better: 'lower', baseline: { label: 'one code per clip', value: b.value, interval: b.interval }, ...extra };
}

async function evaluate(): Promise<Table[]> {
  const codec = await VqRuntime.load(vqModelDir());
  const rows: Row[] = [];
  try {
    for (const f of vqTestFiles()) {
      const wav = readWav(f.path);
      const x = wav.sampleRate === codec.sampleRate ? wav.samples : resample(wav.samples, wav.sampleRate, codec.sampleRate);
      const series = await codec.encode(x);
      const one = oneCode(series);
      const y = await codec.decode(series);
      const yOne = await codec.decode(one);
      const searched = await codec.encode(x, undefined, { search: true });
      rows.push({
        source: f.source, family: f.family,
        sc: spectralConvergence(x, y), scSearch: spectralConvergence(x, await codec.decode(searched)), scCausal: spectralConvergence(x, await codec.decode(series, { lookahead: 0 })),
        scOneCode: spectralConvergence(x, yOne), scOneCodeCausal: spectralConvergence(x, await codec.decode(one, { lookahead: 0 })),
        lsd: logSpectralDistance(x, y), lsdOneCode: logSpectralDistance(x, yOne),
      });
    }
  } finally {
    await codec.dispose();
  }
  const command = `python3 -m training.corpus.build --out build/eval/vq-test ${VQ_TEST_BUILD.join(' ')}; npm run eval -- vq`;
  const set = 'VQ-VAE, test split';
  const notes = [
    'Spectral convergence: mean over FFT sizes 1024/512/256/128 (hop n/4) of |S - S\'|_F / |S|_F of the whole file (src/vq/metrics.ts), '
      + 'mean over files; the model is models/vqvae-timbre as shipped.',
    'Code search (src/vq/code-search.ts): each frame takes the code whose decoded magnitudes fit the frame\'s best, gain refitted, instead of the encoder\'s nearest code; chosen on the development split (bench/vq-search.ts); every code is rendered for every frame, so it serves offline encoding, not the live stream.',
    'Baseline: the same codec with every frame given the clip\'s most used code (gains and pitch kept): what the code sequence adds over one timbre per clip.',
    'Test split: training/corpus/build.py --minutes 60 --seed 1 --splits test (sox, espeak-ng voices and sentences of no other split, plant, sampled instruments from FluidR3_GM, a soundfont no training or development file uses).',
  ];
  const overall: Table = {
    id: 'vq-test', set, command, notes,
    figures: [
      figure('sc', 'spectral convergence (batch decode, phase look-ahead)', rows, 'sc', 'scOneCode', { target: { op: '<=', value: 0.35 }, headline: 'vqvae-timbre' }),
      figure('scCausal', 'spectral convergence (causal stream decoder)', rows, 'scCausal', 'scOneCodeCausal', { headline: 'vqvae-timbre' }),
      figure('scSearch', 'spectral convergence, codes chosen by analysis by synthesis (`encode` option `search`, offline only), batch decode', rows, 'scSearch', 'scOneCode', { target: { op: '<=', value: 0.35 }, headline: 'vqvae-timbre' }),
      ...(rows.some((r) => r.source === 'sampled') ? [figure('scSearch.sampled', `the same: ${SOURCES.sampled}`, rows.filter((r) => r.source === 'sampled'), 'scSearch', 'scOneCode')] : []),
      figure('lsd', 'log-spectral distance, dB', rows, 'lsd', 'lsdOneCode', { digits: 2 }),
      ...Object.keys(SOURCES).filter((s) => rows.some((r) => r.source === s))
        .map((s) => figure(`sc.${s}`, `spectral convergence: ${SOURCES[s]}`, rows.filter((r) => r.source === s), 'sc', 'scOneCode', s === 'sampled' ? { headline: 'vqvae-timbre' } : {})),
    ],
  };
  const families = [...new Set(rows.filter((r) => r.family).map((r) => r.family!))];
  const perFamily: Table = {
    id: 'vq-test-families', set: 'VQ-VAE, test split, sampled instruments (FluidR3_GM) per family', command,
    figures: families.map((fam) => figure(`sc.${fam}`, `spectral convergence: ${fam}`, rows.filter((r) => r.family === fam), 'sc', 'scOneCode')),
    notes: ['Few files per family: the intervals are wide.'],
  };
  return [overall, perFamily];
}

export const vqEntry: EvalEntry = {
  name: 'vq',
  what: 'VQ-VAE timbre codec: reconstruction on the test split, per source and per instrument family',
  available: () => (existsSync(join(vqModelDir(), 'vqvae-timbre.json')) ? null : `no model in ${vqModelDir()}`),
  run: evaluate,
};
