import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../src/core/random';
import { AlignedOverlapAdd, createOverlapAdd, overlapAddSegments, PeriodicAlignedOverlapAdd, PeriodicOverlapAdd, synthesisLength } from '../../../src/vq';

const W = 1024;
const HOP = 256;
const SEG = 1280;

/** N copies of one segment: a sine whose period does not divide the hop. */
function sineSegments(frames: number, hz: number, sr = 16000): Float32Array {
  const seg = Float32Array.from({ length: SEG }, (_, i) => Math.sin((2 * Math.PI * hz * i) / sr));
  const out = new Float32Array(frames * SEG);
  for (let t = 0; t < frames; t++) out.set(seg, t * SEG);
  return out;
}

function steadyRms(x: Float32Array): number[] {
  // RMS over blocks of the fully overlapped middle part.
  const out: number[] = [];
  for (let a = W; a + 512 <= x.length - W; a += 512) {
    let s = 0;
    for (let i = a; i < a + 512; i++) s += x[i] * x[i];
    out.push(Math.sqrt(s / 512));
  }
  return out;
}

describe('AlignedOverlapAdd', () => {
  it('gives (N-1)*hop + window samples', () => {
    expect(synthesisLength(0, W, HOP)).toBe(0);
    expect(synthesisLength(1, W, HOP)).toBe(W);
    expect(overlapAddSegments(sineSegments(10, 300), 10, W, HOP, SEG).length).toBe(9 * HOP + W);
  });

  it('keeps a repeated sine at its level (alignment), where plain overlap-add comb-filters it', () => {
    const frames = 40;
    const hz = 406; // 256 samples hold 6.5 periods: plain overlap-add cancels
    const aligned = steadyRms(overlapAddSegments(sineSegments(frames, hz), frames, W, HOP, SEG));
    // segmentLength = window: no room to align, the plain overlap-add.
    const plainSegs = new Float32Array(frames * W);
    for (let t = 0; t < frames; t++) plainSegs.set(sineSegments(1, hz).subarray(0, W), t * W);
    const plain = steadyRms(overlapAddSegments(plainSegs, frames, W, HOP, W));
    const level = 1 / Math.SQRT2;
    for (const r of aligned) expect(Math.abs(20 * Math.log10(r / level))).toBeLessThan(0.5);
    expect(Math.min(...plain)).toBeLessThan(level * 0.7);
  });

  it('streams frame by frame exactly like the batch form', () => {
    const frames = 12;
    const segs = sineSegments(frames, 190).map((v, i) => v * (1 + 0.1 * Math.sin(i / 500)));
    const batch = overlapAddSegments(segs, frames, W, HOP, SEG);
    const ola = new AlignedOverlapAdd(W, HOP, SEG);
    const out = new Float32Array(batch.length);
    for (let t = 0; t < frames; t++) ola.push(segs, out, t * SEG, t * HOP);
    ola.flush(out, frames * HOP);
    expect(Array.from(out)).toEqual(Array.from(batch));
  });

  it('rejects short segments and bad geometry with coded errors', () => {
    const ola = new AlignedOverlapAdd(W, HOP, SEG);
    expect(() => ola.push(new Float32Array(SEG - 1), new Float32Array(HOP))).toThrow(expect.objectContaining({ code: 'MB_ERR_BAD_ARGS' }));
    expect(() => new AlignedOverlapAdd(W, W + 1, SEG)).toThrow(expect.objectContaining({ code: 'MB_ERR_BAD_ARGS' }));
    expect(() => new AlignedOverlapAdd(W, HOP, W - 1)).toThrow(expect.objectContaining({ code: 'MB_ERR_BAD_ARGS' }));
  });
});

describe('PeriodicOverlapAdd (time-consistent synthesis of a periodic bank)', () => {
  const P = 2048;
  const SR = 16000;

  /** One period of a sum of bank partials k x SR / P with given amplitudes and phases. */
  function period(partials: [k: number, amp: number, phase: number][]): Float32Array {
    return Float32Array.from({ length: P }, (_, n) => partials.reduce((s, [k, a, ph]) => s + a * Math.cos((2 * Math.PI * k * n) / P + ph), 0));
  }

  it('reads frame t from (t x hop) mod period, wrapping around', () => {
    const ola = new PeriodicOverlapAdd(W, HOP, P);
    const seg = period([[3, 1, 0]]);
    const out = new Float32Array(HOP);
    const offsets = Array.from({ length: 10 }, () => ola.push(seg, out));
    expect(offsets).toEqual([0, 256, 512, 768, 1024, 1280, 1536, 1792, 0, 256]);
    expect(ola.frameIndex).toBe(10);
    ola.reset();
    expect(ola.push(seg, out)).toBe(0);
  });

  it('rebuilds a steady bank signal sample for sample where the frames overlap fully', () => {
    // 406.25 Hz (k = 52) and 1000 Hz (k = 128) with arbitrary phases, 30 frames at gain 0.5.
    const seg = period([[52, 0.7, 1.1], [128, 0.3, -2.0]]);
    const frames = 30;
    const segs = new Float32Array(frames * P);
    for (let t = 0; t < frames; t++) segs.set(seg.map((v) => v * 0.5), t * P);
    const y = overlapAddSegments(segs, frames, W, HOP, P, 'periodic');
    let maxErr = 0;
    for (let n = W - HOP; n < frames * HOP; n++) maxErr = Math.max(maxErr, Math.abs(y[n] - 0.5 * seg[n % P]));
    expect(maxErr).toBeLessThan(1e-5);
    // Reading every frame from offset 0 (no time consistency) does not: 406.25 Hz is not
    // periodic in the hop, so the frames comb-filter.
    const plain = new Float32Array(frames * W);
    for (let t = 0; t < frames; t++) plain.set(seg.subarray(0, W).map((v) => v * 0.5), t * W);
    const naive = overlapAddSegments(plain, frames, W, HOP, W);
    let naiveErr = 0;
    for (let n = W - HOP; n < frames * HOP; n++) naiveErr = Math.max(naiveErr, Math.abs(naive[n] - 0.5 * seg[n % P]));
    expect(naiveErr).toBeGreaterThan(0.1);
  });

  it('applies per-frame gains like pre-scaled segments, and streams exactly like the batch form', () => {
    const seg = period([[20, 1, 0.3], [301, 0.2, 1.7]]);
    const frames = 14;
    const gains = Array.from({ length: frames }, (_, t) => 0.2 + 0.05 * t);
    const scaled = new Float32Array(frames * P);
    for (let t = 0; t < frames; t++) scaled.set(seg.map((v) => v * gains[t]), t * P);
    const batch = overlapAddSegments(scaled, frames, W, HOP, P, 'periodic');
    const ola = createOverlapAdd('periodic', W, HOP, P) as PeriodicOverlapAdd;
    const out = new Float32Array(batch.length);
    for (let t = 0; t < frames; t++) ola.push(seg, out, 0, t * HOP, gains[t]);
    ola.flush(out, frames * HOP);
    let maxErr = 0;
    for (let i = 0; i < out.length; i++) maxErr = Math.max(maxErr, Math.abs(out[i] - batch[i]));
    expect(maxErr).toBeLessThan(1e-6);
    expect(ola.frameIndex).toBe(0);
  });

  it('rejects short periods and bad geometry with coded errors', () => {
    const ola = new PeriodicOverlapAdd(W, HOP, P);
    expect(() => ola.push(new Float32Array(P - 1), new Float32Array(HOP))).toThrow(expect.objectContaining({ code: 'MB_ERR_BAD_ARGS' }));
    expect(() => new PeriodicOverlapAdd(W, HOP, W - 1)).toThrow(expect.objectContaining({ code: 'MB_ERR_BAD_ARGS' }));
  });
});

describe('PeriodicAlignedOverlapAdd (alignment over the whole period)', () => {
  const P = 2048;
  const repeat = (seg: Float32Array, frames: number) => {
    const out = new Float32Array(frames * P);
    for (let t = 0; t < frames; t++) out.set(seg, t * P);
    return out;
  };

  it('keeps a steady bank signal sample for sample: the free-running continuation wins', () => {
    const seg = Float32Array.from({ length: P }, (_, n) => 0.7 * Math.cos((2 * Math.PI * 52 * n) / P + 1.1) + 0.3 * Math.cos((2 * Math.PI * 128 * n) / P - 2));
    const frames = 30;
    const y = overlapAddSegments(repeat(seg, frames), frames, W, HOP, P, 'periodic-aligned');
    let maxErr = 0;
    for (let n = W - HOP; n < frames * HOP; n++) maxErr = Math.max(maxErr, Math.abs(y[n] - seg[n % P]));
    expect(maxErr).toBeLessThan(1e-5);
  });

  it('joins frames whose phases do not follow each other (codes that change) without losing level', () => {
    // Every frame: a 406 Hz sine with its own pseudo-random phase. Reading each at its
    // free-running offset cancels partly (periodic); the aligned read keeps the level.
    const frames = 60;
    const segs = new Float32Array(frames * P);
    const next = mulberry32(5);
    for (let t = 0; t < frames; t++) {
      const phase = 2 * Math.PI * next();
      for (let n = 0; n < P; n++) segs[t * P + n] = Math.sin((2 * Math.PI * 406 * n) / 16000 + phase);
    }
    const db = (x: Float32Array) => steadyRms(x).map((r) => 20 * Math.log10(r * Math.SQRT2));
    const aligned = db(overlapAddSegments(segs, frames, W, HOP, P, 'periodic-aligned'));
    const free = db(overlapAddSegments(segs, frames, W, HOP, P, 'periodic'));
    for (const v of aligned) expect(Math.abs(v)).toBeLessThan(0.5);
    expect(Math.min(...free)).toBeLessThan(-3);
  });

  it('streams with gains exactly like the batch form of pre-scaled periods, and resets', () => {
    const seg = Float32Array.from({ length: P }, (_, n) => Math.sin((2 * Math.PI * 333 * n) / 16000) + 0.3 * Math.sin((2 * Math.PI * 1234 * n) / 16000));
    const frames = 16;
    const gains = Array.from({ length: frames }, (_, t) => 0.1 + 0.03 * t);
    const scaled = new Float32Array(frames * P);
    for (let t = 0; t < frames; t++) scaled.set(seg.map((v) => v * gains[t]), t * P);
    const batch = overlapAddSegments(scaled, frames, W, HOP, P, 'periodic-aligned');
    const ola = new PeriodicAlignedOverlapAdd(W, HOP, P);
    const run = () => {
      const out = new Float32Array(batch.length);
      for (let t = 0; t < frames; t++) ola.push(seg, out, 0, t * HOP, gains[t]);
      ola.flush(out, frames * HOP);
      return out;
    };
    const first = run();
    let maxErr = 0;
    for (let i = 0; i < first.length; i++) maxErr = Math.max(maxErr, Math.abs(first[i] - batch[i]));
    expect(maxErr).toBeLessThan(1e-6);
    expect(Array.from(run())).toEqual(Array.from(first));
  });
});
