import { describe, expect, it } from 'vitest';
import { frameToUnits, toUnits } from '../../src/models/param-units';
import { FIXTURE_PARAMS } from './onnx-fixture';

describe('toUnits', () => {
  const [level, pitch, bright, note] = FIXTURE_PARAMS;
  it.each([
    [level, 0, -60],
    [level, 0.5, -30],
    [level, 1, 0],
    [level, 2, 0], // clamped
    [pitch, 0, 50],
    [pitch, 0.5, 500], // log: geometric mean of 50 and 5000
    [pitch, 1, 5000],
    [bright, 0.25, 0.25],
    [bright, -1, 0],
    [note, 0.5, 60],
    [note, 0.3, 48], // 50.4 snaps to 48
    [note, 0.9, 84], // 79.2 snaps to 84
  ])('%o at %d → %d', (entry, v, want) => {
    expect(toUnits(entry, v)).toBeCloseTo(want, 6);
  });

  it('maps a whole frame', () => {
    const out = frameToUnits(FIXTURE_PARAMS, [1, 0, 0.5, 0], new Float32Array(4));
    expect(Array.from(out)).toEqual([0, 50, 0.5, 36]);
  });
});
