import { describe, expect, it } from 'vitest';
import { MbError } from '../../src/core/errors';
import { defaultNormalized, normalizedToUnits, SET1, SET2 } from '../../src/synth/params';
import { parseMelodyJson, parseNormalizedMelody } from '../../src/synth/parse';

function badParams(fn: () => unknown): MbError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(MbError);
    expect((err as MbError).code).toBe('MB_ERR_BAD_PARAMS');
    return err as MbError;
  }
  throw new Error('expected MB_ERR_BAD_PARAMS, nothing was thrown');
}

describe('parseMelodyJson', () => {
  it('converts units to normalized values and fills documented defaults', () => {
    const m = parseMelodyJson('{"notes":[{"midi":62,"duration":0.3,"volume":-10,"cutoff":800},{"midi":74,"attack":0.1}]}');
    expect(m.notes).toBe(2);
    expect(m.paramCount).toBe(7);
    expect(m.totalSeconds).toBe(2);
    const row0 = Array.from(m.params.subarray(0, 7));
    // slot = 2 s / 2 notes = 1 s; duration 0.3 s = 1 s x (0.2 + 0.8p) -> p = 0.125
    expect(row0).toEqual([0, expect.closeTo(0.125, 12), 0.75, expect.closeTo(3 / 7, 12), defaultNormalized('resonance'), defaultNormalized('attack'), defaultNormalized('decay')]);
    const row1 = Array.from(m.params.subarray(7, 14));
    expect(row1[0]).toBe(1);
    expect(row1[5]).toBeCloseTo(0.5, 12);
    expect(row1[2]).toBe(defaultNormalized('volume'));
  });

  it('chooses set 2 when a vibrato field appears, or when asked', () => {
    const m = parseMelodyJson({ notes: [{ midi: 67, vibratoIntensity: 0.5 }], totalSeconds: 1 });
    expect(m.paramCount).toBe(10);
    expect(m.params[SET2.indexOf('vibratoIntensity')]).toBeCloseTo(0.5, 12);
    expect(m.params[SET2.indexOf('vibratoRate')]).toBe(defaultNormalized('vibratoRate'));
    expect(parseMelodyJson({ notes: [{ midi: 67 }] }, { paramCount: 10 }).paramCount).toBe(10);
  });

  it('round-trips through units', () => {
    const names = SET1;
    const p = [2 / 12, 0.5, 0.7, 0.4, 0.3, 0.25, 0.45];
    const note: Record<string, number> = {};
    names.forEach((n, i) => (note[n === 'note' ? 'midi' : n] = normalizedToUnits(n, p[i], { slotSeconds: 0.4 })));
    const m = parseMelodyJson({ notes: [note, note, note, note, note] });
    for (let i = 0; i < 7; i++) expect(m.params[7 * 4 + i]).toBeCloseTo(p[i], 12);
  });

  it('rejects bad input with messages naming the value and range', () => {
    expect(badParams(() => parseMelodyJson({ notes: [{ midi: 80 }] })).message).toMatch(/notes\[0\]\.midi.*\[62, 74\].*80/);
    expect(badParams(() => parseMelodyJson({ notes: [{ midi: 62, cutoff: Number.NaN }] })).message).toMatch(/cutoff.*NaN/);
    expect(badParams(() => parseMelodyJson({ notes: [{ midi: 62 }, { cutof: 500 }] })).message).toMatch(/notes\[1\].*"cutof"/);
    expect(badParams(() => parseMelodyJson({ notes: [{ midi: '62' }] })).message).toContain('62');
    expect(badParams(() => parseMelodyJson('{"notes": [')).message).toContain('JSON');
    expect(badParams(() => parseMelodyJson({ melody: [] })).message).toContain('notes');
    expect(badParams(() => parseMelodyJson({ notes: [] })).message).toContain('0');
    expect(badParams(() => parseMelodyJson({ notes: [{ midi: 62 }], totalSeconds: -1 })).message).toContain('-1');
    expect(badParams(() => parseMelodyJson({ notes: [{ vibratoRate: 5 }] }, { paramCount: 7 })).message).toContain('paramCount 10');
  });
});

describe('parseNormalizedMelody', () => {
  it('infers the shape of the default 5-note melody from a flat array', () => {
    expect(parseNormalizedMelody(new Float32Array(35).fill(0.5))).toMatchObject({ notes: 5, paramCount: 7 });
    expect(parseNormalizedMelody(new Float32Array(50).fill(0.5))).toMatchObject({ notes: 5, paramCount: 10 });
    expect(parseNormalizedMelody(new Float32Array(70).fill(0.5), { paramCount: 7 })).toMatchObject({ notes: 10, paramCount: 7 });
  });

  it('accepts rows and keeps their values', () => {
    const m = parseNormalizedMelody([
      [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6],
      [1, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4],
    ]);
    expect(m.notes).toBe(2);
    expect(Array.from(m.params)).toEqual([0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 1, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4]);
  });

  it('rejects wrong shapes and values outside [0, 1]', () => {
    badParams(() => parseNormalizedMelody(new Float32Array(70)));
    badParams(() => parseNormalizedMelody(new Float32Array(36)));
    badParams(() => parseNormalizedMelody([[0.5, 0.5, 0.5]]));
    badParams(() => parseNormalizedMelody([[0, 0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0]]));
    const nan = new Float32Array(35).fill(0.5);
    nan[3 * 7 + 3] = Number.NaN;
    expect(badParams(() => parseNormalizedMelody(nan)).message).toMatch(/notes\[3\]\.cutoff.*\[0, 1\].*NaN/);
    const rows = Array.from({ length: 5 }, () => new Array(7).fill(0.5));
    rows[4][6] = 1.25;
    expect(badParams(() => parseNormalizedMelody(rows)).message).toMatch(/notes\[4\]\.decay.*1\.25/);
  });
});
