import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadManifest } from '../../src/models/validate-manifest';
import { OnnxModel } from '../../src/models/onnx-model';
import { nativeAvailable, ortBackend, Tensor } from '../../src/models/ort-backend';
import { DEFAULT_GRAPH, tempModelsDir, writeFixtureModel } from './onnx-fixture';

const feed = (v: number[], dims = [1, 4]) => new Tensor('float32', Float32Array.from(v), dims);

async function load(dir: string) {
  return OnnxModel.load(dir, await loadManifest(dir));
}

describe('OnnxModel', () => {
  it('loads a graph and runs it', async () => {
    const root = tempModelsDir();
    const dir = writeFixtureModel(root, 'adder', { graphs: { encoder: { ...DEFAULT_GRAPH, bias: [1, 2, 3, 4] } } });
    const model = await load(dir);
    expect(model.graphNames).toEqual(['encoder']);
    const out = await model.run('encoder', { features: feed([0.5, 0.5, 0.5, 0.5]) });
    expect(Array.from(out.params.data as Float32Array)).toEqual([1.5, 2.5, 3.5, 4.5]);
    await model.dispose();
    await expect(model.run('encoder', { features: feed([0, 0, 0, 0]) })).rejects.toMatchObject({ code: 'MB_ERR_MODEL_LOAD' });
  });

  it('loads several graphs with dynamic axes', async () => {
    const root = tempModelsDir();
    const dir = writeFixtureModel(root, 'two', {
      graphs: {
        encoder: { input: { name: 'audio', shape: ['batch', 8] }, output: { name: 'latent', shape: ['batch', 8] } },
        decoder: { input: { name: 'latent', shape: ['batch', 8] }, output: { name: 'audio_out', shape: ['batch', 8] }, bias: [1, 1, 1, 1, 1, 1, 1, 1] },
      },
    });
    const model = await load(dir);
    const out = await model.run('decoder', { latent: feed(new Array(16).fill(0), [2, 8]) });
    expect(out.audio_out.dims).toEqual([2, 8]);
    await model.dispose();
  });

  it('runs a graph of syncGraphs before run() returns, with the outputs of the public session', async () => {
    const root = tempModelsDir();
    const dir = writeFixtureModel(root, 'sync', { graphs: { encoder: { ...DEFAULT_GRAPH, bias: [1, 2, 3, 4] } } });
    const manifest = await loadManifest(dir);
    const plain = await OnnxModel.load(dir, manifest);
    const sync = await OnnxModel.load(dir, manifest, { syncGraphs: ['encoder'] });
    // Only the native backend has a synchronous run; on wasm (MB_ORT_BACKEND=wasm, or no
    // binding) the graph keeps the public run() and the same outputs.
    const native = ortBackend().backend === 'native';
    expect(plain.runsSync('encoder')).toBe(false);
    expect(sync.runsSync('encoder')).toBe(native);
    const x = feed([0.25, -1, 3.5, 0]);
    // A synchronous run settles its promise before any macrotask: it wins a race against a
    // setImmediate queued first (the public run() needs one turn of setImmediate itself).
    const order: string[] = [];
    const immediate = new Promise<void>((resolve) => setImmediate(() => (order.push('immediate'), resolve())));
    const ran = sync.run('encoder', { features: x }).then((out) => (order.push('run'), out));
    const [out] = await Promise.all([ran, immediate]);
    if (native) expect(order).toEqual(['run', 'immediate']);
    const want = await plain.run('encoder', { features: x });
    expect(Array.from(out.params.data as Float32Array)).toEqual(Array.from(want.params.data as Float32Array));
    expect(Array.from(out.params.data as Float32Array)).toEqual([1.25, 1, 6.5, 4]);
    // The same checks on feeds, and the same coded errors once disposed.
    await expect(sync.run('encoder', { features: feed([0, 0, 0], [1, 3]) })).rejects.toMatchObject({ code: 'MB_ERR_BAD_ARGS', message: /shape/ });
    await Promise.all([plain.dispose(), sync.dispose()]);
    await expect(sync.run('encoder', { features: x })).rejects.toMatchObject({ code: 'MB_ERR_MODEL_LOAD' });
  });

  it('rejects bad feeds with MB_ERR_BAD_ARGS', async () => {
    const root = tempModelsDir();
    const model = await load(writeFixtureModel(root, 'feeds'));
    await expect(model.run('decoder', { features: feed([0, 0, 0, 0]) })).rejects.toMatchObject({ code: 'MB_ERR_BAD_ARGS', message: /no graph/ });
    await expect(model.run('encoder', {})).rejects.toMatchObject({ code: 'MB_ERR_BAD_ARGS', message: /missing/ });
    await expect(model.run('encoder', { features: feed([0, 0, 0], [1, 3]) })).rejects.toMatchObject({ code: 'MB_ERR_BAD_ARGS', message: /shape/ });
    await model.dispose();
  });

  it('refuses a file whose sha256 differs (MB_ERR_MODEL_LOAD)', async () => {
    const root = tempModelsDir();
    const dir = writeFixtureModel(root, 'tampered');
    writeFileSync(path.join(dir, 'encoder.onnx'), Buffer.from('not an onnx file'));
    await expect(load(dir)).rejects.toMatchObject({ code: 'MB_ERR_MODEL_LOAD', message: /sha256/ });
  });

  it('refuses a corrupt graph even with a matching hash (MB_ERR_MODEL_LOAD)', async () => {
    const root = tempModelsDir();
    const dir = writeFixtureModel(root, 'corrupt');
    writeFileSync(path.join(dir, 'encoder.onnx'), Buffer.from('garbage bytes'));
    await expect(OnnxModel.load(dir, await loadManifest(dir), { verifyHash: false })).rejects.toMatchObject({ code: 'MB_ERR_MODEL_LOAD', message: /onnxruntime/ });
  });

  it.each([
    ['input name', (m: any) => (m.graphs.encoder.inputs[0].name = 'mel'), /inputs/],
    ['output name', (m: any) => (m.graphs.encoder.outputs[0].name = 'y'), /outputs/],
    ['dtype', (m: any) => (m.graphs.encoder.inputs[0].dtype = 'int64'), /dtype/],
    ['fixed dim', (m: any) => (m.graphs.encoder.inputs[0].shape = [1, 5]), /shape/],
    ['rank', (m: any) => (m.graphs.encoder.outputs[0].shape = [1, 4, 1]), /shape/],
  ])('refuses a manifest whose %s differs from the graph (MB_ERR_MODEL_SHAPE)', async (_label, patch, msg) => {
    const root = tempModelsDir();
    const dir = writeFixtureModel(root, 'mismatch', { patch });
    await expect(load(dir)).rejects.toMatchObject({ code: 'MB_ERR_MODEL_SHAPE', message: msg });
  });

  it('runs on the thread\'s backend by default and on the one options.backend names', async () => {
    const root = tempModelsDir();
    const dir = writeFixtureModel(root, 'both', { graphs: { encoder: { ...DEFAULT_GRAPH, bias: [1, 2, 3, 4] } } });
    const manifest = await loadManifest(dir);
    const plain = await OnnxModel.load(dir, manifest);
    expect(plain.backend).toBe(ortBackend().backend);
    const wasm = await OnnxModel.load(dir, manifest, { backend: 'wasm', syncGraphs: ['encoder'] });
    expect(wasm.backend).toBe('wasm');
    // No synchronous run on wasm, whatever syncGraphs asks.
    expect(wasm.runsSync('encoder')).toBe(false);
    const out = await wasm.run('encoder', { features: feed([0.5, 0.5, 0.5, 0.5]) });
    expect(Array.from(out.params.data as Float32Array)).toEqual([1.5, 2.5, 3.5, 4.5]);
    await Promise.all([plain.dispose(), wasm.dispose()]);
  });

  // com.microsoft Rfft has a kernel only in GPU builds: neither CPU backend can run it.
  it.each(['wasm', 'native'] as const)('refuses a graph with an operator the %s backend has no kernel for (MB_ERR_UNSUPPORTED)', async (backend) => {
    if (backend === 'native' && !nativeAvailable()) return;
    const root = tempModelsDir();
    const dir = writeFixtureModel(root, 'rfft', { graphs: { encoder: { ...DEFAULT_GRAPH, op: { type: 'Rfft', domain: 'com.microsoft' } } } });
    const err = await OnnxModel.load(dir, await loadManifest(dir), { backend }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'MB_ERR_UNSUPPORTED', message: expect.stringMatching(/graph encoder needs an operator .*Could not find an implementation for Rfft\(1\)/) });
    if (backend === 'wasm') expect((err as Error).message).toMatch(/@node_bin_path to a stock Node 20/);
  });

  it('accepts a manifest naming a dynamic axis the graph fixes', async () => {
    const root = tempModelsDir();
    const dir = writeFixtureModel(root, 'dyn', { patch: (m) => (m.graphs.encoder.inputs[0].shape = ['batch', 4]) });
    await (await load(dir)).dispose();
  });
});
