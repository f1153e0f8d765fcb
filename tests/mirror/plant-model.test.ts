import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resample } from '../../src/audio/resample';
import { writeWav } from '../../src/audio/wav';
import { createEngine } from '../../src/app/create';
import type { Engine } from '../../src/engine/engine';
import { loadManifest, OnnxModel, validateManifest } from '../../src/models';
import { PlantModel } from '../../src/mirror/plant-model';
import { openPlant, readPlantSchema, unitsToParam } from '../../src/plants';
import { PLANT_FEATURE_RATE, PLANT_HOP_SECONDS } from '../../src/plants/features';
import { mirrorbridge } from '../cli/run';
import { requireTool } from '../helpers';
import { PLANT_MODEL_DIR } from '../shipped-models';
import { ROOT } from '../patches/pd-runner';

/**
 * The learned plant model shipped in models/fm (kind mirrornet-plant, `mirrorbridge learn` on
 * patches/pd/plants/fm.pd) is a model like the others: its manifest passes the validator and
 * repeats the plant's schema, the engine loads it, and a live stream on it gives frames in the
 * plant's own schema. The sounds are rendered by real Pd (fm.pd). MB_PLANT_MODEL points the
 * test at another learned fm model folder.
 */
const MODEL = PLANT_MODEL_DIR;
const NAME = path.basename(MODEL);
const SCHEMA = readPlantSchema(path.join(ROOT, 'patches/pd/plants/fm.json'));
const hasPd = requireTool('pd');

const raw = () => JSON.parse(readFileSync(path.join(MODEL, `${NAME}.json`), 'utf8')) as Record<string, any>;
const refused = (m: unknown) => {
  try {
    validateManifest(m, NAME);
  } catch (err) {
    return `${(err as { code: string }).code}: ${(err as Error).message}`;
  }
  return 'accepted';
};

describe('the mirrornet-plant manifest', () => {
  it('validates, and repeats the plant schema it was learned from', async () => {
    const m = await loadManifest(MODEL);
    expect(m.kind).toBe('mirrornet-plant');
    expect(m.plant?.kind).toBe('pd');
    expect(m.plant?.source).toBe('pd:patches/pd/plants/fm.pd');
    expect(m.plant?.schema).toEqual(SCHEMA);
    expect(m.params?.map((p) => [p.name, p.unit, p.unitRange, p.scale])).toEqual(SCHEMA.params.map((p) => [p.name, p.unit, [p.min, p.max], p.scale]));
  });

  it('refuses a manifest whose params, plant or graphs disagree (MB_ERR_MODEL_MANIFEST, naming the field)', () => {
    const swapped = raw();
    swapped.params = [swapped.params[1], swapped.params[0], ...swapped.params.slice(2)];
    expect(refused(swapped)).toMatch(/^MB_ERR_MODEL_MANIFEST: manifest field params\[0\]/);
    const noPlant = raw();
    delete noPlant.plant;
    expect(refused(noPlant)).toMatch(/^MB_ERR_MODEL_MANIFEST: manifest field plant must be an object/);
    const range = raw();
    range.plant.schema.params[1].max = 8;
    expect(refused(range)).toMatch(/^MB_ERR_MODEL_MANIFEST: manifest field params\[1\]/);
    const badSchema = raw();
    badSchema.plant.schema.params[0].scale = 'cubic';
    expect(refused(badSchema)).toMatch(/^MB_ERR_MODEL_MANIFEST: manifest field plant schema plant.schema: note.scale/);
    const kind = raw();
    kind.plant.kind = 'vst';
    expect(refused(kind)).toMatch(/plant.kind must be one of builtin, pd, osc/);
    const shape = raw();
    shape.graphs.encoder.outputs[0].shape = ['batch', 4];
    expect(refused(shape)).toMatch(/graphs.encoder.outputs\[0\] must be a tensor of shape \[batch, 5\]/);
    const rate = raw();
    rate.audio.sampleRate = 16000;
    expect(refused(rate)).toMatch(/manifest field audio must be auditory features at 8000 Hz/);
    expect(refused(raw())).toBe('accepted');
  });
});

describe.runIf(hasPd)('a live stream on the learned fm model', () => {
  let engine: Engine;
  let loaded: string[];
  /** Three renders of fm.pd (real Pd), at 8 kHz, and the vectors they were rendered from. */
  const vectors = [
    [0.5, 0.3, 0.2, 0.2, 0.5],
    [0.1, 0.7, 0.6, 0.05, 0.8],
    [0.9, 0.5, 0.0, 0.5, 0.3],
  ].map((v) => Float32Array.from(v));
  let clips: Float32Array[];

  beforeAll(async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'mb-plant-models-'));
    cpSync(MODEL, path.join(dir, NAME), { recursive: true });
    ({ engine, loaded } = await createEngine({ modelsDir: dir, filesDir: dir, jobWorkers: 0, loadBundled: true }));
    const plant = openPlant(`pd:${path.join(ROOT, 'patches/pd/plants/fm.pd')}`, path.join(ROOT, 'patches/pd/plants/fm.json'));
    try {
      clips = (await plant.render(vectors)).map((c) => resample(c, SCHEMA.sampleRate, PLANT_FEATURE_RATE));
    } finally {
      plant.dispose();
    }
  }, 60_000);
  afterAll(() => engine?.dispose());

  it('opens with the plant\'s parameter names; one frame per hop once a window is in, in the plant\'s units', async () => {
    expect(loaded).toEqual([NAME]);
    const status = await engine.openStream('t', 1, { sampleRate: PLANT_FEATURE_RATE, blockSize: 500, model: NAME });
    expect(status.kind).toBe('mirrornet-plant');
    expect(status.latencySamples).toBe(SCHEMA.seconds * PLANT_FEATURE_RATE);
    const input = new Float32Array(clips.reduce((n, c) => n + c.length, 0));
    clips.reduce((pos, c) => (input.set(c, pos), pos + c.length), 0);
    const frames = [];
    for (let i = 0; i < input.length; i += 500) frames.push(...(await engine.processBlock('t', 1, input.subarray(i, i + 500))));
    const params = frames.map((f) => f.params!);
    // windows end at 1 s, 1.25 s, ... 3 s: 9 frames
    expect(params.length).toBe(Math.round((input.length / PLANT_FEATURE_RATE - SCHEMA.seconds) / PLANT_HOP_SECONDS) + 1);
    for (const f of params) {
      expect(f.names).toEqual(SCHEMA.params.map((p) => p.name));
      SCHEMA.params.forEach((p, i) => {
        expect(f.units[i]).toBeGreaterThanOrEqual(p.min - 1e-4);
        expect(f.units[i]).toBeLessThanOrEqual(p.max + 1e-4);
        expect(unitsToParam(p, f.units[i])).toBeCloseTo(p.grid ? unitsToParam(p, f.units[i]) : f.normalized[i], 4);
      });
      expect(SCHEMA.params[0].grid).toContain(f.units[0]); // the note lands on the plant's grid
    }
    // a window that holds exactly one render hears what the model hears offline
    const model = PlantModel.fromModel(await OnnxModel.load(MODEL, await loadManifest(MODEL)));
    for (const [k, frame] of [[0, 0], [1, 4], [2, 8]]) {
      const offline = await model.inferClip(clips[k], PLANT_FEATURE_RATE);
      expect(Array.from(params[frame].normalized)).toEqual(Array.from(offline.normalized).map((v) => expect.closeTo(v, 5)));
      expect(Array.from(params[frame].units)).toEqual(Array.from(offline.units).map((v) => expect.closeTo(v, 4)));
    }
    await model.model.dispose();
    engine.closeStream('t', 1);
  }, 60_000);

  it('infer (a job, the model named) gives the plant\'s parameters per window of one render; resynth on it is refused', async () => {
    const files = mkdtempSync(path.join(tmpdir(), 'mb-plant-job-'));
    const { engine: jobs } = await createEngine({ modelsDir: path.dirname(MODEL), filesDir: files, jobWorkers: 0 });
    try {
      await jobs.loadModel(NAME);
      const input = new Float32Array(clips.reduce((n, c) => n + c.length, 0) + PLANT_FEATURE_RATE); // + 1 s of silence
      clips.reduce((pos, c) => (input.set(c, pos), pos + c.length), 0);
      writeWav(path.join(files, 'in.wav'), input, PLANT_FEATURE_RATE);
      const finished = (id: number) => new Promise<{ state: string; result?: unknown; error?: { code: string } }>((resolve) => {
        jobs.on('job', (e) => e.id === id && (e.state === 'done' || e.state === 'failed') && resolve(e as never));
      });
      const done = await finished((await jobs.submitJob('c', 'infer', { file: 'in.wav', model: NAME })).id);
      expect(done.state, JSON.stringify(done.error)).toBe('done');
      const r = done.result as { kind: string; plant: string; names: string[]; windowSeconds: number; frames: { time_s: number; normalized: number[]; units: number[] }[] };
      expect(r).toMatchObject({ kind: 'mirrornet-plant', plant: 'pd:patches/pd/plants/fm.pd', names: SCHEMA.params.map((p) => p.name), windowSeconds: 1 });
      expect(r.frames.map((f) => f.time_s)).toEqual([0, 1, 2]); // the silent last second gives none
      const model = PlantModel.fromModel(await OnnxModel.load(MODEL, await loadManifest(MODEL)));
      for (let k = 0; k < 3; k++) {
        const offline = await model.inferClip(clips[k], PLANT_FEATURE_RATE);
        expect(r.frames[k].units).toEqual(Array.from(offline.units).map((v) => expect.closeTo(v, 4)));
      }
      await model.model.dispose();
      const refused = await finished((await jobs.submitJob('c', 'resynth', { in: 'in.wav', out: 'out.wav', model: NAME })).id);
      expect(refused.state).toBe('failed');
      expect(refused.error).toMatchObject({ code: 'MB_ERR_UNSUPPORTED' });
      // the CLI, through the same job: a line per window in the synth's units
      const cli = await mirrorbridge('infer', path.join(files, 'in.wav'), '--model', NAME, '--models', path.dirname(MODEL));
      expect(cli.code, cli.err).toBe(0);
      expect(cli.out).toMatch(new RegExp(`^${NAME} \\(learned from pd:patches/pd/plants/fm.pd\\): 3 windows of 1 s\n  0.00 s  note \\d+  ratio [\\d.]+  index [\\d.e-]+  attack [\\d.e-]+  decay [\\d.e-]+\n`));
    } finally {
      await jobs.dispose();
    }
  }, 60_000);

  it('gives no frame for silence, and takes 44.1 kHz input (latency: the window and the resampler)', async () => {
    const quiet = await engine.openStream('t', 2, { sampleRate: 44100, blockSize: 441, model: NAME });
    expect(quiet.latencySamples).toBeGreaterThanOrEqual(SCHEMA.seconds * 44100);
    let n = 0;
    for (let i = 0; i < 200; i++) n += (await engine.processBlock('t', 2, new Float32Array(441))).length;
    expect(n).toBe(0);
    const loud = resample(clips[0], PLANT_FEATURE_RATE, 44100);
    for (let i = 0; i + 441 <= loud.length; i += 441) n += (await engine.processBlock('t', 2, loud.subarray(i, i + 441))).length;
    expect(n).toBe(4); // the window now holds sound at 0.25, 0.5, 0.75 and 1 s of it
    engine.closeStream('t', 2);
  }, 60_000);
});
