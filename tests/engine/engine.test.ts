import { afterEach, describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine';
import type { ParamsFrame, StreamEvent } from '../../src/engine/types';
import { DEFAULT_GRAPH, tempModelsDir, writeFixtureModel } from '../models/onnx-fixture';
import { featureProcessor, TEST_CONTROLS, type TestControl } from './test-processor';

const engines: Engine[] = [];
afterEach(async () => {
  await Promise.all(engines.splice(0).map((e) => e.dispose()));
});

function makeEngine(opts: Partial<ConstructorParameters<typeof Engine>[0]> = {}, bias = 0) {
  const modelsDir = tempModelsDir();
  writeFixtureModel(modelsDir, 'fx', { graphs: { encoder: { ...DEFAULT_GRAPH, bias: [bias, bias, bias, 0] } } });
  const engine = new Engine({ modelsDir, ...opts });
  engines.push(engine);
  return { engine, modelsDir };
}

function collect(engine: Engine): ParamsFrame[] {
  const frames: ParamsFrame[] = [];
  engine.on('params', (f) => frames.push(f));
  return frames;
}

const block = (first: number, n = 64) => Float32Array.from({ length: n }, (_, i) => (i === 0 ? first : 0.1 * Math.sin(i)));
const until = async (cond: () => boolean, ms = 5000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 2));
  }
};

describe('Engine streams', () => {
  it('answers a coded error when no model can stream', async () => {
    const { engine } = makeEngine();
    await expect(engine.openStream('c', 1, { sampleRate: 16000, blockSize: 64 })).rejects.toMatchObject({ code: 'MB_ERR_UNKNOWN_MODEL' });
    await engine.loadModel('fx');
    await expect(engine.openStream('c', 1, { sampleRate: 16000, blockSize: 64 })).rejects.toMatchObject({ code: 'MB_ERR_UNSUPPORTED' });
    await expect(engine.openStream('c', 1, { sampleRate: 16000, blockSize: 64, model: '../fx' })).rejects.toMatchObject({ code: 'MB_ERR_BAD_ARGS' });
  });

  it.each([
    [{ sampleRate: 4000, blockSize: 64 }, /sampleRate/],
    [{ sampleRate: 16000, blockSize: 0 }, /blockSize/],
    [{ sampleRate: Number.NaN, blockSize: 64 }, /sampleRate/],
  ])('refuses bad stream options %o', async (opts, msg) => {
    const { engine } = makeEngine();
    engine.registerStreamProcessor('mirrornet-stream', featureProcessor);
    await engine.loadModel('fx');
    await expect(engine.openStream('c', 1, opts)).rejects.toMatchObject({ code: 'MB_ERR_BAD_ARGS', message: msg });
  });

  it('turns blocks into ordered parameter frames with units', async () => {
    const { engine } = makeEngine();
    engine.registerStreamProcessor('mirrornet-stream', featureProcessor);
    const info = await engine.openStream('c', 7, { sampleRate: 16000, blockSize: 64, model: 'fx' });
    expect(info).toMatchObject({ model: 'fx', latencySamples: 128 });
    const frames = collect(engine);
    for (let i = 0; i < 10; i++) engine.pushAudio('c', 7, block(i / 10));
    await until(() => frames.length === 10);
    expect(frames.map((f) => f.seq)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(frames.map((f) => f.normalized[2])).toEqual(Array.from({ length: 10 }, (_, i) => Math.fround(i / 10)));
    const f = frames[5];
    expect(f).toMatchObject({ clientId: 'c', streamId: 7, model: 'fx', names: ['level', 'pitch', 'bright', 'note'] });
    expect(f.units[0]).toBeCloseTo(-60 + 60 * f.normalized[0], 4);
    expect(f.units[2]).toBeCloseTo(0.5, 6);
    expect([36, 48, 60, 72, 84]).toContain(f.units[3]);
    const status = engine.status().streams[0];
    expect(status).toMatchObject({ frames: 10, dropped: 0, queuedBlocks: 0 });
  });

  it('processBlock resolves with the block\'s frames', async () => {
    const { engine } = makeEngine();
    engine.registerStreamProcessor('mirrornet-stream', featureProcessor);
    await engine.openStream('max', 1, { sampleRate: 44100, blockSize: 64, model: 'fx' });
    const frames = await engine.processBlock('max', 1, block(0.25));
    expect(frames).toHaveLength(1);
    expect(frames[0].params?.normalized[2]).toBeCloseTo(0.25, 6);
  });

  it('drops the oldest blocks when a stream falls behind, and counts them', async () => {
    const { engine } = makeEngine({ streamQueueBlocks: 4 });
    engine.registerStreamProcessor('mirrornet-stream', featureProcessor);
    await engine.openStream('c', 1, { sampleRate: 16000, blockSize: 64, model: 'fx' });
    const frames = collect(engine);
    for (let i = 0; i < 100; i++) engine.pushAudio('c', 1, block(i / 100));
    expect(engine.status().streams[0].latencySamples).toBe(128 + 4 * 64);
    await until(() => frames.length === 4);
    await new Promise((r) => setTimeout(r, 20));
    expect(frames).toHaveLength(4);
    expect(frames.map((f) => Math.round(f.normalized[2] * 100))).toEqual([96, 97, 98, 99]);
    expect(engine.status().droppedFrames).toBe(96);
    engine.closeStream('c', 1);
    expect(engine.status().droppedFrames).toBe(96);
  });

  it('rejects unknown streams and bad blocks', async () => {
    const { engine } = makeEngine();
    engine.registerStreamProcessor('mirrornet-stream', featureProcessor);
    expect(() => engine.pushAudio('c', 3, block(0))).toThrow(expect.objectContaining({ code: 'MB_ERR_UNKNOWN_STREAM' }));
    await engine.openStream('c', 3, { sampleRate: 16000, blockSize: 64, model: 'fx' });
    expect(() => engine.pushAudio('other-client', 3, block(0))).toThrow(expect.objectContaining({ code: 'MB_ERR_UNKNOWN_STREAM' }));
    expect(() => engine.pushAudio('c', 3, new Float32Array(0))).toThrow(expect.objectContaining({ code: 'MB_ERR_BAD_ARGS' }));
    expect(() => engine.pushAudio('c', 3, new Float32Array(9000))).toThrow(expect.objectContaining({ code: 'MB_ERR_BAD_ARGS' }));
    expect(() => engine.setSmoothing('c', 3, 1.5)).toThrow(expect.objectContaining({ code: 'MB_ERR_BAD_ARGS' }));
  });

  it('smooths parameters with a one-pole filter when asked', async () => {
    const { engine } = makeEngine();
    engine.registerStreamProcessor('mirrornet-stream', featureProcessor);
    await engine.openStream('c', 1, { sampleRate: 16000, blockSize: 64, model: 'fx' });
    engine.setSmoothing('c', 1, 0.5);
    const a = await engine.processBlock('c', 1, block(0));
    const b = await engine.processBlock('c', 1, block(1));
    expect(a[0].params!.normalized[2]).toBe(0);
    expect(b[0].params!.normalized[2]).toBeCloseTo(0.5, 6);
  });

  it('hot-swaps the model under an open stream; a failed swap keeps it serving', async () => {
    const { engine, modelsDir } = makeEngine({}, 0);
    engine.registerStreamProcessor('mirrornet-stream', featureProcessor);
    await engine.openStream('c', 1, { sampleRate: 16000, blockSize: 64, model: 'fx' });
    expect((await engine.processBlock('c', 1, block(0.1)))[0].params!.normalized[2]).toBeCloseTo(0.1, 6);
    writeFixtureModel(modelsDir, 'fx', { graphs: { encoder: { ...DEFAULT_GRAPH, bias: [0, 0, 0.5, 0] } } });
    await engine.loadModel('fx');
    await new Promise((r) => setTimeout(r, 10));
    expect((await engine.processBlock('c', 1, block(0.1)))[0].params!.normalized[2]).toBeCloseTo(0.6, 6);
    writeFixtureModel(modelsDir, 'fx', { patch: (m) => (m.graphs.encoder.sha256 = '0'.repeat(64)) });
    await expect(engine.loadModel('fx')).rejects.toMatchObject({ code: 'MB_ERR_MODEL_LOAD' });
    expect((await engine.processBlock('c', 1, block(0.1)))[0].params!.normalized[2]).toBeCloseTo(0.6, 6);
    expect(engine.hasStream('c', 1)).toBe(true);
  });

  it('closes streams of an unloaded model and of a client that leaves', async () => {
    const { engine } = makeEngine();
    engine.registerStreamProcessor('mirrornet-stream', featureProcessor);
    const events: StreamEvent[] = [];
    engine.on('stream', (e) => events.push(e));
    await engine.openStream('a', 1, { sampleRate: 16000, blockSize: 64, model: 'fx' });
    await engine.openStream('a', 2, { sampleRate: 16000, blockSize: 64 });
    await engine.openStream('b', 1, { sampleRate: 16000, blockSize: 64 });
    expect(engine.closeClient('a', 'timeout')).toBe(2);
    expect(engine.status().streams.map((s) => s.clientId)).toEqual(['b']);
    await engine.unloadModel('fx');
    expect(engine.status().streams).toEqual([]);
    expect(events.filter((e) => e.state === 'closed').map((e) => `${e.clientId}${e.streamId}:${e.reason}`)).toEqual(['a1:timeout', 'a2:timeout', 'b1:model-unloaded']);
  });

  it('enforces stream limits with MB_ERR_BUSY', async () => {
    const { engine } = makeEngine({ maxStreamsPerClient: 2, maxStreams: 3 });
    engine.registerStreamProcessor('mirrornet-stream', featureProcessor);
    await engine.loadModel('fx');
    const open = (c: string, id: number) => engine.openStream(c, id, { sampleRate: 16000, blockSize: 64 });
    await open('a', 1);
    await open('a', 2);
    await open('a', 2); // reopening is not a new stream
    await expect(open('a', 3)).rejects.toMatchObject({ code: 'MB_ERR_BUSY' });
    await open('b', 1);
    await expect(open('c', 1)).rejects.toMatchObject({ code: 'MB_ERR_BUSY' });
  });

  it('forwards controls to stream processors, which may refuse them', async () => {
    const { engine } = makeEngine();
    let made: ReturnType<typeof featureProcessor> | undefined;
    engine.registerStreamProcessor('mirrornet-stream', (ctx) => (made = featureProcessor(ctx)));
    await engine.openStream('c', 1, { sampleRate: 16000, blockSize: 64, model: 'fx' });
    const set = (name: string, value: number) => engine.setControl('c', { owner: 'test', name, value } as TestControl);
    // The engine knows no plug-in's controls: an owner nobody registered is refused.
    expect(() => set('x', 1)).toThrow(expect.objectContaining({ code: 'MB_ERR_UNSUPPORTED' }));
    engine.registerControls('test', TEST_CONTROLS);
    set('x', 0.2);
    expect(made!.controls).toEqual([{ owner: 'test', name: 'x', value: 0.2 }]);
    // Refused by the processor, or by the owner's spec: nothing is forwarded or kept.
    expect(() => set('nope', 1)).toThrow(expect.objectContaining({ code: 'MB_ERR_BAD_TARGET' }));
    expect(() => set('y', Number.NaN)).toThrow(expect.objectContaining({ code: 'MB_ERR_BAD_ARGS' }));
    expect(made!.controls).toHaveLength(1);
    let seen: unknown;
    engine.registerJob('peek', async (_a, ctx) => (seen = ctx.controls.get('test')));
    await engine.submitJob('c', 'peek', {});
    await new Promise((r) => setTimeout(r, 50));
    expect(seen).toEqual({ x: 0.2 });
  });

  it('reports processor failures as error events, never throws into the loop', async () => {
    const { engine } = makeEngine();
    engine.registerStreamProcessor('mirrornet-stream', () => ({ latencySamples: 0, process: () => [{ params: new Float32Array(2) }] }));
    await engine.openStream('c', 1, { sampleRate: 16000, blockSize: 64, model: 'fx' });
    const errors: string[] = [];
    engine.on('error', (e) => errors.push(e.error.code));
    engine.pushAudio('c', 1, block(0));
    await until(() => errors.length === 1);
    expect(errors).toEqual(['MB_ERR_INTERNAL']);
  });
});
