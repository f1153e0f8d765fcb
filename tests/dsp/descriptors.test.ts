import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DESCRIPTOR_NAMES,
  DescriptorStream,
  FrameDescriber,
  LOUDNESS_FLOOR_DB,
  describeFrame,
  frameDescriptors,
  resolveDescriptorOptions,
  type DescriptorSeries,
} from '../../src/dsp/descriptors';
import { bandLimitedSaw, randomBlocks, sine, thrownCode, whiteNoise } from '../audio/signals';

const median = (a: Float32Array): number => Float32Array.from(a).sort()[a.length >> 1];
const everyFrame = (a: Float32Array, pass: (v: number) => boolean): boolean => a.every(pass);

describe('options', () => {
  it('defaults to 64 ms frames rounded down to a power of two, hop a quarter frame', () => {
    expect(resolveDescriptorOptions({ sampleRate: 8000 })).toMatchObject({ frameLength: 512, hop: 128, fmin: 50, fmax: 2000 });
    expect(resolveDescriptorOptions({ sampleRate: 16000 })).toMatchObject({ frameLength: 1024, hop: 256 });
    expect(resolveDescriptorOptions({ sampleRate: 22050 })).toMatchObject({ frameLength: 1024, hop: 256 });
    expect(resolveDescriptorOptions({ sampleRate: 48000 })).toMatchObject({ frameLength: 2048, hop: 512 });
  });

  it('raises the default fmin so the YIN lag fits half a short frame', () => {
    expect(resolveDescriptorOptions({ sampleRate: 16000, frameLength: 256 }).fmin).toBe(125);
  });

  it('refuses an explicit fmin too low for the frame, a hop longer than the frame, a bad rate', () => {
    expect(thrownCode(() => frameDescriptors(new Float32Array(4096), { sampleRate: 16000, frameLength: 512, fmin: 40 }))).toBe('MB_ERR_BAD_ARGS');
    expect(() => new FrameDescriber({ sampleRate: 16000, frameLength: 512, fmin: 40 })).toThrow(/raise fmin to at least 63 Hz/);
    expect(thrownCode(() => frameDescriptors(new Float32Array(4096), { sampleRate: 16000, frameLength: 512, hop: 600 }))).toBe('MB_ERR_BAD_ARGS');
    expect(thrownCode(() => frameDescriptors(new Float32Array(4096), { sampleRate: 0 }))).toBe('MB_ERR_BAD_ARGS');
  });

  it('names exactly the descriptors a frame gets, in the column order of the shipped descriptor table', () => {
    const single = Object.keys(describeFrame(sine(440, 16000, 1024, 0.5), 16000));
    const series = Object.keys(frameDescriptors(sine(440, 16000, 4096, 0.5), { sampleRate: 16000 })).filter((k) => k !== 'frames' && k !== 'hopSeconds');
    expect([...single].sort()).toEqual([...DESCRIPTOR_NAMES].sort());
    expect([...series].sort()).toEqual([...DESCRIPTOR_NAMES].sort());
    // The committed table (and `analyze --feature descriptors` columns) follow this order.
    const table = JSON.parse(readFileSync(join(__dirname, '..', '..', 'models', 'vqvae-timbre', 'descriptors.json'), 'utf8'));
    expect(table.names).toEqual([...DESCRIPTOR_NAMES]);
  });
});

describe('known signals', () => {
  it.each([
    [8000, 300],
    [8000, 1000],
    [8000, 2500],
    [16000, 440],
    [16000, 1000],
    [16000, 5000],
    [44100, 1000],
  ])('at %i Hz the centroid of a %i Hz sine is within 2 %% of it; spread and rolloff within 2 bins', (sr, f) => {
    const binHz = sr / resolveDescriptorOptions({ sampleRate: sr }).frameLength;
    const d = frameDescriptors(sine(f, sr, sr / 2, 0.5), { sampleRate: sr });
    expect(everyFrame(d.centroid, (c) => Math.abs(c - f) / f < 0.02)).toBe(true);
    expect(everyFrame(d.bandwidth, (b) => b < 2 * binHz)).toBe(true);
    expect(everyFrame(d.rolloff, (r) => Math.abs(r - f) < 2 * binHz)).toBe(true);
  });

  it.each([8000, 16000])('at %i Hz the f0 of a 220 Hz band-limited saw is within 1 %% on every frame, voiced', (sr) => {
    const d = frameDescriptors(bandLimitedSaw(220, sr, sr), { sampleRate: sr });
    expect(d.frames).toBeGreaterThan(50);
    expect(everyFrame(d.f0, (f) => Math.abs(f - 220) / 220 < 0.01)).toBe(true);
    expect(everyFrame(d.voicing, (v) => v > 0.9)).toBe(true);
  });

  it.each([
    [8000, 82.4],
    [8000, 659.3],
    [16000, 110],
    [16000, 987.8],
    [22050, 329.6],
  ])('at %i Hz the f0 of a %f Hz sine is within 1 %%', (sr, f) => {
    const d = frameDescriptors(sine(f, sr, sr, 0.3), { sampleRate: sr });
    expect(everyFrame(d.f0, (v) => Math.abs(v - f) / f < 0.01)).toBe(true);
  });

  it('white noise is unvoiced: f0 0 on most frames and low confidence', () => {
    const d = frameDescriptors(whiteNoise(16000, 0.5, 3), { sampleRate: 16000 });
    expect(d.f0.filter((f) => f > 0).length).toBeLessThan(0.1 * d.frames);
    expect(median(d.voicing)).toBeLessThan(0.5);
  });

  it('loudness is dBFS with a full-scale sine at 0: a -20 dBFS sine reads -20 +- 0.5 dB', () => {
    for (const sr of [8000, 16000]) {
      const quiet = frameDescriptors(sine(440, sr, sr, 0.1), { sampleRate: sr });
      expect(everyFrame(quiet.loudness, (l) => Math.abs(l + 20) < 0.5)).toBe(true);
      const full = frameDescriptors(sine(1000, sr, sr, 1), { sampleRate: sr });
      expect(everyFrame(full.loudness, (l) => Math.abs(l) < 0.5)).toBe(true);
    }
  });

  it('flatness: white noise near 0.56, a sine near 0', () => {
    const noise = frameDescriptors(whiteNoise(16000, 0.5, 5), { sampleRate: 16000 });
    const tone = frameDescriptors(sine(700, 16000, 16000, 0.5), { sampleRate: 16000 });
    expect(median(noise.flatness)).toBeGreaterThan(0.45);
    expect(median(noise.flatness)).toBeLessThan(0.7);
    expect(Math.max(...tone.flatness)).toBeLessThan(0.01);
    expect(median(noise.flatness)).toBeGreaterThan(50 * Math.max(...tone.flatness));
  });

  it('white noise: centroid near Nyquist/2, spread near Nyquist/sqrt(12), rolloff near 0.85 Nyquist', () => {
    const sr = 16000;
    const d = frameDescriptors(whiteNoise(2 * sr, 0.5, 6), { sampleRate: sr });
    expect(median(d.centroid) / 4000).toBeCloseTo(1, 1);
    expect(median(d.bandwidth) / (8000 / Math.sqrt(12))).toBeCloseTo(1, 1);
    expect(median(d.rolloff) / (0.85 * 8000)).toBeCloseTo(1, 1);
  });

  it('a brighter sound has a higher centroid and rolloff', () => {
    const dull = frameDescriptors(bandLimitedSaw(220, 16000, 8000), { sampleRate: 16000, fmin: 100 });
    const bright = frameDescriptors(bandLimitedSaw(880, 16000, 8000), { sampleRate: 16000, fmin: 100 });
    expect(median(bright.centroid)).toBeGreaterThan(median(dull.centroid));
    expect(median(bright.rolloff)).toBeGreaterThan(median(dull.rolloff));
  });
});

describe('silence and edge cases', () => {
  it('silence reads loudness -120 and 0 elsewhere; never NaN across silence/tone boundaries', () => {
    const x = new Float32Array(16000);
    x.set(sine(300, 16000, 4000, 0.5), 6000);
    x.set(new Float32Array(500).fill(1e-9), 12000); // far below the floor: silent too
    const d = frameDescriptors(x, { sampleRate: 16000 });
    for (const name of DESCRIPTOR_NAMES) expect(d[name].every(Number.isFinite)).toBe(true);
    expect(d.loudness[0]).toBe(LOUDNESS_FLOOR_DB);
    for (const name of DESCRIPTOR_NAMES.filter((n) => n !== 'loudness')) expect(d[name][0]).toBe(0);
    expect(Math.min(...d.loudness)).toBe(LOUDNESS_FLOOR_DB);
    expect(d.voicing.every((v) => v >= 0 && v <= 1)).toBe(true);
    expect(d.flatness.every((v) => v >= 0 && v <= 1)).toBe(true);
  });

  it('a signal shorter than a frame gives zero frames; hopSeconds is hop / rate', () => {
    const d = frameDescriptors(new Float32Array(100), { sampleRate: 8000 });
    expect(d.frames).toBe(0);
    expect(d.hopSeconds).toBe(128 / 8000);
    expect(d.f0.length).toBe(0);
  });

  it('NaN samples are MB_ERR_BAD_AUDIO', () => {
    const x = sine(200, 8000, 1024);
    x[300] = NaN;
    expect(thrownCode(() => frameDescriptors(x, { sampleRate: 8000 }))).toBe('MB_ERR_BAD_AUDIO');
  });
});

describe('describeFrame', () => {
  it('gives the batch values of the same frame (the series store float32)', () => {
    const x = bandLimitedSaw(150, 16000, 8000);
    const d = frameDescriptors(x, { sampleRate: 16000 });
    const t = 7;
    const single = describeFrame(x.subarray(t * 256, t * 256 + 1024), 16000);
    for (const name of DESCRIPTOR_NAMES) expect(Math.fround(single[name])).toBe(d[name][t]);
  });

  it('handles a length that is not a power of two (zero-padded FFT)', () => {
    const d = describeFrame(sine(500, 16000, 1000, 0.5), 16000);
    expect(Math.abs(d.centroid - 500) / 500).toBeLessThan(0.02);
    expect(Math.abs(d.f0 - 500) / 500).toBeLessThan(0.01);
    expect(Math.abs(d.loudness + 6.02)).toBeLessThan(0.1);
  });
});

describe('DescriptorStream', () => {
  it.each([
    [8000, 1],
    [16000, 333],
    [16000, 5000],
  ])('at %i Hz random blocks up to %i give exactly the batch series', (sampleRate, maxBlock) => {
    const x = new Float32Array([...bandLimitedSaw(196, sampleRate, 6000), ...new Float32Array(2000), ...whiteNoise(6000, 0.2, 4)]);
    const batch = frameDescriptors(x, { sampleRate });
    const streamed = Object.fromEntries(DESCRIPTOR_NAMES.map((n) => [n, new Float32Array(batch.frames)])) as unknown as DescriptorSeries;
    let count = 0;
    const ds = new DescriptorStream({ sampleRate }, (v, t) => {
      expect(t).toBe(count++);
      for (const name of DESCRIPTOR_NAMES) streamed[name][t] = v[name];
    });
    for (const b of randomBlocks(x, maxBlock, maxBlock)) ds.push(b);
    expect(ds.frames).toBe(batch.frames);
    for (const name of DESCRIPTOR_NAMES) expect(Array.from(streamed[name])).toEqual(Array.from(batch[name]));
    expect(ds.latencySamples).toBe(ds.options.frameLength);
  });
});
