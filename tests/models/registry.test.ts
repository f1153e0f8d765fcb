import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { Tensor } from '../../src/models/ort-backend';
import { describe, expect, it } from 'vitest';
import { ModelRegistry } from '../../src/models/registry';
import { DEFAULT_GRAPH, tempModelsDir, writeFixtureModel } from './onnx-fixture';

const ones = () => ({ features: new Tensor('float32', new Float32Array([1, 1, 1, 1]), [1, 4]) });
const biased = (b: number) => ({ graphs: { encoder: { ...DEFAULT_GRAPH, bias: [b, b, b, b] } } });
async function firstOutput(registry: ModelRegistry, name: string): Promise<number> {
  const lease = registry.acquire(name);
  try {
    return (await lease.model.run('encoder', ones())).params.data[0] as number;
  } finally {
    lease.release();
  }
}

describe('ModelRegistry', () => {
  it('lists folders with kind and loaded state, including invalid ones', async () => {
    const root = tempModelsDir();
    writeFixtureModel(root, 'alpha');
    writeFixtureModel(root, 'beta', { kind: 'vqvae' });
    mkdirSync(path.join(root, 'gamma'));
    mkdirSync(path.join(root, 'Not_A_Name'));
    writeFileSync(path.join(root, 'loose.txt'), 'x');
    const registry = new ModelRegistry(root);
    await registry.load('alpha');
    const list = await registry.list();
    expect(list.map((m) => [m.name, m.kind, m.loaded])).toEqual([
      ['alpha', 'mirrornet-stream', true],
      ['beta', 'vqvae', false],
      ['gamma', undefined, false],
    ]);
    expect(list[0].params).toEqual(['level', 'pitch', 'bright', 'note']);
    expect(list[2].error).toMatch(/MB_ERR_MODEL_MANIFEST/);
    await registry.dispose();
  });

  it.each(['../alpha', '/etc', 'a/b', 'Alpha', '', '.hidden', 'x'.repeat(200)])('refuses the name %j (never a path)', async (name) => {
    const registry = new ModelRegistry(tempModelsDir());
    await expect(registry.load(name)).rejects.toMatchObject({ code: 'MB_ERR_BAD_ARGS' });
  });

  it('gives MB_ERR_UNKNOWN_MODEL for a missing folder or an unloaded model', async () => {
    const registry = new ModelRegistry(tempModelsDir());
    await expect(registry.load('nothere')).rejects.toMatchObject({ code: 'MB_ERR_UNKNOWN_MODEL' });
    expect(() => registry.acquire('nothere')).toThrow(expect.objectContaining({ code: 'MB_ERR_UNKNOWN_MODEL' }));
  });

  it('hot-swaps: the new model serves after load, the old one keeps serving its lease', async () => {
    const root = tempModelsDir();
    writeFixtureModel(root, 'swap', biased(1));
    const registry = new ModelRegistry(root);
    const events: string[] = [];
    registry.on('loaded', () => events.push('loaded')).on('swapped', () => events.push('swapped'));
    await registry.load('swap');
    const oldLease = registry.acquire('swap');
    writeFixtureModel(root, 'swap', biased(10));
    await registry.load('swap');
    expect(await firstOutput(registry, 'swap')).toBe(11);
    expect((await oldLease.model.run('encoder', ones())).params.data[0]).toBe(2);
    oldLease.release();
    await new Promise((r) => setImmediate(r));
    await expect(oldLease.model.run('encoder', ones())).rejects.toMatchObject({ code: 'MB_ERR_MODEL_LOAD' });
    expect(events).toEqual(['loaded', 'swapped']);
    await registry.dispose();
  });

  it.each([
    ['corrupt graph', (dir: string) => writeFileSync(path.join(dir, 'encoder.onnx'), 'junk'), 'MB_ERR_MODEL_LOAD'],
    ['mismatched manifest', (dir: string) => writeFixtureModel(path.dirname(dir), 'keep', { ...biased(5), patch: (m) => (m.graphs.encoder.inputs[0].name = 'x') }), 'MB_ERR_MODEL_SHAPE'],
    ['broken manifest', (dir: string) => writeFileSync(path.join(dir, 'keep.json'), '{}'), 'MB_ERR_MODEL_MANIFEST'],
  ])('a failed reload (%s) leaves the loaded model working', async (_label, breakIt, code) => {
    const root = tempModelsDir();
    const dir = writeFixtureModel(root, 'keep', biased(1));
    const registry = new ModelRegistry(root);
    await registry.load('keep');
    breakIt(dir);
    await expect(registry.load('keep')).rejects.toMatchObject({ code });
    expect(await firstOutput(registry, 'keep')).toBe(2);
    expect(registry.info('keep').loaded).toBe(true);
    await registry.dispose();
  });

  it('serializes concurrent loads of one name and ends with the last one', async () => {
    const root = tempModelsDir();
    writeFixtureModel(root, 'race', biased(1));
    const registry = new ModelRegistry(root);
    const loads = [registry.load('race'), registry.load('race'), registry.load('race')];
    const models = await Promise.all(loads);
    expect(registry.get('race')).toBe(models[2]);
    await registry.dispose();
  });

  it('unloads by name and disposes after the last lease', async () => {
    const root = tempModelsDir();
    writeFixtureModel(root, 'gone');
    const registry = new ModelRegistry(root);
    await registry.load('gone');
    const lease = registry.acquire('gone');
    expect(await registry.unload('gone')).toBe(true);
    expect(await registry.unload('gone')).toBe(false);
    expect(registry.info('gone').loaded).toBe(false);
    expect((await lease.model.run('encoder', ones())).params.dims).toEqual([1, 4]);
    lease.release();
    lease.release();
    await new Promise((r) => setImmediate(r));
    await expect(lease.model.run('encoder', ones())).rejects.toMatchObject({ code: 'MB_ERR_MODEL_LOAD' });
  });
});
