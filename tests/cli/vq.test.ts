import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readWav, writeWav } from '../../src/audio/wav';
import { frameDescriptors } from '../../src/dsp/descriptors';
import { MODEL_DIR, SR, tone } from '../vq/fixtures';
import { mirrorbridge } from './run';

/** Median f0 over the frames of `x` (model rate) that are not near-silent. */
function medianF0(x: Float32Array): number {
  const d = frameDescriptors(x, { sampleRate: SR });
  const voiced = Array.from(d.f0).filter((_, t) => d.loudness[t] > -50);
  return Float32Array.from(voiced).sort()[voiced.length >> 1];
}

/** Runs `mirrorbridge vq ...` in-process through the one dispatcher, on the test model. */
const vq = (...args: string[]) => mirrorbridge('vq', ...args, '--model', MODEL_DIR);

describe('mirrorbridge vq', () => {
  let dir: string;
  let wav: string;

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'mb-vqcli-'));
    wav = path.join(dir, 'x.wav');
    writeWav(wav, tone(220, 1), 16000);
  });
  afterAll(async () => fs.rm(dir, { recursive: true, force: true }));

  it('encode --json gives codes, gains and frame rate; decode turns them back into audio', async () => {
    const r = await vq('encode', wav, '--json');
    expect(r.code).toBe(0);
    const json = JSON.parse(r.out);
    expect(json.frameRate).toBe(62.5);
    expect(json.codes.length).toBe(json.gains.length);
    const codes = path.join(dir, 'codes.json');
    await fs.writeFile(codes, r.out);
    const out = path.join(dir, 'y.wav');
    expect((await vq('decode', codes, '--out', out)).code).toBe(0);
    expect(readWav(out).samples.length).toBe((json.frames - 1) * 256 + 1024);
  });

  it('encode --search chooses codes by analysis by synthesis: same frames and pitch, other codes', async () => {
    const voice = path.join(__dirname, '..', 'vq', 'heldout', 'espeak-0000.wav');
    const plain = JSON.parse((await vq('encode', voice, '--json')).out);
    const r = await vq('encode', voice, '--search', '--json');
    expect(r.code).toBe(0);
    const searched = JSON.parse(r.out);
    expect(searched.frames).toBe(plain.frames);
    expect(searched.f0).toEqual(plain.f0);
    expect(searched.codes).not.toEqual(plain.codes);
    expect(searched.latents).toBeUndefined();
  });

  it('synth --json reports targets, achieved series and coverage', async () => {
    const out = path.join(dir, 's.wav');
    const r = await vq('synth', '--target', 'centroid=linear(800,2400)', '--target', 'loudness=const(-20)', '--continuity', '0.5', '--duration', '1', '--out', out, '--json');
    expect(r.code).toBe(0);
    const json = JSON.parse(r.out);
    expect(json.targets.centroid.values.length).toBe(json.frames);
    expect(json.achieved.centroid.length).toBe(json.frames);
    expect(json.coverage.overall).toBeGreaterThan(0);
    expect(readWav(out).sampleRate).toBe(16000);
  });

  it('deform --json applies every op given: reverse gives the encoding backwards, and the WAV plays it', async () => {
    const up = path.join(dir, 'up.wav');
    writeWav(up, Float32Array.from([...tone(220, 1), ...tone(880, 1)]), SR);
    const encoded = JSON.parse((await vq('encode', up, '--json')).out);
    const out = path.join(dir, 'down.wav');
    const r = await vq('deform', up, '--op', 'reverse', '--out', out, '--json');
    expect(r.code).toBe(0);
    const json = JSON.parse(r.out);
    expect(json.ops).toEqual(['reverse']);
    expect(json.frames).toBe(encoded.frames);
    expect(json.codes).toEqual([...encoded.codes].reverse());
    expect(json.gains).toEqual([...encoded.gains].reverse());
    expect(json.f0).toEqual([...encoded.f0].reverse());
    const wav = readWav(out);
    expect(wav.sampleRate).toBe(SR);
    expect(wav.samples.length).toBe((json.frames - 1) * 256 + 1024);
    const half = wav.samples.length >> 1;
    expect(Math.abs(medianF0(wav.samples.subarray(0, half)) - 880) / 880).toBeLessThan(0.03);
    expect(Math.abs(medianF0(wav.samples.subarray(half)) - 220) / 220).toBeLessThan(0.03);
    // Two ops both apply: scale, then reverse, is the scaled series backwards.
    const scaled = JSON.parse((await vq('deform', up, '--op', 'scale=1.5', '--out', path.join(dir, 'd1.wav'), '--json')).out);
    const both = JSON.parse((await vq('deform', up, '--op', 'scale=1.5', '--op', 'reverse', '--out', path.join(dir, 'd2.wav'), '--json')).out);
    expect(both.ops).toEqual(['scale=1.5', 'reverse']);
    expect(scaled.codes).not.toEqual(encoded.codes);
    expect(both.codes).toEqual([...scaled.codes].reverse());
  });

  it('plane mixes the four corners at (x, y): the pitch is their bilinear mix in log frequency', async () => {
    const corners = [220, 440, 660, 880].map((f, i) => {
      const file = path.join(dir, `corner-${i}.wav`);
      writeWav(file, tone(f, 1), SR);
      return file;
    });
    const out = path.join(dir, 'p.wav');
    expect((await vq('plane', ...corners, '--x', '0.3', '--y', '0.7', '--out', out)).code).toBe(0);
    // Corners a (0,0), b (1,0), c (0,1), d (1,1): weights 0.21, 0.09, 0.49, 0.21, about 537 Hz
    // (x and y swapped would give about 457 Hz).
    const weights = [0.7 * 0.3, 0.3 * 0.3, 0.7 * 0.7, 0.3 * 0.7];
    const want = Math.exp([220, 440, 660, 880].reduce((a, f, i) => a + weights[i] * Math.log(f), 0));
    const wav = readWav(out);
    expect(wav.sampleRate).toBe(SR);
    expect(Math.abs(medianF0(wav.samples) - want) / want).toBeLessThan(0.02);
  });

  it.each([
    [['synth', '--target', 'brightness=const(1)', '--out', 'x.wav'], 'MB_ERR_BAD_TARGET'],
    [['synth', '--target', 'centroid=const(NaN)', '--out', 'x.wav'], 'MB_ERR_BAD_TARGET'],
    [['synth', '--out', 'x.wav'], 'MB_ERR_BAD_TARGET'],
    [['deform', 'x.wav', '--op', 'wobble', '--out', 'y.wav'], 'MB_ERR_BAD_ARGS'],
    [['plane', 'a.wav', '--out', 'y.wav'], 'MB_ERR_BAD_ARGS'],
    [['encode', '/no/such.wav'], 'MB_ERR_NOT_FOUND'],
    [['frobnicate'], 'MB_ERR_BAD_ARGS'],
  ])('%j exits 2 with one coded line', async (args, code) => {
    const r = await vq(...(args as string[]));
    expect(r.code).toBe(2);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toContain(code);
  });

  it('prints help for every sub-command', async () => {
    for (const sub of ['encode', 'decode', 'synth', 'deform', 'plane', 'lerp', 'analyze']) {
      const r = await vq(sub, '--help');
      expect(r.code).toBe(0);
      expect(r.out).toContain(`mirrorbridge vq ${sub}`);
    }
  });
});
