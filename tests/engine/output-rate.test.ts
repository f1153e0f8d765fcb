import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resample } from '../../src/audio/resample';
import { readWav, writeWav } from '../../src/audio/wav';
import { createEngine } from '../../src/app/create';
import { frameDescriptors } from '../../src/dsp/descriptors';
import type { Engine } from '../../src/engine/engine';
import type { JobArgs, JobEvent } from '../../src/engine/types';
import { parseArgs } from '../../src/verbs/args';
import { entryOf } from '../../src/verbs/table';
import { sine } from '../audio/signals';

/**
 * The resynth and vq jobs write their WAV at the `rate` asked for, by default the input's
 * (issue 23: Pd played 8-kHz and 16-kHz results at 44.1 kHz, 5.5x and 2.76x too fast). The
 * model-rate audio is resampled by src/audio/resample.ts, so a result lasts as long and sounds
 * at the same pitch at any rate.
 */
const ROOT = join(__dirname, '..', '..');
const files = mkdtempSync(join(tmpdir(), 'mb-out-rate-'));
let engine: Engine;

beforeAll(async () => {
  ({ engine } = await createEngine({ modelsDir: join(ROOT, 'models'), filesDir: files, loadBundled: true, jobWorkers: 0 })); // the source's jobs, not dist's
}, 60_000);
afterAll(() => engine.dispose());

async function run(name: string, args: JobArgs): Promise<JobEvent> {
  const { id } = await engine.submitJob('c', name, args);
  return new Promise((resolve) => {
    const on = (e: JobEvent) => {
      if (e.id !== id || (e.state !== 'done' && e.state !== 'failed')) return;
      engine.off('job', on);
      resolve(e);
    };
    engine.on('job', on);
  });
}

const seconds = (file: string) => {
  const w = readWav(join(files, file));
  return w.samples.length / w.sampleRate;
};

/** Median f0 over the sounding frames, measured at the file's own rate. */
function medianF0(file: string): number {
  const w = readWav(join(files, file));
  const d = frameDescriptors(w.samples, { sampleRate: w.sampleRate });
  const f0 = Array.from(d.f0).filter((_, t) => d.loudness[t] > -40).sort((a, b) => a - b);
  return f0[f0.length >> 1];
}

describe('jobs write at the output rate', () => {
  it('vq deform: the input\'s rate by default, any rate asked for; same length and pitch at each', async () => {
    writeWav(join(files, 'tone44.wav'), sine(220, 44100, 44100, 0.3), 44100);
    const byDefault = await run('vq', { op: 'deform', in: 'tone44.wav', out: 'd-default.wav' });
    const at22 = await run('vq', { op: 'deform', in: 'tone44.wav', out: 'd-22050.wav', rate: 22050 });
    const at16 = await run('vq', { op: 'deform', in: 'tone44.wav', out: 'd-16000.wav', rate: 16000 });
    expect(byDefault.result).toMatchObject({ op: 'deform', rate: 44100 });
    expect(at22.result).toMatchObject({ rate: 22050 });
    expect(readWav(join(files, 'd-default.wav')).sampleRate).toBe(44100);
    expect(readWav(join(files, 'd-22050.wav')).sampleRate).toBe(22050);
    expect(readWav(join(files, 'd-16000.wav')).sampleRate).toBe(16000);
    for (const f of ['d-default.wav', 'd-22050.wav']) {
      expect(seconds(f)).toBeCloseTo(seconds('d-16000.wav'), 3);
      expect(Math.abs(medianF0(f) / medianF0('d-16000.wav') - 1)).toBeLessThan(0.01);
    }
    // At the model's rate the file is the model's audio; at 44.1 kHz, that audio resampled.
    const model = readWav(join(files, 'd-16000.wav')).samples;
    const want = resample(model, 16000, 44100);
    const got = readWav(join(files, 'd-default.wav')).samples;
    expect(got.length).toBe(want.length);
    const maxDiff = got.reduce((m, v, i) => Math.max(m, Math.abs(v - want[i])), 0);
    expect(maxDiff).toBeLessThan(1e-4); // 24-bit quantization of each file
  }, 60_000);

  it('vq synth follows the guide\'s rate; plane the first corner\'s; decode the model\'s unless asked', async () => {
    writeWav(join(files, 'guide48.wav'), sine(300, 48000, 24000, 0.3), 48000);
    expect((await run('vq', { op: 'synth', in: 'guide48.wav', out: 's.wav' })).result).toMatchObject({ rate: 48000 });
    expect(readWav(join(files, 's.wav')).sampleRate).toBe(48000);
    expect(seconds('s.wav')).toBeCloseTo(0.5, 1);

    expect((await run('vq', { op: 'encode', in: 'guide48.wav', out: 'codes.json' })).state).toBe('done');
    expect((await run('vq', { op: 'decode', in: 'codes.json', out: 'dec.wav' })).result).toMatchObject({ rate: 16000 });
    expect((await run('vq', { op: 'decode', in: 'codes.json', out: 'dec96.wav', rate: 96000 })).result).toMatchObject({ rate: 96000 });
    expect(seconds('dec96.wav')).toBeCloseTo(seconds('dec.wav'), 3);
  }, 60_000);

  it('resynth: the input\'s rate by default (the plant renders at 8 kHz), or the rate asked for', async () => {
    writeWav(join(files, 'melody44.wav'), sine(330, 44100, 44100, 0.3), 44100);
    const byDefault = await run('resynth', { in: 'melody44.wav', out: 'r-default.wav' });
    const at8 = await run('resynth', { in: 'melody44.wav', out: 'r-8000.wav', rate: 8000 });
    expect(byDefault.state, JSON.stringify(byDefault)).toBe('done');
    expect(byDefault.result).toMatchObject({ rate: 44100, sampleRate: 44100 });
    expect(at8.result).toMatchObject({ rate: 8000 });
    expect(readWav(join(files, 'r-default.wav')).sampleRate).toBe(44100);
    expect(seconds('r-default.wav')).toBeCloseTo(seconds('r-8000.wav'), 3);
    const want = resample(readWav(join(files, 'r-8000.wav')).samples, 8000, 44100);
    const got = readWav(join(files, 'r-default.wav')).samples;
    const maxDiff = got.reduce((m, v, i) => Math.max(m, Math.abs(v - want[i])), 0);
    expect(maxDiff).toBeLessThan(2e-4); // 16-bit quantization of each file
  }, 60_000);

  it('vq results never clip: a loud input\'s decoding (which overshoots full scale) is scaled down to -1 dBFS, and the result says by how much', async () => {
    writeWav(join(files, 'loud.wav'), Float32Array.from({ length: 32000 }, (_, i) => 0.8 * (((i * 220) / 16000) % 1) * 2 - 0.8), 16000);
    const loud = await run('vq', { op: 'deform', in: 'loud.wav', out: 'loud-out.wav' });
    const quiet = await run('vq', { op: 'deform', in: 'tone44.wav', out: 'quiet-out.wav' });
    const peak = (f: string) => readWav(join(files, f)).samples.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    expect((loud.result as { gainDb: number }).gainDb).toBeLessThan(-0.5); // measured: the decoder peaks above 1 (590 samples clipped before)
    expect(peak('loud-out.wav')).toBeCloseTo(10 ** (-1 / 20), 3);
    expect(quiet.result).toMatchObject({ gainDb: 0 });
    expect(peak('quiet-out.wav')).toBeLessThan(0.5);
  }, 60_000);

  it('the verbs take the rate last, in 8000..192000; encode refuses one', async () => {
    const s = (value: string) => ({ type: 's', value });
    const i = (value: number) => ({ type: 'i', value });
    expect(parseArgs(entryOf('/mb/job/vq')!, [s('deform'), s('a.wav'), s('b.wav'), s('vqvae-timbre'), i(48000)]).optInt('rate')).toBe(48000);
    expect(parseArgs(entryOf('/mb/job/resynth')!, [s('a.wav'), s('b.wav'), s('mirrornet-melody'), i(0), i(44100)]).optInt('rate')).toBe(44100);
    expect(() => parseArgs(entryOf('/mb/job/vq')!, [s('deform'), s('a.wav'), s('b.wav'), s('vqvae-timbre'), i(4000)])).toThrow(/rate must be in \[8000, 192000\], got 4000/);
    const encode = await run('vq', { op: 'encode', in: 'tone44.wav', out: 'c.json', rate: 44100 });
    expect(encode).toMatchObject({ state: 'failed', error: { code: 'MB_ERR_BAD_ARGS' } });
  });
});
