import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { readWav } from '../src/audio/wav';
import { resample } from '../src/audio/resample';
import { FramePowerSpectrum, powerToNormalizedMagnitude } from '../src/dsp/stft';
import { spectralConvergence, VqRuntime } from '../src/vq';
import { HarmonicRenderer } from '../src/vq/synthesis/harmonic';
import { bootstrap, mean } from './eval/figures';
import { vqModelDir } from './eval/vq';

/**
 * An experiment, not a shipped path (issue 20, the VQ target): analysis-by-synthesis code choice.
 * The shipped encoder picks the code nearest its latent; here every frame instead takes the code
 * whose decoded magnitude spectrum (the decoder's envelopes at the frame's pitch, through the
 * harmonic comb: exactly what decode renders before the phase) is nearest the frame's own
 * |rfft(hann x frame / gain)| in L2, optionally with the frame's gain refitted by least squares. Run on a
 * corpus builder's DEVELOPMENT split only (design choices are made there):
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
  const g = codec.model.geometry;
  const fps = new FramePowerSpectrum(g.frameLength);
  const renderer = new HarmonicRenderer(g.frameLength, g.sampleRate);
  const bins = fps.bins;
  const target = new Float32Array(bins);
  const m = new Float32Array(bins);
  const rows: { source: string; base: number; search: number; searchGain: number }[] = [];
  for (const f of files) {
    const wav = readWav(join(values.corpus, f.file));
    const x = wav.sampleRate === codec.sampleRate ? wav.samples : resample(wav.samples, wav.sampleRate, codec.sampleRate);
    const series = await codec.encode(x);
    const padded = new Float32Array((series.frames - 1) * g.hop + g.frameLength);
    padded.set(x);
    const codes = Int32Array.from(series.codes);
    const codesG = Int32Array.from(series.codes);
    const gainsG = Float32Array.from(series.gains);
    const f0 = series.f0 ?? new Float32Array(series.frames);
    for (let t = 0; t < series.frames; t++) {
      fps.compute(padded, t * g.hop, target);
      // The decoder's envelopes are in |rfft(hann x frame / gain)| (no 1 / sqrt(W), unlike the encoder's input).
      powerToNormalizedMagnitude(target, series.gains[t], 1);
      let best = Infinity;
      let bestG = Infinity;
      for (let k = 0; k < g.codes; k++) {
        renderer.render(codec.model.unitSegment(k, f0[t])!, 0, f0[t], m, 1);
        let mm = 0;
        let mt = 0;
        let d = 0;
        for (let b = 0; b < bins; b++) {
          const e = m[b] - target[b];
          d += e * e;
          mm += m[b] * m[b];
          mt += m[b] * target[b];
        }
        if (d < best) {
          best = d;
          codes[t] = k;
        }
        // With the gain refitted: min over a >= 0 of |a m - target|^2 = |target|^2 - mt^2 / mm.
        const a = mm > 0 ? Math.max(0, mt / mm) : 0;
        const dg = -a * mt;
        if (dg < bestG) {
          bestG = dg;
          codesG[t] = k;
          gainsG[t] = series.gains[t] * a;
        }
      }
    }
    const base = spectralConvergence(x, await codec.decode(series));
    const search = spectralConvergence(x, await codec.decode({ codes, gains: series.gains, f0: series.f0 }));
    const searchGain = spectralConvergence(x, await codec.decode({ codes: codesG, gains: gainsG, f0: series.f0 }));
    rows.push({ source: f.source, base, search, searchGain });
    console.log(JSON.stringify({ file: f.file, base: +base.toFixed(4), search: +search.toFixed(4), searchGain: +searchGain.toFixed(4) }));
  }
  await codec.dispose();
  for (const key of ['base', 'search', 'searchGain'] as const) {
    const v = rows.map((r) => r[key]);
    const bySource = Object.fromEntries([...new Set(rows.map((r) => r.source))].map((s) => [s, +mean(rows.filter((r) => r.source === s).map((r) => r[key])).toFixed(3)]));
    console.log(JSON.stringify({ method: key, files: v.length, sc: +mean(v).toFixed(4), interval: bootstrap(v, mean).map((q) => +q.toFixed(4)), bySource }));
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
