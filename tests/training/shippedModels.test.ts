import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { OnnxModel } from '../../src/models/onnx-model';
import { loadManifest } from '../../src/models/validate-manifest';
import { PARAM_SPECS, SET1 } from '../../src/synth/params';

/**
 * The trained MirrorNet models committed under models/: manifests valid against the graphs,
 * parameter schema equal to the plant's, and the graphs' output shapes as the manifest says.
 */
const MODELS = resolve(__dirname, '../../models');

function feed(shape: number[], fill: (i: number) => number): ort.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return new ort.Tensor('float32', Float32Array.from({ length: n }, (_, i) => fill(i)), shape);
}

for (const name of ['mirrornet-melody', 'mirrornet-stream'] as const) {
  const dir = join(MODELS, name);
  describe.skipIf(!existsSync(join(dir, `${name}.json`)))(`shipped model ${name}`, () => {
    it('loads, matches the plant schema and keeps its declared shapes', async () => {
      const manifest = await loadManifest(dir);
      expect(manifest.kind).toBe(name);
      expect(manifest.audio).toMatchObject({ sampleRate: 8000, feature: 'auditory' });
      expect(manifest.audio.settings).toMatchObject({ channels: 128, frameMs: 8, normalization: 'unit-rms' });
      expect(manifest.params?.map((p) => p.name)).toEqual([...SET1]);
      expect(manifest.params?.map((p) => p.unit).slice(2)).toEqual(SET1.slice(2).map((n) => PARAM_SPECS[n].unit));
      const model = await OnnxModel.load(dir, manifest);
      try {
        const frames = name === 'mirrornet-melody' ? 250 : 60;
        const aud = feed([3, 128, frames], (i) => 0.01 * (1 + Math.sin(i * 0.37)));
        const enc = await model.run('encoder', { aud });
        const params = enc.params;
        expect(params.dims).toEqual(name === 'mirrornet-melody' ? [3, 5, 7] : [3, frames, 7]);
        const values = params.data as Float32Array;
        expect(values.every((v) => v >= 0 && v <= 1)).toBe(true);
        const dec = await model.run('decoder', { params });
        expect(dec.aud.dims).toEqual([3, 128, frames]);
      } finally {
        await model.dispose();
      }
    });
  });
}
