import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { getPriority, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeWav } from '../../src/audio/wav';
import { createEngine } from '../../src/app/create';
import type { Engine } from '../../src/engine/engine';
import type { JobPool } from '../../src/engine/job-pool';
import type { JobArgs, JobEvent } from '../../src/engine/types';
import { MODELS_DIR } from '../shipped-models';
import { finished } from './job-events';

// Offline jobs in job worker threads (issue 18): the shipped models, the real plug-ins and the
// compiled worker entry (dist/, made by `npm run build`, which the test command runs first).
const files = mkdtempSync(join(tmpdir(), 'mb-job-workers-'));
let workers: Engine;
let inline: Engine;

/** A 20-s phrase: a tone that changes note every 0.5 s, with a little noise. */
function phrase(seconds: number, sr = 16000): Float32Array {
  const x = new Float32Array(seconds * sr);
  let phase = 0;
  for (let i = 0; i < x.length; i++) {
    const note = 60 + ((Math.floor(i / (sr / 2)) * 5) % 12);
    phase += (2 * Math.PI * 440 * 2 ** ((note - 69) / 12)) / sr;
    x[i] = 0.3 * Math.sin(phase) + 0.01 * Math.sin(i * 12.9898);
  }
  return x;
}

async function run(engine: Engine, name: string, args: JobArgs): Promise<JobEvent> {
  const { id } = await engine.submitJob('c', name, args);
  return finished(engine, id);
}

/** The longest the event loop went without running a 1-ms timer while `work` ran. */
async function longestStall(work: () => Promise<unknown>): Promise<number> {
  let last = performance.now();
  let worst = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    worst = Math.max(worst, now - last);
    last = now;
  }, 1);
  try {
    await work();
  } finally {
    clearInterval(timer);
  }
  return worst;
}

const poolOf = (engine: Engine): JobPool => (engine as unknown as { pool: JobPool }).pool;

beforeAll(async () => {
  writeWav(join(files, 'long.wav'), phrase(20), 16000);
  writeWav(join(files, 'short.wav'), phrase(2), 16000);
  ({ engine: workers } = await createEngine({ modelsDir: MODELS_DIR, filesDir: files }));
  ({ engine: inline } = await createEngine({ modelsDir: MODELS_DIR, filesDir: files, jobWorkers: 0 }));
  for (const e of [workers, inline]) for (const m of ['mirrornet-melody', 'vqvae-timbre']) await e.loadModel(m);
  await poolOf(workers).whenReady();
}, 60_000);

afterAll(async () => {
  await Promise.all([workers?.dispose(), inline?.dispose()]);
});

describe('job workers', () => {
  it('run the plug-in jobs off the main thread and give what the main thread gives', async () => {
    expect(workers.status().jobs).toMatchObject({ workers: 1, workerRestarts: 0 });
    expect(inline.status().jobs.workers).toBe(0);
    expect(poolOf(workers).threadIds()).not.toContain(0);

    const a = await run(workers, 'vq', { op: 'encode', in: 'short.wav', out: 'w.json' });
    const b = await run(inline, 'vq', { op: 'encode', in: 'short.wav', out: 'i.json' });
    expect(a.state).toBe('done');
    expect(b.state).toBe('done');
    expect(readFileSync(join(files, 'w.json'), 'utf8')).toBe(readFileSync(join(files, 'i.json'), 'utf8'));

    const c = await run(workers, 'infer', { file: 'short.wav' });
    const d = await run(inline, 'infer', { file: 'short.wav' });
    expect(c.state).toBe('done');
    expect(c.result).toEqual(d.result);
  }, 60_000);

  it.runIf(process.platform === 'linux')('run below the live thread\'s priority when asked (Linux: nice per thread)', async () => {
    const { engine: niced } = await createEngine({ modelsDir: MODELS_DIR, filesDir: files, jobNice: 7 });
    await poolOf(niced).whenReady();
    const nice = readdirSync('/proc/self/task').map((t) => {
      const stat = readFileSync(`/proc/self/task/${t}/stat`, 'utf8');
      return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
    });
    await niced.dispose();
    expect(getPriority(0)).toBe(0);
    // The default engine's worker keeps nice 0; the asked-for one took 7 (model hosts serving
    // live streams take the live priority, -10, where the process may: EngineOptions.liveNice).
    expect(nice.filter((n) => n === 7)).toHaveLength(1);
    expect(nice.filter((n) => n !== 0 && n !== 7 && n !== -10)).toEqual([]);
  }, 60_000);

  it('leave the event loop free while a long job runs; the main thread would stall', async () => {
    const args = { op: 'encode', in: 'long.wav', out: 'long.json' };
    const off = await longestStall(() => run(workers, 'vq', args));
    const on = await longestStall(() => run(inline, 'vq', args));
    // Measured here: about 5-20 ms off the loop against hundreds of ms on it (one graph run on the
    // whole file). The bound is loose for a loaded CI machine; the bench measures the figure.
    console.log(`stall off ${off.toFixed(1)} ms, on ${on.toFixed(1)} ms`);
    expect(off).toBeLessThan(100);
    expect(on).toBeGreaterThan(2 * off);
  }, 60_000);

  it('cancel a running job; the worker takes the next one', async () => {
    const { id } = await workers.submitJob('c', 'resynth', { in: 'long.wav', out: 'long-resynth.wav', refine: 8 });
    const end = finished(workers, id);
    await new Promise((r) => setTimeout(r, 300));
    expect(workers.cancelJob(id)).toBe(true);
    expect((await end).state).toBe('cancelled');
    expect((await run(workers, 'infer', { file: 'short.wav' })).state).toBe('done');
  }, 60_000);

  it('replace a worker that dies mid-job: the job fails with a coded error, the next one runs', async () => {
    const restarts = workers.status().jobs.workerRestarts;
    const { id } = await workers.submitJob('c', 'resynth', { in: 'long.wav', out: 'killed.wav', refine: 8 });
    const end = finished(workers, id);
    await new Promise((r) => setTimeout(r, 300));
    const before = poolOf(workers).threadIds();
    // The thread ends from inside, between two steps of the job, as a crash would: never
    // Worker.terminate() while onnxruntime runs (that aborts the whole process).
    (poolOf(workers) as unknown as { slots: { worker: { postMessage(m: unknown): void } }[] }).slots[0].worker.postMessage({ type: 'exit', code: 70 });
    const e = await end;
    expect(e.state).toBe('failed');
    expect(e.error?.code).toBe('MB_ERR_INTERNAL');
    expect(e.error?.message).toMatch(/job worker stopped/);
    expect(workers.status().jobs.workerRestarts).toBe(restarts + 1);
    expect(poolOf(workers).threadIds()).not.toEqual(before);
    expect((await run(workers, 'infer', { file: 'short.wav' })).state).toBe('done');
  }, 60_000);

  it('follow the main registry: a swapped model is reloaded, an unloaded one is gone', async () => {
    await workers.loadModel('mirrornet-melody');
    expect((await run(workers, 'infer', { file: 'short.wav' })).state).toBe('done');
    await workers.unloadModel('mirrornet-melody');
    const e = await run(workers, 'infer', { file: 'short.wav', model: 'mirrornet-melody' });
    expect(e.state).toBe('failed');
    expect(e.error?.code).toBe('MB_ERR_UNKNOWN_MODEL');
    await workers.loadModel('mirrornet-melody');
  }, 60_000);
});
