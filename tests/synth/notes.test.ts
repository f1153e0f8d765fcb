import { describe, expect, it } from 'vitest';
import { Yin } from '../../src/dsp/yin';
import { hzToMidi } from '../../src/core/units';
import { AdEnvelope } from '../../src/synth/envelope';
import { renderNotes } from '../../src/synth/notes';
import { NOTE_FIELD_SPECS, noteFieldToNormalized, noteFieldToUnits } from '../../src/synth/params';
import { rms } from './analysis';

const FS = 32000;

/** MIDI (with cents) of the frame starting at `from`, by the project's YIN (60-2200 Hz). */
function midiAt(x: Float32Array, from: number): number {
  const yin = new Yin({ sampleRate: FS, frameLength: 2048, fmin: 60, fmax: 2200 });
  const { f0 } = yin.estimate(x.subarray(from, from + 2048));
  return hzToMidi(f0);
}

describe('renderNotes (the notes configuration)', () => {
  it('plays MIDI 36-96 with cents: YIN reads each pitch within 3 cents', () => {
    for (const midi of [36, 48.37, 60.25, 83.9, 96]) {
      const x = renderNotes([{ onset: 0, duration: 0.5, midi, sustain: 0.8, cutoff: 1500 }], { sampleRate: FS });
      expect(Math.abs(midiAt(x, Math.round(0.2 * FS)) - midi), `MIDI ${midi}`).toBeLessThan(0.03);
    }
  });

  it('places notes at their onsets with rests between, gates from 60 ms to 4 s, and holds the sustain level', () => {
    const x = renderNotes(
      [
        { onset: 0.2, duration: 0.06, midi: 60, sustain: 0.5 },
        { onset: 1, duration: 4, midi: 72, sustain: 0.5, decay: 0.1 },
      ],
      { sampleRate: FS },
    );
    expect(x.length).toBe(Math.round((1 + 4 + 0.01) * FS));
    expect(rms(x, 0, 0.19 * FS)).toBe(0);
    expect(rms(x, 0.2 * FS, 0.26 * FS)).toBeGreaterThan(0.01);
    expect(rms(x, 0.28 * FS, 0.99 * FS)).toBe(0); // the rest after the 60-ms gate and its 10-ms release
    const early = rms(x, 1.5 * FS, 1.6 * FS);
    const late = rms(x, 4.8 * FS, 4.9 * FS);
    expect(early).toBeGreaterThan(0.01);
    expect(late / early).toBeGreaterThan(0.9); // sustained: the level holds for 4 s
    const plain = renderNotes([{ onset: 0, duration: 2, midi: 72, decay: 0.1 }], { sampleRate: FS });
    expect(rms(plain, 1.5 * FS, 1.6 * FS)).toBe(0); // sustain 0: the paper's envelope, silent after the decay
  });

  it('glides from the previous pitch over the glide time', () => {
    const x = renderNotes(
      [
        { onset: 0, duration: 0.3, midi: 60, sustain: 0.8 },
        { onset: 0.32, duration: 0.8, midi: 72, sustain: 0.8, glide: 0.4 },
      ],
      { sampleRate: FS },
    );
    const mid = midiAt(x, Math.round((0.32 + 0.2) * FS - 1024));
    expect(mid).toBeGreaterThan(64);
    expect(mid).toBeLessThan(68);
    expect(Math.abs(midiAt(x, Math.round(0.9 * FS)) - 72)).toBeLessThan(0.05);
  });

  it('cuts a note at the next onset (one voice) and is deterministic', () => {
    const notes = [
      { onset: 0, duration: 2, midi: 50, sustain: 0.7 },
      { onset: 0.5, duration: 0.3, midi: 80, sustain: 0.7, cutoff: 2000 },
    ];
    const x = renderNotes(notes, { sampleRate: FS });
    expect(Math.abs(midiAt(x, Math.round(0.6 * FS)) - 80)).toBeLessThan(0.05);
    expect(rms(x, 0.82 * FS, x.length)).toBe(0);
    expect(renderNotes(notes, { sampleRate: FS })).toEqual(x);
  });

  it('keeps the paper envelope bit for bit: sustain 0 decays exactly as an envelope without sustain', () => {
    const plain = new AdEnvelope(8000);
    const zero = new AdEnvelope(8000);
    zero.setSustain(0);
    const held = new AdEnvelope(8000);
    held.setSustain(0.3);
    for (const e of [plain, zero, held]) {
      e.setTimes(0.02, 0.2);
      e.trigger();
    }
    const run = (e: AdEnvelope): number[] => Array.from({ length: 4000 }, () => e.next());
    const [p, z, h] = [run(plain), run(zero), run(held)];
    expect(z).toEqual(p);
    expect(p[3999]).toBe(0);
    expect(h[3999]).toBeCloseTo(0.3, 6);
  });

  it('refuses fields outside their ranges, naming the note and field', () => {
    expect(() => renderNotes([{ onset: 0, midi: 30 }], { sampleRate: FS })).toThrow(/notes\[0\]\.midi/);
    expect(() => renderNotes([{ onset: 0, duration: 0.01 }], { sampleRate: FS })).toThrow(expect.objectContaining({ code: 'MB_ERR_BAD_PARAMS' }));
    expect(() => renderNotes([{ onset: 0, glide: 1 }], { sampleRate: FS })).toThrow(/glide/);
    expect(() => renderNotes([{ onset: -1 }], { sampleRate: FS })).toThrow(/onset/);
  });

  it('maps the normalized note fields both ways', () => {
    expect(noteFieldToUnits('midi', 0.5)).toBe(66);
    expect(noteFieldToUnits('duration', 1)).toBeCloseTo(NOTE_FIELD_SPECS.duration.max, 12);
    expect(noteFieldToNormalized('duration', noteFieldToUnits('duration', 0.3))).toBeCloseTo(0.3, 12);
    expect(() => noteFieldToNormalized('midi', 100)).toThrow(expect.objectContaining({ code: 'MB_ERR_BAD_PARAMS' }));
  });
});
