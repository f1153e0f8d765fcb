import { describe, expect, it } from 'vitest';
import { StreamResampler, resample } from '../../src/audio/resample';
import { maxAbsDiff, randomBlocks, rms, sine, thrownCode, whiteNoise } from './signals';

const RATES = [8000, 16000, 22050, 44100, 48000];
const PAIRS = RATES.flatMap((a) => RATES.filter((b) => b !== a).map((b) => [a, b] as const));

/** Error of `y` against `ref` in dB relative to a full-scale sine, away from the edges. */
function errorDb(y: Float32Array, ref: Float32Array): number {
  const skip = Math.floor(y.length / 10);
  const diff = y.subarray(skip, y.length - skip).map((v, i) => v - ref[skip + i]);
  return 20 * Math.log10(rms(diff) / Math.SQRT1_2);
}

function streamAll(r: StreamResampler, blocks: Float32Array[]): Float32Array {
  const out: number[] = [];
  const collect = (chunk: Float32Array): void => {
    for (const v of chunk) out.push(v);
  };
  for (const b of blocks) r.push(b, collect);
  r.flush(collect);
  return Float32Array.from(out);
}

describe('resample', () => {
  it('is the identity (a copy) when the rates are equal', () => {
    const x = whiteNoise(1000);
    const y = resample(x, 16000, 16000);
    expect(y).not.toBe(x);
    expect(Array.from(y)).toEqual(Array.from(x));
  });

  it.each(PAIRS)('%i -> %i: a 440 Hz sine comes out as the same sine (error < -80 dB) with ceil(N*r) samples', (from, to) => {
    const y = resample(sine(440, from, from), from, to);
    expect(y.length).toBe(Math.ceil((from * to) / from));
    expect(errorDb(y, sine(440, to, y.length))).toBeLessThan(-80);
  });

  it('a 1 kHz sine survives 48k -> 16k -> 48k', () => {
    const x = sine(1000, 48000, 48000);
    const y = resample(resample(x, 48000, 16000), 16000, 48000);
    expect(y.length).toBe(x.length);
    expect(errorDb(y, x)).toBeLessThan(-60);
  });

  it('a 6 kHz tone is removed going 48k -> 8k (aliasing below -40 dB; design about -86 dB)', () => {
    const y = resample(sine(6000, 48000, 48000), 48000, 8000);
    const level = 20 * Math.log10(rms(y, 400, y.length - 400) / Math.SQRT1_2);
    expect(level).toBeLessThan(-40);
  });

  it.each([
    [44100, 16000, 10000],
    [48000, 16000, 8500],
    [22050, 8000, 5000],
  ])('%i -> %i suppresses a %i Hz tone above the new Nyquist by at least 60 dB', (from, to, f) => {
    const y = resample(sine(f, from, from), from, to);
    expect(20 * Math.log10(rms(y, 400, y.length - 400) / Math.SQRT1_2)).toBeLessThan(-60);
  });

  it('keeps the passband flat: 3 kHz through 48k -> 8k loses under 0.1 dB', () => {
    const y = resample(sine(3000, 48000, 48000), 48000, 8000);
    expect(Math.abs(20 * Math.log10(rms(y, 400, y.length - 400) / Math.SQRT1_2))).toBeLessThan(0.1);
  });

  it('passes a constant exactly away from the edges', () => {
    const y = resample(new Float32Array(4000).fill(0.5), 44100, 16000);
    for (let i = 200; i < y.length - 200; i++) expect(Math.abs(y[i] - 0.5)).toBeLessThan(1e-6);
  });

  it('refuses rates that are not integers in range', () => {
    expect(thrownCode(() => resample(new Float32Array(8), 0, 16000))).toBe('MB_ERR_BAD_ARGS');
    expect(thrownCode(() => resample(new Float32Array(8), 16000, 44100.5))).toBe('MB_ERR_BAD_ARGS');
    expect(thrownCode(() => new StreamResampler(48000, 999))).toBe('MB_ERR_BAD_ARGS');
  });
});

describe('StreamResampler', () => {
  it.each([
    [48000, 16000],
    [44100, 16000],
    [8000, 16000],
    [22050, 48000],
    [16000, 44100],
  ])('%i -> %i: random blocks give exactly the batch output', (from, to) => {
    const x = whiteNoise(20000, 0.8, from);
    const batch = resample(x, from, to);
    const r = new StreamResampler(from, to);
    expect(maxAbsDiff(streamAll(r, randomBlocks(x, 700, to)), batch)).toBe(0);
    // flush() reset the state: a second stream on the same object matches too.
    expect(maxAbsDiff(streamAll(r, randomBlocks(x, 3, 5)), batch)).toBe(0);
    expect(maxAbsDiff(streamAll(r, [x]), batch)).toBe(0);
  });

  it('before flush, emits a prefix of the batch output and holds back only the look-ahead', () => {
    const x = whiteNoise(5000, 0.8, 11);
    const r = new StreamResampler(48000, 16000);
    const out: number[] = [];
    for (const b of randomBlocks(x, 256)) r.push(b, (c) => out.push(...c));
    const batch = resample(x, 48000, 16000);
    expect(maxAbsDiff(out, batch.subarray(0, out.length))).toBe(0);
    expect(batch.length - out.length).toBeLessThanOrEqual(r.latencySamples + 1);
    expect(batch.length - out.length).toBeGreaterThan(0);
  });

  it('passes samples through untouched when the rates are equal', () => {
    const x = whiteNoise(10000, 0.9, 12);
    const r = new StreamResampler(22050, 22050);
    expect(r.latencySamples).toBe(0);
    expect(maxAbsDiff(streamAll(r, randomBlocks(x, 6000)), x)).toBe(0);
  });

  it('reports its look-ahead as latency at the output rate', () => {
    const r = new StreamResampler(48000, 16000);
    expect(r.lookahead).toBeGreaterThan(0);
    expect(r.latencySamples).toBe(Math.ceil(r.lookahead / 3));
    expect(r.outputLength(48001)).toBe(16001);
  });
});
