import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine } from '../../src/app/create';
import { parseArgs } from '../../src/verbs/args';
import { verbAt } from '../../src/verbs/table';
import type { ControlView } from '../../src/engine/types';
import { loadManifest, OnnxModel, type ParamEntry } from '../../src/models';
import { DEFAULT_VOICE_MAP, SCALES, VOICE_MAP_CONTROLS, voiceMapOf, MIRROR_OWNER, type VoiceMapControl, type VoiceMapSettings, type VoiceMapState } from '../../src/mirror/voice-controls';
import { fold, quantize, VoiceMapping } from '../../src/mirror/voice-mapping';
import { VoiceStreamProcessor } from '../../src/mirror/voice-stream';
import { MirrorStreamProcessor } from '../../src/mirror/stream';
import { ContinuousSynth, manifestParams } from '../../src/synth';
import { MODELS_DIR, shippedModelDir } from '../shipped-models';

const entries = manifestParams(7) as unknown as ParamEntry[];
const loud = (midi: number) => ({ midi, voiced: true, levelDb: -20, model: null });
const mapped = (s: Partial<VoiceMapSettings>, midi: number): number => {
  const m = new VoiceMapping(entries, 125);
  m.configure({ ...DEFAULT_VOICE_MAP, ...s });
  return m.next(loud(midi)).units[0];
};

describe('voice mapping (after the model)', () => {
  it('quantizes to the nearest scale degree above the root (ties down) and folds by octaves', () => {
    expect(quantize(61.4, SCALES.major, 0)).toBe(62);
    expect(quantize(63, SCALES.major, 0)).toBe(62); // 62 and 64 tie: down
    expect(quantize(66.2, SCALES.pentatonic, 2)).toBe(66); // D pentatonic: D E F# A B
    expect(quantize(59.9, SCALES.chromatic, 0)).toBe(60);
    expect(fold(40, 60, 72)).toBe(64);
    expect(fold(90, 60, 72)).toBe(66);
  });

  it('transposes, folds, quantizes and clamps to what the plant plays, in that order', () => {
    expect(mapped({}, 45.3)).toBeCloseTo(45.3, 5);
    expect(mapped({ transpose: 12 }, 45.3)).toBeCloseTo(57.3, 5);
    expect(mapped({ transpose: 12, fold: [62, 74] }, 45.3)).toBeCloseTo(69.3, 5);
    expect(mapped({ transpose: 12, fold: [62, 74], scale: 'major', root: 0 }, 45.3)).toBe(69);
    expect(mapped({ transpose: -24 }, 40)).toBe(36);
    expect(mapped({ transpose: 24 }, 84)).toBe(96);
  });

  it('writes the note by the schema (62 + 12p, p outside [0, 1] beyond 62-74) and the plant plays it', () => {
    const m = new VoiceMapping(entries, 125);
    const f = m.next(loud(38));
    expect(f.normalized[0]).toBeCloseTo(-2, 5);
    expect(f.units[0]).toBeCloseTo(38, 5);
    expect(f.normalized[1]).toBe(1); // gate open
    const synth = new ContinuousSynth({ sampleRate: 16000, controlRate: 125 });
    expect(() => synth.setFrame(f.normalized)).not.toThrow();
    expect(() => synth.setFrame([-2.5, 1, 0.8, 0.45, 0.25, 0.3, 0.4])).toThrow(expect.objectContaining({ code: 'MB_ERR_BAD_PARAMS' }));
    expect(() => synth.setFrame([0.5, 1, 0.8, 0.45, 0.25, 0.3, -0.1])).toThrow(/decay/);
  });

  it('glides with its time constant, starts a note after silence on its pitch, and holds the note while the gate is closed', () => {
    const m = new VoiceMapping(entries, 125);
    m.configure({ ...DEFAULT_VOICE_MAP, glideMs: 40 });
    expect(m.next(loud(50)).units[0]).toBeCloseTo(50, 5);
    const a = Math.exp(-1000 / (40 * 125));
    expect(m.next(loud(62)).units[0]).toBeCloseTo(62 - 12 * a, 4);
    const quiet = { midi: 70, voiced: true, levelDb: -80, model: null };
    for (let i = 0; i < 10; i++) m.next(quiet);
    const held = m.next(quiet);
    expect(held.normalized[1]).toBe(0);
    expect(held.units[0]).toBeLessThan(62);
    expect(m.next(loud(70)).units[0]).toBeCloseTo(70, 5); // after silence: no glide
  });

  it('keeps the gate open across up to 3 unvoiced frames at level, and closes it below the threshold', () => {
    const m = new VoiceMapping(entries, 125);
    m.configure({ ...DEFAULT_VOICE_MAP, gateDb: -30 });
    expect(m.next(loud(60)).normalized[1]).toBe(1);
    const breath = { midi: NaN, voiced: false, levelDb: -25, model: null };
    expect([1, 2, 3, 4].map(() => m.next(breath).normalized[1])).toEqual([1, 1, 1, 0]);
    expect(m.next({ midi: 60, voiced: true, levelDb: -31, model: null }).normalized[1]).toBe(0);
  });

  it('passes the model\'s timbre through and smooths one parameter when asked', () => {
    const m = new VoiceMapping(entries, 125);
    m.configure({ ...DEFAULT_VOICE_MAP, timbre: 'model', smoothMs: { cutoff: 80 } });
    const model = (c: number) => Float32Array.from([0.5, 1, 0.8, c, 0.25, 0.3, 0.4]);
    expect(m.next({ ...loud(60), model: model(0.3) }).normalized[3]).toBeCloseTo(0.3, 6);
    const a = Math.exp(-1000 / (80 * 125));
    const f = m.next({ ...loud(60), model: model(0.6) });
    expect(f.normalized[3]).toBeCloseTo(0.3 * a + 0.6 * (1 - a), 5);
    expect(f.normalized[2]).toBeCloseTo(0.8, 6); // volume not smoothed
    expect(f.units[3]).toBeCloseTo(100 * 2 ** (7 * f.normalized[3]), 2);
  });
});

describe('voice mapping: volume and cutoff from the voice (timbre source voice, the default)', () => {
  it('sets the volume from the input level (+10 dB) and the cutoff from the centroid, held below the gate', () => {
    const m = new VoiceMapping(entries, 125);
    const model = Float32Array.from([0.5, 1, 0.8, 0.5, 0.25, 0.3, 0.4]);
    const f = m.next({ ...loud(60), levelDb: -20, centroidHz: 1600, model });
    expect(f.units[2]).toBeCloseTo(-10, 4); // volume in dB
    expect(f.units[3]).toBeCloseTo(1600, 1); // cutoff in Hz
    expect(f.normalized[4]).toBeCloseTo(0.25, 6); // resonance: the model's
    const quiet = m.next({ ...loud(60), levelDb: -70, centroidHz: 7000, model });
    expect(quiet.units[3]).toBeCloseTo(1600, 1); // breath below the gate does not move the cutoff
    expect(quiet.units[2]).toBe(-40); // volume clamped at the plant's floor
    m.configure({ ...DEFAULT_VOICE_MAP, timbre: 'model' });
    const fromModel = m.next({ ...loud(60), levelDb: -20, centroidHz: 1600, model });
    expect(fromModel.normalized[2]).toBeCloseTo(0.8, 6);
    expect(fromModel.normalized[3]).toBeCloseTo(0.5, 6);
  });
});

describe('voice mapping: per-parameter range and curve', () => {
  it('bends a timbre parameter by its exponent, then maps it onto its range (inverted when high < low)', () => {
    const m = new VoiceMapping(entries, 125);
    m.configure({ ...DEFAULT_VOICE_MAP, timbre: 'model', ranges: { cutoff: [0.2, 0.6], resonance: [1, 0] }, curves: { cutoff: 2 } });
    const f = m.next({ ...loud(60), model: Float32Array.from([0.5, 1, 0.8, 0.5, 0.25, 0.3, 0.4]) });
    expect(f.normalized[3]).toBeCloseTo(0.2 + 0.4 * 0.25, 6);
    expect(f.normalized[4]).toBeCloseTo(0.75, 6);
    expect(f.normalized[2]).toBeCloseTo(0.8, 6);
  });
});

describe('voice mapping controls', () => {
  const apply = (state: VoiceMapState, c: Omit<VoiceMapControl, 'owner'>) => VOICE_MAP_CONTROLS.apply(state, { owner: MIRROR_OWNER, ...c } as VoiceMapControl);

  it('keeps settings per stream and checks each against its declared range', () => {
    let s = VOICE_MAP_CONTROLS.initial();
    s = apply(s, { stream: 1, kind: 'transpose', semitones: -12 });
    s = apply(s, { stream: 2, kind: 'quantize', scale: 'minor', root: 9 });
    const view: ControlView = { get: <T>(owner: string) => (owner === MIRROR_OWNER ? (s as T) : undefined) };
    expect(voiceMapOf(view, 1)).toMatchObject({ transpose: -12, scale: 'off' });
    expect(voiceMapOf(view, 2)).toMatchObject({ transpose: 0, scale: 'minor', root: 9 });
    expect(voiceMapOf(view, 3)).toBe(DEFAULT_VOICE_MAP);
    expect(() => apply(s, { stream: 1, kind: 'transpose', semitones: 49 })).toThrow(expect.objectContaining({ code: 'MB_ERR_BAD_ARGS', message: expect.stringMatching(/transpose.*49/) }));
    expect(() => apply(s, { stream: 1, kind: 'fold', low: 60, high: 70 })).toThrow(/at least 12/);
    expect(() => apply(s, { stream: 1, kind: 'quantize', scale: 'lydian' as never })).toThrow(/must be one of/);
    expect(() => apply(s, { stream: 1, kind: 'smooth', param: 'vibratoRate', ms: 10 })).toThrow(/must be one of/);
    expect(() => apply(s, { stream: 70000, kind: 'glide', ms: 10 })).toThrow(/stream id/);
    expect(() => apply(s, { stream: 1, kind: 'range', param: 'note', low: 0, high: 1 })).toThrow(/must be one of/);
    expect(() => apply(s, { stream: 1, kind: 'curve', param: 'cutoff', exponent: 20 })).toThrow(/curve cutoff/);
    expect(voiceMapOf({ get: <T>() => apply(s, { stream: 1, kind: 'range', param: 'cutoff', low: 0.9, high: 0.1 }) as T }, 1).ranges.cutoff).toEqual([0.9, 0.1]);
  });
});

/** A harmonic "voice" (1/k partials below 0.45 fs) through `midiAt(t)`, phase-continuous, at `fs`. */
function voice(midiAt: (t: number) => number, seconds: number, fs: number): Float32Array {
  const x = new Float32Array(Math.round(seconds * fs));
  let phase = 0;
  for (let i = 0; i < x.length; i++) {
    const f = 440 * 2 ** ((midiAt(i / fs) - 69) / 12);
    phase += (2 * Math.PI * f) / fs;
    for (let k = 1; k <= 12 && k * f < 0.45 * fs; k++) x[i] += (0.25 / k) * Math.sin(k * phase);
  }
  return x;
}

describe('VoiceStreamProcessor (shipped mirrornet-stream fused with the causal tracker)', () => {
  let model: OnnxModel;
  const dir = shippedModelDir('mirrornet-stream');
  beforeAll(async () => {
    model = await OnnxModel.load(dir, await loadManifest(dir));
  });
  afterAll(async () => model.dispose());

  const run = async (proc: { process(b: Float32Array): Promise<{ params?: Float32Array; units?: Float32Array }[]> }, x: Float32Array, blocks: number[]) => {
    const frames: { params?: Float32Array; units?: Float32Array }[] = [];
    for (let i = 0, k = 0; i < x.length; k++) {
      const n = blocks[k % blocks.length];
      frames.push(...(await proc.process(x.subarray(i, i + n))));
      i += n;
    }
    return frames;
  };

  it('follows notes over MIDI 36-84 at 48 kHz where the model alone stays in 62-74', async () => {
    const notes = [36, 41, 47, 52, 57, 64, 70, 77, 84, 60];
    const x = voice((t) => notes[Math.min(notes.length - 1, Math.floor(t / 0.3))], 3, 48000);
    const fused = await run(await VoiceStreamProcessor.create(model, 48000), x, [64, 100, 1000]);
    expect(fused.length).toBeGreaterThanOrEqual(373);
    expect(fused.length).toBeLessThanOrEqual(375);
    let hits = 0;
    let judged = 0;
    fused.forEach((f, k) => {
      const t = (k + 1) / 125 - 0.004; // centre of the 8-ms window that ends with the frame
      const into = t % 0.3;
      if (into < 0.04 || into > 0.28) return; // leave the steps out
      judged++;
      if (Math.abs(f.units![0] - notes[Math.floor(t / 0.3)]) <= 0.5 && f.params![1] === 1) hits++;
    });
    expect(hits / judged).toBeGreaterThan(0.97);
    const old = await run(await MirrorStreamProcessor.create(model, 48000), x, [64, 100, 1000]);
    const oldNotes = old.map((f) => 62 + 12 * f.params![0]);
    expect(Math.min(...oldNotes)).toBeGreaterThan(57);
  });

  it('applies the client\'s mapping of its own stream id, read live', async () => {
    let state = VOICE_MAP_CONTROLS.initial();
    const view: ControlView = { get: <T>(owner: string) => (owner === MIRROR_OWNER ? (state as T) : undefined) };
    const proc = await VoiceStreamProcessor.create(model, 16000, { controls: view, streamId: 4 });
    const x = voice(() => 45.2, 1, 16000);
    const before = await run(proc, x.subarray(0, 8000), [256]);
    expect(before[before.length - 1].units![0]).toBeCloseTo(45.2, 0);
    state = VOICE_MAP_CONTROLS.apply(state, { owner: MIRROR_OWNER, stream: 4, kind: 'quantize', scale: 'chromatic' });
    state = VOICE_MAP_CONTROLS.apply(state, { owner: MIRROR_OWNER, stream: 4, kind: 'transpose', semitones: 12 });
    state = VOICE_MAP_CONTROLS.apply(state, { owner: MIRROR_OWNER, stream: 5, kind: 'transpose', semitones: -7 });
    const after = await run(proc, x.subarray(8000), [256]);
    expect(after[after.length - 1].units![0]).toBe(57);
  });

  it('turns a brighter voice into a higher cutoff and a louder one into a higher volume (timbre source voice)', async () => {
    const fs = 16000;
    const proc = await VoiceStreamProcessor.create(model, fs);
    // the same note as a sine (centroid at f0) and as a harmonic tone (8 partials, centroid higher), then quieter
    const sine = Float32Array.from({ length: fs / 2 }, (_, i) => 0.3 * Math.sin((2 * Math.PI * 220 * i) / fs));
    const bright = voice(() => 57, 0.5, fs);
    const quieter = bright.map((v) => v * 0.1);
    const last = async (x: Float32Array) => (await run(proc, x, [256])).at(-1)!.units!;
    const [onSine, onBright, onQuiet] = [await last(sine), await last(bright), await last(quieter)];
    expect(onSine[3]).toBeCloseTo(220, -1);
    expect(onBright[3]).toBeGreaterThan(1.5 * onSine[3]);
    expect(Math.abs(onQuiet[2] - (onBright[2] - 20))).toBeLessThan(1); // 20 dB quieter
  });

  it('keeps the gate closed on breath-like noise, follows a clipped voice and a two-octave jump', async () => {
    const fs = 16000;
    const proc = await VoiceStreamProcessor.create(model, fs);
    let seed = 3;
    const noise = Float32Array.from({ length: fs }, () => 0.2 * (((seed = (1103515245 * seed + 12345) % 2147483648) / 2147483648) * 2 - 1));
    const onNoise = await run(proc, noise, [256]);
    expect(onNoise.filter((f) => f.params![1] === 1).length / onNoise.length).toBeLessThan(0.05);
    const clipped = voice((t) => (t < 0.5 ? 48 : 72), 1, fs).map((v) => Math.max(-0.3, Math.min(0.3, 8 * v)));
    const frames = await run(proc, clipped, [256]);
    const at = (t: number) => frames[Math.round(t * 125) - 1];
    expect(Math.abs(at(0.45).units![0] - 48)).toBeLessThan(0.5);
    expect(Math.abs(at(0.55).units![0] - 72)).toBeLessThan(0.5); // 50 ms after the jump
    expect(at(0.95).params![1]).toBe(1);
  });

  it('gives defined frames on silence, 1-sample and 8192-sample blocks, at 8 and 192 kHz, and reports its latency split', async () => {
    for (const fs of [8000, 192000]) {
      const proc = await VoiceStreamProcessor.create(model, fs);
      const x = new Float32Array(fs / 2);
      x.set(voice(() => 55, 0.25, fs));
      const frames = [...(await run(proc, x.subarray(0, 300), [1])), ...(await run(proc, x.subarray(300), [8192]))];
      expect(Math.abs(frames.length - 62)).toBeLessThanOrEqual(1);
      for (const f of frames) expect(f.params!.every(Number.isFinite)).toBe(true);
      const last = frames[frames.length - 1];
      expect(last.params![1]).toBe(0); // gate closed in the silence
      expect(last.units![0]).toBeCloseTo(55, 0); // the last note held
      expect(proc.latency.noteAlgorithmic).toBeLessThan(proc.latency.timbreAlgorithmic);
      expect(proc.latencySamples).toBe(proc.latency.noteAlgorithmic);
      expect(proc.latency.hopBuffering).toBe(fs / 125);
    }
  });
});

describe('voice mapping verbs (the verb table, through the engine)', () => {
  it('set one stream\'s mapping, with ranges checked and unknown streams refused', async () => {
    const { engine } = await createEngine({ modelsDir: MODELS_DIR, filesDir: mkdtempSync(join(tmpdir(), 'mb-voice-verbs-')), jobWorkers: 0 });
    try {
      await engine.loadModel('mirrornet-stream');
      await engine.openStream('pd', 3, { sampleRate: 16000, blockSize: 256, model: 'mirrornet-stream' });
      const door = { name: 'osc' as const, version: 'test', hears: () => false };
      const send = async (address: string, args: { type: string; value: unknown }[]) => {
        const v = verbAt(address, 'osc')!;
        return v.handler(parseArgs(v, args), { engine, clientId: 'pd', door });
      };
      const i = (value: number) => ({ type: 'i', value });
      const f = (value: number) => ({ type: 'f', value });
      const s = (value: string) => ({ type: 's', value });
      await send('/mb/stream/map/transpose', [i(3), f(12)]);
      await send('/mb/stream/map/quantize', [i(3), s('chromatic')]);
      const x = voice(() => 45.3, 0.5, 16000);
      const frames = await engine.processBlock('pd', 3, x);
      expect(frames[frames.length - 1].params!.units[0]).toBe(57);
      await expect(send('/mb/stream/map/glide', [i(3), f(-1)])).rejects.toMatchObject({ code: 'MB_ERR_BAD_ARGS' });
      await expect(send('/mb/stream/map/gate', [i(9), f(-40)])).rejects.toMatchObject({ code: 'MB_ERR_UNKNOWN_STREAM' });
      await expect(send('/mb/stream/pitch', [i(3), s('both')])).rejects.toMatchObject({ code: 'MB_ERR_BAD_ARGS' });
      // the model's volume and cutoff back: the voice's level no longer sets the volume
      const loudX = voice(() => 60, 0.3, 16000);
      const byVoice = (await engine.processBlock('pd', 3, loudX)).at(-1)!.params!.units[2];
      await send('/mb/stream/timbre', [i(3), s('model')]);
      const quietFrames = await engine.processBlock('pd', 3, loudX.map((v) => v * 0.1));
      const byModel = quietFrames.at(-1)!.params!.units[2];
      expect(byVoice - byModel).toBeLessThan(15);
      await expect(send('/mb/stream/timbre', [i(3), s('dsp')])).rejects.toMatchObject({ code: 'MB_ERR_BAD_ARGS' });
    } finally {
      await engine.dispose();
    }
  });
});
