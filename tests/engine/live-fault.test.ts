import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { threadId } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine } from '../../src/app/create';
import { writeWav } from '../../src/audio/wav';
import type { Engine, JobArgs, JobEvent, ParamsFrame } from '../../src/engine';
import type { ModelHosts } from '../../src/engine/model-hosts';
import { MODELS_DIR } from '../shipped-models';
import { finished } from './job-events';

/**
 * The fault test of issue 18 item 5: a live MirrorNet stream paced in real time (48 kHz,
 * 256-sample blocks) on the shipped models, while another client runs each kind of job,
 * hot-swaps each model and opens the first stream of the other kind. What the issue's targets
 * say that holds on any machine, however loaded, is asserted: no frame is lost (no block
 * dropped, a frame for every 384 samples sent) or reordered (sequence numbers without a hole,
 * across swaps too); the live stream runs in its model's host thread, off the thread that takes
 * the loads and the jobs' traffic, and a swap puts a new host in its place; the first VQ stream
 * finds its model warm; every job ends well. The timings (latency from each block's send to its
 * frame, longest gap between frames) are printed here and held against the targets by
 * `npm run bench -- live` (docs/threads.md), not asserted: on a shared 2-core machine they
 * measure the machine's load as much as the code.
 */
const RATE = 48000;
const BLOCK = 256;
/** The MirrorNet stream's hop at 48 kHz (8 ms): one frame per HOP samples sent. */
const HOP = 384;
const files = mkdtempSync(join(tmpdir(), 'mb-live-fault-'));
let engine: Engine;

async function job(name: string, args: JobArgs): Promise<JobEvent> {
  const { id } = await engine.submitJob('other', name, args);
  return finished(engine, id);
}

interface Run {
  blocks: number;
  seqs: number[];
  latencies: number[];
  gaps: number[];
  result: unknown;
}

/** Streams for at least `ms` and until `load` has ended; frames of stream 1 of 'live' only. */
async function paced(ms: number, load: () => Promise<unknown>): Promise<Run> {
  const sent = new Map<number, number>();
  const run: Run = { blocks: 0, seqs: [], latencies: [], gaps: [], result: undefined };
  let last = 0;
  const onFrame = (f: ParamsFrame) => {
    if (f.clientId !== 'live') return;
    const now = performance.now();
    run.seqs.push(f.seq);
    const at = sent.get(f.time);
    if (at !== undefined) run.latencies.push(now - at);
    if (last) run.gaps.push(now - last);
    last = now;
  };
  engine.on('params', onFrame);
  const block = new Float32Array(BLOCK);
  const period = (BLOCK / RATE) * 1000;
  const t0 = performance.now();
  let n = 0;
  let loadDone = false;
  const loading = load().then((r) => {
    run.result = r;
    loadDone = true;
  });
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      while (t0 + n * period <= now) {
        for (let i = 0; i < BLOCK; i++) block[i] = 0.3 * Math.sin((2 * Math.PI * 330 * (n * BLOCK + i)) / RATE);
        const stamp = Date.now() + n / 1e6;
        sent.set(stamp, performance.now());
        engine.pushAudio('live', 1, block, stamp);
        n++;
        run.blocks = n;
      }
      if (now - t0 >= ms && loadDone) resolve();
      else setTimeout(tick, Math.max(0, t0 + n * period - performance.now()));
    };
    tick();
  });
  await loading;
  // Waits (no timing asserted) for the frames of every block sent: one per HOP samples, less
  // the one a fresh processor may still hold after a swap.
  const due = Math.floor((run.blocks * BLOCK) / HOP) - 2;
  for (let waited = 0; run.seqs.length < due && waited < 10_000; waited += 20) await new Promise((r) => setTimeout(r, 20));
  await new Promise((r) => setTimeout(r, 100));
  engine.off('params', onFrame);
  return run;
}

const q = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))] ?? NaN;

beforeAll(async () => {
  const tone = new Float32Array(6 * 16000);
  for (let i = 0; i < tone.length; i++) tone[i] = 0.3 * Math.sin((2 * Math.PI * (220 + 40 * Math.floor(i / 8000)) * i) / 16000);
  writeWav(join(files, 'a.wav'), tone, 16000);
  ({ engine } = await createEngine({ modelsDir: MODELS_DIR, filesDir: files, loadBundled: true, modelHosts: true }));
  await engine.openStream('live', 1, { sampleRate: RATE, blockSize: BLOCK, model: 'mirrornet-stream' });
  await paced(500, async () => undefined);
}, 60_000);

afterAll(async () => {
  await engine?.dispose();
});

describe('a live stream while the engine does everything else', () => {
  const phases: [string, () => Promise<unknown>][] = [
    ['alone', async () => undefined],
    ['an infer job', () => job('infer', { file: 'a.wav' })],
    ['a resynth job', () => job('resynth', { in: 'a.wav', out: 'a-resynth.wav' })],
    ['a vq encode job', () => job('vq', { op: 'encode', in: 'a.wav', out: 'a-codes.json' })],
    ['a vq decode job', () => job('vq', { op: 'decode', in: 'a-codes.json', out: 'a-decoded.wav' })],
    ['a hot swap of mirrornet-melody', () => engine.loadModel('mirrornet-melody')],
    ['a hot swap of vqvae-timbre', () => engine.loadModel('vqvae-timbre')],
    ['a hot swap of its own model', () => engine.loadModel('mirrornet-stream')],
    ['the first VQ stream opening', () => engine.openStream('other', 7, { sampleRate: RATE, blockSize: BLOCK, model: 'vqvae-timbre' })],
  ];
  const hostThreads = () => (engine as unknown as { hosts: ModelHosts }).hosts.threadIds();
  it.each(phases)('%s: no frame lost or reordered, the live stream in its own host thread, every job ends well', async (name, load) => {
    const droppedBefore = engine.status().droppedFrames;
    const threadsBefore = hostThreads();
    expect(threadsBefore['mirrornet-stream']).not.toBe(threadId);
    if (name.includes('first VQ')) expect(engine.status().models.find((m) => m.name === 'vqvae-timbre')?.warm.state).toBe('warm');
    const run = await paced(1500, load);
    const result = run.result as JobEvent | undefined;
    if (result && 'state' in result) expect(result.state, JSON.stringify(result.error)).toBe('done');
    // Consecutive sequence numbers: nothing reordered; no block dropped and a frame for every hop sent: nothing lost.
    const holes = run.seqs.slice(1).filter((s, i) => s !== run.seqs[i] + 1);
    expect(holes).toEqual([]);
    const dropped = engine.status().droppedFrames - droppedBefore;
    expect(dropped).toBe(0);
    expect(run.seqs.length).toBeGreaterThanOrEqual(Math.floor((run.blocks * BLOCK) / HOP) - 2);
    // A swap of a live model lands in a new host thread; the other models' hosts stay.
    const swapped = /hot swap of (\S+)/.exec(name)?.[1];
    const model = swapped === 'its' ? 'mirrornet-stream' : swapped;
    for (const [m, id] of Object.entries(threadsBefore)) {
      if (m === model) expect(hostThreads()[m]).not.toBe(id);
      else expect(hostThreads()[m]).toBe(id);
    }
    console.log(`${name.padEnd(32)} latency p50 ${q(run.latencies, 0.5).toFixed(2)} ms, p99 ${q(run.latencies, 0.99).toFixed(2)} ms; longest gap ${Math.max(...run.gaps).toFixed(1)} ms (hop 8 ms); blocks dropped ${dropped}`);
  }, 60_000);
});
