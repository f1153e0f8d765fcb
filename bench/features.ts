import { performance } from 'node:perf_hooks';
import { resample as peerResample } from 'wave-resampler';
import { StreamResampler, resample } from '../src/audio/resample';
import { mulberry32 } from '../src/core/random';
import { DescriptorStream, frameDescriptors } from '../src/dsp/descriptors';
import { MelStream, melSpectrogram } from '../src/dsp/mel';

/**
 * Real-time factors of the feature extractors and the resampler, single thread.
 * rtf = processing time / audio duration (lower is better; 0.01 means 100x faster than
 * real time). Streaming forms are fed 256-sample blocks, as a live input would.
 *
 * @example
 * const figures = await benchFeatures(); // also printed with console.table
 */
export async function benchFeatures(): Promise<Record<string, unknown>> {
  const seconds = 20;
  const rows: BenchRow[] = [];
  for (const sampleRate of [8000, 16000]) {
    const x = testSignal(sampleRate, seconds);
    const mel = { sampleRate, nFft: 1024, hop: 256, nMels: 64 };
    rows.push(measure(`mel batch @${sampleRate}`, seconds, () => melSpectrogram(x, mel)));
    rows.push(measure(`mel stream @${sampleRate}`, seconds, () => feed(x, new MelStream(mel, () => undefined))));
    rows.push(measure(`descriptors batch @${sampleRate}`, seconds, () => frameDescriptors(x, { sampleRate })));
    rows.push(measure(`descriptors stream @${sampleRate}`, seconds, () => feed(x, new DescriptorStream({ sampleRate }, () => undefined))));
  }
  const x48 = testSignal(48000, seconds);
  rows.push(measure('resample 48k->16k batch', seconds, () => resample(x48, 48000, 16000)));
  rows.push(
    measure('resample 48k->16k stream', seconds, () => {
      const r = new StreamResampler(48000, 16000);
      const sink = (): void => undefined;
      for (let i = 0; i < x48.length; i += BLOCK) r.push(x48.subarray(i, i + BLOCK), sink);
      r.flush(sink);
    }),
  );
  rows.push(measure('wave-resampler sinc 48k->16k (peer)', seconds, () => peerResample(x48, 48000, 16000, { method: 'sinc' })));
  console.table(rows);
  return { audioSeconds: seconds, blockSize: BLOCK, rows };
}

interface BenchRow {
  name: string;
  ms: number;
  rtf: number;
  xRealtime: number;
}

const BLOCK = 256;

/** Best of three timed runs after one warm-up. */
function measure(name: string, audioSeconds: number, run: () => unknown): BenchRow {
  run();
  let best = Infinity;
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    run();
    best = Math.min(best, performance.now() - t0);
  }
  const rtf = best / 1000 / audioSeconds;
  return { name, ms: Number(best.toFixed(1)), rtf: Number(rtf.toPrecision(3)), xRealtime: Math.round(1 / rtf) };
}

function feed(x: Float32Array, stream: { push(block: ArrayLike<number>): void }): void {
  for (let i = 0; i < x.length; i += BLOCK) stream.push(x.subarray(i, i + BLOCK));
}

/** A gliding harmonic tone with a noise floor: voiced, so YIN does its full search. */
function testSignal(sampleRate: number, seconds: number): Float32Array {
  const n = sampleRate * seconds;
  const x = new Float32Array(n);
  let phase = 0;
  const rand = mulberry32(12345);
  for (let i = 0; i < n; i++) {
    const f0 = 150 + 100 * Math.sin((2 * Math.PI * i) / (sampleRate * 3));
    phase += (2 * Math.PI * f0) / sampleRate;
    x[i] = 0.3 * Math.sin(phase) + 0.15 * Math.sin(2 * phase) + 0.08 * Math.sin(3 * phase) + 0.01 * (2 * rand() - 1);
  }
  return x;
}
