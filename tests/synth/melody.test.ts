import { describe, expect, it } from 'vitest';
import { MbError } from '../../src/core/errors';
import { mulberry32 } from '../../src/core/random';
import { renderMelody, renderMelodyBatch } from '../../src/synth/melody';
import { normalizedToUnits, PARAM_SPECS, SET2 } from '../../src/synth/params';
import type { ParamName } from '../../src/synth/params';
import { PATCH } from '../../src/synth/patch';
import {
  dominantRate,
  median,
  midiTrack,
  peakAbs,
  powerSpectrum,
  rms,
  rmsEnvelope,
  spectralCentroid,
  std,
} from './analysis';

const DEFAULTS = SET2.map((n) => PARAM_SPECS[n].defaultValue);

/** N rows of set-2 parameters: defaults, overridden per column, optionally per note. */
function melody(over: Partial<Record<ParamName, number | number[]>>, notes = 5): number[][] {
  return Array.from({ length: notes }, (_, i) =>
    SET2.map((name, j) => {
      const v = over[name];
      return v === undefined ? DEFAULTS[j] : Array.isArray(v) ? v[i] : v;
    }),
  );
}

/** A single long note (2 s gate) for the vibrato measurements. */
function longNote(over: Partial<Record<ParamName, number>>, sampleRate: number): Float32Array {
  return renderMelody(melody({ duration: 1, attack: 0, decay: 1, cutoff: 0.35, vibratoIntensity: 0.5, ...over }, 1), { sampleRate, notes: 1 });
}

function increasing(values: number[], minStep: number): void {
  for (let i = 1; i < values.length; i++) expect(values[i] - values[i - 1], `step ${i} of ${values.join(', ')}`).toBeGreaterThan(minStep);
}

function spectralSpread(x: Float32Array, fs: number): number {
  const { power, hz } = powerSpectrum(x, fs);
  const c = spectralCentroid(x, fs);
  let num = 0;
  let den = 0;
  for (let k = 0; k < power.length; k++) {
    num += (hz[k] - c) ** 2 * power[k];
    den += power[k];
  }
  return Math.sqrt(num / den);
}

const FS = 8000;
const MIXED_NOTES = [0, 3 / 12, 7 / 12, 10 / 12, 1];

describe('renderMelody', () => {
  it('is deterministic and has totalSeconds x sampleRate samples', () => {
    const params = new Float32Array(35).map((_, i) => ((i * 37) % 100) / 100);
    const a = renderMelody(params, { sampleRate: FS });
    const b = renderMelody(params, { sampleRate: FS });
    expect(a.length).toBe(16000);
    expect(Buffer.from(a.buffer).equals(Buffer.from(b.buffer))).toBe(true);
    expect(rms(a)).toBeGreaterThan(1e-3);
    expect(renderMelody(params, { sampleRate: FS, totalSeconds: 1.5 }).length).toBe(12000);
  });

  it('renders set 1 exactly like set 2 with vibrato at its defaults', () => {
    const set2 = melody({ note: MIXED_NOTES });
    const set1 = set2.map((row) => row.slice(0, 7));
    expect(Array.from(renderMelody(set1, { sampleRate: FS }))).toEqual(Array.from(renderMelody(set2, { sampleRate: FS })));
  });

  it('starts note i at i x total / N and keeps silence between notes', () => {
    const y = renderMelody(melody({ duration: 0 }), { sampleRate: FS });
    const slot = 0.4 * FS;
    const sounding = Math.round((0.2 * 0.4 + PATCH.RELEASE_SECONDS) * FS);
    for (let i = 0; i < 5; i++) {
      expect(rms(y, i * slot, i * slot + 40)).toBeGreaterThan(1e-4);
      expect(peakAbs(y.subarray(i * slot + sounding, (i + 1) * slot))).toBe(0);
    }
  });

  it('keeps the peak within [-1, 1] for extreme and random parameters', () => {
    const rand = mulberry32(7);
    const cases: number[][][] = [melody({ volume: 1, resonance: 1, attack: 0, decay: 1, duration: 1 })];
    for (const cut of [0, 0.23, 0.25, 0.3, 0.33, 0.4, 1]) cases.push(melody({ volume: 1, resonance: 1, cutoff: cut, attack: 0, note: MIXED_NOTES }));
    for (let k = 0; k < 20; k++) cases.push(Array.from({ length: 5 }, () => SET2.map(() => rand())));
    for (const c of cases) {
      for (const fs of [8000, 44100]) {
        const y = renderMelody(c, { sampleRate: fs });
        expect(y.every((v) => Number.isFinite(v))).toBe(true);
        expect(peakAbs(y)).toBeLessThanOrEqual(1);
      }
    }
  });

  it('renders the grid note at each of 8k, 16k, 44.1k and 48k', () => {
    for (const fs of [8000, 16000, 44100, 48000]) {
      const notes = [0, 2 / 12, 5 / 12, 9 / 12, 1];
      const y = renderMelody(melody({ note: notes, cutoff: 0.35 }), { sampleRate: fs });
      expect(y.length).toBe(2 * fs);
      notes.forEach((p, i) => {
        const slot = 0.4 * fs;
        const measured = median(midiTrack(y, fs, i * slot + 0.05 * fs, i * slot + 0.25 * fs, Math.round(0.01 * fs)));
        expect(measured, `note ${i} at ${fs} Hz`).toBeCloseTo(normalizedToUnits('note', p), 0);
        expect(Math.abs(measured - normalizedToUnits('note', p))).toBeLessThan(0.15);
      });
    }
  });

  describe('each parameter changes the sound in the expected direction within its training range (8 kHz)', () => {
    it('note: higher p, higher pitch', () => {
      const pitches = [0, 0.25, 0.5, 0.75, 1].map((p) => median(midiTrack(renderMelody(melody({ note: p, cutoff: 0.35 }), { sampleRate: FS }), FS, 400, 2400, 40)));
      increasing(pitches, 0.9);
    });

    it('duration: higher p, longer sound', () => {
      const lengths = [0, 0.5, 1].map((p) => {
        const y = renderMelody(melody({ duration: p, decay: 1 }), { sampleRate: FS });
        let last = 0;
        for (let n = 0; n < 3200; n++) if (Math.abs(y[n]) > 1e-4) last = n;
        return last / FS;
      });
      increasing(lengths, 0.1);
    });

    it('volume: higher p, higher RMS (at least 2 dB per step)', () => {
      const levels = [0.6, 0.8, 1].map((p) => 20 * Math.log10(rms(renderMelody(melody({ volume: p, note: MIXED_NOTES }), { sampleRate: FS }))));
      increasing(levels, 2);
    });

    it('cutoff: higher p, higher spectral centroid (at least 10 % per step)', () => {
      const centroids = [0.3, 0.45, 0.6].map((p) => spectralCentroid(renderMelody(melody({ cutoff: p, note: MIXED_NOTES }), { sampleRate: FS }), FS));
      for (let i = 1; i < centroids.length; i++) expect(centroids[i] / centroids[i - 1]).toBeGreaterThan(1.1);
    });

    it('resonance: higher p, narrower spectrum around the cutoff', () => {
      for (const cutoff of [0.3, 0.45, 0.6]) {
        const spreads = [0.1, 0.25, 0.4].map((p) => spectralSpread(renderMelody(melody({ resonance: p, cutoff, note: MIXED_NOTES }), { sampleRate: FS }), FS));
        for (let i = 1; i < spreads.length; i++) expect(spreads[i] / spreads[i - 1], `cutoff ${cutoff}: ${spreads.join(', ')}`).toBeLessThan(0.97);
      }
    });

    it('attack: higher p, later envelope peak', () => {
      const peaks = [0.2, 0.3, 0.4].map((p) => {
        const env = rmsEnvelope(renderMelody(melody({ attack: p }), { sampleRate: FS }), 40, 8, 0, 1600);
        return (env.indexOf(Math.max(...env)) * 8 + 20) / FS;
      });
      increasing(peaks, 0.01);
      expect(peaks[1]).toBeCloseTo(normalizedToUnits('attack', 0.3), 2);
    });

    it('decay: higher p, longer tail', () => {
      const tails = [0.3, 0.4, 0.5].map((p) => {
        const env = rmsEnvelope(renderMelody(melody({ decay: p }), { sampleRate: FS }), 40, 8, 0, 1600);
        const top = Math.max(...env);
        let j = env.indexOf(top);
        while (j < env.length && env[j] > top / 10) j++;
        return ((j - env.indexOf(top)) * 8) / FS;
      });
      increasing(tails, 0.01);
    });

    it('vibratoIntensity: higher p, larger pitch variance', () => {
      const spreads = [0.3, 0.5, 0.7].map((p) => std(midiTrack(longNote({ vibratoIntensity: p }, FS), FS, 400, 14000, 40)));
      increasing(spreads, 0.08);
      // a sine of depth d semitones has standard deviation d / sqrt(2)
      expect(spreads[1]).toBeCloseTo(0.5 / Math.SQRT2, 1);
      expect(std(midiTrack(longNote({ vibratoIntensity: 0 }, FS), FS, 400, 14000, 40))).toBeLessThan(0.03);
    });

    it('vibratoRate: higher p, faster vibrato at the mapped rate', () => {
      const rates = [0.3, 0.4, 0.5].map((p) => dominantRate(midiTrack(longNote({ vibratoRate: p }, FS), FS, 400, 14000, 40), FS / 40, 1, 10));
      increasing(rates, 0.5);
      [0.3, 0.4, 0.5].forEach((p, i) => expect(Math.abs(rates[i] - normalizedToUnits('vibratoRate', p))).toBeLessThan(0.15));
    });

    it('vibratoPhase: higher p, pitch contour further from phase 0', () => {
      const track = (p: number) => midiTrack(longNote({ vibratoPhase: p, vibratoIntensity: 0.7 }, FS), FS, 0, 2400, 40);
      const ref = track(0);
      const distances = [0.1, 0.2, 0.3].map((p) => {
        const t = track(p);
        return Math.sqrt(t.reduce((a, v, i) => a + (Number.isFinite(v) && Number.isFinite(ref[i]) ? (v - ref[i]) ** 2 : 0), 0) / t.length);
      });
      increasing([0, ...distances], 0.1);
    });
  });

  it('rejects bad parameters and options with coded errors', () => {
    const nan = new Float32Array(35).fill(0.5);
    nan[10] = Number.NaN;
    expect(() => renderMelody(nan, { sampleRate: FS })).toThrow(expect.objectContaining({ code: 'MB_ERR_BAD_PARAMS' }));
    expect(() => renderMelody(melody({ cutoff: 1.01 }), { sampleRate: FS })).toThrow(/cutoff.*\[0, 1\].*1\.01/);
    expect(() => renderMelody(new Float32Array(35), { sampleRate: 0 })).toThrow(MbError);
    expect(() => renderMelody(new Float32Array(35), { sampleRate: FS, totalSeconds: Number.NaN })).toThrow(/totalSeconds/);
  });
});

describe('renderMelodyBatch', () => {
  it('renders each melody as renderMelody does', () => {
    const rand = mulberry32(3);
    const batch = new Float32Array(3 * 5 * 10).map(() => rand());
    const clips = renderMelodyBatch(batch, 3, 5, 10, { sampleRate: FS });
    expect(clips).toHaveLength(3);
    for (let b = 0; b < 3; b++) {
      const single = renderMelody(batch.slice(b * 50, (b + 1) * 50), { sampleRate: FS });
      expect(Array.from(clips[b])).toEqual(Array.from(single));
    }
    expect(clips[0]).not.toEqual(clips[1]);
  });

  it('rejects a size mismatch', () => {
    expect(() => renderMelodyBatch(new Float32Array(69), 2, 5, 7, { sampleRate: FS })).toThrow(/2 x 5 x 7 = 70.*69/);
  });
});
