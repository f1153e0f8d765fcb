import { describe, expect, it } from 'vitest';
import { renderMelody } from '../../src/synth/melody';
import { BuiltinPlant, manifestParamsOf, paramToUnits, parsePlantSchema, toUnits, unitsToParam, type PlantParam } from '../../src/plants';

/** Plant schemas: parsing with coded errors, the normalized-to-units mappings, the built-in plant's schema. */
const ok = { name: 'syn', params: [{ name: 'cutoff', unit: 'Hz', min: 100, max: 6400, scale: 'log' }] };

describe('plant schema', () => {
  it('fills defaults: note mode, 16 kHz, 1 s, gate 0.6 s, no pitch, default 0.5', () => {
    const s = parsePlantSchema(ok);
    expect(s).toMatchObject({ mode: 'note', sampleRate: 16000, seconds: 1, gateSeconds: 0.6, pitch: null });
    expect(s.params[0]).toMatchObject({ name: 'cutoff', scale: 'log', default: 0.5 });
  });

  it.each([
    [{ ...ok, name: 'has space' }, /name must match/],
    [{ ...ok, mode: 'drone' }, /mode must be 'note' or 'continuous'/],
    [{ ...ok, sampleRate: 4000 }, /sampleRate must be an integer in \[8000, 96000\], got 4000/],
    [{ ...ok, gateSeconds: 2 }, /gateSeconds must lie in \(0, 1\], got 2/],
    [{ ...ok, params: [] }, /params must be an array of 1 to 32/],
    [{ ...ok, params: [{ name: 'f', min: 0, max: 10, scale: 'log' }] }, /log scale needs min > 0, got 0/],
    [{ ...ok, params: [{ name: 'f', min: 5, max: 1 }] }, /max \(1\) must be above min \(5\)/],
    [{ ...ok, params: [{ name: 'f', min: 0, max: 1, default: 3 }] }, /default is normalized/],
    [{ ...ok, params: [{ name: 'f', min: 0, max: 1 }, { name: 'f', min: 0, max: 1 }] }, /'f' is declared twice/],
    [{ ...ok, params: [{ name: 'gate', min: 0, max: 1 }] }, /'gate' is reserved/],
    [{ ...ok, pitch: 'note' }, /pitch must name one of cutoff/],
    [{ ...ok, params: [{ name: 'n', min: 48, max: 72, grid: [50, 49] }] }, /grid must rise strictly/],
  ])('refuses %j with MB_ERR_BAD_PARAMS', (raw, message) => {
    expect(() => parsePlantSchema(raw, 'test.json')).toThrow(expect.objectContaining({ code: 'MB_ERR_BAD_PARAMS', message: expect.stringMatching(message) }));
  });

  it('maps linear, log and grid parameters to units and back', () => {
    const log: PlantParam = { name: 'f', unit: 'Hz', min: 100, max: 6400, scale: 'log', default: 0.5 };
    const lin: PlantParam = { name: 'g', unit: 'dB', min: -40, max: 0, scale: 'linear', default: 0.5 };
    const grid: PlantParam = { name: 'n', unit: 'midi', min: 48, max: 72, scale: 'linear', grid: [48, 55, 60, 72], default: 0.5 };
    expect(paramToUnits(log, 0.5)).toBeCloseTo(800, 9);
    expect(unitsToParam(log, 800)).toBeCloseTo(0.5, 12);
    expect(paramToUnits(lin, 0.25)).toBe(-30);
    expect(paramToUnits(grid, 0.5)).toBe(60);
    expect(paramToUnits(grid, 0.2)).toBe(55); // 52.8 -> nearest grid value
    expect(paramToUnits(lin, 1.5)).toBe(0); // clamped
    const s = parsePlantSchema(ok);
    expect(() => toUnits(s, [0.5, 0.5])).toThrow(/takes 1 parameters \(cutoff\), got 2/);
    expect(() => toUnits(s, [NaN])).toThrow(/cutoff must be a finite number/);
    expect(manifestParamsOf(s)).toEqual([{ name: 'cutoff', range: [0, 1], unit: 'Hz', unitRange: [100, 6400], scale: 'log' }]);
  });

  it('gives the built-in synth a schema from its PARAM_SPECS and renders one note per vector', async () => {
    const plant = new BuiltinPlant({ sampleRate: 8000, seconds: 0.5 });
    expect(plant.schema.params.map((p) => p.name)).toEqual(['note', 'duration', 'volume', 'cutoff', 'resonance', 'attack', 'decay']);
    expect(plant.schema.pitch).toBe('note');
    expect(plant.schema.params[3]).toMatchObject({ unit: 'Hz', min: 100, max: 12800, scale: 'log' });
    expect(plant.schema.params[1]).toMatchObject({ unit: 's', min: 0.1, max: 0.5 }); // a fraction of the 0.5-s slot
    const v = [0.5, 0.5, 0.8, 0.45, 0.25, 0.3, 0.4];
    const [clip] = await plant.render([v]);
    expect(clip).toEqual(renderMelody([v], { sampleRate: 8000, totalSeconds: 0.5, notes: 1, paramCount: 7 }));
    expect(clip.length).toBe(4000);
  });
});
