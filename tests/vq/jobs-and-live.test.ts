import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resample } from '../../src/audio/resample';
import { readWav, writeWav } from '../../src/audio/wav';
import { createEngine } from '../../src/app/create';
import { frameDescriptors } from '../../src/dsp/descriptors';
import type { Engine } from '../../src/engine/engine';
import type { JobEvent } from '../../src/engine/types';
import { rms, sine } from '../audio/signals';
import { MODELS_DIR } from './fixtures';

// The VQ-VAE plug-in as users run it: its `vq` job and its live processor, through the engine.
const files = mkdtempSync(join(tmpdir(), 'mb-vq-engine-'));
let engine: Engine;

const tone = (freq: number, seconds = 1, sr = 16000): Float32Array => sine(freq, sr, Math.round(sr * seconds), 0.3);
const median = (a: ArrayLike<number>): number => Float32Array.from(a).sort()[a.length >> 1];

/** Median descriptors over the frames that are not near-silent (edges fade in and out). */
function measure(x: Float32Array, sampleRate: number): { f0: number; centroid: number; loudness: number } {
  const d = frameDescriptors(x, { sampleRate });
  const sounding = Array.from(d.loudness.keys()).filter((t) => d.loudness[t] > -50);
  const of = (s: Float32Array) => median(sounding.map((t) => s[t]));
  return { f0: of(d.f0), centroid: of(d.centroid), loudness: of(d.loudness) };
}

function measureFile(name: string): ReturnType<typeof measure> {
  const w = readWav(join(files, name));
  expect(w.sampleRate).toBe(16000);
  return measure(w.samples, w.sampleRate);
}

const within = (value: number, want: number, fraction: number): boolean => Math.abs(value - want) <= fraction * want;

async function runJob(args: Record<string, string>): Promise<JobEvent> {
  const { id } = await engine.submitJob('c', 'vq', args);
  return new Promise((resolve) => {
    const on = (e: JobEvent) => {
      if (e.id === id && (e.state === 'done' || e.state === 'failed')) {
        engine.off('job', on);
        resolve(e);
      }
    };
    engine.on('job', on);
  });
}

/** Streams `x` through a fresh live stream of client 'r' and returns the audio it sends back. */
async function streamBack(id: number, x: Float32Array, sampleRate: number, blockSize: number): Promise<Float32Array> {
  await engine.openStream('r', id, { sampleRate, blockSize, model: 'vqvae-timbre' });
  const parts: Float32Array[] = [];
  for (let i = 0; i < x.length; i += blockSize) {
    for (const f of await engine.processBlock('r', id, x.subarray(i, i + blockSize))) if (f.vq?.audio) parts.push(f.vq.audio);
  }
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  parts.reduce((k, p) => (out.set(p, k), k + p.length), 0);
  return out;
}

describe('VQ-VAE in the engine (jobs and live stream)', () => {
  beforeAll(async () => {
    ({ engine } = await createEngine({ modelsDir: MODELS_DIR, filesDir: files }));
    await engine.loadModel('vqvae-timbre');
    // Corners of the plane: a (x 0, y 0) 220 Hz, b (1, 0) 440 Hz, c (0, 1) 660 Hz, d (1, 1) 880 Hz.
    ['a', 'b', 'c', 'd'].forEach((n, i) => writeWav(join(files, `${n}.wav`), tone(220 * (i + 1)), 16000));
  });
  afterAll(async () => engine?.dispose());

  it('encodes to a codes file and decodes it back to the same pitch and level at the model rate', async () => {
    const enc = await runJob({ op: 'encode', in: 'a.wav', out: 'a.json' });
    expect(enc.state).toBe('done');
    const json = JSON.parse(readFileSync(join(files, 'a.json'), 'utf8'));
    expect(json.codes.length).toBe(json.gains.length);
    expect(json.codes.length).toBe(60); // one code per 256-sample hop of 1 s, padded to whole frames
    const dec = await runJob({ op: 'decode', in: 'a.json', out: 'a-dec.wav' });
    expect(dec.state).toBe('done');
    expect(readWav(join(files, 'a-dec.wav')).samples.length).toBe((json.codes.length - 1) * 256 + 1024);
    const original = measureFile('a.wav');
    const decoded = measureFile('a-dec.wav');
    expect(within(decoded.f0, 220, 0.02)).toBe(true);
    expect(Math.abs(decoded.loudness - original.loudness)).toBeLessThan(1.5);
  });

  it("reverses with the client's live deform control: a low-then-high sound comes back high-then-low", async () => {
    writeWav(join(files, 'up.wav'), Float32Array.from([...tone(220), ...tone(880)]), 16000);
    engine.setControl('c', { owner: 'vq', kind: 'deform', op: 'reverse', value: 1 });
    expect((await runJob({ op: 'deform', in: 'up.wav', out: 'down.wav' })).result).toMatchObject({ ops: ['reverse'] });
    engine.setControl('c', { owner: 'vq', kind: 'deform', op: 'reverse', value: 0 });
    const down = readWav(join(files, 'down.wav')).samples;
    const half = down.length >> 1;
    expect(within(measure(down.subarray(0, half), 16000).f0, 880, 0.03)).toBe(true);
    expect(within(measure(down.subarray(half), 16000).f0, 220, 0.03)).toBe(true);
  });

  it("mixes four sounds at the client's point on the plane: pitch is the bilinear mix of the corners' in log frequency", async () => {
    writeFileSync(join(files, 'corners.txt'), 'a.wav\nb.wav\nc.wav\nd.wav\n');
    engine.setControl('c', { owner: 'vq', kind: 'plane', x: 0.2, y: 0.8 });
    const plane = await runJob({ op: 'plane', in: 'corners.txt', out: 'plane.wav' });
    expect(plane.result).toMatchObject({ x: 0.2, y: 0.8 });
    // Weights (1-x)(1-y), x(1-y), (1-x)y, xy = 0.16, 0.04, 0.64, 0.16: about 570 Hz
    // ((x, y) swapped would give about 447 Hz, the plain mean of the corners 550 Hz).
    const want = Math.exp(0.16 * Math.log(220) + 0.04 * Math.log(440) + 0.64 * Math.log(660) + 0.16 * Math.log(880));
    expect(within(measureFile('plane.wav').f0, want, 0.02)).toBe(true);
  });

  it.each([1500, 3000])('synthesizes from a guide sound with a constant centroid target of %i Hz: the output centroid is within 10 %%', async (target) => {
    engine.setControl('c', { owner: 'vq', kind: 'target', descriptor: 'centroid', value: target });
    const synth = await runJob({ op: 'synth', in: 'c.wav', out: `synth-${target}.wav` });
    expect(synth.state).toBe('done');
    expect((synth.result as { frames: number }).frames).toBeGreaterThan(50);
    // The guide (a 660 Hz sine) has its centroid at 660 Hz: ignoring the target would miss by far.
    expect(measureFile('c.wav').centroid).toBeLessThan(700);
    expect(within(measureFile(`synth-${target}.wav`).centroid, target, 0.1)).toBe(true);
  });

  it('refuses an unknown op and a plane list without four files with coded errors', async () => {
    expect((await runJob({ op: 'bogus', in: 'a.wav', out: 'x.wav' })).error?.code).toBe('MB_ERR_BAD_ARGS');
    writeFileSync(join(files, 'two.txt'), 'a.wav\nb.wav\n');
    expect((await runJob({ op: 'plane', in: 'two.txt', out: 'x.wav' })).error?.code).toBe('MB_ERR_BAD_ARGS');
  });

  it('streams codes and latents from live audio at 44.1 kHz', async () => {
    await engine.openStream('c', 5, { sampleRate: 44100, blockSize: 1024, model: 'vqvae-timbre' });
    const audio = tone(330, 1, 44100);
    const frames = [];
    for (let i = 0; i < audio.length; i += 1024) frames.push(...(await engine.processBlock('c', 5, audio.subarray(i, i + 1024))));
    const vq = frames.filter((f) => f.vq);
    expect(vq.length).toBeGreaterThan(40);
    expect(vq[vq.length - 1].vq!.codes!.length).toBe(1);
    expect(vq[vq.length - 1].vq!.latent!.length).toBeGreaterThan(1);
  });

  it('returns the re-synthesized input at the stream rate, deformed live exactly as the deform job deforms it', async () => {
    const x16 = tone(330, 1, 16000);
    writeWav(join(files, 'x.wav'), x16, 16000, { bitDepth: '32f' });
    const x44 = tone(330, 1, 44100);
    const plain = await streamBack(6, x44, 44100, 2048);
    // All input but the codec's and resamplers' latency comes back, at 44.1 kHz, with sound in it.
    expect(plain.length).toBeGreaterThan(44100 - 4000);
    expect(plain.length).toBeLessThanOrEqual(44100);
    expect(rms(plain, 8000)).toBeGreaterThan(0.01);

    engine.setControl('r', { owner: 'vq', kind: 'deform', op: 'scale', value: 0.2 });
    engine.setControl('c', { owner: 'vq', kind: 'deform', op: 'scale', value: 0.2 });
    expect((await runJob({ op: 'deform', in: 'x.wav', out: 'x-scaled.wav' })).result).toMatchObject({ ops: ['scale=0.2'] });
    const batch = readWav(join(files, 'x-scaled.wav')).samples;
    // At the model's rate (no resampler) the live stream plays the deform job's samples, aligned.
    const live16 = await streamBack(7, x16, 16000, 2048);
    const n = Math.min(live16.length, batch.length);
    const diff = Float32Array.from({ length: n }, (_, i) => live16[i] - batch[i]);
    expect(rms(diff, 2000)).toBeLessThan(0.01 * rms(batch, 2000, n));
    // At 44.1 kHz: the same sound (scale 0.2 pulls the latents to the codebook mean: the
    // centroid rises from about 333 Hz to about 1.9 kHz, the pitch stays).
    const live44 = await streamBack(8, x44, 44100, 2048);
    const want = measure(resample(batch, 16000, 44100), 44100);
    const got = measure(live44.subarray(8000), 44100);
    expect(measure(plain.subarray(8000), 44100).centroid).toBeLessThan(0.5 * want.centroid);
    expect(within(got.centroid, want.centroid, 0.05)).toBe(true);
    expect(within(got.f0, 330, 0.02)).toBe(true);
    engine.setControl('c', { owner: 'vq', kind: 'deform', op: 'scale', value: 1 });
  });
});
