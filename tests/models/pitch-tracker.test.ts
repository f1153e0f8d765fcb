import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MbError } from '../../src/core/errors';
import { mulberry32 } from '../../src/core/random';
import { Yin } from '../../src/dsp/yin';
import { loadManifest, validateManifest } from '../../src/models/validate-manifest';
import { pitchTrackerOf } from '../../src/models/pitch-tracker';
import { VqModel } from '../../src/vq/model';

/**
 * One pitch tracker: the VQ manifest states the YIN settings training used, the validator
 * checks them, and the runtime builds its tracker from them (not from YIN's defaults).
 */
const SHIPPED = resolve(__dirname, '../../models/vqvae-timbre');
const NAME = 'vqvae-timbre';
const raw = (): any => JSON.parse(readFileSync(join(SHIPPED, `${NAME}.json`), 'utf8'));
const work = mkdtempSync(join(tmpdir(), 'mb-pitch-tracker-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The shipped model folder with its manifest edited (graphs linked, not copied). */
function variant(label: string, edit: (m: any) => void): string {
  const dir = join(work, label, NAME);
  mkdirSync(dir, { recursive: true });
  for (const f of readdirSync(SHIPPED)) if (f !== `${NAME}.json`) symlinkSync(join(SHIPPED, f), join(dir, f));
  const m = raw();
  edit(m);
  writeFileSync(join(dir, `${NAME}.json`), JSON.stringify(m));
  return dir;
}

/** 40 back-to-back frames of a 196 Hz tone under noise rising to 0.6: YIN's threshold decides where voicing ends. */
function noisyTone(): Float32Array {
  const n = 1024;
  const count = 40;
  const next = mulberry32(7);
  const x = new Float32Array(n * count);
  for (let t = 0; t < count; t++) {
    for (let i = 0; i < n; i++) {
      const k = t * n + i;
      const phase = (2 * Math.PI * 196 * k) / 16000;
      x[k] = 0.3 * (Math.sin(phase) + 0.5 * Math.sin(2 * phase)) + ((0.6 * t) / count) * (2 * next() - 1);
    }
  }
  return x;
}

function trackerF0(settings: ConstructorParameters<typeof Yin>[0], x: Float32Array, count: number): Float32Array {
  const yin = new Yin(settings);
  const n = settings.frameLength;
  return Float32Array.from({ length: count }, (_, t) => yin.estimate(x.subarray(t * n, (t + 1) * n)).f0);
}

function expectManifestError(fn: () => unknown, message: RegExp): void {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught, 'expected MB_ERR_MODEL_MANIFEST').toBeInstanceOf(MbError);
  expect((caught as MbError).code).toBe('MB_ERR_MODEL_MANIFEST');
  expect((caught as MbError).message).toMatch(message);
}

describe('pitch tracker settings in the manifest', () => {
  it('the shipped VQ manifest states the settings training used (audio.settings and training.config agree)', async () => {
    const m = await loadManifest(SHIPPED);
    const settings = pitchTrackerOf(m.audio);
    expect(settings).toEqual({ tracker: 'yin', sampleRate: 16000, frameLength: 1024, fmin: 50, fmax: 2000, threshold: 0.15 });
    const trained = m.training.config as Record<string, unknown>;
    expect([trained.pitch_fmin, trained.pitch_fmax, trained.pitch_threshold, trained.window, trained.sample_rate])
      .toEqual([m.audio.settings.pitchFmin, m.audio.settings.pitchFmax, m.audio.settings.pitchThreshold, m.audio.settings.frameLength, m.audio.sampleRate]);
  });

  const malformed: [string, (m: any) => void, RegExp][] = [
    ['a threshold that is not a number', (m) => (m.audio.settings.pitchThreshold = 'high'), /audio.settings.pitchThreshold/],
    ['a missing fmax', (m) => delete m.audio.settings.pitchFmax, /audio.settings.pitchFmax/],
    ['another tracker', (m) => (m.audio.settings.pitch = 'crepe'), /audio.settings.pitch\b/],
    ['settings without the tracker named', (m) => delete m.audio.settings.pitch, /audio.settings.pitch\b/],
    ['an fmin the frame cannot hold (lag 1600 > 512)', (m) => (m.audio.settings.pitchFmin = 10), /fmin 10 Hz/],
    ['an fmax above Nyquist', (m) => (m.audio.settings.pitchFmax = 9000), /fmax/],
    ['a threshold above 1', (m) => (m.audio.settings.pitchThreshold = 1.5), /threshold/],
    ['code pitches without any tracker', (m) => {
      for (const k of ['pitch', 'pitchFmin', 'pitchFmax', 'pitchThreshold']) delete m.audio.settings[k];
    }, /needs a pitch tracker.*pitchFmin, pitchFmax and pitchThreshold/],
  ];
  for (const [label, edit, message] of malformed) {
    it(`refuses ${label} with MB_ERR_MODEL_MANIFEST`, () => {
      const m = raw();
      edit(m);
      expectManifestError(() => validateManifest(m, NAME), message);
    });
  }

  it('a model whose manifest lacks the tracker is refused before its graphs load', async () => {
    const dir = variant('none', (m) => {
      for (const k of ['pitch', 'pitchFmin', 'pitchFmax', 'pitchThreshold']) delete m.audio.settings[k];
    });
    await expect(VqModel.load(dir)).rejects.toMatchObject({ code: 'MB_ERR_MODEL_MANIFEST', message: expect.stringMatching(/pitch tracker/) });
  });
});

describe('the runtime tracks pitch with the manifest settings', () => {
  const x = noisyTone();
  const count = x.length / 1024;

  it('encode gives the f0 of YIN built from the manifest, and other manifest settings change it', { timeout: 60_000 }, async () => {
    const shipped = await VqModel.load(SHIPPED);
    const looser = await VqModel.load(variant('looser', (m) => (m.audio.settings.pitchThreshold = 0.45)));
    try {
      const settings = pitchTrackerOf(shipped.manifest.audio)!;
      const a = (await shipped.encodeFrames(x, count)).f0!;
      const b = (await looser.encodeFrames(x, count)).f0!;
      expect(Array.from(a)).toEqual(Array.from(trackerF0(settings, x, count)));
      expect(Array.from(b)).toEqual(Array.from(trackerF0({ ...settings, threshold: 0.45 }, x, count)));
      // The looser threshold keeps the tone voiced deeper into the noise.
      const voiced = (f: Float32Array) => f.filter((v) => v > 0).length;
      expect(voiced(a)).toBeGreaterThanOrEqual(10);
      expect(voiced(b)).toBeGreaterThan(voiced(a) + 5);
      // The frames graph path tracks with the same settings.
      expect(Array.from((await looser.encodeFrames(x, count, { graph: 'frames' })).f0!)).toEqual(Array.from(b));
    } finally {
      await shipped.dispose();
      await looser.dispose();
    }
  });
});
