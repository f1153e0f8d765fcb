import { describe, expect, it } from 'vitest';
import { MbError } from '../../src/core/errors';
import {
  manifestParams,
  NOTE_GRID,
  normalizedToUnits,
  PARAM_SPECS,
  paramSchema,
  SET1,
  SET2,
  snapToGrid,
  unitsToNormalized,
} from '../../src/synth/params';
import type { ParamName } from '../../src/synth/params';

function expectBadParams(fn: () => unknown, ...fragments: string[]): void {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(MbError);
    expect((err as MbError).code).toBe('MB_ERR_BAD_PARAMS');
    for (const f of fragments) expect((err as MbError).message).toContain(f);
    return;
  }
  throw new Error('expected MB_ERR_BAD_PARAMS, nothing was thrown');
}

const CONTINUOUS: ParamName[] = SET2.filter((n) => n !== 'note');

describe('parameter schema', () => {
  it('orders set 1 and set 2 as the model expects', () => {
    expect(SET1).toEqual(['note', 'duration', 'volume', 'cutoff', 'resonance', 'attack', 'decay']);
    expect(SET2).toEqual([...SET1, 'vibratoRate', 'vibratoIntensity', 'vibratoPhase']);
    expect(paramSchema(7).map((s) => s.name)).toEqual(SET1);
    expect(paramSchema(10).map((s) => s.name)).toEqual(SET2);
  });

  it('maps the documented anchor values', () => {
    const cases: [ParamName, number, number][] = [
      ['volume', 0, -40], ['volume', 1, 0], ['volume', 0.75, -10],
      ['cutoff', 0, 100], ['cutoff', 1, 12800], ['cutoff', 3 / 7, 800],
      ['resonance', 0, 0.7], ['resonance', 1, 10],
      ['attack', 0, 0.01], ['attack', 0.5, 0.1], ['attack', 1, 1],
      ['decay', 0, 0.02], ['decay', 0.5, 0.2], ['decay', 1, 2],
      ['vibratoRate', 0, 1], ['vibratoRate', 1, 10],
      ['vibratoIntensity', 0.5, 0.5],
      ['vibratoPhase', 0.5, Math.PI],
      ['duration', 0, 0.08], ['duration', 1, 0.4],
    ];
    for (const [name, p, units] of cases) expect(normalizedToUnits(name, p)).toBeCloseTo(units, 10);
  });

  it('scales duration with the note slot', () => {
    expect(normalizedToUnits('duration', 0.5, { slotSeconds: 1 })).toBeCloseTo(0.6, 12);
    expect(unitsToNormalized('duration', 0.6, { slotSeconds: 1 })).toBeCloseTo(0.5, 12);
  });

  it('round-trips every continuous parameter', () => {
    for (const name of CONTINUOUS) {
      for (let i = 0; i <= 40; i++) {
        const p = i / 40;
        expect(unitsToNormalized(name, normalizedToUnits(name, p))).toBeCloseTo(p, 12);
      }
    }
  });

  it('snaps notes to the grid and inverts grid notes exactly', () => {
    for (let i = 0; i <= 120; i++) expect(NOTE_GRID).toContain(normalizedToUnits('note', i / 120));
    for (const midi of NOTE_GRID) {
      const p = unitsToNormalized('note', midi);
      expect(p).toBeCloseTo((midi - 62) / 12, 15);
      expect(normalizedToUnits('note', p)).toBe(midi);
    }
    // round(62 + 12p) then nearest grid note; halfway cases follow the unrounded value
    expect(normalizedToUnits('note', 1 / 12)).toBe(62); // 63: exact tie 62/64 -> lower
    expect(normalizedToUnits('note', 1.4 / 12)).toBe(64); // 63.4 rounds to 63, nearer 64
    expect(normalizedToUnits('note', 0.6 / 12)).toBe(62); // 62.6 rounds to 63, nearer 62
    expect(normalizedToUnits('note', 4 / 12)).toBe(65); // 66: tie 65/67 -> lower
    expect(normalizedToUnits('note', 4.6 / 12)).toBe(67);
    expect(snapToGrid(73)).toBe(72);
    expect(snapToGrid(70.2)).toBe(71);
  });

  it('is monotone non-decreasing in p for every parameter', () => {
    for (const name of SET2) {
      let last = -Infinity;
      for (let i = 0; i <= 100; i++) {
        const v = normalizedToUnits(name, i / 100);
        expect(v).toBeGreaterThanOrEqual(last);
        last = v;
      }
      expect(normalizedToUnits(name, 1)).toBeGreaterThan(normalizedToUnits(name, 0));
    }
  });

  it('rejects NaN, out-of-range and unknown values with MB_ERR_BAD_PARAMS naming them', () => {
    expectBadParams(() => normalizedToUnits('cutoff', Number.NaN), 'cutoff', 'NaN', '[0, 1]');
    expectBadParams(() => normalizedToUnits('volume', 1.5), 'volume', '1.5', '[0, 1]');
    expectBadParams(() => normalizedToUnits('attack', -0.01), 'attack', '-0.01');
    expectBadParams(() => unitsToNormalized('cutoff', 50), 'cutoff', '50', '[100, 12800]', 'Hz');
    expectBadParams(() => unitsToNormalized('note', 75), 'note', '75', '[62, 74]');
    expectBadParams(() => unitsToNormalized('volume', Number.POSITIVE_INFINITY), 'volume', 'Infinity');
    expectBadParams(() => unitsToNormalized('duration', 0.5), 'duration', '0.5', '0.4');
    expectBadParams(() => normalizedToUnits('wobble' as ParamName, 0.5), 'wobble');
    expectBadParams(() => paramSchema(8 as 7), '8');
  });

  it('gives manifest entries that reproduce the mapping', () => {
    for (const entry of manifestParams(10)) {
      for (let i = 0; i <= 20; i++) {
        const p = i / 20;
        const [u0, u1] = entry.unitRange;
        let v = entry.scale === 'log' ? u0 * Math.pow(u1 / u0, p) : u0 + p * (u1 - u0);
        if (entry.grid) v = entry.grid.reduce((best, g) => (Math.abs(g - v) < Math.abs(best - v) ? g : best), entry.grid[0]);
        expect(v).toBeCloseTo(normalizedToUnits(entry.name, p), 9);
      }
      expect(entry.range).toEqual([0, 1]);
      expect(entry.unit).toBe(PARAM_SPECS[entry.name].unit);
    }
  });

  it('keeps each default inside [0, 1] and the training ranges inside [0, 1]', () => {
    for (const name of SET2) {
      const s = PARAM_SPECS[name];
      expect(s.defaultValue).toBeGreaterThanOrEqual(0);
      expect(s.defaultValue).toBeLessThanOrEqual(1);
      if (s.trainingRange) expect(s.trainingRange[0]).toBeLessThan(s.trainingRange[1]);
    }
    expect(PARAM_SPECS.vibratoIntensity.defaultValue).toBe(0);
  });
});
