import FFT from 'fft.js';
import { describe, expect, it } from 'vitest';
import { hannWindow } from '../../../src/dsp/stft';
import { applyOp, latentStats, type LatentSeries } from '../../../src/vq/deform';
import { HarmonicRenderer, hannResponse } from '../../../src/vq/synthesis/harmonic';
import { lerpSeries } from '../../../src/vq/interpolate';
import { HarmonicOverlapAdd } from '../../../src/vq/synthesis/overlap-add';

const W = 1024;
const SR = 16000;
const BINS = W / 2 + 1;

/** |rfft(hann x frame)| of a sum of harmonics of f0 with the given amplitudes and random phases. */
function harmonicSpectrum(f0: number, amplitude: (hz: number) => number): Float32Array {
  const fft = new FFT(W);
  const hann = hannWindow(W);
  const x = new Array<number>(W).fill(0);
  let seed = 7;
  for (let h = 1; h * f0 < SR / 2; h++) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    const phase = (seed / 4294967296) * 2 * Math.PI;
    // |rfft| of a Hann-windowed sinusoid of amplitude a peaks at a x W / 4.
    const a = (4 / W) * amplitude(h * f0);
    for (let n = 0; n < W; n++) x[n] += a * Math.cos((2 * Math.PI * h * f0 * n) / SR + phase) * hann[n];
  }
  const spec = fft.createComplexArray() as number[];
  fft.realTransform(spec, x);
  return Float32Array.from({ length: BINS }, (_, k) => Math.hypot(spec[2 * k], spec[2 * k + 1]));
}

function sc(a: Float32Array, b: Float32Array): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num += (a[i] - b[i]) ** 2;
    den += a[i] ** 2;
  }
  return Math.sqrt(num / den);
}

describe('HarmonicRenderer (pitch carried beside the code)', () => {
  it("draws the Hann window's response around each harmonic: 1 on it, 0.5 one bin away", () => {
    expect(hannResponse(0, W)).toBeCloseTo(1, 6);
    expect(hannResponse(1, W)).toBeCloseTo(0.5, 3);
    expect(hannResponse(2, W)).toBeCloseTo(0, 3);
    expect(hannResponse(0.5, W)).toBeCloseTo(0.849, 2);
    const r = new HarmonicRenderer(W, SR);
    const env = new Float32Array(2 * BINS);
    env.fill(1, 0, BINS); // harmonic envelope 1, no noise
    const out = new Float32Array(BINS);
    r.render(env, 0, 250, out); // harmonics on bins 16, 32, ...
    expect(out[16]).toBeCloseTo(1, 3);
    expect(out[15]).toBeCloseTo(0.5, 2);
    expect(out[17]).toBeCloseTo(0.5, 2);
    expect(out[24]).toBeCloseTo(0, 6);
    expect(out[0]).toBeCloseTo(0, 6);
  });

  it('matches the measured spectrum of a real harmonic sound with that envelope', () => {
    for (const f0 of [97.3, 220, 431.7]) {
      const envelope = (hz: number) => 100 / (1 + hz / 500);
      const measured = harmonicSpectrum(f0, envelope);
      const env = new Float32Array(2 * BINS);
      for (let k = 0; k < BINS; k++) env[k] = envelope((k * SR) / W);
      const out = new Float32Array(BINS);
      new HarmonicRenderer(W, SR).render(env, 0, f0, out);
      // Only the envelope's slope across each peak and far side lobes differ.
      expect(sc(measured, out), `f0 ${f0}`).toBeLessThan(0.08);
    }
  });

  it('unvoiced (f0 = 0) leaves the noise envelope alone, times the gain; bad input is refused', () => {
    const env = Float32Array.from({ length: 2 * BINS }, (_, i) => (i < BINS ? 5 : 0.25));
    const out = new Float32Array(BINS);
    const r = new HarmonicRenderer(W, SR);
    r.render(env, 0, 0, out, 2);
    expect(Array.from(out).every((v) => Math.abs(v - 0.5) < 1e-6)).toBe(true);
    expect(() => r.render(env, 0, Number.NaN, out)).toThrow(/f0/);
    expect(() => r.render(env.subarray(0, BINS), 0, 100, out)).toThrow(/expected 1026/);
    expect(() => new HarmonicOverlapAdd(W, 256, 513, SR)).toThrow(/1026/);
  });

  it('the overlap-add plays the pitch it is given', () => {
    // A falling envelope: the fundamental is the strongest partial.
    const env = Float32Array.from({ length: 2 * BINS }, (_, k) => (k < BINS ? 50 / (1 + k / 10) : 0));
    const ola = new HarmonicOverlapAdd(W, 256, 2 * BINS, SR);
    const frames = 40;
    const out = new Float32Array((frames - 1) * 256 + W);
    for (let t = 0; t < frames; t++) {
      ola.f0 = 300;
      ola.push(env, out, 0, t * 256);
    }
    ola.flush(out, frames * 256);
    // The strongest partial of the steady middle is the 300 Hz fundamental.
    const mid = out.subarray(W * 2, W * 2 + SR / 4);
    const spec = harmonicSpectrumOf(mid.subarray(0, W));
    let best = 0;
    for (let k = 1; k < BINS; k++) if (spec[k] > spec[best]) best = k;
    expect(Math.abs((best * SR) / W - 300)).toBeLessThan(SR / W);
  });
});

function harmonicSpectrumOf(x: Float32Array): Float32Array {
  const fft = new FFT(W);
  const hann = hannWindow(W);
  const spec = fft.createComplexArray() as number[];
  fft.realTransform(spec, Array.from(x, (v, i) => v * hann[i]));
  return Float32Array.from({ length: BINS }, (_, k) => Math.hypot(spec[2 * k], spec[2 * k + 1]));
}

describe('pitch through deformation and interpolation', () => {
  const d = 2;
  const series = (f0: number[]): LatentSeries => ({
    latents: Float32Array.from({ length: f0.length * d }, (_, i) => i),
    gains: new Float32Array(f0.length).fill(0.1),
    latentDim: d,
    frameRate: 62.5,
    f0: Float32Array.from(f0),
  });
  const stats = latentStats(new Float32Array([0, 0, 1, 1]), d);

  it('reverse, stretch and freeze move the pitch with the frames; latent ops keep it', () => {
    const s = series([100, 200, 0, 400]);
    expect(Array.from(applyOp(s, { op: 'reverse' }, stats).f0!)).toEqual([400, 0, 200, 100]);
    const stretched = applyOp(series([100, 400]), { op: 'stretch', factor: 1.5 }, stats).f0!;
    expect(stretched.length).toBe(3);
    expect(stretched[1]).toBeCloseTo(200, 3); // geometric glide between voiced frames
    expect(Array.from(applyOp(s, { op: 'freeze', start: 0, end: 1 }, stats).f0!)).toEqual([100, 100, 100, 100]);
    expect(Array.from(applyOp(s, { op: 'scale', factor: 2 }, stats).f0!)).toEqual([100, 200, 0, 400]);
  });

  it('mixes pitch geometrically over voiced series, unvoiced when they hold under half the weight', () => {
    const a = series([100, 100, 0]);
    const b = series([400, 0, 0]);
    const f0 = lerpSeries(a, b, 0.5).f0!;
    expect(f0[0]).toBeCloseTo(200, 3);
    expect(f0[1]).toBeCloseTo(100, 3);
    expect(f0[2]).toBe(0);
    expect(lerpSeries(a, b, 0.75).f0![1]).toBe(0);
  });
});
