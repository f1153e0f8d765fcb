import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VqModel } from '../../src/vq';
import { geometryOf } from '../../src/vq/geometry';
import { PitchAnchors } from '../../src/vq/pitch-anchors';
import { MODEL_DIR } from './fixtures';

const S = 6;
const G = { codes: 3, segmentLength: S, decoderPitch: { anchorOctaves: 0.5, fmin: 50, fmax: 1000 } };

/** A table whose value at (code k, pitch p) is k * 100 + log2(p / 50) (row 0, unvoiced: -1). */
function linearTable(a: PitchAnchors): Float32Array {
  const pitches = a.inputPitches();
  const table = new Float32Array(pitches.length * S);
  pitches.forEach((p, row) => {
    const k = Math.floor(row / a.rows);
    table.fill(p > 0 ? k * 100 + Math.log2(p / 50) : -1, row * S, (row + 1) * S);
  });
  return table;
}

describe('pitch anchors (decoder that also sees f0)', () => {
  it('covers [fmin, fmax] with anchors a step apart, the last one at fmax, plus an unvoiced row', () => {
    const a = new PitchAnchors(G);
    // log2(1000 / 50) = 4.32 octaves: anchors at 0, 0.5, ..., 4.0 octaves and one at fmax.
    expect(a.rows).toBe(1 + 10);
    expect(a.pitchOfRow(0)).toBe(0);
    expect(a.pitchOfRow(1)).toBe(50);
    expect(a.pitchOfRow(3)).toBeCloseTo(100, 9);
    expect(a.pitchOfRow(a.rows - 1)).toBe(1000);
    expect(Array.from(a.inputPitches().subarray(a.rows, 2 * a.rows))).toEqual(Array.from({ length: a.rows }, (_, r) => Math.fround(a.pitchOfRow(r))));
  });

  it('blends the two anchors around f0 linearly in log-frequency, clamps to the range, keeps unvoiced apart', () => {
    const a = new PitchAnchors(G);
    a.fill(linearTable(a));
    for (const [k, f0] of [[0, 50], [1, 70.7], [2, 100], [1, 333], [2, 999], [0, 1000]] as const) {
      const seg = a.segment(k, f0);
      expect(seg.length).toBe(S);
      expect(seg[0]).toBeCloseTo(k * 100 + Math.log2(f0 / 50), 4);
    }
    expect(a.segment(1, 20)[3]).toBeCloseTo(100, 5); // below fmin: the fmin anchor
    expect(a.segment(1, 4000)[3]).toBeCloseTo(100 + Math.log2(20), 4); // above fmax: the fmax anchor
    expect(a.segment(2, 0)[5]).toBe(-1);
    expect(a.segment(2, -3)[5]).toBe(-1);
    expect(a.clampPitch(0)).toBe(0);
    expect(a.clampPitch(4000)).toBe(1000);
  });

  it('refuses a table of the wrong size', () => {
    const a = new PitchAnchors(G);
    expect(() => a.fill(new Float32Array(5))).toThrow(expect.objectContaining({ code: 'MB_ERR_MODEL_SHAPE' }));
  });

  it('refuses a manifest whose decoderPitch the decoder graph cannot back, with MB_ERR_MODEL_MANIFEST', async () => {
    const { loadManifest } = await import('../../src/models');
    const manifest = await loadManifest(MODEL_DIR);
    const bad = JSON.parse(JSON.stringify(manifest));
    bad.audio.settings.decoderPitch = 'f0';
    bad.graphs.decoder.inputs = bad.graphs.decoder.inputs.filter((i: { name: string }) => i.name !== 'f0');
    expect(() => geometryOf(bad)).toThrow(expect.objectContaining({ code: 'MB_ERR_MODEL_MANIFEST' }));
    bad.audio.settings.decoderPitch = 'loudness';
    expect(() => geometryOf(bad)).toThrow(expect.objectContaining({ code: 'MB_ERR_MODEL_MANIFEST' }));
  });
});

describe('pitch anchors of the shipped model', () => {
  let model: VqModel;
  beforeAll(async () => {
    model = await VqModel.load(MODEL_DIR);
  });
  afterAll(async () => {
    await model?.dispose();
  });

  it('match the decoder run at the frame pitch (within 3 % relative L2) when the model sees pitch', async () => {
    const g = model.geometry;
    if (!g.decoderPitch) {
      // A model without decoder pitch has one segment per code whatever the f0.
      expect(model.unitSegment(5, 220)).toEqual(model.unitSegment(5, 440));
      return;
    }
    const n = 60;
    const codes = Array.from({ length: n }, (_, i) => (i * 37) % g.codes);
    const f0 = Float32Array.from({ length: n }, (_, i) => (i % 10 === 0 ? 0 : 60 * 2 ** ((i * 0.37) % 4.5)));
    const exact = await model.decodeLatents(model.latentsOf(codes), new Float32Array(n).fill(1), n, f0);
    let err = 0;
    let ref = 0;
    codes.forEach((k, t) => {
      const seg = model.unitSegment(k, f0[t])!;
      for (let i = 0; i < g.segmentLength; i++) {
        const e = exact[t * g.segmentLength + i];
        err += (seg[i] - e) ** 2;
        ref += e * e;
      }
    });
    expect(Math.sqrt(err / ref)).toBeLessThan(0.03);
    await expect(model.decodeLatents(model.latentsOf([1]), Float32Array.of(1), 1)).rejects.toMatchObject({ code: 'MB_ERR_BAD_ARGS' });
  });
});
