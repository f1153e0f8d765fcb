import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../src/core/random';
import { ContinuousSynth, renderContinuous } from '../../src/synth/continuous';
import { PARAM_SPECS, SET2 } from '../../src/synth/params';
import type { ParamName } from '../../src/synth/params';
import { median, midiTrack, peakAbs, rms, std } from './analysis';

const CONTROL_RATE = 125;
const DEFAULTS = SET2.map((n) => PARAM_SPECS[n].defaultValue);

/** T frames of 10 values: defaults with the gate on, overridden by constants or per-frame functions. */
function frames(count: number, over: Partial<Record<ParamName, number | ((t: number) => number)>>): Float32Array {
  const out = new Float32Array(count * 10);
  for (let t = 0; t < count; t++) {
    SET2.forEach((name, j) => {
      const v = over[name] ?? (name === 'duration' ? 1 : DEFAULTS[j]);
      out[t * 10 + j] = typeof v === 'function' ? v(t) : v;
    });
  }
  return out;
}

const SUSTAINED = { attack: 0, decay: 1, cutoff: 0.35, volume: 1 };

describe('ContinuousSynth', () => {
  it('follows a pitch ramp (MIDI 62 + 12p, no grid snap)', () => {
    const fs = 16000;
    const count = 250;
    const note = (t: number) => t / (count - 1);
    const y = renderContinuous(frames(count, { ...SUSTAINED, note }), 10, { sampleRate: fs, controlRate: CONTROL_RATE });
    expect(y.length).toBe(2 * fs);
    const hop = fs / CONTROL_RATE;
    const track = midiTrack(y, fs, 0, y.length, hop);
    let checked = 0;
    track.forEach((midi, t) => {
      if (t < 5 || !Number.isFinite(midi)) return;
      // the analysis window starts at frame t and spans ~2 frames; the synth lags one frame
      const expected = 62 + 12 * note(t);
      expect(Math.abs(midi - expected), `frame ${t}`).toBeLessThan(0.25);
      checked++;
    });
    expect(checked).toBeGreaterThan(200);
    expect(median(track.slice(200))).toBeGreaterThan(median(track.slice(0, 50)) + 8);
  });

  it('is deterministic and independent of the host block size', () => {
    const fs = 8000;
    const rand = mulberry32(11);
    const f = frames(60, { note: () => rand(), cutoff: () => 0.3 + 0.3 * rand(), duration: (t) => (t % 20 < 15 ? 1 : 0), vibratoIntensity: 0.6 });
    const a = renderContinuous(f, 10, { sampleRate: fs, controlRate: CONTROL_RATE });
    const b = renderContinuous(f, 10, { sampleRate: fs, controlRate: CONTROL_RATE });
    expect(Array.from(a)).toEqual(Array.from(b));
    const synth = new ContinuousSynth({ sampleRate: fs, controlRate: CONTROL_RATE });
    const c = new Float32Array(a.length);
    for (let t = 0; t < 60; t++) {
      synth.setFrame(f.subarray(t * 10, t * 10 + 10));
      const frameEnd = (t + 1) * 64;
      for (let n = t * 64; n < frameEnd; n += 37) synth.process(c.subarray(n, Math.min(frameEnd, n + 37)));
    }
    expect(Array.from(c)).toEqual(Array.from(a));
  });

  it('is silent before the first frame and while the gate is off; releases within 10 ms', () => {
    const fs = 16000;
    const synth = new ContinuousSynth({ sampleRate: fs, controlRate: CONTROL_RATE });
    const block = new Float32Array(128);
    synth.process(block);
    expect(peakAbs(block)).toBe(0);
    const y = renderContinuous(frames(50, { ...SUSTAINED, duration: (t) => (t >= 10 && t < 30 ? 1 : 0) }), 10, { sampleRate: fs, controlRate: CONTROL_RATE });
    const spf = fs / CONTROL_RATE;
    expect(peakAbs(y.subarray(0, 10 * spf))).toBe(0);
    expect(rms(y, 10 * spf, 30 * spf)).toBeGreaterThan(0.01);
    expect(peakAbs(y.subarray(30 * spf + 0.01 * fs + 1))).toBe(0);
  });

  it('retriggers on a jump of >= 0.5 semitone, glides on smaller steps', () => {
    const fs = 8000;
    const spf = fs / CONTROL_RATE;
    const short = { attack: 0, decay: 0.5, cutoff: 0.35, volume: 1 };
    const render = (note: (t: number) => number) => renderContinuous(frames(30, { ...short, note }), 10, { sampleRate: fs, controlRate: CONTROL_RATE });
    const ratio = (y: Float32Array) => rms(y, 10 * spf, 14 * spf) / rms(y, 6 * spf, 10 * spf);
    expect(ratio(render((t) => (t < 10 ? 0 : 0.55 / 12)))).toBeGreaterThan(3);
    expect(ratio(render((t) => (t < 10 ? 0 : 2 / 12)))).toBeGreaterThan(3);
    expect(ratio(render((t) => (t < 10 ? 0 : (0.4 / 12) * Math.min(5, t - 9))))).toBeLessThan(1);
  });

  it('responds to cutoff, volume and vibrato frames', () => {
    const fs = 8000;
    const render = (over: Partial<Record<ParamName, number>>) =>
      renderContinuous(frames(125, { ...SUSTAINED, ...over }), 10, { sampleRate: fs, controlRate: CONTROL_RATE });
    expect(rms(render({ volume: 1 }))).toBeGreaterThan(2 * rms(render({ volume: 0.8 })));
    const vib = (p: number) => std(midiTrack(render({ vibratoIntensity: p }), fs, 400, 7000, 40));
    expect(vib(0.7)).toBeGreaterThan(vib(0.3) + 0.1);
    expect(vib(0)).toBeLessThan(0.03);
  });

  it('keeps the output within [-1, 1] for random frames', () => {
    const rand = mulberry32(5);
    const f = new Float32Array(500 * 10).map(() => rand());
    for (const fs of [8000, 48000]) {
      const y = renderContinuous(f, 10, { sampleRate: fs, controlRate: CONTROL_RATE });
      expect(y.every((v) => Number.isFinite(v) && Math.abs(v) <= 1)).toBe(true);
      expect(rms(y)).toBeGreaterThan(1e-3);
    }
  });

  it('accepts 7-value frames (vibrato off) and fractional samples per frame', () => {
    const f10 = frames(40, SUSTAINED);
    const f7 = new Float32Array(40 * 7);
    for (let t = 0; t < 40; t++) f7.set(f10.subarray(t * 10, t * 10 + 7), t * 7);
    const y7 = renderContinuous(f7, 7, { sampleRate: 44100, controlRate: CONTROL_RATE });
    expect(y7.length).toBe(Math.round((40 * 44100) / CONTROL_RATE));
    expect(Array.from(y7)).toEqual(Array.from(renderContinuous(f10, 10, { sampleRate: 44100, controlRate: CONTROL_RATE })));
  });

  it('rejects bad frames with MB_ERR_BAD_PARAMS and keeps its state', () => {
    const fs = 8000;
    const good = frames(1, SUSTAINED);
    const a = new ContinuousSynth({ sampleRate: fs, controlRate: CONTROL_RATE });
    const b = new ContinuousSynth({ sampleRate: fs, controlRate: CONTROL_RATE });
    a.setFrame(good);
    b.setFrame(good);
    const bad = Float32Array.from(good);
    bad[3] = Number.NaN;
    expect(() => b.setFrame(bad)).toThrow(expect.objectContaining({ code: 'MB_ERR_BAD_PARAMS', message: expect.stringMatching(/cutoff.*NaN/) }));
    expect(() => b.setFrame(new Float32Array(8))).toThrow(expect.objectContaining({ code: 'MB_ERR_BAD_PARAMS' }));
    expect(() => b.setFrame([0.5, 1, 0.5, 0.5, 0.5, 0.5, 1.5])).toThrow(/decay.*1\.5/);
    const ya = new Float32Array(256);
    const yb = new Float32Array(256);
    a.process(ya);
    b.process(yb);
    expect(Array.from(yb)).toEqual(Array.from(ya));
    expect(() => renderContinuous(new Float32Array(15), 7, { sampleRate: fs, controlRate: CONTROL_RATE })).toThrow(/T x 7/);
    expect(() => new ContinuousSynth({ sampleRate: fs, controlRate: 0 })).toThrow(/controlRate/);
  });

  it('reset() returns to silence', () => {
    const synth = new ContinuousSynth({ sampleRate: 8000, controlRate: CONTROL_RATE });
    synth.setFrame(frames(1, SUSTAINED));
    const block = new Float32Array(64);
    synth.process(block);
    expect(rms(block)).toBeGreaterThan(0.001);
    synth.reset();
    synth.process(block);
    expect(peakAbs(block)).toBe(0);
  });
});
