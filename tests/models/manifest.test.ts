import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MbError } from '../../src/core/errors';
import { loadManifest, validateManifest } from '../../src/models/validate-manifest';
import type { ModelManifest } from '../../src/models/manifest';
import { tempModelsDir, writeFixtureModel } from './onnx-fixture';

function validManifest(): ModelManifest {
  const root = tempModelsDir();
  writeFixtureModel(root, 'good');
  return JSON.parse(require('node:fs').readFileSync(path.join(root, 'good', 'good.json'), 'utf8'));
}

function expectManifestError(fn: () => unknown, field: RegExp): void {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(MbError);
    expect((err as MbError).code).toBe('MB_ERR_MODEL_MANIFEST');
    expect((err as MbError).message).toMatch(field);
    return;
  }
  throw new Error('expected MB_ERR_MODEL_MANIFEST');
}

describe('validateManifest', () => {
  it('accepts a valid manifest and keeps its fields', () => {
    const m = validateManifest(validManifest(), 'good');
    expect(m.kind).toBe('mirrornet-stream');
    expect(m.params?.map((p) => p.name)).toEqual(['level', 'pitch', 'bright', 'note']);
    expect(m.graphs.encoder.inputs[0].shape).toEqual([1, 4]);
  });

  const cases: [string, (m: any) => void, RegExp][] = [
    ['name differs from folder', (m) => (m.name = 'other'), /name/],
    ['name with a path', (m) => (m.name = '../x'), /name/],
    ['unknown kind', (m) => (m.kind = 'rave'), /kind/],
    ['missing graphs', (m) => delete m.graphs, /graphs/],
    ['graph file is a path', (m) => (m.graphs.encoder.file = '../../etc/passwd.onnx'), /graphs.encoder.file/],
    ['graph file not .onnx', (m) => (m.graphs.encoder.file = 'encoder.bin'), /graphs.encoder.file/],
    ['bad sha256', (m) => (m.graphs.encoder.sha256 = 'abc'), /sha256/],
    ['bad dtype', (m) => (m.graphs.encoder.inputs[0].dtype = 'float16'), /dtype/],
    ['zero dim', (m) => (m.graphs.encoder.inputs[0].shape = [0, 4]), /shape\[0\]/],
    ['empty outputs', (m) => (m.graphs.encoder.outputs = []), /outputs/],
    ['sample rate too low', (m) => (m.audio.sampleRate = 100), /audio.sampleRate/],
    ['settings not primitive', (m) => (m.audio.settings.x = { y: 1 }), /audio.settings.x/],
    ['params missing for mirrornet', (m) => delete m.params, /params/],
    ['param name not OSC-safe', (m) => (m.params[0].name = 'a/b'), /params\[0\].name/],
    ['duplicate params', (m) => (m.params[1].name = m.params[0].name), /unique/],
    ['inverted range', (m) => (m.params[0].range = [1, 0]), /params\[0\].range/],
    ['NaN in range', (m) => (m.params[0].range = [0, null]), /params\[0\].range\[1\]/],
    ['grid not ascending', (m) => (m.params[3].grid = [3, 2]), /grid/],
    ['log scale without positive range', (m) => (m.params[0].scale = 'log'), /unitRange/],
    ['negative latency', (m) => (m.latency.samples = -1), /latency.samples/],
    ['codebook missing for vqvae', (m) => { m.kind = 'vqvae'; }, /codebook/],
    ['training missing', (m) => delete m.training, /training/],
  ];
  it.each(cases)('rejects %s', (_label, edit, field) => {
    const m = validManifest();
    edit(m);
    expectManifestError(() => validateManifest(m, 'good'), field);
  });
});

describe('loadManifest', () => {
  it('reads <dir>/<name>.json', async () => {
    const root = tempModelsDir();
    const dir = writeFixtureModel(root, 'mini');
    expect((await loadManifest(dir)).name).toBe('mini');
  });

  it('gives MB_ERR_MODEL_MANIFEST for a missing or non-JSON manifest', async () => {
    const root = tempModelsDir();
    mkdirSync(path.join(root, 'empty'));
    await expect(loadManifest(path.join(root, 'empty'))).rejects.toMatchObject({ code: 'MB_ERR_MODEL_MANIFEST' });
    const dir = writeFixtureModel(root, 'broken');
    writeFileSync(path.join(dir, 'broken.json'), '{ not json');
    await expect(loadManifest(dir)).rejects.toMatchObject({ code: 'MB_ERR_MODEL_MANIFEST', message: /not valid JSON/ });
  });
});
