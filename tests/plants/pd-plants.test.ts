import * as path from 'node:path';
import FFT from 'fft.js';
import { describe, expect, it } from 'vitest';
import { openPlant, PdPlant, readPlantSchema, unitsToParam, type Plant, type PlantSchema } from '../../src/plants';
import { medianF0, requireTool } from '../helpers';

/**
 * The example synths of patches/pd/plants rendered by real Pd in batch mode through the Pd
 * plant (src/plants/pd.ts): pitch where there is one, clip boundaries, no NaN or silence, and
 * the coded errors for patches that cannot serve as plants.
 */
const hasPd = requireTool('pd');
const ROOT = path.join(__dirname, '..', '..');
const PLANTS = path.join(ROOT, 'patches/pd/plants');
const FIXTURES = path.join(__dirname, 'fixtures');

function vector(schema: PlantSchema, units: Record<string, number>): Float32Array {
  return Float32Array.from(schema.params.map((p) => (p.name in units ? unitsToParam(p, units[p.name]) : p.default)));
}

function rms(x: Float32Array, from = 0, to = x.length): number {
  let e = 0;
  for (let i = from; i < to; i++) e += x[i] * x[i];
  return Math.sqrt(e / Math.max(1, to - from));
}

function zeroCrossingHz(x: Float32Array, rate: number, from: number, to: number): number {
  let n = 0;
  for (let i = from + 1; i < to; i++) if (x[i - 1] < 0 && x[i] >= 0) n++;
  return (n * rate) / (to - from);
}

/** Frequency of the strongest FFT bin of 8192 samples from `from`. */
function spectralPeakHz(x: Float32Array, rate: number, from: number): number {
  const n = 8192;
  const fft = new FFT(n);
  const spec = fft.createComplexArray();
  fft.realTransform(spec, Array.from(x.subarray(from, from + n)));
  let best = 1;
  for (let k = 1; k < n / 2; k++) if (Math.hypot(spec[2 * k], spec[2 * k + 1]) > Math.hypot(spec[2 * best], spec[2 * best + 1])) best = k;
  return (best * rate) / n;
}

async function withPlant<T>(plant: Plant, fn: (p: Plant) => Promise<T>): Promise<T> {
  try {
    return await fn(plant);
  } finally {
    plant.dispose();
  }
}

describe.runIf(hasPd)('Pd plants rendered by real Pd (batch mode)', () => {
  it('fm.pd plays the note it is sent: YIN f0 within 10 cents of mtof, one clip per vector', async () => {
    const plant = openPlant(`pd:${path.join(PLANTS, 'fm.pd')}`, path.join(PLANTS, 'fm.json'));
    await withPlant(plant, async () => {
      const { schema } = plant;
      const notes = [48, 55, 60, 67, 72];
      // ratio 1 keeps the spectrum harmonic on the carrier, so f0 is the note at any index.
      const vecs = notes.map((note, k) => vector(schema, { note, ratio: 1, index: k % 2 === 0 ? 0.5 : 2, attack: 0.01, decay: 1.5 }));
      const clips = await plant.render(vecs);
      expect(clips.length).toBe(notes.length);
      const rate = schema.sampleRate;
      clips.forEach((clip, k) => {
        expect(clip.length).toBe(schema.seconds * rate);
        expect(clip.every(Number.isFinite)).toBe(true);
        const f0 = medianF0(clip, rate, Math.round(0.05 * rate), Math.round(0.6 * rate));
        const cents = 1200 * Math.log2(f0 / (440 * 2 ** ((notes[k] - 69) / 12)));
        expect(Math.abs(cents), `note ${notes[k]}: f0 ${f0.toFixed(1)} Hz`).toBeLessThan(10);
        // The note starts at the clip's first block and is released 20 ms after the gate closes.
        expect(rms(clip, 0, 256)).toBeGreaterThan(0.01);
        expect(rms(clip, Math.round((schema.gateSeconds + 0.03) * rate))).toBeLessThan(1e-4);
      });
    });
  }, 30_000);

  it('fm.pd changes its sound with ratio and index (the modulator is heard)', async () => {
    const plant = openPlant(`pd:${path.join(PLANTS, 'fm.pd')}`, path.join(PLANTS, 'fm.json'));
    await withPlant(plant, async () => {
      const base = { note: 60, ratio: 1, attack: 0.01, decay: 1.5 };
      const [pure, bright] = await plant.render([vector(plant.schema, { ...base, index: 0 }), vector(plant.schema, { ...base, index: 5 })]);
      const rate = plant.schema.sampleRate;
      const [from, to] = [Math.round(0.05 * rate), Math.round(0.5 * rate)];
      // A sine crosses zero at f0; index 5 spreads energy to many harmonics, so far more crossings.
      expect(zeroCrossingHz(pure, rate, from, to)).toBeCloseTo(261.6, -1);
      expect(zeroCrossingHz(bright, rate, from, to)).toBeGreaterThan(1.5 * 261.6);
    });
  }, 30_000);

  it('noise.pd resonates at its center: the spectral peak lies within 10 % of center (q 40, no raw noise), no pitch declared', async () => {
    const plant = openPlant(`pd:${path.join(PLANTS, 'noise.pd')}`, path.join(PLANTS, 'noise.json'));
    await withPlant(plant, async () => {
      expect(plant.schema.pitch).toBeNull();
      const centers = [300, 800, 2000];
      const clips = await plant.render(centers.map((center) => vector(plant.schema, { center, q: 40, mix: 0, attack: 0.01, decay: 1.5 })));
      const rate = plant.schema.sampleRate;
      clips.forEach((clip, k) => {
        expect(clip.every(Number.isFinite)).toBe(true);
        expect(rms(clip, 0, Math.round(0.6 * rate))).toBeGreaterThan(1e-3);
        const hz = spectralPeakHz(clip, rate, Math.round(0.05 * rate));
        expect(Math.abs(hz / centers[k] - 1), `center ${centers[k]}: ${hz.toFixed(0)} Hz`).toBeLessThan(0.1);
      });
    });
  }, 30_000);

  it('renders batches larger than one Pd run in order', async () => {
    const schema = readPlantSchema(path.join(PLANTS, 'fm.json'));
    const plant = new PdPlant(path.join(PLANTS, 'fm.pd'), schema, { clipsPerRun: 2 });
    await withPlant(plant, async () => {
      const notes = [50, 62, 70];
      const clips = await plant.render(notes.map((note) => vector(schema, { note, ratio: 1, index: 0, attack: 0.01, decay: 1.5 })));
      const f0 = clips.map((c) => medianF0(c, schema.sampleRate, 800, 9600));
      f0.forEach((hz, k) => expect(Math.abs(12 * Math.log2(hz / 440) + 69 - notes[k])).toBeLessThan(0.1));
    });
  }, 30_000);

  it('kills a plant that stops answering and says so (MB_ERR_INTERNAL), so training can pause and retry', async () => {
    const plant = new PdPlant(path.join(FIXTURES, 'hang.pd'), readPlantSchema(path.join(FIXTURES, 'x.json')), { timeoutMs: 1500 });
    await withPlant(plant, async () => {
      await expect(plant.render([[0.5]])).rejects.toMatchObject({ code: 'MB_ERR_INTERNAL', message: expect.stringMatching(/did not finish within 1500 ms/) });
    });
  }, 30_000);

  it.each([
    ['a patch that does not exist', 'missing.pd', 'x.json', 'MB_ERR_NOT_FOUND', /does not exist/],
    ['a patch with an object Pd cannot create', 'broken.pd', 'x.json', 'MB_ERR_NOT_FOUND', /could not open the patch cleanly.*no-such-object~/],
    ['a patch without a signal outlet', 'no-outlet.pd', 'x.json', 'MB_ERR_BAD_AUDIO', /no signal outlet/],
    ['a schema naming a parameter the patch lacks', path.join(PLANTS, 'fm.pd'), 'fm-extra.json', 'MB_ERR_BAD_PARAMS', /\[r plant\.brightness\]/],
  ])('refuses %s with a coded error', async (_, patch, schemaFile, code, message) => {
    const run = async () => {
      const plant = openPlant(`pd:${path.resolve(FIXTURES, patch)}`, path.join(FIXTURES, schemaFile));
      await withPlant(plant, (p) => p.render([new Float32Array(p.schema.params.length).fill(0.5)]));
    };
    await expect(run()).rejects.toMatchObject({ code, message: expect.stringMatching(message) });
  }, 30_000);
});
