import { readdirSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readWav } from '../../src/audio/wav';
import { spectralConvergence, StreamDecoder, StreamEncoder, VqStreamProcessor, type VqRuntime } from '../../src/vq';
import { concat, noise, sharedCodec, tone } from './fixtures';
import { audioOf, join, runLive } from './live';

const HELDOUT = path.join(__dirname, 'heldout');

describe('vq codec with the shipped model', () => {
  let codec: VqRuntime;
  const x = concat(tone(220, 0.6), noise(0.4), tone(587, 0.5, 0.2, 3));

  afterAll(async () => codec?.dispose());

  it('loads the model and reads its geometry from the manifest', async () => {
    codec = await sharedCodec();
    const g = codec.model.geometry;
    expect(g).toMatchObject({ sampleRate: 16000, frameLength: 1024, hop: 256 });
    expect(g.codes).toBeGreaterThanOrEqual(256);
    expect(codec.model.codebook.length).toBe(g.codes * g.latentDim);
    expect(g.latencySamples).toBe(g.frameLength);
  });

  it('encodes to one code, gain and latent per hop and decodes to (N-1)*hop + window samples', async () => {
    const g = codec.model.geometry;
    const s = await codec.encode(x);
    expect(s.frames).toBe(Math.ceil((x.length - g.frameLength) / g.hop) + 1);
    expect(s.codes.length).toBe(s.frames);
    expect(s.gains.length).toBe(s.frames);
    expect(s.latents.length).toBe(s.frames * g.latentDim);
    expect(s.frameRate).toBe(62.5);
    expect(Math.max(...s.codes)).toBeLessThan(g.codes);
    const y = await codec.decode(s);
    expect(y.length).toBe((s.frames - 1) * g.hop + g.frameLength);
    expect(y.every(Number.isFinite)).toBe(true);
  });

  it('is level-invariant: x and 0.1 x give the same codes and gains in ratio 10', async () => {
    const loud = await codec.encode(x);
    const quiet = await codec.encode(x.map((v) => v * 0.1));
    expect(Array.from(quiet.codes)).toEqual(Array.from(loud.codes));
    for (let t = 0; t < loud.frames; t++) expect(loud.gains[t] / quiet.gains[t]).toBeCloseTo(10, 3);
  });

  it('decodes at the level it encoded: output RMS follows input RMS within 6 dB', async () => {
    const s = await codec.encode(tone(330, 1));
    const y = await codec.decode(s);
    const rms = (v: Float32Array, a: number, b: number) => Math.sqrt(v.subarray(a, b).reduce((acc, u) => acc + u * u, 0) / (b - a));
    const input = tone(330, 1);
    const ratioDb = 20 * Math.log10(rms(y, 2000, 14000) / rms(input, 2000, 14000));
    expect(Math.abs(ratioDb)).toBeLessThan(6);
  });

  it('streams: any block sizes give exactly the batch codes and the causal batch samples', async () => {
    const batch = await codec.encode(x);
    const batchAudio = await codec.decode(batch, { lookahead: 0 });
    const enc = new StreamEncoder(codec.model);
    const codes: number[] = [];
    for (let i = 0, b = 37; i < x.length; i += b, b = (b * 7) % 613 + 1) codes.push(...(await enc.push(x.subarray(i, i + b))).codes);
    codes.push(...(await enc.flush()).codes);
    expect(codes).toEqual(Array.from(batch.codes));

    // The live chain the engine runs, at the model rate.
    const live = VqStreamProcessor.create(codec, 16000);
    expect(live.latencySamples).toBe(1024);
    const streamed = await runLive(live, x, [300]);
    expect(streamed.codes).toEqual(Array.from(batch.codes));
    expect(streamed.audio.length).toBe(batchAudio.length);
    expect(Array.from(streamed.audio)).toEqual(Array.from(batchAudio));
  });

  it('decodes offline with one frame of phase look-ahead: same length, closer to held-out originals than the causal stream', async () => {
    let causal = 0;
    let ahead = 0;
    for (const file of ['espeak-0000.wav', 'plant-0001.wav', 'sox-0001.wav']) {
      const audio = readWav(path.join(HELDOUT, file)).samples;
      const s = await codec.encode(audio);
      const offline = await codec.decode(s);
      const live = await codec.decode(s, { lookahead: 0 });
      expect(offline.length).toBe(live.length);
      expect(Array.from(offline)).not.toEqual(Array.from(live));
      causal += spectralConvergence(audio, live);
      ahead += spectralConvergence(audio, offline);
    }
    expect(ahead).toBeLessThan(causal - 0.03);
    await expect(codec.decode(await codec.encode(x), { lookahead: 2 as never })).rejects.toMatchObject({ code: 'MB_ERR_BAD_ARGS' });
  });

  it('refuses overlapping pushes with MB_ERR_BUSY', async () => {
    const dec = new StreamDecoder(codec.model);
    const lat = codec.model.latentsOf([0, 1]);
    const first = dec.push(lat, Float32Array.of(0.1, 0.1));
    await expect(dec.push(lat, Float32Array.of(0.1, 0.1))).rejects.toMatchObject({ code: 'MB_ERR_BUSY' });
    await first;
    const enc = new StreamEncoder(codec.model);
    const p = enc.push(new Float32Array(2048));
    await expect(enc.push(new Float32Array(10))).rejects.toMatchObject({ code: 'MB_ERR_BUSY' });
    await p;
  });

  it('rejects bad series and bad audio with coded errors', async () => {
    await expect(codec.encode(new Float32Array(0))).rejects.toMatchObject({ code: 'MB_ERR_BAD_AUDIO' });
    await expect(codec.encode(Float32Array.of(0, NaN, 0))).rejects.toMatchObject({ code: 'MB_ERR_BAD_AUDIO' });
    await expect(codec.decode({ codes: [0, 99999], gains: [1, 1] })).rejects.toMatchObject({ code: 'MB_ERR_BAD_ARGS' });
    await expect(codec.decode({ codes: [0], gains: [1, 1] })).rejects.toMatchObject({ code: 'MB_ERR_BAD_ARGS' });
    await expect(codec.decode({ codes: [0], gains: [NaN] })).rejects.toMatchObject({ code: 'MB_ERR_BAD_ARGS' });
  });

  it('refuses a live block with a non-finite sample (MB_ERR_BAD_AUDIO) and goes on as if it had not come', async () => {
    // At the model rate and on a resampling stream (the resampler must not take the block either).
    for (const rate of [16000, 44100]) {
      const clean = VqStreamProcessor.create(codec, rate);
      const hit = VqStreamProcessor.create(codec, rate);
      const input = rate === 16000 ? x : Float32Array.from({ length: 3 * 8192 }, (_, i) => 0.3 * Math.sin((2 * Math.PI * 220 * i) / rate));
      const bad = input.slice(2560, 2816);
      let diff = 0;
      let samples = 0;
      for (let i = 0; i + 256 <= 8192 * (rate === 16000 ? 1 : 3); i += 256) {
        if (i === 2560) {
          bad[100] = Infinity;
          await expect(hit.process(bad)).rejects.toMatchObject({ code: 'MB_ERR_BAD_AUDIO' });
          bad[100] = NaN;
          await expect(hit.process(bad)).rejects.toMatchObject({ code: 'MB_ERR_BAD_AUDIO' });
        }
        const [a, b] = [join(audioOf(await clean.process(input.subarray(i, i + 256)))), join(audioOf(await hit.process(input.subarray(i, i + 256))))];
        expect(b.every(Number.isFinite)).toBe(true);
        expect(b.length).toBe(a.length);
        samples += a.length;
        for (let j = 0; j < a.length; j++) diff = Math.max(diff, Math.abs(a[j] - b[j]));
      }
      expect(samples).toBeGreaterThan(4000);
      expect(diff).toBe(0);
    }
  });

  it('encodes through the spectrum graph (FFT in TypeScript) as the frames graph does, on held-out audio', async () => {
    const g = codec.model.geometry;
    expect(g.spectrumGraph).toBe('encoderSpectrum');
    let frames = 0;
    let same = 0;
    let maxLatentErr = 0;
    let maxGainErr = 0;
    for (const file of readdirSync(HELDOUT).filter((f) => f.endsWith('.wav'))) {
      const audio = readWav(path.join(HELDOUT, file)).samples;
      const count = Math.floor((audio.length - g.frameLength) / g.hop) + 1;
      const framed = new Float32Array(count * g.frameLength);
      for (let t = 0; t < count; t++) framed.set(audio.subarray(t * g.hop, t * g.hop + g.frameLength), t * g.frameLength);
      const a = await codec.model.encodeFrames(framed, count, { graph: 'frames' });
      const b = await codec.model.encodeFrames(framed, count);
      frames += count;
      for (let t = 0; t < count; t++) {
        maxGainErr = Math.max(maxGainErr, Math.abs(a.gains[t] - b.gains[t]) / a.gains[t]);
        if (a.codes[t] !== b.codes[t]) continue;
        same++;
        for (let i = 0; i < g.latentDim; i++) maxLatentErr = Math.max(maxLatentErr, Math.abs(a.latents[t * g.latentDim + i] - b.latents[t * g.latentDim + i]));
      }
    }
    expect(frames).toBeGreaterThan(500);
    expect(same / frames).toBeGreaterThan(0.995);
    // With int8 blocks (manifest encoderWeights, training/vqvae/quant.py) the two graphs' tiny
    // input differences (DFT matrix against FFT) can move an input across a rounding step of
    // its block (max / 127), which moves a latent by up to a few hundredths (latents reach ~8).
    const quantized = Boolean(codec.model.manifest.audio.settings?.encoderWeights);
    expect(maxLatentErr).toBeLessThan(quantized ? 5e-2 : 1e-3);
    expect(maxGainErr).toBeLessThan(1e-5);
  });

  it('decodes a held code to a steady sound (the manifest synthesis, no level beating)', async () => {
    const g = codec.model.geometry;
    const s = await codec.encode(tone(330, 1));
    const code = s.codes[Math.floor(s.frames / 2)];
    const frames = 80;
    const y = await codec.decode({ codes: new Array(frames).fill(code), gains: new Array(frames).fill(0.1) });
    const block = 2048; // a whole period of the periodic bank
    const levels: number[] = [];
    for (let a = g.frameLength; a + block <= (frames - 4) * g.hop; a += block) {
      let e = 0;
      for (let i = a; i < a + block; i++) e += y[i] * y[i];
      levels.push(10 * Math.log10(e / block));
    }
    expect(Math.max(...levels) - Math.min(...levels)).toBeLessThan(g.synthesis === 'aligned' ? 6 : 0.5);
  });
});
