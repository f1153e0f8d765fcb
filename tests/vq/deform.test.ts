import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyOp, checkOp, DEFORM_OPS, formatOp, lerpSeries, parseOp, planeMix, type DeformOp, type LatentSeries, type LatentStats, type VqRuntime } from '../../src/vq';
import { noise, sharedCodec, tone } from './fixtures';

const D = 4;
const stats: LatentStats = { mean: new Float32Array(D), std: new Float32Array(D).fill(2) };

function ramp(frames: number, offset = 0): LatentSeries {
  return {
    latents: Float32Array.from({ length: frames * D }, (_, i) => Math.floor(i / D) + offset),
    gains: Float32Array.from({ length: frames }, (_, t) => 0.1 + t * 0.01),
    latentDim: D,
    frameRate: 10,
  };
}

describe('latent deformation', () => {
  it('scale, bias and randomize move latents as documented', () => {
    const s = ramp(5);
    expect(applyOp(s, parseOp('scale=2'), stats).latents[4]).toBe(2);
    expect(applyOp(s, parseOp('bias=0.5'), stats).latents[4]).toBe(2);
    const r1 = applyOp(s, parseOp('randomize=1:7'), stats).latents;
    const r2 = applyOp(s, parseOp('randomize=1:7'), stats).latents;
    const r3 = applyOp(s, parseOp('randomize=1:8'), stats).latents;
    expect(Array.from(r1)).toEqual(Array.from(r2));
    expect(Array.from(r1)).not.toEqual(Array.from(r3));
    expect(Array.from(applyOp(s, parseOp('randomize=0'), stats).latents)).toEqual(Array.from(s.latents));
  });

  it('reverse twice is the identity; stretch changes the frame count; freeze holds; smooth averages', () => {
    const s = ramp(6);
    const rr = applyOp(applyOp(s, parseOp('reverse'), stats), parseOp('reverse'), stats);
    expect(Array.from(rr.latents)).toEqual(Array.from(s.latents));
    expect(applyOp(s, parseOp('reverse'), stats).gains[0]).toBeCloseTo(s.gains[5]);
    const st = applyOp(s, parseOp('stretch=2'), stats);
    expect(st.gains.length).toBe(12);
    expect(st.latents[11 * D]).toBe(5);
    const fr = applyOp(s, parseOp('freeze=0.2:0.5'), stats);
    expect([2, 3, 4, 5].map((t) => fr.latents[t * D])).toEqual([2, 2, 2, 5]);
    expect(fr.gains[4]).toBe(s.gains[4]);
    const sm = applyOp({ ...s, latents: Float32Array.from({ length: 6 * D }, (_, i) => (Math.floor(i / D) % 2 ? 1 : -1)) }, parseOp('smooth=3'), stats);
    expect(Math.abs(sm.latents[2 * D])).toBeLessThan(0.5);
  });

  it.each(['wobble', 'scale', 'scale=abc', 'stretch=0', 'smooth=0', 'randomize=-1'])('rejects op %j with MB_ERR_BAD_ARGS', (op) => {
    expect(() => parseOp(op)).toThrow(expect.objectContaining({ code: 'MB_ERR_BAD_ARGS' }));
  });

  it('writes each op as text that parses back to the same op, and checks typed ops with the same ranges', () => {
    const ops: DeformOp[] = [
      { op: 'scale', factor: -1.25 },
      { op: 'bias', amount: 0.1 },
      { op: 'randomize', amount: 0.5, seed: 1 },
      { op: 'randomize', amount: 2, seed: 77 },
      { op: 'reverse' },
      { op: 'stretch', factor: 1.5 },
      { op: 'freeze', start: 0.2, end: Infinity },
      { op: 'freeze', start: 0.2, end: 0.7 },
      { op: 'smooth', frames: 9 },
      { op: 'transpose', semitones: -7 },
    ];
    expect(new Set(ops.map((o) => o.op))).toEqual(new Set(DEFORM_OPS));
    for (const op of ops) {
      expect(parseOp(formatOp(op))).toEqual(op);
      expect(checkOp(op)).toBe(op);
    }
    expect(formatOp({ op: 'randomize', amount: 0.5, seed: 1 })).toBe('randomize=0.5');
    for (const [bad, field] of [[{ op: 'transpose', semitones: 49 }, 'semitones'], [{ op: 'stretch', factor: 0 }, 'factor'], [{ op: 'scale', factor: Number.NaN }, 'factor'], [{ op: 'freeze', start: -1, end: Infinity }, 'start']] as const) {
      expect(() => checkOp(bad as DeformOp)).toThrow(expect.objectContaining({ code: 'MB_ERR_BAD_ARGS', message: expect.stringContaining(field) }));
      expect(() => parseOp(formatOp(bad as DeformOp))).toThrow(expect.objectContaining({ code: 'MB_ERR_BAD_ARGS' }));
    }
    expect(() => checkOp({ op: 'wobble' } as unknown as DeformOp)).toThrow(/deform op must be one of/);
  });

  it('plane corners and lerp ends give the corner series; geometric gain mix', () => {
    const [a, b, c, d] = [ramp(4, 0), ramp(5, 10), ramp(4, 20), ramp(4, 30)];
    expect(Array.from(planeMix([a, b, c, d], 0, 0).latents)).toEqual(Array.from(a.latents));
    expect(Array.from(planeMix([a, b, c, d], 1, 1).latents)).toEqual(Array.from(d.latents));
    expect(planeMix([a, b, c, d], 0.5, 0.5).latents[0]).toBeCloseTo(15);
    expect(planeMix([a, b, c, d], 0.3, 0.7).gains.length).toBe(4);
    expect(Array.from(lerpSeries(a, b, 1).latents)).toEqual(Array.from(b.latents.subarray(0, 4 * D)));
    const q = { ...a, gains: a.gains.map((g) => g * 4) };
    expect(lerpSeries(a, q, 0.5).gains[0]).toBeCloseTo(a.gains[0] * 2, 5);
    expect(() => planeMix([a, b, c], 0.5, 0.5)).toThrow(expect.objectContaining({ code: 'MB_ERR_BAD_ARGS' }));
    expect(() => planeMix([a, b, c, d], 1.5, 0.5)).toThrow(expect.objectContaining({ code: 'MB_ERR_BAD_ARGS' }));
  });
});

describe('deformation and interpolation with the shipped model', () => {
  let codec: VqRuntime;
  beforeAll(async () => {
    codec = await sharedCodec();
  });
  afterAll(async () => codec?.dispose());

  it('re-quantizes deformed latents onto the codebook', async () => {
    const s = await codec.encode(tone(220, 1));
    const d = codec.deform(s, [{ op: 'scale', factor: 1.3 }, { op: 'randomize', amount: 0.2, seed: 3 }]);
    expect(d.codes!.length).toBe(s.frames);
    for (let t = 0; t < s.frames; t += 7) {
      expect(Array.from(d.latents.subarray(t * d.latentDim, (t + 1) * d.latentDim))).toEqual(Array.from(codec.model.codeLatent(d.codes![t])));
    }
    const identity = codec.deform({ ...s, latents: codec.model.latentsOf(s.codes) }, [{ op: 'scale', factor: 1 }]);
    expect(Array.from(identity.codes!)).toEqual(Array.from(s.codes));
    const audio = await codec.decode(codec.deform(s, ['reverse', 'stretch=1.5'].map(parseOp)));
    expect(audio.length).toBe((Math.round(s.frames * 1.5) - 1) * 256 + 1024);
  });

  it('the plane at a corner re-quantizes to that sound\'s codes', async () => {
    const sounds = [tone(220, 0.5), tone(440, 0.5, 0.2, 2), noise(0.5), tone(110, 0.5, 0.3, 12)];
    const corners = [];
    for (const x of sounds) corners.push(await codec.encode(x));
    const atB = codec.plane(corners, 1, 0);
    expect(Array.from(atB.codes!)).toEqual(Array.from(corners[1].codes));
    const mid = codec.plane(corners, 0.3, 0.7);
    expect(mid.codes!.length).toBe(corners[0].frames);
    expect((await codec.decode(mid)).every(Number.isFinite)).toBe(true);
  });
});
