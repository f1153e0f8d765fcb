import { describe, expect, it } from 'vitest';
import { checkTargets, curveValues, parseTarget, targetsFromAudio } from '../../src/vq';

const RATE = 62.5;

describe('descriptor target curves', () => {
  const cases: [string, number, number[]][] = [
    ['const(5)', 3, [5, 5, 5]],
    ['linear(800, 2400)', 5, [800, 1200, 1600, 2000, 2400]],
    ['exp(100,400)', 3, [100, 200, 400]],
    ['log(0,1)', 2, [0, 1]],
    ['sine(10, 2, 62.5, 90)', 2, [12, 12]],
    ['bp(0:0, 0.032:64)', 4, [0, 32, 64, 64]],
  ];
  it.each(cases)('%s over %i frames', (curve, frames, want) => {
    const got = Array.from(curveValues(curve, frames, RATE));
    got.forEach((v, i) => expect(v).toBeCloseTo(want[i], 3));
  });

  it('log ramps rise faster than linear ones at the start', () => {
    const log = curveValues('log(0,1)', 11, RATE);
    expect(log[1]).toBeGreaterThan(0.1);
    expect(log[5]).toBeGreaterThan(0.5);
  });

  it('parses name=curve', () => {
    const t = parseTarget('centroid=linear(800,2400)', 188, RATE);
    expect(t.name).toBe('centroid');
    expect(t.values.length).toBe(188);
  });

  const bad = ['', 'centroid', 'brightness=const(1)', 'centroid=wobble(1)', 'centroid=const(NaN)', 'centroid=const()', 'centroid=linear(1)', 'f0=exp(0,100)', 'centroid=bp(1:1,0.5:2)', 'centroid=bp(1-2)'];
  it.each(bad)('rejects %j with MB_ERR_BAD_TARGET', (spec) => {
    expect(() => parseTarget(spec, 10, RATE)).toThrow(expect.objectContaining({ code: 'MB_ERR_BAD_TARGET' }));
  });

  it('checks array targets: empty, NaN, mismatched, duplicate', () => {
    const ok = { name: 'centroid' as const, values: Float32Array.of(1, 2), source: 'x' };
    expect(checkTargets([ok])).toBe(2);
    for (const targets of [[], [{ ...ok, values: new Float32Array(0) }], [{ ...ok, values: Float32Array.of(1, NaN) }], [ok, { ...ok, name: 'f0' as const, values: Float32Array.of(1) }], [ok, ok]]) {
      expect(() => checkTargets(targets)).toThrow(expect.objectContaining({ code: 'MB_ERR_BAD_TARGET' }));
    }
  });

  it('takes the descriptor series of a reference sound, filling unvoiced f0 frames', () => {
    const sr = 16000;
    const x = new Float32Array(sr);
    for (let i = 0; i < sr / 2; i++) x[i] = 0.3 * Math.sin((2 * Math.PI * 200 * i) / sr);
    const [f0, loud] = targetsFromAudio(x, { sampleRate: sr, frameLength: 1024, hop: 256, names: ['f0', 'loudness'] });
    expect(f0.values.length).toBe(59);
    expect(f0.values[5]).toBeCloseTo(200, -1);
    expect(f0.values[58]).toBeCloseTo(200, -1);
    expect(loud.values[58]).toBe(-120);
  });
});
