import { describe, expect, it } from 'vitest';
import { AlignedOverlapAdd, overlapAddSegments, synthesisLength } from '../../src/vq';

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
