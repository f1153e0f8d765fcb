import { copyFileSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { resample } from '../../src/audio/resample';
import { readWav, writeWav } from '../../src/audio/wav';
import { loadManifest, OnnxModel } from '../../src/models';
import { MirrorMelody } from '../../src/mirror/melody';
import { MirrorStreamProcessor } from '../../src/mirror/stream';
import { NOTE_GRID, renderMelody } from '../../src/synth';
import { mirrorbridge } from '../cli/run';
import { sharedMirrorMelody, shippedModelDir } from '../shipped-models';

const melodyDir = shippedModelDir('mirrornet-melody');
const streamDir = shippedModelDir('mirrornet-stream');

/** A plant melody inside the training ranges: D4 F4 A4 C5 G4. */
const MIDI = [62, 65, 69, 72, 67];
function plantMelody(sampleRate = 8000): Float32Array {
  const rows = MIDI.map((m, i) => [(m - 62) / 12, 0.8, 0.8, 0.4 + 0.04 * i, 0.25, 0.3, 0.4]);
  return renderMelody(rows, { sampleRate });
}

describe('MirrorNet melody runtime (shipped model)', () => {
  let mirror: MirrorMelody;
  beforeAll(async () => {
    mirror = await sharedMirrorMelody();
  });

  it('infers the notes of a fixed plant melody', async () => {
    const r = await mirror.inferParams(plantMelody(), 8000);
    expect(r.silent).toBe(false);
    expect(r.notes).toHaveLength(5);
    const correct = r.notes.filter((n, i) => n.midi === MIDI[i]).length;
    expect(correct).toBeGreaterThanOrEqual(4);
    for (const n of r.notes) {
      expect(NOTE_GRID).toContain(n.midi);
      for (const v of Object.values(n.params)) expect(v).toBeGreaterThanOrEqual(0);
    }
    r.notes.forEach((n, i) => expect(n.onset_s).toBeCloseTo(0.4 * i, 9));
  });

  it('resamples other rates and segments long input, saying so', async () => {
    const x44 = resample(plantMelody(), 8000, 44100);
    const long = new Float32Array(x44.length * 2 + 1000);
    long.set(x44);
    long.set(x44, x44.length);
    const r = await mirror.inferParams(long, 44100);
    expect(r.notes.length).toBe(10);
    expect(r.notices.join(' ')).toMatch(/resampled/);
    expect(r.notices.join(' ')).toMatch(/segmented into 3/);
    expect(r.notices.join(' ')).toMatch(/padded/);
    expect(r.silentSegments).toEqual([false, false, true]);
    expect(r.notes.slice(5, 10).filter((n, i) => n.midi === MIDI[i]).length).toBeGreaterThanOrEqual(4);
  });

  it('flags silence instead of inventing parameters', async () => {
    const r = await mirror.inferParams(new Float32Array(16000), 8000);
    expect(r.silent).toBe(true);
    expect(r.notes).toEqual([]);
  });

  it('refuses empty or non-finite audio with MB_ERR_BAD_AUDIO', async () => {
    await expect(mirror.inferParams(new Float32Array(0), 8000)).rejects.toMatchObject({ code: 'MB_ERR_BAD_AUDIO' });
    await expect(mirror.inferParams(Float32Array.of(0, Number.NaN), 8000)).rejects.toMatchObject({ code: 'MB_ERR_BAD_AUDIO' });
  });

  it('predicts a spectrogram with the decoder and resynthesizes through the plant', async () => {
    const r = await mirror.inferParams(plantMelody(), 8000);
    const spec = await mirror.forward(r.raw.subarray(0, 35));
    expect([spec.channels, spec.frames]).toEqual([128, 250]);
    await expect(mirror.forward(new Float32Array(10))).rejects.toMatchObject({ code: 'MB_ERR_BAD_PARAMS' });
    const { audio, sampleRate } = await mirror.resynthesize(plantMelody(), 8000);
    expect(sampleRate).toBe(8000);
    expect(audio.length).toBe(16000);
    expect(Math.max(...audio.map(Math.abs))).toBeGreaterThan(0.01);
  });

  it('refuses a corrupt model with a coded error and keeps working', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mb-corrupt-'));
    for (const f of readdirSync(melodyDir)) if (!f.startsWith('.') && f.includes('.')) copyFileSync(join(melodyDir, f), join(dir, f));
    writeFileSync(join(dir, 'encoder.onnx'), 'not an onnx file');
    await expect(MirrorMelody.load(dir)).rejects.toMatchObject({ code: expect.stringMatching(/^MB_ERR_MODEL/) });
    expect((await mirror.inferParams(plantMelody(), 8000)).notes).toHaveLength(5);
  });
});

describe('MirrorNet live inferer (shipped stream model)', () => {
  it('gives 125 parameter frames per second at any block size and reports its latency', async () => {
    const model = await OnnxModel.load(streamDir, await loadManifest(streamDir));
    try {
      const proc = await MirrorStreamProcessor.create(model, 16000);
      expect(proc.frameRate).toBe(125);
      expect(proc.latencyMs).toBeGreaterThan(0);
      expect(proc.latencyMs).toBeLessThan(150);
      const x = resample(plantMelody(), 8000, 16000);
      const frames = [];
      for (let i = 0, k = 0; i < x.length; k++) {
        const n = [100, 333, 64, 1000][k % 4];
        frames.push(...(await proc.process(x.subarray(i, i + n))));
        i += n;
      }
      expect(frames.length).toBeGreaterThan(240);
      expect(frames.length).toBeLessThanOrEqual(250);
      for (const f of frames) expect(f.params).toHaveLength(7);
      await expect(MirrorStreamProcessor.create(model, 4000)).rejects.toMatchObject({ code: 'MB_ERR_BAD_ARGS' });
    } finally {
      await model.dispose();
    }
  });

  it('follows the same melody at 96 and 192 kHz (Max users run there) as at 16 kHz, resampled', async () => {
    const model = await OnnxModel.load(streamDir, await loadManifest(streamDir));
    const run = async (rate: number) => {
      const proc = await MirrorStreamProcessor.create(model, rate);
      const x = resample(plantMelody(), 8000, rate);
      const frames = [];
      for (let i = 0; i < x.length; i += 4096) frames.push(...(await proc.process(x.subarray(i, i + 4096))));
      return frames;
    };
    try {
      const ref = await run(16000);
      for (const rate of [96000, 192000]) {
        const got = await run(rate);
        expect(Math.abs(got.length - ref.length), `${rate} Hz frame count`).toBeLessThanOrEqual(2);
        const n = Math.min(got.length, ref.length);
        let diff = 0;
        for (let t = 0; t < n; t++) diff += Math.abs(got[t].params[0] - ref[t].params[0]);
        expect(diff / n, `${rate} Hz mean |note - note at 16 kHz|`).toBeLessThan(0.02);
      }
      await expect(MirrorStreamProcessor.create(model, 384000)).rejects.toMatchObject({ code: 'MB_ERR_BAD_ARGS' });
    } finally {
      await model.dispose();
    }
  });
});

describe('mirrorbridge infer / resynth CLI', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mb-infer-'));
  const wav = join(dir, 'melody.wav');
  writeWav(wav, plantMelody(16000), 16000);

  it('infer --json gives model, sampleRate and notes with params and units', async () => {
    const r = await mirrorbridge('infer', wav, '--model', 'mirrornet-melody', '--json');
    expect(r.code).toBe(0);
    const json = JSON.parse(r.out);
    expect(json).toMatchObject({ model: 'mirrornet-melody', sampleRate: 16000 });
    expect(json.notes).toHaveLength(5);
    expect(Object.keys(json.notes[0])).toEqual(expect.arrayContaining(['midi', 'onset_s', 'duration_s', 'params', 'units']));
    expect(json.notes[0].units.cutoff).toBeGreaterThan(100);
  });

  it('infer --stream --json gives parameter frames', async () => {
    const r = await mirrorbridge('infer', wav, '--stream', '--json');
    expect(r.code).toBe(0);
    const json = JSON.parse(r.out);
    expect(json.frameRate).toBe(125);
    expect(json.frames.length).toBeGreaterThan(200);
  });

  it('resynth writes audio at the input\'s rate or --rate and reports the spectral distance; bad input exits 2', async () => {
    const out = join(dir, 'y.wav');
    const r = await mirrorbridge('resynth', wav, '--out', out, '--model', 'mirrornet-melody', '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ rate: 16000, metrics: { audL1: expect.any(Number) } });
    expect(JSON.parse(r.out).metrics.audL1).toBeGreaterThan(0);
    expect(readWav(out).sampleRate).toBe(16000);
    const at48 = await mirrorbridge('resynth', wav, '--out', join(dir, 'y48.wav'), '--model', 'mirrornet-melody', '--rate', '48000');
    expect(at48.code, at48.err).toBe(0);
    expect(readWav(join(dir, 'y48.wav')).sampleRate).toBe(48000);
    expect(readWav(join(dir, 'y48.wav')).samples.length).toBe(3 * readWav(out).samples.length);
    const bad = await mirrorbridge('infer', join(dir, 'missing.wav'));
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/MB_ERR_NOT_FOUND/);
  });
});
