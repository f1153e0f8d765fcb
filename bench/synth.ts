import { performance } from 'node:perf_hooks';
import { mulberry32 } from '../src/core/random';
import { ContinuousSynth, renderContinuous } from '../src/synth/continuous';
import { renderMelody, renderMelodyBatch } from '../src/synth/melody';

/**
 * Speed of the plant, single thread: the 2 s, 5-note melody render (the training loop's hot
 * call) at 8 and 16 kHz, set 1 and set 2 (vibrato on), a batch of 32, and the continuous
 * renderer offline and as a live stream fed 64-sample blocks. Targets: melody >= 500x real
 * time at 8 kHz (2 s in <= 4 ms).
 * Figures per row: ms per call (median of repeated runs after warm-up), audio seconds
 * rendered per call, and `xRealTime` = audio seconds / processing seconds (higher is better).
 *
 * @example
 * const figures = await benchSynth(); // also printed with console.table
 */
export async function benchSynth(): Promise<Record<string, unknown>> {
  const rand = mulberry32(1); // the same parameters on every run
  const set1 = new Float32Array(5 * 7).map(() => 0.2 + 0.6 * rand());
  const set2 = new Float32Array(5 * 10).map(() => 0.2 + 0.6 * rand());
  const batch = new Float32Array(32 * 5 * 7).map(() => rand());
  const frames = new Float32Array(250 * 10).map((_, i) => (i % 10 === 1 ? (i % 400 < 300 ? 1 : 0) : 0.3 + 0.4 * rand()));
  const rows: SynthBenchRow[] = [];
  for (const sampleRate of [8000, 16000]) {
    rows.push(measure(`melody set 1 @${sampleRate}`, 2, () => renderMelody(set1, { sampleRate })));
    rows.push(measure(`melody set 2 (vibrato) @${sampleRate}`, 2, () => renderMelody(set2, { sampleRate })));
    rows.push(measure(`melody batch 32 @${sampleRate}`, 64, () => renderMelodyBatch(batch, 32, 5, 7, { sampleRate })));
    rows.push(measure(`continuous offline @${sampleRate}`, 2, () => renderContinuous(frames, 10, { sampleRate, controlRate: 125 })));
    rows.push(measure(`continuous stream 64-sample blocks @${sampleRate}`, 2, () => stream(frames, sampleRate)));
  }
  console.table(rows);
  const melody8k = rows[0];
  return { target: 'melody set 1 @8000 >= 500x real time', met: melody8k.xRealTime >= 500, rows };
}

interface SynthBenchRow {
  case: string;
  ms: number;
  audioSeconds: number;
  xRealTime: number;
}

/** Feeds frames at 125 fps and pulls audio in 64-sample blocks, as a live output would. */
function stream(frames: Float32Array, sampleRate: number): void {
  const synth = new ContinuousSynth({ sampleRate, controlRate: 125 });
  const block = new Float32Array(64);
  const perFrame = sampleRate / 125;
  let rendered = 0;
  for (let t = 0; t < frames.length / 10; t++) {
    synth.setFrame(frames.subarray(t * 10, t * 10 + 10));
    for (const end = (t + 1) * perFrame; rendered < end; rendered += block.length) synth.process(block);
  }
}

function measure(name: string, audioSeconds: number, fn: () => unknown): SynthBenchRow {
  for (let i = 0; i < 20; i++) fn();
  const times: number[] = [];
  const until = performance.now() + 1500;
  while (times.length < 15 || (performance.now() < until && times.length < 400)) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const ms = times[Math.floor(times.length / 2)];
  return { case: name, ms: round(ms, 3), audioSeconds, xRealTime: round((audioSeconds * 1000) / ms, 0) };
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

if (require.main === module) {
  void benchSynth();
}
