import { afterAll, describe, expect, it } from 'vitest';
import type { ControlView } from '../../src/engine/types';
import { Yin } from '../../src/dsp/yin';
import { VqStreamProcessor } from '../../src/vq';
import { VQ_CONTROLS, type VqControls } from '../../src/vq/controls';
import { LiveTimeline, NO_TIME_OPS, type LiveTimeOps } from '../../src/vq/live-time';
import type { EncodedFrames } from '../../src/vq/model';
import { sharedCodec, SR, tone } from './fixtures';
import { audioOf, join } from './live';

/**
 * The live time deformations (src/vq/live-time.ts): freeze holds a latent while the level moves,
 * stretch reads the recent frames slowed down, reverse reads them backwards, both jumping back
 * to the newest frame a ring's length behind; and a frozen VQ stream keeps singing the pitch it
 * was frozen on while its input moves to another.
 */
const D = 2;
/** Frames t0..t0+count-1 whose latent is [t, -t], gain t / 100 and pitch 100 + t Hz. */
function frames(t0: number, count: number): EncodedFrames {
  const latents = new Float32Array(count * D);
  for (let k = 0; k < count; k++) [latents[k * D], latents[k * D + 1]] = [t0 + k, -(t0 + k)];
  return { codes: new Int32Array(count), latents, gains: Float32Array.from({ length: count }, (_, k) => (t0 + k) / 100), f0: Float32Array.from({ length: count }, (_, k) => 100 + t0 + k) };
}

/** Runs blocks of 4 frames through a ring of `capacity`, with `ops` from frame `from` on: the latent's first value read per frame, and the gains. */
function play(capacity: number, total: number, from: number, ops: LiveTimeOps): { at: number[]; gains: number[]; f0: number[] } {
  const time = new LiveTimeline(D, capacity, true);
  const out = { at: [] as number[], gains: [] as number[], f0: [] as number[] };
  const [lat, gains, f0] = [new Float32Array(4 * D), new Float32Array(4), new Float32Array(4)];
  for (let t = 0; t < total; t += 4) {
    time.write(frames(t, 4), 4);
    const o = t >= from ? ops : NO_TIME_OPS;
    if (!LiveTimeline.active(o)) {
      time.rest();
      for (let k = 0; k < 4; k++) out.at.push(t + k), out.gains.push((t + k) / 100), out.f0.push(100 + t + k);
      continue;
    }
    time.read(4, o, lat, gains, f0);
    for (let k = 0; k < 4; k++) out.at.push(lat[k * D]), out.gains.push(gains[k]), out.f0.push(f0[k]);
    for (let k = 0; k < 4; k++) expect(lat[k * D + 1]).toBeCloseTo(-lat[k * D], 5);
  }
  return out;
}

describe('live time deformations', () => {
  afterAll(async () => (await sharedCodec()).dispose());

  it('freeze turned on in a rest holds the newest sung frame, or the first one to come', () => {
    const unvoiced = (f: EncodedFrames, from: number, to: number) => {
      for (let k = from; k < to; k++) f.f0![k] = 0;
      return f;
    };
    const [lat, gains, f0] = [new Float32Array(4 * D), new Float32Array(4), new Float32Array(4)];
    const freeze = { freeze: true, stretch: 1, reverse: false };
    // Frames 0-5 sung, 6-7 a rest; freeze on at frame 4's block: frames 4-5 sung, held from 4.
    const a = new LiveTimeline(D, 16, true);
    a.write(frames(0, 4), 4);
    a.write(unvoiced(frames(4, 4), 2, 4), 4);
    a.read(4, freeze, lat, gains, f0);
    expect([...f0]).toEqual([104, 104, 104, 104]);
    // Freeze on in a rest (frames 4-7 unvoiced): the newest sung frame, 3, is held.
    const b = new LiveTimeline(D, 16, true);
    b.write(frames(0, 4), 4);
    b.write(unvoiced(frames(4, 4), 0, 4), 4);
    b.read(4, freeze, lat, gains, f0);
    expect([...f0]).toEqual([103, 103, 103, 103]);
    expect(lat[0]).toBe(3);
    // Nothing sung yet: it waits for the first sung frame and holds that one.
    const c = new LiveTimeline(D, 16, true);
    c.write(unvoiced(frames(0, 4), 0, 4), 4);
    c.read(4, freeze, lat, gains, f0);
    expect([...f0]).toEqual([0, 0, 0, 0]);
    c.write(unvoiced(frames(4, 4), 0, 2), 4);
    c.read(4, freeze, lat, gains, f0);
    expect([...f0]).toEqual([0, 0, 106, 106]);
    c.write(frames(8, 4), 4);
    c.read(4, freeze, lat, gains, f0);
    expect([...f0]).toEqual([106, 106, 106, 106]);
  });

  it('freeze holds the latent and pitch of the frame it was turned on at; the gains keep moving', () => {
    const r = play(16, 24, 8, { freeze: true, stretch: 1, reverse: false });
    expect(r.at.slice(0, 8)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(r.at.slice(8)).toEqual(Array(16).fill(8));
    expect(r.f0.slice(8)).toEqual(Array(16).fill(108));
    expect(r.gains.slice(8).map((g) => Math.round(g * 100))).toEqual(Array.from({ length: 16 }, (_, k) => 8 + k));
  });

  it('stretch 2 reads the recent frames at half speed, interpolated, and jumps to the newest once a ring behind', () => {
    const r = play(8, 40, 4, { freeze: false, stretch: 2, reverse: false });
    expect(r.at.slice(4, 12)).toEqual([4, 4.5, 5, 5.5, 6, 6.5, 7, 7.5]);
    expect(r.f0[5]).toBeCloseTo(104.5, 5);
    // the lag grows by half a frame per frame until it reaches the ring's length, then restarts at 0
    const lag = r.at.map((a, t) => t - a).slice(4);
    expect(Math.max(...lag)).toBeLessThan(8);
    expect(lag.filter((l) => l === 0).length).toBeGreaterThanOrEqual(2);
  });

  it('reverse reads backwards from the frame it was turned on at, then again from the newest', () => {
    const r = play(8, 24, 8, { freeze: false, stretch: 1, reverse: true });
    expect(r.at.slice(8, 12)).toEqual([8, 7, 6, 5]);
    const lag = r.at.map((a, t) => t - a).slice(8);
    expect(Math.max(...lag)).toBeLessThan(8);
    expect(lag.filter((l) => l === 0).length).toBeGreaterThanOrEqual(2);
  });

  it('refuses a live stretch beyond its ring with a coded error', () => {
    expect(() => VQ_CONTROLS.apply({ targets: {}, deform: {} }, { owner: 'vq', kind: 'deform', op: 'stretch', value: 50 })).toThrow(/MB_ERR_BAD_ARGS|at most 16/);
  });

  it('a frozen VQ stream keeps the pitch it was frozen on while its input moves from 196 to 330 Hz', async () => {
    const codec = await sharedCodec();
    expect(codec.model.geometry.pitch).toBeTruthy(); // the shipped model carries pitch beside the code
    let controls: VqControls = { targets: {}, deform: {} };
    const view: ControlView = { get: <S>() => controls as unknown as S };
    const pitchOf = (x: Float32Array) => {
      const yin = new Yin({ sampleRate: SR, frameLength: 1024, fmin: 80, fmax: 1000 });
      const f: number[] = [];
      for (let s = 0; s + 1024 <= x.length; s += 512) {
        const e = yin.estimate(x.subarray(s, s + 1024));
        if (e.f0 > 0 && e.confidence > 0.8) f.push(e.f0);
      }
      f.sort((a, b) => a - b);
      return f[f.length >> 1];
    };
    const run = async (freeze: boolean) => {
      controls = { targets: {}, deform: {} };
      const live = VqStreamProcessor.create(codec, SR, view);
      const a = tone(196, 1.0);
      const b = tone(330, 1.5);
      const parts: Float32Array[] = [];
      for (let i = 0; i < a.length; i += 1024) parts.push(...audioOf(await live.process(a.subarray(i, i + 1024))));
      const before = join(parts).length;
      if (freeze) controls = { targets: {}, deform: { freeze: 1 } };
      for (let i = 0; i < b.length; i += 1024) parts.push(...audioOf(await live.process(b.subarray(i, i + 1024))));
      const out = join(parts);
      return pitchOf(out.subarray(before + Math.round(0.5 * SR)));
    };
    const [plain, frozen] = [await run(false), await run(true)];
    console.log(`second tone (330 Hz) played: ${plain.toFixed(1)} Hz as it is, ${frozen.toFixed(1)} Hz frozen on the first (196 Hz)`);
    expect(Math.abs(12 * Math.log2(plain / 330))).toBeLessThan(0.5);
    expect(Math.abs(12 * Math.log2(frozen / 196))).toBeLessThan(0.5);
  }, 60_000);
});
