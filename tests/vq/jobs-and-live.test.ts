import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeWav } from '../../src/audio/wav';
import { createEngine } from '../../src/app/create';
import type { Engine } from '../../src/engine/engine';
import type { JobEvent } from '../../src/engine/types';

/** The shipped models folder, or the folder holding a candidate vqvae-timbre (MB_VQ_MODEL_DIR, see fixtures.ts). */
const modelsDir = process.env.MB_VQ_MODEL_DIR ? dirname(resolve(process.env.MB_VQ_MODEL_DIR)) : join(__dirname, '..', '..', 'models');
const files = mkdtempSync(join(tmpdir(), 'mb-vq-engine-'));
let engine: Engine;

function tone(freq: number, seconds = 1, sr = 16000): Float32Array {
  return Float32Array.from({ length: Math.round(sr * seconds) }, (_, i) => 0.3 * Math.sin((2 * Math.PI * freq * i) / sr));
}

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

describe('VQ-VAE in the engine (jobs and live stream)', () => {
  beforeAll(async () => {
    ({ engine } = await createEngine({ modelsDir, filesDir: files }));
    await engine.loadModel('vqvae-timbre');
    ['a', 'b', 'c', 'd'].forEach((n, i) => writeWav(join(files, `${n}.wav`), tone(220 * (i + 1)), 16000));
  });
  afterAll(async () => engine?.dispose());

  it('encodes to a codes file and decodes it back to audio', async () => {
    const enc = await runJob({ op: 'encode', in: 'a.wav', out: 'a.json' });
    expect(enc.state).toBe('done');
    const json = JSON.parse(readFileSync(join(files, 'a.json'), 'utf8'));
    expect(json.codes.length).toBeGreaterThan(10);
    expect(json.codes.length).toBe(json.gains.length);
    const dec = await runJob({ op: 'decode', in: 'a.json', out: 'a-dec.wav' });
    expect(dec.state).toBe('done');
    expect(statSync(join(files, 'a-dec.wav')).size).toBeGreaterThan(16000);
  });

  it('deforms with the client\'s live controls and mixes four sounds on the plane', async () => {
    engine.setControl('c', { owner: 'vq', kind: 'deform', op: 'reverse', value: 1 });
    expect((await runJob({ op: 'deform', in: 'b.wav', out: 'b-rev.wav' })).result).toMatchObject({ ops: ['reverse'] });
    writeFileSync(join(files, 'corners.txt'), 'a.wav\nb.wav\nc.wav\nd.wav\n');
    engine.setControl('c', { owner: 'vq', kind: 'plane', x: 0.2, y: 0.8 });
    const plane = await runJob({ op: 'plane', in: 'corners.txt', out: 'plane.wav' });
    expect(plane.state).toBe('done');
    expect(plane.result).toMatchObject({ x: 0.2, y: 0.8 });
    expect(existsSync(join(files, 'plane.wav'))).toBe(true);
  });

  it('synthesizes from a guide sound with a constant centroid target', async () => {
    engine.setControl('c', { owner: 'vq', kind: 'target', descriptor: 'centroid', value: 1500 });
    const synth = await runJob({ op: 'synth', in: 'c.wav', out: 'synth.wav' });
    expect(synth.state).toBe('done');
    expect((synth.result as { frames: number }).frames).toBeGreaterThan(10);
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

  it('returns the re-synthesized input at the stream rate, changed by a live deformation', async () => {
    const collect = async (id: number) => {
      await engine.openStream('r', id, { sampleRate: 44100, blockSize: 2048, model: 'vqvae-timbre' });
      const audio = tone(330, 1, 44100);
      const parts: Float32Array[] = [];
      for (let i = 0; i < audio.length; i += 2048) {
        for (const f of await engine.processBlock('r', id, audio.subarray(i, i + 2048))) if (f.vq?.audio) parts.push(f.vq.audio);
      }
      const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
      parts.reduce((k, p) => (out.set(p, k), k + p.length), 0);
      return out;
    };
    const plain = await collect(6);
    // All input but the codec's and resamplers' latency comes back, at 44.1 kHz, with sound in it.
    expect(plain.length).toBeGreaterThan(44100 - 4000);
    expect(plain.length).toBeLessThanOrEqual(44100);
    const rms = (x: Float32Array) => Math.sqrt(x.reduce((a, v) => a + v * v, 0) / x.length);
    expect(rms(plain.subarray(8000))).toBeGreaterThan(0.01);
    engine.setControl('r', { owner: 'vq', kind: 'deform', op: 'scale', value: 0.2 });
    const scaled = await collect(7);
    let diff = 0;
    const n = Math.min(plain.length, scaled.length);
    for (let i = 8000; i < n; i++) diff += Math.abs(plain[i] - scaled[i]);
    expect(diff / (n - 8000)).toBeGreaterThan(0.001);
  });
});
