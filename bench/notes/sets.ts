import { mulberry32 } from '../../src/core/random';
import { dbToGain, midiToHz } from '../../src/core/units';
import { renderNotes, type PlantNote } from '../../src/synth/notes';

/**
 * Held-out melodies for the note transcription benchmark, rendered here, never trained on:
 * (a) the plant's notes configuration, (b) a 2-operator FM synth (test tooling, not the plant).
 * Truth is the note list the audio was rendered from.
 */
export interface TruthNote {
  onset: number;
  /** End of the gate (the note as written), s. */
  offset: number;
  midi: number;
}

export interface Clip {
  name: string;
  audio: Float32Array;
  sampleRate: number;
  truth: TruthNote[];
  /** The plant's settings per truth note (set a only). */
  plant?: PlantNote[];
}

export interface RhythmOptions {
  notes: [number, number];
  midi: [number, number];
  /** Note lengths, log-uniform. */
  seconds: [number, number];
  restChance: number;
  rest: [number, number];
  /** Longest clip. */
  maxSeconds: number;
}

/** Random rhythms: 60 ms-4 s notes (log-uniform), rests of 50 ms-1 s before a third of them, MIDI 36-96 with cents. */
export const WIDE_RHYTHM: RhythmOptions = { notes: [4, 12], midi: [36, 96], seconds: [0.06, 4], restChance: 0.35, rest: [0.05, 1], maxSeconds: 20 };

/** Onsets, lengths and pitches of one random melody. */
export function randomRhythm(rand: () => number, o: RhythmOptions): TruthNote[] {
  const count = o.notes[0] + Math.floor(rand() * (o.notes[1] - o.notes[0] + 1));
  const notes: TruthNote[] = [];
  let t = 0.05 + 0.2 * rand();
  for (let i = 0; i < count && t < o.maxSeconds; i++) {
    if (i > 0 && rand() < o.restChance) t += o.rest[0] + (o.rest[1] - o.rest[0]) * rand();
    const len = o.seconds[0] * Math.pow(o.seconds[1] / o.seconds[0], rand());
    notes.push({ onset: t, offset: t + len, midi: o.midi[0] + (o.midi[1] - o.midi[0]) * rand() });
    t += len + 0.012;
  }
  return notes;
}

/** Set (a): the plant (notes configuration) with random sound settings per note. */
export function plantSet(seed: number, clips: number, sampleRate = 22050, rhythm = WIDE_RHYTHM): Clip[] {
  const rand = mulberry32(seed);
  const out: Clip[] = [];
  for (let c = 0; c < clips; c++) {
    const truth = randomRhythm(rand, rhythm);
    const notes: PlantNote[] = truth.map((n) => ({
      onset: n.onset,
      duration: n.offset - n.onset,
      midi: n.midi,
      volume: -16 + 16 * rand(),
      cutoff: 100 * Math.pow(2, 7 * (0.3 + 0.45 * rand())),
      resonance: 0.7 + 9.3 * (0.1 + 0.3 * rand()),
      attack: 0.01 * Math.pow(100, 0.4 * rand()),
      decay: 0.02 * Math.pow(100, 0.3 + 0.6 * rand()),
      sustain: rand() < 0.3 ? 0 : 0.2 + 0.7 * rand(),
      vibratoRate: 1 + 9 * (0.3 + 0.2 * rand()),
      vibratoIntensity: rand() < 0.3 ? 0.3 * rand() + 0.1 : 0,
      glide: rand() < 0.2 ? 0.02 + 0.1 * rand() : 0,
    }));
    out.push({ name: `plant-${seed}-${c}`, audio: renderNotes(notes, { sampleRate }), sampleRate, truth, plant: notes });
  }
  return out;
}

/**
 * Set (b): a 2-operator FM synth (carrier:modulator 1:1 or 1:2, index decaying from 1-4),
 * ADSR with 5-40 ms attack; not the plant.
 */
export function fmSet(seed: number, clips: number, sampleRate = 22050, rhythm = WIDE_RHYTHM): Clip[] {
  const rand = mulberry32(seed);
  const out: Clip[] = [];
  for (let c = 0; c < clips; c++) {
    const truth = randomRhythm(rand, rhythm);
    const end = truth[truth.length - 1].offset + 0.3;
    const audio = new Float32Array(Math.round(end * sampleRate));
    for (const n of truth) {
      const ratio = rand() < 0.5 ? 1 : 2;
      const index = 1 + 3 * rand();
      const attack = 0.005 + 0.035 * rand();
      const sustain = 0.3 + 0.6 * rand();
      const gain = 0.5 * dbToGain(-12 * rand());
      renderFmNote(audio, sampleRate, n, { ratio, index, attack, sustain, gain });
    }
    out.push({ name: `fm-${seed}-${c}`, audio, sampleRate, truth });
  }
  return out;
}

/** Adds one FM note (carrier at the note's pitch, modulator at ratio x, decaying index) into `out`. */
export function renderFmNote(out: Float32Array, fs: number, n: TruthNote, s: { ratio: number; index: number; attack: number; sustain: number; gain: number }): void {
  const f = midiToHz(n.midi);
  const start = Math.round(n.onset * fs);
  const gate = Math.round((n.offset - n.onset) * fs);
  const release = Math.round(0.03 * fs);
  const decay = 0.15 * fs;
  for (let i = 0; i < gate + release && start + i < out.length; i++) {
    const t = i / fs;
    let env = i < s.attack * fs ? i / (s.attack * fs) : s.sustain + (1 - s.sustain) * Math.exp(-(i - s.attack * fs) / decay);
    if (i >= gate) env *= 1 - (i - gate) / release;
    const idx = s.index * Math.exp(-t / 0.3);
    const mod = idx * Math.sin(2 * Math.PI * f * s.ratio * t);
    out[start + i] += s.gain * env * Math.sin(2 * Math.PI * f * t + mod);
  }
}
