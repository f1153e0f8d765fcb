import { afterAll, describe, expect, it } from 'vitest';
import { Yin } from '../../src/dsp/yin';
import { parseOp, VqStreamProcessor } from '../../src/vq';
import { sharedCodec, SR, tone } from './fixtures';
import { runLive } from './live';

/** Median YIN f0 over the voiced frames of the middle of x (Hz; 0 when none is voiced). */
function medianPitch(x: Float32Array): number {
  const yin = new Yin({ sampleRate: SR, frameLength: 1024 });
  const f: number[] = [];
  for (let a = Math.floor(x.length / 4); a + 1024 <= (3 * x.length) / 4; a += 256) {
    const e = yin.estimate(x.subarray(a, a + 1024));
    if (e.f0 > 0) f.push(e.f0);
  }
  f.sort((p, q) => p - q);
  return f.length ? f[f.length >> 1] : 0;
}

describe('pitch carried beside the code (the shipped model)', () => {
  afterAll(async () => (await sharedCodec()).dispose());

  it('encodes the pitch of each frame and plays it back: a 196 Hz tone stays at 196 Hz', async () => {
    const codec = await sharedCodec();
    expect(codec.model.geometry.pitch).toBe(true);
    const x = tone(196, 1.5);
    const s = await codec.encode(x);
    expect(s.f0).toBeDefined();
    const mid = Array.from(s.f0!.subarray(20, 60));
    for (const f of mid) expect(Math.abs(f - 196)).toBeLessThan(2);
    const y = await codec.decode(s);
    expect(Math.abs(medianPitch(y) / 196 - 1)).toBeLessThan(0.02);
  });

  it('transposes with the pitch channel: the same codes an octave up, and a fifth down live', async () => {
    const codec = await sharedCodec();
    const s = await codec.encode(tone(220, 1.5));
    const up = await codec.decode(codec.deform(s, [{ op: 'transpose', semitones: 12 }], false));
    expect(Math.abs(medianPitch(up) / 440 - 1)).toBeLessThan(0.03);
    const down = await codec.decode({ codes: s.codes, gains: s.gains, f0: s.f0!.map((f) => f * 2 ** (-7 / 12)) });
    expect(Math.abs(medianPitch(down) / (220 * 2 ** (-7 / 12)) - 1)).toBeLessThan(0.03);
    // Without its own f0 a series plays each code at its typical pitch (manifest codebook.pitchHz).
    const typical = await codec.decode({ codes: s.codes, gains: s.gains });
    expect(typical.length).toBe(up.length);
    expect(() => codec.deform({ ...s, f0: undefined }, [parseOp('transpose=3')])).toThrow(/pitch/);
  });

  it('plays an f0 target in descriptor synthesis as given', async () => {
    const codec = await sharedCodec();
    const targets = codec.parseTargets(['f0=const(330)', 'centroid=const(1200)', 'loudness=const(-20)'], 1.5);
    const { audio } = await codec.synthesize(targets);
    expect(Math.abs(medianPitch(audio) / 330 - 1)).toBeLessThan(0.03);
  });

  it('streams the pitch too: stream output equals causal batch decode of the encoded series', async () => {
    const codec = await sharedCodec();
    const x = tone(150, 1);
    const streamed = (await runLive(VqStreamProcessor.create(codec, SR), x, [333])).audio;
    const batch = await codec.decode(await codec.encode(x), { lookahead: 0 });
    expect(streamed.length).toBe(batch.length);
    let maxDiff = 0;
    for (let i = 0; i < batch.length; i++) maxDiff = Math.max(maxDiff, Math.abs(streamed[i] - batch[i]));
    expect(maxDiff).toBeLessThan(1e-5);
  });

  it('refuses a bad pitch series with a coded error', async () => {
    const codec = await sharedCodec();
    const s = await codec.encode(tone(220, 0.5));
    await expect(codec.decode({ codes: s.codes, gains: s.gains, f0: [1, 2] })).rejects.toMatchObject({ code: 'MB_ERR_BAD_ARGS' });
    await expect(codec.decode({ codes: s.codes, gains: s.gains, f0: s.f0!.map(() => Number.NaN) })).rejects.toMatchObject({ code: 'MB_ERR_BAD_ARGS' });
  });
});
