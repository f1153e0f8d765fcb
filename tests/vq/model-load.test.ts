import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VqRuntime, VqModel } from '../../src/vq';
import { MODEL_DIR, sharedCodec, tone } from './fixtures';

/** A writable copy of the shipped model, named like it, to damage. */
async function copyModel(root: string): Promise<string> {
  const dir = path.join(root, 'vqvae-timbre');
  await fs.mkdir(dir, { recursive: true });
  for (const f of await fs.readdir(MODEL_DIR)) await fs.copyFile(path.join(MODEL_DIR, f), path.join(dir, f));
  return dir;
}

describe('loading the VQ-VAE model', () => {
  let root: string;
  let good: VqRuntime;

  beforeAll(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'mb-vq-'));
    good = await sharedCodec();
  });
  afterAll(async () => {
    await good?.dispose();
    await fs.rm(root, { recursive: true, force: true });
  });

  it('refuses a corrupt graph with MB_ERR_MODEL_LOAD and leaves a loaded model working', async () => {
    const dir = await copyModel(path.join(root, 'corrupt'));
    const file = path.join(dir, 'decoder.onnx');
    const bytes = await fs.readFile(file);
    bytes.fill(0x5a, 1000, 3000);
    await fs.writeFile(file, bytes);
    await expect(VqModel.load(dir)).rejects.toMatchObject({ code: 'MB_ERR_MODEL_LOAD' });
    const series = await good.encode(tone(220, 0.3));
    expect((await good.decode(series)).length).toBeGreaterThan(0);
  });

  it('refuses a truncated graph even when its hash is updated (onnxruntime cannot parse it)', async () => {
    const dir = await copyModel(path.join(root, 'truncated'));
    const manifestFile = path.join(dir, 'vqvae-timbre.json');
    const manifest = JSON.parse(await fs.readFile(manifestFile, 'utf8'));
    const bytes = (await fs.readFile(path.join(dir, 'encoder.onnx'))).subarray(0, 5000);
    await fs.writeFile(path.join(dir, 'encoder.onnx'), bytes);
    const { createHash } = await import('node:crypto');
    manifest.graphs.encoder.sha256 = createHash('sha256').update(bytes).digest('hex');
    await fs.writeFile(manifestFile, JSON.stringify(manifest));
    await expect(VqModel.load(dir)).rejects.toMatchObject({ code: 'MB_ERR_MODEL_LOAD' });
  });

  it('refuses a manifest whose codebook does not match the graphs', async () => {
    const dir = await copyModel(path.join(root, 'shape'));
    const manifestFile = path.join(dir, 'vqvae-timbre.json');
    const manifest = JSON.parse(await fs.readFile(manifestFile, 'utf8'));
    manifest.codebook.latentDim += 1;
    await fs.writeFile(manifestFile, JSON.stringify(manifest));
    await expect(VqModel.load(dir)).rejects.toMatchObject({ code: 'MB_ERR_MODEL_SHAPE' });
  });

  it('refuses a non-JSON manifest and a missing or damaged descriptor table with coded errors', async () => {
    const bad = await copyModel(path.join(root, 'manifest'));
    await fs.writeFile(path.join(bad, 'vqvae-timbre.json'), '{ not json');
    await expect(VqModel.load(bad)).rejects.toMatchObject({ code: 'MB_ERR_MODEL_MANIFEST' });
    const noTable = await copyModel(path.join(root, 'notable'));
    await fs.rm(path.join(noTable, 'descriptors.json'));
    await expect(VqRuntime.load(noTable)).rejects.toMatchObject({ code: 'MB_ERR_NOT_FOUND' });
    await fs.writeFile(path.join(noTable, 'descriptors.json'), JSON.stringify({ names: ['centroid'], values: [] }));
    await expect(VqRuntime.load(noTable)).rejects.toMatchObject({ code: 'MB_ERR_MODEL_MANIFEST' });
  });

  it('refuses an unknown synthesis and a spectrum encoder the manifest cannot back, with MB_ERR_MODEL_MANIFEST', async () => {
    const dir = await copyModel(path.join(root, 'synthesis'));
    const manifestFile = path.join(dir, 'vqvae-timbre.json');
    const original = await fs.readFile(manifestFile, 'utf8');
    const manifest = JSON.parse(original);
    manifest.audio.settings.synthesis = 'granular-overlap-add';
    await fs.writeFile(manifestFile, JSON.stringify(manifest));
    await expect(VqModel.load(dir)).rejects.toMatchObject({ code: 'MB_ERR_MODEL_MANIFEST', message: expect.stringContaining('synthesis') });
    const noGraph = JSON.parse(original);
    noGraph.audio.settings.encoderSpectrumGraph = 'spectrumEncoderThatIsNotThere';
    await fs.writeFile(manifestFile, JSON.stringify(noGraph));
    await expect(VqModel.load(dir)).rejects.toMatchObject({ code: 'MB_ERR_MODEL_MANIFEST', message: expect.stringContaining('encoderSpectrumGraph') });
  });

  it('ships a descriptor table with one finite row per code', () => {
    const t = good.table;
    expect(t.codes).toBe(good.model.geometry.codes);
    const [lo, hi] = t.range('centroid');
    expect(lo).toBeGreaterThan(0);
    expect(hi).toBeGreaterThan(lo * 2);
    expect(t.file.pca?.points.length).toBe(t.codes);
  });
});
