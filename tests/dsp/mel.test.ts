import { describe, expect, it } from 'vitest';
import { MEL_LOG_OFFSET, MelFilterbank, MelStream, hzToMel, melSpectrogram, melToHz, resolveMelOptions } from '../../src/dsp/mel';
import { frameCount } from '../../src/dsp/stft';
import { maxAbsDiff, randomBlocks, sine, thrownCode, whiteNoise } from '../audio/signals';

/** The band whose mean log-mel value over all frames is largest. */
function loudestBand(m: { data: Float32Array; channels: number; frames: number }): number {
  let best = 0;
  let bestMean = -Infinity;
  for (let c = 0; c < m.channels; c++) {
    let s = 0;
    for (let t = 0; t < m.frames; t++) s += m.data[c * m.frames + t];
    if (s / m.frames > bestMean) [best, bestMean] = [c, s / m.frames];
  }
  return best;
}

describe('mel scales', () => {
  it('slaney is linear below 1 kHz (15 mel at 1 kHz) and logarithmic above', () => {
    expect(hzToMel(1000)).toBeCloseTo(15, 10);
    expect(hzToMel(500)).toBeCloseTo(7.5, 10);
    expect(hzToMel(6400) - hzToMel(1000)).toBeCloseTo(27, 10);
  });

  it('htk follows 2595 log10(1 + f/700)', () => {
    expect(hzToMel(700, 'htk')).toBeCloseTo(2595 * Math.log10(2), 9);
  });

  it.each(['slaney', 'htk'] as const)('%s melToHz inverts hzToMel', (scale) => {
    for (const f of [0, 60, 440, 999, 1000, 3000, 7999, 22050]) expect(melToHz(hzToMel(f, scale), scale)).toBeCloseTo(f, 6);
  });
});

describe('MelFilterbank', () => {
  const o = resolveMelOptions({ sampleRate: 16000, nFft: 1024, nMels: 40 });

  it('slaney norm gives every band (wider than a few bins) unit area in Hz', () => {
    const fb = new MelFilterbank(o);
    const flat = new Float32Array(513).fill(1);
    const out = new Float32Array(40);
    fb.apply(flat, out);
    const binHz = 16000 / 1024;
    for (let m = 10; m < 40; m++) expect(Math.exp(out[m]) * binHz).toBeCloseTo(1, 1);
  });

  it('without norm each triangle peaks at 1 on its centre frequency', () => {
    const fb = new MelFilterbank({ ...o, norm: 'none' });
    const binHz = 16000 / 1024;
    for (const m of [5, 20, 35]) {
      const centre = fb.edgesHz[m + 1];
      const power = new Float32Array(513);
      power[Math.round(centre / binHz)] = 1;
      const out = new Float32Array(40);
      fb.apply(power, out);
      const expected = 1 - Math.abs(Math.round(centre / binHz) * binHz - centre) / Math.min(centre - fb.edgesHz[m], fb.edgesHz[m + 2] - centre);
      expect(Math.exp(out[m]) - MEL_LOG_OFFSET).toBeCloseTo(expected, 4);
    }
  });

  it('spans exactly [fmin, fmax]', () => {
    const fb = new MelFilterbank(resolveMelOptions({ sampleRate: 16000, fmin: 100, fmax: 7000, nMels: 20 }));
    expect(fb.edgesHz[0]).toBeCloseTo(100, 6);
    expect(fb.edgesHz[21]).toBeCloseTo(7000, 6);
  });
});

describe('melSpectrogram', () => {
  it('has frameCount frames, nMels channels, channel-major data', () => {
    const x = whiteNoise(16000);
    const m = melSpectrogram(x, { sampleRate: 16000, nFft: 512, hop: 160, nMels: 64 });
    expect(m.channels).toBe(64);
    expect(m.frames).toBe(frameCount(16000, 512, 160));
    expect(m.data.length).toBe(64 * m.frames);
    expect(melSpectrogram(new Float32Array(100), { sampleRate: 16000, nFft: 512 }).frames).toBe(0);
  });

  it.each([
    [440, 'slaney'],
    [1000, 'slaney'],
    [3000, 'htk'],
  ] as const)('puts a %i Hz sine in the band that spans it (%s)', (f, scale) => {
    const x = sine(f, 16000, 8000, 0.5);
    const o = resolveMelOptions({ sampleRate: 16000, nFft: 1024, nMels: 64, scale });
    const band = loudestBand(melSpectrogram(x, o));
    const edges = new MelFilterbank(o).edgesHz;
    expect(edges[band]).toBeLessThan(f);
    expect(edges[band + 2]).toBeGreaterThan(f);
  });

  it('the batch is computed in chunks; a long signal matches its per-frame values', () => {
    const x = whiteNoise(16000 * 6, 0.5, 4);
    const o = { sampleRate: 16000, nFft: 512, hop: 128, nMels: 32 };
    const m = melSpectrogram(x, o);
    const t = 300; // beyond the first chunk of 256 frames
    const single = melSpectrogram(x.subarray(t * 128, t * 128 + 512), o);
    for (let c = 0; c < 32; c++) expect(m.data[c * m.frames + t]).toBe(single.data[c]);
  });

  it('silence gives ln(1e-6) in ln mode and -100 in dB mode, never NaN', () => {
    const x = new Float32Array(4096);
    for (const v of melSpectrogram(x, { sampleRate: 8000, nFft: 256 }).data) expect(v).toBeCloseTo(Math.log(1e-6), 6);
    for (const v of melSpectrogram(x, { sampleRate: 8000, nFft: 256, log: 'db' }).data) expect(v).toBeCloseTo(-100, 4);
  });

  it('dB mode is 10 log10 of the same mel energies', () => {
    const x = whiteNoise(4096, 0.3, 8);
    const ln = melSpectrogram(x, { sampleRate: 8000, nFft: 256 });
    const db = melSpectrogram(x, { sampleRate: 8000, nFft: 256, log: 'db' });
    for (let i = 0; i < ln.data.length; i += 37) {
      expect(db.data[i]).toBeCloseTo(10 * Math.log10(Math.exp(ln.data[i]) - MEL_LOG_OFFSET), 2);
    }
  });

  it('ignores energy outside [fmin, fmax]', () => {
    const lowTone = sine(200, 16000, 8000, 0.5);
    const inside = melSpectrogram(lowTone, { sampleRate: 16000, fmin: 0, fmax: 8000, nMels: 32 });
    const outside = melSpectrogram(lowTone, { sampleRate: 16000, fmin: 1000, fmax: 8000, nMels: 32 });
    expect(Math.max(...outside.data)).toBeLessThan(Math.max(...inside.data) - 10);
  });

  it('checks its options', () => {
    const x = new Float32Array(2048);
    expect(thrownCode(() => melSpectrogram(x, { sampleRate: 16000, nFft: 1000 }))).toBe('MB_ERR_BAD_ARGS');
    expect(thrownCode(() => melSpectrogram(x, { sampleRate: 16000, fmax: 9000 }))).toBe('MB_ERR_BAD_ARGS');
    expect(thrownCode(() => melSpectrogram(x, { sampleRate: 16000, fmin: 5000, fmax: 4000 }))).toBe('MB_ERR_BAD_ARGS');
    expect(thrownCode(() => melSpectrogram(x, { sampleRate: 16000, nMels: 0 }))).toBe('MB_ERR_BAD_ARGS');
    expect(thrownCode(() => melSpectrogram(x, { sampleRate: 16000, nFft: 256, hop: 512 }))).toBe('MB_ERR_BAD_ARGS');
  });
});

describe('MelStream', () => {
  it.each([
    [8000, 256, 80, 1],
    [16000, 512, 160, 700],
    [16000, 1024, 1024, 3000],
  ])('at %i Hz (nFft %i, hop %i) random blocks up to %i give the batch frames', (sampleRate, nFft, hop, maxBlock) => {
    const x = new Float32Array([...whiteNoise(9000, 0.4, 2), ...sine(330, sampleRate, 9000, 0.6)]);
    const o = { sampleRate, nFft, hop, nMels: 40 };
    const batch = melSpectrogram(x, o);
    const streamed = new Float32Array(batch.data.length);
    const indices: number[] = [];
    const ms = new MelStream(o, (col, t) => {
      indices.push(t);
      for (let c = 0; c < col.length; c++) streamed[c * batch.frames + t] = col[c];
    });
    for (const b of randomBlocks(x, maxBlock, nFft)) ms.push(b);
    expect(ms.frames).toBe(batch.frames);
    expect(indices).toEqual(Array.from({ length: batch.frames }, (_, i) => i));
    expect(maxAbsDiff(streamed, batch.data)).toBeLessThan(1e-5);
  });

  it('reset starts frame numbering again', () => {
    const seen: number[] = [];
    const ms = new MelStream({ sampleRate: 8000, nFft: 256, hop: 256 }, (_c, t) => seen.push(t));
    ms.push(new Float32Array(512));
    ms.reset();
    ms.push(new Float32Array(256));
    expect(seen).toEqual([0, 1, 0]);
    expect(ms.latencySamples).toBe(256);
  });
});
