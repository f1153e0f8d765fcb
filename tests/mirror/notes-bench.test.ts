import { describe, expect, it } from 'vitest';
import { parseMidi } from 'midi-file';
import { fluidAvailable, fluidMelody, fluidSet, melodyToMidi } from '../../bench/notes/fluid';
import { matchNotes, scoreClip } from '../../bench/notes/score';
import { mulberry32 } from '../../src/core/random';

describe('note F1 matcher (mir_eval onset-only convention)', () => {
  it('finds the largest one-to-one matching where closest-first pairing would lose one', () => {
    // Reference onsets 0 and 60 ms, estimates 40 and 105 ms: closest first pairs 60 with 40 (20 ms)
    // and leaves both others unmatched; the largest matching pairs 0-40 and 60-105.
    const ref = [{ onset: 0.0, offset: 0.2, midi: 60 }, { onset: 0.06, offset: 0.3, midi: 60 }];
    const est = [{ onset: 0.04, offset: 0.2, midi: 60 }, { onset: 0.105, offset: 0.3, midi: 60 }];
    expect(matchNotes(ref, est, 0.05, 0.5)).toEqual([[0, 0], [1, 1]]);
    expect(scoreClip(ref, est).noteMatches).toBe(2);
  });

  it('needs the same pitch within 50 cents and the onset within 50 ms', () => {
    const ref = [{ onset: 1, offset: 2, midi: 60 }];
    expect(scoreClip(ref, [{ onset: 1.05, offset: 2, midi: 60.49 }]).noteMatches).toBe(1);
    expect(scoreClip(ref, [{ onset: 1.051, offset: 2, midi: 60 }]).noteMatches).toBe(0);
    expect(scoreClip(ref, [{ onset: 1, offset: 2, midi: 60.51 }]).noteMatches).toBe(0);
    expect(scoreClip(ref, [{ onset: 1, offset: 2, midi: 72 }]).onsetMatches).toBe(1);
  });
});

describe('set (c): MIDI melodies rendered by fluidsynth', () => {
  it('writes 4-9 notes over MIDI 48-84 as a standard MIDI file whose notes are the truth', () => {
    const rand = mulberry32(5);
    for (let k = 0; k < 20; k++) {
      const notes = fluidMelody(rand);
      expect(notes.length).toBeGreaterThanOrEqual(4);
      expect(notes.length).toBeLessThanOrEqual(9);
      for (const n of notes) expect(n.midi >= 48 && n.midi <= 84 && Number.isInteger(n.midi)).toBe(true);
      const midi = parseMidi(melodyToMidi(notes, 73));
      let tick = 0;
      const ons: Array<[number, number]> = [];
      for (const e of midi.tracks[0]) {
        tick += e.deltaTime;
        if (e.type === 'noteOn') ons.push([tick / 960, e.noteNumber]);
      }
      expect(ons.map(([t, m]) => [Math.round(t * 1000), m])).toEqual(notes.map((n) => [Math.round(n.onset * 1000), n.midi]));
    }
  });

  it.skipIf(!fluidAvailable())('renders the same audio for the same seed', () => {
    const [a] = fluidSet(9, 1);
    const [b] = fluidSet(9, 1);
    expect(a.audio.length).toBeGreaterThan(a.sampleRate);
    expect(Buffer.from(a.audio.buffer).equals(Buffer.from(b.audio.buffer))).toBe(true);
    let peak = 0;
    for (const v of a.audio) peak = Math.max(peak, Math.abs(v));
    expect(peak).toBeGreaterThan(0.01);
  });
});
