import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine';
import type { JobEvent, JobHandler } from '../../src/engine/types';
import { tempModelsDir, writeFixtureModel } from '../models/onnx-fixture';
import { featureProcessor, TEST_CONTROLS, type TestControl } from './test-processor';

const engines: Engine[] = [];
afterEach(async () => {
  await Promise.all(engines.splice(0).map((e) => e.dispose()));
});

function setup(opts: Partial<ConstructorParameters<typeof Engine>[0]> = {}) {
  const filesDir = mkdtempSync(path.join(tmpdir(), 'mb-files-'));
  writeFileSync(path.join(filesDir, 'in.wav'), 'RIFF');
  mkdirSync(path.join(filesDir, 'sub'));
  const modelsDir = tempModelsDir();
  writeFixtureModel(modelsDir, 'fx');
  const engine = new Engine({ modelsDir, filesDir, ...opts });
  engines.push(engine);
  const events: JobEvent[] = [];
  engine.on('job', (e) => events.push(e));
  return { engine, filesDir, events };
}

const waitFor = async (cond: () => boolean) => {
  const end = Date.now() + 5000;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 2));
  }
};
const busy = (ms: number) => {
  const end = performance.now() + ms;
  while (performance.now() < end);
};

describe('Engine jobs', () => {
  it('answers MB_ERR_UNSUPPORTED for a job without a runtime', async () => {
    const { engine } = setup();
    await expect(engine.submitJob('c', 'infer', { file: 'in.wav' })).rejects.toMatchObject({ code: 'MB_ERR_UNSUPPORTED' });
  });

  it('resolves file arguments inside the files folder and runs the handler', async () => {
    const { engine, filesDir, events } = setup();
    const seen: unknown[] = [];
    engine.registerJob('resynth', async (args, ctx) => {
      seen.push(args, ctx.model(undefined, ['mirrornet-stream']).name);
      ctx.progress(0.5);
      return { out: args.out };
    }, { in: 'read', out: 'write' });
    await engine.loadModel('fx');
    const ticket = await engine.submitJob('c', 'resynth', { in: 'in.wav', out: 'sub/out.wav' });
    await waitFor(() => events.some((e) => e.state === 'done'));
    expect(seen).toEqual([{ in: path.join(filesDir, 'in.wav'), out: path.join(filesDir, 'sub', 'out.wav') }, 'fx']);
    expect(events.map((e) => e.state)).toEqual(['queued', 'running', 'progress', 'done']);
    expect(events[3]).toMatchObject({ id: ticket.id, result: { out: path.join(filesDir, 'sub', 'out.wav') } });
    expect(engine.status().jobs).toMatchObject({ done: 1, failed: 0, queued: 0, running: 0 });
  });

  it.each([
    [{ file: '../outside.wav' }, 'MB_ERR_PATH'],
    [{ file: '/etc/passwd' }, 'MB_ERR_PATH'],
    [{ file: 'link.wav' }, 'MB_ERR_PATH'],
    [{ file: 'missing.wav' }, 'MB_ERR_NOT_FOUND'],
    [{ file: 'sub' }, 'MB_ERR_NOT_FOUND'],
    [{ file: '.' }, 'MB_ERR_PATH'],
    [{ file: 'in.wav', model: '../x' }, 'MB_ERR_BAD_ARGS'],
  ])('refuses %o with %s', async (args, code) => {
    const { engine, filesDir } = setup();
    symlinkSync('/etc/hostname', path.join(filesDir, 'link.wav'));
    engine.registerJob('infer', async () => 'ran', { file: 'read' });
    await expect(engine.submitJob('c', 'infer', args)).rejects.toMatchObject({ code });
  });

  it('refuses to write through a symlink or outside', async () => {
    const { engine, filesDir } = setup();
    symlinkSync('/tmp', path.join(filesDir, 'escape'));
    engine.registerJob('resynth', async () => 'ran', { in: 'read', out: 'write' });
    await expect(engine.submitJob('c', 'resynth', { in: 'in.wav', out: 'escape/x.wav' })).rejects.toMatchObject({ code: 'MB_ERR_PATH' });
    await expect(engine.submitJob('c', 'resynth', { in: 'in.wav', out: 'nodir/x.wav' })).rejects.toMatchObject({ code: 'MB_ERR_NOT_FOUND' });
  });

  it('is bounded: a full queue refuses with MB_ERR_BUSY', async () => {
    const { engine } = setup({ jobQueueSize: 2 });
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    engine.registerJob('infer', () => gate);
    await engine.submitJob('c', 'infer', { file: 'in.wav' });
    await new Promise((r) => setImmediate(r));
    await engine.submitJob('c', 'infer', { file: 'in.wav' });
    const third = await engine.submitJob('c', 'infer', { file: 'in.wav' });
    expect(third.position).toBe(2);
    await expect(engine.submitJob('c', 'infer', { file: 'in.wav' })).rejects.toMatchObject({ code: 'MB_ERR_BUSY' });
    release();
  });

  it('reports failures with a code and cancels queued and running jobs', async () => {
    const { engine, events } = setup();
    const handler: JobHandler = async (args, ctx) => {
      if (args.file?.toString().endsWith('in.wav') && ctx.id === 1) throw new Error('boom');
      for (;;) {
        busy(1);
        await ctx.checkpoint();
      }
    };
    engine.registerJob('infer', handler);
    await engine.submitJob('c', 'infer', { file: 'in.wav' });
    const running = await engine.submitJob('c', 'infer', { file: 'in.wav' });
    const queued = await engine.submitJob('c', 'infer', { file: 'in.wav' });
    await waitFor(() => events.some((e) => e.id === running.id && e.state === 'running'));
    expect(engine.cancelJob(queued.id, 'someone-else')).toBe(false);
    expect(engine.cancelJob(queued.id, 'c')).toBe(true);
    expect(engine.cancelJob(running.id)).toBe(true);
    await waitFor(() => events.filter((e) => e.state === 'cancelled').length === 2);
    const failed = events.find((e) => e.state === 'failed')!;
    expect(failed.error?.code).toBe('MB_ERR_INTERNAL');
    expect(failed.error?.message).toMatch(/^job 1 \(infer\): boom/);
    expect(engine.status().jobs).toMatchObject({ failed: 1, queued: 0, running: 0 });
  });

  it('passes the client\'s controls to its jobs', async () => {
    const { engine, events } = setup();
    engine.registerControls('test', TEST_CONTROLS);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    engine.registerJob('peek', async (_args, ctx) => {
      await gate;
      return ctx.controls.get('test');
    });
    engine.setControl('c', { owner: 'test', name: 'centroid', value: 1200 } as TestControl);
    engine.setControl('c', { owner: 'test', name: 'scale', value: 2 } as TestControl);
    await engine.submitJob('c', 'peek', {});
    // Set after submission: the job keeps the snapshot it was submitted with.
    engine.setControl('c', { owner: 'test', name: 'scale', value: 3 } as TestControl);
    release();
    await waitFor(() => events.some((e) => e.state === 'done'));
    expect(events.find((e) => e.state === 'done')?.result).toEqual({ centroid: 1200, scale: 2 });
  });

  it('keeps live streams flowing while a long job runs', async () => {
    const { engine, events } = setup();
    engine.registerStreamProcessor('mirrornet-stream', featureProcessor);
    await engine.openStream('live', 1, { sampleRate: 16000, blockSize: 64, model: 'fx' });
    let chunks = 0;
    engine.registerJob('infer', async (_args, ctx) => {
      for (let i = 0; i < 150; i++) {
        busy(1);
        chunks++;
        await ctx.checkpoint();
      }
      return chunks;
    });
    const framesDuringJob: number[] = [];
    engine.on('params', () => {
      if (!events.some((e) => e.state === 'done')) framesDuringJob.push(chunks);
    });
    await engine.submitJob('c', 'infer', { file: 'in.wav' });
    await waitFor(() => events.some((e) => e.state === 'running'));
    const timer = setInterval(() => engine.pushAudio('live', 1, new Float32Array(64).fill(0.1)), 5);
    await waitFor(() => events.some((e) => e.state === 'done'));
    clearInterval(timer);
    // Frames were produced while the job was mid-way, not only before or after it.
    expect(framesDuringJob.filter((c) => c > 0 && c < 150).length).toBeGreaterThan(5);
    expect(engine.status().streams[0].dropped).toBe(0);
  });
});
