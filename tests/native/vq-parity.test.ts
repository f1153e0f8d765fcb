import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../src/core/random';
import { getNative } from '../../src/native';
import { Yin } from '../../src/dsp/yin';
import { PhaseReconstructor, type PhaseLookahead } from '../../src/vq/synthesis/pghi';
import { VqRuntime, VqStreamProcessor, type VqModel } from '../../src/vq';
import { audioOf, join } from '../vq/live';
import { MODEL_DIR, noise, tone } from '../vq/fixtures';

// The VQ stream's native kernels (src/native/addon/yin.cc, pghi.cc) against their TypeScript
// forms: both take the same steps, so f0, spectra and reconstructed frames agree to rounding.
// (tests/native/parity.test.ts checks that the addon is built under CI.)
const native = getNative();
const sr = 16000;
const n = 1024;

/** Seeded uniform numbers in [-0.5, 0.5). */
function rng(seed: number): () => number {
  const next = mulberry32(seed);
  return () => next() - 0.5;
}

/**
 * A glide, noise, then a DC step (with a little noise: an exactly constant stretch makes d(tau)
 * zero at every short lag, and d' rounding noise on both paths) and digital silence.
 */
function signal(): Float32Array {
  const r = rng(5);
  const x = new Float32Array(sr * 2);
  for (let i = 0; i < x.length; i++) {
    const f = 90 + 900 * (i / x.length);
    x[i] = i < 20000 ? 0.5 * Math.sin((2 * Math.PI * f * i) / sr) + 0.02 * r() : i < 26000 ? 0.3 * r() : i < 28000 ? 0.2 + 0.01 * r() : 0;
  }
  return x;
}

/** Moving partials, a band of noise, gaps (all-silent frames) and one frame with a huge peak. */
function magnitudeFrames(count: number): Float32Array[] {
  const r = rng(9);
  return Array.from({ length: count }, (_, t) => {
    const m = new Float32Array(n / 2 + 1);
    if (t % 40 < 2) return m;
    for (let k = 0; k < m.length; k++) {
      m[k] = Math.abs(Math.exp(-((k - 20 - t / 7) ** 2) / 4) + 0.4 * Math.exp(-((k - 3 * (20 + t / 7)) ** 2) / 4) + 0.05 * Math.exp(-((k - 300) ** 2) / 900) * (1 + r()) + 1e-4 * r());
    }
    if (t === 77) m[100] = 1e6;
    return m;
  });
}

describe.runIf(native !== null)('VQ stream kernels: native against TypeScript', () => {
  it('YIN gives the same f0, voicing, confidence and Hann spectrum', () => {
    const x = signal();
    const ts = new Yin({ sampleRate: sr, frameLength: n }, false);
    const nat = new Yin({ sampleRate: sr, frameLength: n });
    expect(ts.isNative).toBe(false);
    expect(nat.isNative).toBe(true);
    const [pa, pb] = [new Float32Array(n / 2 + 1), new Float32Array(n / 2 + 1)];
    let voiced = 0;
    for (let s = 0; s + n <= x.length; s += 256) {
      const frame = x.subarray(s, s + n);
      const a = ts.estimate(frame);
      // Float64 and plain-array frames take the native path too (a copy for the latter).
      const b = nat.estimate(s % 512 === 0 ? Float64Array.from(frame) : Array.from(frame));
      expect(b.f0 > 0).toBe(a.f0 > 0);
      expect(Math.abs(b.f0 - a.f0)).toBeLessThanOrEqual(1e-9 * Math.max(1, a.f0));
      expect(Math.abs(b.confidence - a.confidence)).toBeLessThanOrEqual(1e-9);
      if (a.f0 > 0) voiced++;
      ts.hannPowerSpectrum(pa);
      nat.hannPowerSpectrum(pb);
      for (let k = 0; k < pa.length; k++) expect(Math.abs(pb[k] - pa[k])).toBeLessThanOrEqual(1e-6 * Math.max(pa[k], 1e-6));
    }
    expect(voiced).toBeGreaterThan(50);
  });

  it("the encoder's frame analysis (gain, f0, normalized Hann magnitudes) is the same", () => {
    const x = signal();
    const ts = new Yin({ sampleRate: sr, frameLength: n }, false);
    const nat = new Yin({ sampleRate: sr, frameLength: n });
    const [ma, mb] = [new Float32Array(3 * (n / 2 + 1)), new Float32Array(3 * (n / 2 + 1))];
    let voiced = 0;
    for (let s = 0; s + n <= x.length; s += 256) {
      const slot = (s / 256) % 3;
      const a = ts.frameSpectrum(x, s, 1e-5, ma, slot * (n / 2 + 1));
      const b = nat.frameSpectrum(x, s, 1e-5, mb, slot * (n / 2 + 1));
      expect(b.gain).toBe(a.gain);
      expect(Math.abs(b.f0 - a.f0)).toBeLessThanOrEqual(1e-9 * Math.max(1, a.f0));
      if (a.f0 > 0) voiced++;
      for (let k = slot * (n / 2 + 1); k < (slot + 1) * (n / 2 + 1); k++) expect(Math.abs(mb[k] - ma[k])).toBeLessThanOrEqual(1e-6 * Math.max(ma[k], 1e-3));
    }
    expect(voiced).toBeGreaterThan(50);
    // Digital silence: the gain floor, and no division by zero.
    const silent = nat.frameSpectrum(new Float32Array(n), 0, 1e-5, mb, 0);
    expect(silent.gain).toBe(Math.fround(1e-5));
    expect(mb.subarray(0, n / 2 + 1).every((v) => v === 0)).toBe(true);
    expect(() => nat.frameSpectrum(x, x.length - 10, 1e-5, mb, 0)).toThrow(/MB_ERR_BAD_ARGS|samples/);
  });

  it('YIN with a frame that is not a power of two (zero-padded transform)', () => {
    const x = signal();
    const ts = new Yin({ sampleRate: sr, frameLength: 1000 }, false);
    const nat = new Yin({ sampleRate: sr, frameLength: 1000 });
    for (let s = 0; s + 1000 <= 16000; s += 333) expect(nat.estimate(x.subarray(s, s + 1000)).f0).toBeCloseTo(ts.estimate(x.subarray(s, s + 1000)).f0, 9);
    expect(() => nat.hannPowerSpectrum(new Float32Array(501))).toThrow(/power-of-two/);
  });

  it.each([0, 1] as PhaseLookahead[])('phase reconstruction writes the same frames (look-ahead %i)', (lookahead) => {
    const ts = new PhaseReconstructor(n, 256, { lookahead, native: false });
    const nat = new PhaseReconstructor(n, 256, { lookahead });
    expect(nat.isNative).toBe(true);
    const [fa, fb] = [new Float32Array(n), new Float32Array(n)];
    let maxDiff = 0;
    let peak = 0;
    const compare = () => {
      for (let i = 0; i < n; i++) {
        maxDiff = Math.max(maxDiff, Math.abs(fa[i] - fb[i]));
        peak = Math.max(peak, Math.abs(fa[i]));
      }
    };
    magnitudeFrames(150).forEach((m, t) => {
      // Float32, Float64 at an offset, and a plain array with a gain.
      const gain = t % 3 === 2 ? 0.5 : 1;
      const input = t % 3 === 0 ? m : t % 3 === 1 ? Float64Array.from([9, ...m]) : Array.from(m);
      const offset = t % 3 === 1 ? 1 : 0;
      expect(nat.next(input, fb, offset, gain)).toBe(ts.next(input, fa, offset, gain));
      compare();
      if (t === 100) {
        ts.reset();
        nat.reset();
      }
    });
    expect(nat.flush(fb)).toBe(ts.flush(fa));
    compare();
    expect(peak).toBeGreaterThan(1e-3);
    expect(maxDiff).toBeLessThanOrEqual(1e-6 * peak);
  });

  it.each([true, false])('an infinite or NaN magnitude neither crashes nor poisons the phase (native %s)', (nativeOn) => {
    const pr = new PhaseReconstructor(n, 256, { native: nativeOn });
    expect(pr.isNative).toBe(nativeOn);
    const frame = new Float32Array(n);
    const frames = magnitudeFrames(30);
    frames[10] = frames[10].map((v, k) => (k === 40 ? Infinity : k === 41 ? NaN : v));
    frames[11] = frames[11].fill(Infinity);
    const finite: boolean[] = frames.map((m) => {
      pr.next(m, frame);
      return frame.every(Number.isFinite);
    });
    expect(finite.slice(0, 10).every(Boolean)).toBe(true);
    // The two bad frames (and the one after, whose time derivative reads them) may be lost; the stream then recovers.
    expect(finite.slice(14).every(Boolean)).toBe(true);
  });

  it('checks its arguments: a short magnitude array is a coded error, a short frame a TypeError', () => {
    const nat = new PhaseReconstructor(n, 256);
    expect(() => nat.next(new Float32Array(100), new Float32Array(n))).toThrow(/MB_ERR_BAD_ARGS|expected 513/);
    expect(() => nat.next(new Float32Array(513), new Float32Array(10))).toThrow(TypeError);
    const addon = native!;
    expect(() => new addon.PhaseReconstructor(1000, 256, 1e-5, 0, new Float32Array(1000), new Float64Array(6000), 4096, 100)).toThrow(TypeError);
    expect(() => new addon.Yin(1024, 1024, 8, 900, 0.15, 16000)).toThrow(TypeError);
  });

  it('the whole live stream (256-sample blocks) gives the same samples on either path', async () => {
    // MB_NATIVE=0 is read where the model (its YIN) and the stream (its phase reconstruction) are made.
    const load = async (nativeOn: boolean) => {
      const saved = process.env.MB_NATIVE;
      process.env.MB_NATIVE = nativeOn ? '1' : '0';
      try {
        const runtime = await VqRuntime.load(MODEL_DIR);
        return { model: runtime.model, stream: VqStreamProcessor.create(runtime, 16000) };
      } finally {
        if (saved === undefined) delete process.env.MB_NATIVE;
        else process.env.MB_NATIVE = saved;
      }
    };
    const [ts, nat] = [await load(false), await load(true)];
    // (The model's YIN is private; read it here to be sure the two differ in what they run on.)
    const yinOf = (m: VqModel) => (m as unknown as { yin: Yin }).yin;
    expect([yinOf(ts.model).isNative, yinOf(nat.model).isNative]).toEqual([false, true]);
    try {
      const a = tone(196, 0.6);
      const x = new Float32Array(a.length + 8000 + 4000);
      x.set(a);
      x.set(noise(0.5, 0.2), a.length); // then 0.25 s of digital silence
      let maxDiff = 0;
      let peak = 0;
      for (let i = 0; i <= x.length; i += 256) {
        const last = i + 256 > x.length;
        const [oa, ob] = last ? [await ts.stream.flush(), await nat.stream.flush()] : [await ts.stream.process(x.subarray(i, i + 256)), await nat.stream.process(x.subarray(i, i + 256))];
        const [ya, yb] = [join(audioOf(oa)), join(audioOf(ob))];
        expect(yb.length).toBe(ya.length);
        for (let j = 0; j < ya.length; j++) {
          maxDiff = Math.max(maxDiff, Math.abs(ya[j] - yb[j]));
          peak = Math.max(peak, Math.abs(ya[j]));
        }
      }
      expect(peak).toBeGreaterThan(0.05);
      expect(maxDiff).toBeLessThanOrEqual(1e-6 * peak);
    } finally {
      await ts.model.dispose();
      await nat.model.dispose();
    }
  });
});
