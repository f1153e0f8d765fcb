import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { WaveFile } from 'wavefile';
import { encodeWav, readWav, writeWav, type WavBitDepth } from '../../src/audio/wav';
import { maxAbsDiff, sine, thrownCode, whiteNoise } from './signals';

const dir = mkdtempSync(join(tmpdir(), 'mb-wav-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Worst-case round-trip error per format: half a quantisation step for integers. */
const CASES: { bitDepth: WavBitDepth; tolerance: number }[] = [
  { bitDepth: '16', tolerance: 0.5 / 2 ** 15 + 1e-9 },
  { bitDepth: '24', tolerance: 0.5 / 2 ** 23 + 1e-9 },
  { bitDepth: '32', tolerance: 1e-7 },
  { bitDepth: '32f', tolerance: 0 },
];

describe('WAV round trip', () => {
  const x = new Float32Array([...sine(440, 16000, 800, 0.9), ...whiteNoise(800, 0.99, 3), -1, 0.5, 0]);

  it.each(CASES)('$bitDepth-bit file keeps samples within $tolerance', ({ bitDepth, tolerance }) => {
    const path = join(dir, `rt-${bitDepth}.wav`);
    writeWav(path, x, 16000, { bitDepth });
    const wav = readWav(path);
    expect(wav.sampleRate).toBe(16000);
    expect(wav.channels).toBe(1);
    expect(wav.bitDepth).toBe(bitDepth);
    expect(wav.samples.length).toBe(x.length);
    expect(maxAbsDiff(wav.samples, x)).toBeLessThanOrEqual(tolerance);
  });

  it('defaults to 16-bit and reads from a buffer', () => {
    const wav = readWav(encodeWav(x, 22050));
    expect(wav.bitDepth).toBe('16');
    expect(wav.sampleRate).toBe(22050);
    expect(maxAbsDiff(wav.samples, x)).toBeLessThanOrEqual(0.5 / 2 ** 15 + 1e-9);
  });

  it('clips integer formats to [-1, 1] and keeps floats as they are', () => {
    const loud = new Float32Array([1.5, -2, 0.25]);
    const clipped = readWav(encodeWav(loud, 8000, { bitDepth: '16' })).samples;
    expect(clipped[0]).toBeCloseTo(32767 / 32768, 9);
    expect(clipped[1]).toBe(-1);
    expect(clipped[2]).toBe(0.25);
    expect(Array.from(readWav(encodeWav(loud, 8000, { bitDepth: '32f' })).samples)).toEqual([1.5, -2, 0.25]);
  });

  it('mixes stereo down to the mean of the channels', () => {
    const left = sine(300, 8000, 400, 0.8);
    const right = whiteNoise(400, 0.3, 9);
    const wav = readWav(encodeWav([left, right], 8000, { bitDepth: '32f' }));
    expect(wav.channels).toBe(2);
    const mean = left.map((v, i) => (v + right[i]) / 2);
    expect(maxAbsDiff(wav.samples, mean)).toBeLessThan(1e-7);
  });

  it('reads 8-bit unsigned PCM and 64-bit float made by another writer', () => {
    const w8 = new WaveFile();
    w8.fromScratch(1, 8000, '8', [0, 128, 255]);
    expect(Array.from(readWav(w8.toBuffer()).samples)).toEqual([-1, 0, 127 / 128]);
    const w64 = new WaveFile();
    w64.fromScratch(1, 8000, '64', [0.125, -0.75]);
    expect(Array.from(readWav(w64.toBuffer()).samples)).toEqual([0.125, -0.75]);
  });
});

describe('WAV errors', () => {
  it('a missing file is MB_ERR_NOT_FOUND', () => {
    expect(thrownCode(() => readWav(join(dir, 'nope.wav')))).toBe('MB_ERR_NOT_FOUND');
  });

  it('writing into a missing folder is MB_ERR_NOT_FOUND', () => {
    expect(thrownCode(() => writeWav(join(dir, 'no', 'such', 'x.wav'), new Float32Array(4), 8000))).toBe('MB_ERR_NOT_FOUND');
  });

  it('text, an empty file and a folder are MB_ERR_BAD_AUDIO with a message naming the problem', () => {
    const text = join(dir, 'text.wav');
    writeFileSync(text, 'this is not a wave file, only text');
    const empty = join(dir, 'empty.wav');
    writeFileSync(empty, '');
    expect(() => readWav(text)).toThrow(/not a readable WAV/);
    expect(thrownCode(() => readWav(text))).toBe('MB_ERR_BAD_AUDIO');
    expect(() => readWav(empty)).toThrow(/empty/);
    expect(thrownCode(() => readWav(dir))).toBe('MB_ERR_BAD_AUDIO');
  });

  it('a WAV without samples is MB_ERR_BAD_AUDIO', () => {
    const w = new WaveFile();
    w.fromScratch(1, 16000, '16', []);
    expect(() => readWav(w.toBuffer())).toThrow(/no audio samples/);
  });

  it('NaN in a float WAV is MB_ERR_BAD_AUDIO naming the sample', () => {
    const w = new WaveFile();
    w.fromScratch(1, 16000, '32f', [0, 0.5, NaN, 0]);
    expect(() => readWav(w.toBuffer())).toThrow(/sample 2 is not a finite number/);
    expect(thrownCode(() => readWav(w.toBuffer()))).toBe('MB_ERR_BAD_AUDIO');
  });

  it('compressed encodings are refused', () => {
    const w = new WaveFile();
    w.fromScratch(1, 8000, '16', [0, 1000, -1000]);
    w.toALaw();
    expect(thrownCode(() => readWav(w.toBuffer()))).toBe('MB_ERR_BAD_AUDIO');
  });

  it('writing NaN, nothing, uneven channels or a bad bit depth is refused', () => {
    expect(thrownCode(() => encodeWav(new Float32Array([0, NaN]), 8000))).toBe('MB_ERR_BAD_AUDIO');
    expect(thrownCode(() => encodeWav(new Float32Array(0), 8000))).toBe('MB_ERR_BAD_AUDIO');
    expect(thrownCode(() => encodeWav([new Float32Array(3), new Float32Array(2)], 8000))).toBe('MB_ERR_BAD_ARGS');
    expect(thrownCode(() => encodeWav(new Float32Array(3), 8000, { bitDepth: '12' as WavBitDepth }))).toBe('MB_ERR_BAD_ARGS');
    expect(thrownCode(() => encodeWav(new Float32Array(3), 0))).toBe('MB_ERR_BAD_ARGS');
  });
});
