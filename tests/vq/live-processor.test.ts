import { afterAll, describe, expect, it, vi } from 'vitest';
import { resample } from '../../src/audio/resample';
import { MAX_BLOCK_SAMPLES } from '../../src/engine/limits';
import type { ControlView } from '../../src/engine/types';
import { LiveDeformOps, VqStreamProcessor, type DeformOp } from '../../src/vq';
import type { VqControls } from '../../src/vq/controls';
import { concat, noise, sharedCodec, SR, tone } from './fixtures';
import { audioOf, join, runLive } from './live';

/** A client's controls as the engine hands them to a processor. */
function controlsView(controls: VqControls): ControlView {
  return { get: <S>() => controls as unknown as S };
}

function at(rate: number, x16: Float32Array): Float32Array {
  return rate === SR ? x16 : resample(x16, SR, rate);
}

/** Irregular block sizes, up to the engine's maximum. */
const BLOCKS = [1024, 37, 613, 2048, 1, 8192, 300];

describe('the live VQ chain (VqStreamProcessor): what the engine runs', () => {
  afterAll(async () => (await sharedCodec()).dispose());
  const x16 = concat(tone(196, 0.7), noise(0.3), tone(330, 0.5, 0.2, 3));

  it.each([44100, 48000, 22050, 8000, 96000, 192000])('streams at %i Hz exactly as the batch chain: resample, encode, causal decode, resample back', async (rate) => {
    const codec = await sharedCodec();
    const x = at(rate, x16);
    const live = await runLive(VqStreamProcessor.create(codec, rate), x, BLOCKS);
    const series = await codec.encode(resample(x, rate, SR));
    const batch = resample(await codec.decode(series, { lookahead: 0 }), SR, rate);
    expect(live.codes).toEqual(Array.from(series.codes));
    expect(live.audio.length).toBe(batch.length);
    expect(Array.from(live.audio)).toEqual(Array.from(batch));
  });

  it('deforms frame by frame exactly as VqRuntime.deform (requantized) on the whole series', async () => {
    const codec = await sharedCodec();
    const controls: VqControls = { targets: {}, deform: { scale: 1.3, bias: 0.2, transpose: 3 } };
    const ops: DeformOp[] = [{ op: 'scale', factor: 1.3 }, { op: 'bias', amount: 0.2 }, { op: 'transpose', semitones: 3 }];
    for (const rate of [SR, 44100]) {
      const x = at(rate, x16);
      const live = await runLive(VqStreamProcessor.create(codec, rate, controlsView(controls)), x, BLOCKS);
      const series = await codec.encode(resample(x, rate, SR));
      const batch = resample(await codec.decode(codec.deform(series, ops), { lookahead: 0 }), SR, rate);
      expect(Array.from(live.audio)).toEqual(Array.from(batch));
      // The codes and latents reported per hop stay the encoded ones.
      expect(live.codes).toEqual(Array.from(series.codes));
    }
  });

  it('reuses its work buffers block after block and hands each block its own audio', async () => {
    const codec = await sharedCodec();
    // The allocating whole-series forms stay off the live path (it uses their in-place forms).
    const whole = (['pitchSeries', 'quantize', 'latentsOf', 'decodeCodes'] as const).map((m) => vi.spyOn(codec.model, m));
    const deform = vi.spyOn(codec, 'deform');
    for (const rate of [8000, 44100, SR]) {
      const controls: VqControls = { targets: {}, deform: { scale: 0.8, randomize: 0.3, transpose: -2 } };
      const live = VqStreamProcessor.create(codec, rate, controlsView(controls));
      const inside = live as unknown as Record<string, { array?: Float32Array } & Record<string, unknown>>;
      const buffers = () => [
        inside.modelIn.array,
        inside.decoded.array,
        inside.streamOut.array,
        inside.latents,
        inside.codes,
        inside.pitch,
        inside.decoder.pitch,
        inside.encoder.frameBuffer,
      ];
      const x = at(rate, tone(220, 3));
      const first = await live.process(x.subarray(0, MAX_BLOCK_SAMPLES));
      const before = buffers();
      const audio = new Set<Float32Array>(audioOf(first));
      // Largest blocks first, then irregular ones: nothing grows, nothing is replaced.
      for (let i = MAX_BLOCK_SAMPLES, b = 0; i + MAX_BLOCK_SAMPLES <= x.length; i += BLOCKS[b % BLOCKS.length], b++) {
        const out = await live.process(x.subarray(i, i + BLOCKS[b % BLOCKS.length]));
        for (const a of audioOf(out)) {
          expect(audio.has(a)).toBe(false);
          audio.add(a);
        }
        buffers().forEach((buf, k) => expect(buf, `buffer ${k} at ${rate} Hz`).toBe(before[k]));
      }
      expect(audio.size).toBeGreaterThan(5);
    }
    for (const spy of [...whole, deform]) expect(spy).not.toHaveBeenCalled();
    [...whole, deform].forEach((spy) => spy.mockRestore());
  });

  it('checks the stream rate against the engine\'s SAMPLE_RATE spec', async () => {
    const codec = await sharedCodec();
    for (const bad of [7999, 192001, 44100.5, Number.NaN]) {
      expect(() => VqStreamProcessor.create(codec, bad)).toThrow(expect.objectContaining({ code: 'MB_ERR_BAD_ARGS', message: expect.stringMatching(/stream sample rate/) }));
    }
    expect(VqStreamProcessor.create(codec, 8000).latencySamples).toBeGreaterThan(512);
  });

  it('ends a stream that got no frame with one output holding the synthesis tail, then starts anew', async () => {
    const codec = await sharedCodec();
    const live = VqStreamProcessor.create(codec, 44100);
    const tail = await live.flush();
    expect(tail).toHaveLength(1);
    expect(tail[0].audio!.length).toBeGreaterThan(0);
    const again = await runLive(live, at(44100, x16), [4096]);
    const fresh = await runLive(VqStreamProcessor.create(codec, 44100), at(44100, x16), [4096]);
    expect(Array.from(again.audio)).toEqual(Array.from(fresh.audio));
  });
});

describe('live deformation ops from the controls (typed, no text)', () => {
  it('builds the frame-wise ops once per controls snapshot and seeds randomize with the block\'s first frame', () => {
    const live = new LiveDeformOps(true);
    const c: VqControls = { targets: {}, deform: { scale: 1.2, bias: 0, randomize: 0.5, reverse: 1, transpose: 7 } };
    const a = live.at(c, 10);
    expect(a).toEqual([{ op: 'scale', factor: 1.2 }, { op: 'randomize', amount: 0.5, seed: 10 }, { op: 'transpose', semitones: 7 }]);
    expect(live.at(c, 11)).toBe(a);
    expect(a[1]).toMatchObject({ seed: 11 });
    expect(live.at({ ...c, deform: { scale: 1 } }, 12)).toEqual([]);
    expect(new LiveDeformOps(false).at(c, 0).map((o) => o.op)).toEqual(['scale', 'randomize']);
  });

  it('refuses out-of-range values as the text form does, on every block until the controls change', () => {
    const live = new LiveDeformOps(true);
    const bad: VqControls = { targets: {}, deform: { transpose: 60 } };
    expect(() => live.at(bad, 0)).toThrow(/semitones must be a number in \[-48, 48\]/);
    expect(() => live.at(bad, 1)).toThrow(/semitones/);
    expect(live.at({ targets: {}, deform: { transpose: 12 } }, 2)).toEqual([{ op: 'transpose', semitones: 12 }]);
  });
});
