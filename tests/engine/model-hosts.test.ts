import { appendFileSync, cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { threadId } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine } from '../../src/app/create';
import type { Engine, EngineErrorEvent, ParamsFrame } from '../../src/engine';
import type { JobPool } from '../../src/engine/job-pool';
import type { ModelHosts } from '../../src/engine/model-hosts';
import { shippedModelDir } from '../shipped-models';

/**
 * Model host threads (issue 18 item 1): the live streams of each model run in a thread of
 * their own with its own onnxruntime sessions, the main thread keeps manifests; a hot swap
 * starts a new host that warms before it takes over and lands between two hops (frames in
 * order, sequence numbers continuous); a load that fails leaves the old host serving; a host
 * killed from outside is started again and its client gets one coded error.
 */
const RATE = 48000;
const BLOCK = 256;
const models = mkdtempSync(join(tmpdir(), 'mb-hosts-models-'));
cpSync(shippedModelDir('mirrornet-stream'), join(models, 'mirrornet-stream'), { recursive: true });
let engine: Engine;
const frames: ParamsFrame[] = [];
const errors: EngineErrorEvent[] = [];
let sent = 0;

const hostsOf = (e: Engine) => (e as unknown as { hosts: ModelHosts }).hosts;
const hostThread = () => hostsOf(engine).threadIds()['mirrornet-stream'];
const seqs = () => frames.map((f) => f.seq);
const holes = () => seqs().slice(1).filter((s, i) => s !== seqs()[i] + 1);

/** Sends `n` blocks of a tone, a few at a time (about real time), and waits for their frames. */
async function feed(n: number): Promise<void> {
  const block = new Float32Array(BLOCK);
  for (let b = 0; b < n; b++, sent++) {
    for (let i = 0; i < BLOCK; i++) block[i] = 0.3 * Math.sin((2 * Math.PI * 220 * (sent * BLOCK + i)) / RATE);
    engine.pushAudio('c', 1, block);
    if (b % 4 === 3) await new Promise((r) => setTimeout(r, 20));
  }
}

/** Waits until `ok()` holds (no timing asserted: the test's own timeout bounds it). */
async function until(ok: () => boolean): Promise<void> {
  while (!ok()) await new Promise((r) => setTimeout(r, 20));
}

/** Feeds blocks until `more` frames beyond the current count have arrived. */
async function framesGrow(more: number): Promise<void> {
  const want = frames.length + more;
  while (frames.length < want) await feed(8);
}

beforeAll(async () => {
  ({ engine } = await createEngine({ modelsDir: models, filesDir: mkdtempSync(join(tmpdir(), 'mb-hosts-files-')), loadBundled: true, jobWorkers: 1, modelHosts: true }));
  engine.on('params', (f) => f.clientId === 'c' && frames.push(f));
  engine.on('error', (e) => errors.push(e));
  await engine.openStream('c', 1, { sampleRate: RATE, blockSize: BLOCK, model: 'mirrornet-stream' });
}, 120_000);

afterAll(async () => {
  await engine?.dispose();
});

describe('model host threads', () => {
  it('run a model\'s live streams in a thread of its own; the main thread holds its manifest only', async () => {
    await framesGrow(20);
    const pool = (engine as unknown as { pool: JobPool }).pool;
    expect(hostThread()).toBeGreaterThan(0);
    expect(hostThread()).not.toBe(threadId);
    expect(pool.threadIds()).not.toContain(hostThread());
    expect(engine.registry.get('mirrornet-stream')!.hasSessions).toBe(false);
    expect(engine.status()).toMatchObject({ liveHosts: { threads: 1, restarts: 0 }, models: [expect.objectContaining({ name: 'mirrornet-stream', warm: expect.objectContaining({ state: 'warm' }) })] });
    expect(frames[0].seq).toBe(0);
    expect(holes()).toEqual([]);
  }, 60_000);

  it('hot-swap in a new host, warm before it takes over: frames in order, sequence numbers continuous, nothing dropped', async () => {
    const before = hostThread();
    const count = frames.length;
    let swapped = false;
    const swap = engine.loadModel('mirrornet-stream').then(() => (swapped = true));
    while (!swapped) await feed(4);
    await swap;
    await framesGrow(20);
    expect(hostThread()).not.toBe(before);
    expect(frames.length).toBeGreaterThan(count + 20);
    expect(holes()).toEqual([]);
    expect(engine.status().droppedFrames).toBe(0);
    expect(engine.status().streams).toEqual([expect.objectContaining({ id: 1, frames: frames.length, dropped: 0 })]);
  }, 60_000);

  it('a model that fails to load during a swap is refused with a coded error; the old host goes on serving', async () => {
    const file = join(models, 'mirrornet-stream', 'encoder.onnx');
    const good = readFileSync(file);
    const before = hostThread();
    appendFileSync(file, Buffer.from([0]));
    try {
      await expect(engine.loadModel('mirrornet-stream')).rejects.toMatchObject({ code: 'MB_ERR_MODEL_LOAD' });
    } finally {
      writeFileSync(file, good);
    }
    await framesGrow(10);
    expect(hostThread()).toBe(before);
    expect(holes()).toEqual([]);
  }, 60_000);

  it('a host killed from outside is started again: its client gets one MB_ERR_INTERNAL, then frames go on numbered after the last', async () => {
    const before = hostThread();
    const last = frames.length;
    errors.length = 0;
    // The thread ends from inside, as a crash would (never Worker.terminate() inside native code).
    (hostsOf(engine) as unknown as { hosts: Map<string, { worker: { postMessage(m: unknown): void } }> }).hosts.get('mirrornet-stream')!.worker.postMessage({ type: 'exit', code: 70 });
    await until(() => errors.length > 0);
    await until(() => hostThread() !== before);
    await framesGrow(10);
    expect(errors).toEqual([expect.objectContaining({ clientId: 'c', streamId: 1, error: expect.objectContaining({ code: 'MB_ERR_INTERNAL', message: expect.stringMatching(/host thread of model mirrornet-stream stopped/) }) })]);
    expect(engine.status().liveHosts.restarts).toBe(1);
    expect(frames.length).toBeGreaterThan(last);
    expect(holes()).toEqual([]);
  }, 60_000);

  it('processBlock, smoothing and closing reach the host; a closed stream is unknown', async () => {
    const n = frames.length;
    engine.setSmoothing('c', 1, 0.5);
    let got: ParamsFrame[] = [];
    while (got.length === 0) got = (await engine.processBlock('c', 1, new Float32Array(BLOCK).fill(0.1))).flatMap((f) => (f.params ? [f.params] : []));
    expect(got[0].seq).toBeGreaterThanOrEqual(n);
    expect(frames.slice(-got.length)).toEqual(got);
    expect(holes()).toEqual([]);
    expect(engine.status().streams[0].smoothing).toBe(0.5);
    expect(engine.closeStream('c', 1)).toBe(true);
    expect(engine.hasStream('c', 1)).toBe(false);
    expect(() => engine.pushAudio('c', 1, new Float32Array(BLOCK))).toThrow(expect.objectContaining({ code: 'MB_ERR_UNKNOWN_STREAM' }));
  }, 60_000);
});
