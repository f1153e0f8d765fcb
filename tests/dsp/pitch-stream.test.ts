import { describe, expect, it } from 'vitest';
import { CausalPitchTracker } from '../../src/dsp/pitch-stream';
import { Yin } from '../../src/dsp/yin';
import { bandLimitedSaw } from '../audio/signals';

/** A harmonic tone (up to 8 partials below 0.45 fs, 1/k) stepping through `midiAt(i)`, phase-continuous. */
function tone(midiAt: (i: number) => number, n: number, fs: number): Float32Array {
  const x = new Float32Array(n);
  let phase = 0;
  for (let i = 0; i < n; i++) {
    const f = 440 * 2 ** ((midiAt(i) - 69) / 12);
    phase += (2 * Math.PI * f) / fs;
    for (let k = 1; k <= 8 && k * f < 0.45 * fs; k++) x[i] += (0.3 / k) * Math.sin(k * phase);
  }
  return x;
}

describe('CausalPitchTracker', () => {
  it('tracks MIDI 36 (65.4 Hz) to 84 within 0.1 semitone at 16 kHz, 0.2 at 8 kHz (a 1-kHz period is 7.6 samples there)', () => {
    for (const fs of [8000, 16000]) {
      for (const midi of [36, 40, 48, 60, 72, 84]) {
        const p = new CausalPitchTracker({ sampleRate: fs });
        p.push(tone(() => midi, fs / 4, fs));
        const e = p.estimate();
        expect(e.voiced, `${midi} at ${fs}`).toBe(true);
        expect(Math.abs(e.midi - midi), `${midi} at ${fs}`).toBeLessThan(fs === 8000 ? 0.2 : 0.1);
      }
    }
  });

  it('reports a pitch step once about the window plus a period of the new pitch is in', () => {
    const fs = 16000;
    const p = new CausalPitchTracker({ sampleRate: fs });
    const x = tone((i) => (i < 4000 ? 64 : 71), 8000, fs);
    p.push(x.subarray(0, 4000));
    expect(Math.abs(p.estimate().midi - 64)).toBeLessThan(0.1);
    let reactedAt = -1;
    for (let i = 4000; i < 8000 && reactedAt < 0; i += 16) {
      p.push(x.subarray(i, i + 16));
      if (p.estimate().midi > 67.5) reactedAt = i + 16 - 4000;
    }
    // window 8 ms (128 samples) + one period of MIDI 71 (32 samples); a plain YIN frame of the same span lags by the whole frame
    expect(reactedAt).toBeGreaterThan(0);
    expect(reactedAt).toBeLessThanOrEqual(p.windowSamples + 40);
  });

  it("follows a naive saw (Pd's [phasor~], aliased) gliding over an octave, with no octave-down frames", () => {
    // Its jumps fall between samples, so d' dips deeper at two periods than at one (8 kHz, 587 Hz:
    // 0.09 vs 0.18) and plain YIN, taking the first dip below its threshold, reports an octave
    // down on some frames: at 8 kHz 18 of 225 frames of a 60-72 glide, at 16 kHz 43 of 72-84.
    for (const [fs, from, to] of [[8000, 60, 72], [8000, 62, 74], [16000, 72, 84]]) {
      const p = new CausalPitchTracker({ sampleRate: fs });
      const n = 2 * fs;
      const hop = fs / 125;
      const midiAt = (i: number) => from + ((to - from) * i) / n;
      let phase = 0;
      const misses: string[] = [];
      for (let i = 0; i + hop <= n; i += hop) {
        const block = new Float32Array(hop);
        for (let j = 0; j < hop; j++) {
          phase += (440 * 2 ** ((midiAt(i + j) - 69) / 12)) / fs;
          phase -= Math.floor(phase);
          block[j] = 0.5 * phase;
        }
        p.push(block);
        const e = p.estimate();
        if (i >= 0.1 * n && !(Math.abs(e.midi - midiAt(i + hop)) < 0.5)) misses.push(`${midiAt(i + hop).toFixed(1)}: ${e.midi.toFixed(1)}`);
      }
      expect(misses, `${from}-${to} at ${fs}`).toEqual([]);
    }
  });

  it('says unvoiced and a floor level on silence and noise-free zeros', () => {
    const p = new CausalPitchTracker({ sampleRate: 16000 });
    p.push(new Float32Array(2000));
    const e = p.estimate();
    expect(e.voiced).toBe(false);
    expect(e.midi).toBeNaN();
    expect(e.levelDb).toBe(-120);
  });
});

describe('Yin with a window shorter than its maximal lag', () => {
  it('finds the same f0 as the classic frame, and refuses a frame with no room for the window', () => {
    const fs = 16000;
    const frame = bandLimitedSaw(150, fs, 1024);
    const classic = new Yin({ sampleRate: fs, frameLength: 534, fmin: 60 }).estimate(frame).f0;
    const short = new Yin({ sampleRate: fs, frameLength: 395, fmin: 60, window: 128 }).estimate(frame).f0;
    expect(Math.abs(short - classic)).toBeLessThan(0.2);
    expect(Math.abs(short - 150)).toBeLessThan(0.5);
    expect(() => new Yin({ sampleRate: fs, frameLength: 270, fmin: 60, window: 128 })).toThrow(expect.objectContaining({ code: 'MB_ERR_BAD_ARGS' }));
  });
});
