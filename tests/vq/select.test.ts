import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VqRuntime, Target } from '../../src/vq';
import { sharedCodec } from './fixtures';

/** Sum of path costs between consecutive codes: how much the series jumps. */
function jumpCost(codec: VqRuntime, codes: Int32Array): number {
  let s = 0;
  for (let t = 1; t < codes.length; t++) s += codec.selector.pathCost(codes[t - 1], codes[t]);
  return s;
}

function median(v: number[]): number {
  const s = [...v].sort((a, b) => a - b);
  return s[s.length >> 1];
}

describe('descriptor-based synthesis with the shipped model', () => {
  let codec: VqRuntime;
  let lo: number;
  let hi: number;

  beforeAll(async () => {
    codec = await sharedCodec();
    [lo, hi] = codec.table.range('centroid');
  });
  afterAll(async () => codec?.dispose());

  it('follows a rising centroid target across the codebook range, measured on the decoded audio', async () => {
    const a = lo * 1.2;
    const b = hi / 1.2;
    const targets = codec.parseTargets([`centroid=exp(${a},${b})`, 'loudness=const(-20)'], 3);
    const { achieved, selection } = await codec.synthesize(targets, { continuity: 0.2 });
    const got = achieved.centroid!;
    const want = targets[0].values;
    // Edge frames overlap silence; judge the fully overlapped ones.
    const errors: number[] = [];
    for (let t = 3; t < got.length - 3; t++) errors.push(Math.abs(got[t] - want[t]) / want[t]);
    expect(median(errors)).toBeLessThan(0.25);
    const third = Math.floor(got.length / 3);
    const mean = (x: Float32Array) => x.reduce((s, v) => s + v, 0) / x.length;
    const rise = (x: Float32Array) => mean(x.subarray(2 * third, x.length - 3)) / mean(x.subarray(3, third));
    expect(rise(got)).toBeGreaterThan(1 + 0.7 * (rise(want) - 1));
    expect(selection.coverage.overall).toBe(1);
  });

  it('meets a loudness target through the gain', async () => {
    const targets = codec.parseTargets(['centroid=const(1500)', 'loudness=const(-30)'], 2);
    const { achieved } = await codec.synthesize(targets);
    const mid = achieved.loudness!.subarray(10, -10);
    expect(Math.abs(median(Array.from(mid)) + 30)).toBeLessThan(3);
  });

  it('with continuity, Viterbi trades target error for fewer jumps', () => {
    const targets = codec.parseTargets(['centroid=sine(1500, 700, 3)', 'flatness=const(0.05)'], 4);
    // The target part of the selection cost: squared distance of the chosen codes' descriptors to
    // the targets, summed over both descriptors, in the table's standardised units.
    const parts = targets.map((target) => ({
      column: codec.table.featureColumn(target.name),
      want: target.values.map((v) => codec.table.toFeature(target.name, v)),
    }));
    const error = (codes: Int32Array) => parts.reduce((s, { column, want }) => codes.reduce((e, k, t) => e + (column[k] - want[t]) ** 2, s), 0);
    const runs = [0, 2, 8, 32].map((continuity) => codec.selector.select(targets, { continuity }).codes);
    const jumps = runs.map((codes) => jumpCost(codec, codes));
    const errors = runs.map(error);
    // More continuity never jumps more nor follows the target closer; enough of it at least halves the jumps.
    for (let i = 1; i < runs.length; i++) {
      expect(jumps[i]).toBeLessThanOrEqual(jumps[i - 1] + 1e-6);
      expect(errors[i]).toBeGreaterThanOrEqual(errors[i - 1] - 1e-6);
    }
    expect(jumps[jumps.length - 1]).toBeLessThan(0.5 * jumps[0]);
  });

  it('clamps a target outside the codebook range and reports coverage', () => {
    const targets = codec.parseTargets([`centroid=linear(${lo / 4},${hi * 4})`], 2);
    const sel = codec.selector.select(targets);
    const cov = sel.coverage.perDescriptor.centroid!;
    expect(cov).toBeGreaterThan(0);
    expect(cov).toBeLessThan(0.8);
    const clamped = sel.clamped[0].values;
    expect(Math.min(...clamped)).toBeCloseTo(lo, 1);
    expect(Math.max(...clamped)).toBeCloseTo(hi, 1);
  });

  it('streams: nearest mode matches batch frame by frame; lag >= length reproduces batch Viterbi', () => {
    const targets = codec.parseTargets(['centroid=linear(900,2500)', 'voicing=const(0.2)'], 1);
    const frames = targets[0].values.length;
    const frame = (t: number) => Object.fromEntries(targets.map((x) => [x.name, x.values[t]]));
    const batchNearest = codec.selector.select(targets);
    const live = codec.streamSelector();
    const nearest = Array.from({ length: frames }, (_, t) => live.push(frame(t))!.code);
    expect(nearest).toEqual(Array.from(batchNearest.codes));

    const batchViterbi = codec.selector.select(targets, { continuity: 1 });
    const ahead = codec.streamSelector({ continuity: 1, lag: frames });
    for (let t = 0; t < frames; t++) expect(ahead.push(frame(t))).toBeNull();
    expect(ahead.flush().map((s) => s.code)).toEqual(Array.from(batchViterbi.codes));

    const greedy = codec.streamSelector({ continuity: 1 });
    const out = Array.from({ length: frames }, (_, t) => greedy.push(frame(t)));
    expect(out.every((s) => s !== null)).toBe(true);
    expect(greedy.coverage.centroid).toBeGreaterThan(0);
  });

  it('rejects NaN, empty and unknown-descriptor targets with MB_ERR_BAD_TARGET', () => {
    const bad: Target[][] = [
      [],
      [{ name: 'centroid', values: new Float32Array(0), source: 't' }],
      [{ name: 'centroid', values: Float32Array.of(1000, NaN), source: 't' }],
      [{ name: 'brightness' as 'centroid', values: Float32Array.of(1000), source: 't' }],
    ];
    for (const targets of bad) expect(() => codec.selector.select(targets)).toThrow(expect.objectContaining({ code: 'MB_ERR_BAD_TARGET' }));
    expect(() => codec.streamSelector().push({ centroid: NaN })).toThrow(expect.objectContaining({ code: 'MB_ERR_BAD_TARGET' }));
  });
});
