import { auditorySpectrogram, normalizePower, type Spectrogram } from '../dsp/auditory';
import type { Hz, Midi, Seconds } from '../core/units';
import { MbError } from '../core/errors';
import { noteFieldToUnits, normalizedToUnits, PARAM_SPECS, renderNotes, type PlantNote } from '../synth';

/**
 * Per-note analysis by synthesis with the plant in the loop (no labels): the sound controls of
 * one transcribed note are moved, one normalized value at a time, while the plant's rendering
 * of that note (same onset, pitch and gate) gets closer to the note's excerpt, by the distance
 * MirrorNet trains on (auditory-spectrogram L1 of unit-RMS audio at 8 kHz). The step halves
 * after every pass.
 *
 * @example
 * const fit = fitNote(excerpt8k, { midi: 60.1, lead: 0.02, duration: 0.4 }, { passes: 3 });
 * fit.note.cutoff; // Hz
 */
export const FIT_RATE: Hz = 8000;
/** Longest excerpt a note is fitted on (its start: the attack and decay live there). */
export const FIT_SECONDS: Seconds = 1;

/** The controls the fit and a note model set, in order, with their normalized start values. */
export const FITTED_CONTROLS = ['cutoff', 'resonance', 'attack', 'decay', 'sustain'] as const;
export type FittedControl = (typeof FITTED_CONTROLS)[number];

/** Samples of the excerpt a note model sees (FIT_SECONDS at FIT_RATE; shorter excerpts are zero-padded). */
export const NOTE_EXCERPT_SAMPLES = Math.round(FIT_SECONDS * FIT_RATE);
/** The onset's place in every excerpt the note model sees (src/mirror/notes.ts cuts them so). */
export const NOTE_LEAD: Seconds = 0.02;
/**
 * Length of a note model's vector: normalized midi and duration (NOTE_FIELD_SPECS), then FITTED_CONTROLS.
 * @example NOTE_VECTOR_NAMES[2] // 'cutoff'
 */
export const NOTE_VECTOR_NAMES = ['midi', 'duration', ...FITTED_CONTROLS] as const;

/**
 * The auditory spectrogram a note model reads: the excerpt zero-padded (or cut) to
 * NOTE_EXCERPT_SAMPLES, at unit power; 128 x 125 frames.
 */
export function excerptSpectrogram(excerpt: Float32Array): Spectrogram {
  const x = new Float32Array(NOTE_EXCERPT_SAMPLES);
  x.set(excerpt.subarray(0, NOTE_EXCERPT_SAMPLES));
  return auditorySpectrogram(normalizePower(x), { sampleRate: FIT_RATE });
}

/**
 * The plant's spectrogram for a note vector (NOTE_VECTOR_NAMES, normalized), as a note model's
 * decoder learns it: the note at NOTE_LEAD in a NOTE_EXCERPT_SAMPLES excerpt.
 * @example noteVectorSpectrogram([0.4, 0.3, 0.45, 0.25, 0.3, 0.4, 0.5]).frames // 125
 */
export function noteVectorSpectrogram(v: ArrayLike<number>): Spectrogram {
  if (v.length !== NOTE_VECTOR_NAMES.length) throw new MbError('MB_ERR_BAD_PARAMS', `a note vector has ${NOTE_VECTOR_NAMES.length} values, got ${v.length}`);
  const clamp = (x: number): number => Math.min(1, Math.max(0, x));
  const shape: NoteShape = { midi: noteFieldToUnits('midi', clamp(v[0])), lead: NOTE_LEAD, duration: noteFieldToUnits('duration', clamp(v[1])) };
  return excerptSpectrogram(renderNotes([plantNote(shape, Array.from(v).slice(2))], { sampleRate: FIT_RATE, totalSeconds: FIT_SECONDS }));
}

/** Normalized start point (the schema's defaults; sustain halfway). */
export function defaultControls(): Float32Array {
  return Float32Array.from(FITTED_CONTROLS.map((n) => (n === 'sustain' ? 0.5 : PARAM_SPECS[n].defaultValue)));
}

/** Units of the fitted controls from their normalized values (PARAM_SPECS' mappings; sustain linear). */
export function controlsToUnits(p: ArrayLike<number>): Record<FittedControl, number> {
  const out = {} as Record<FittedControl, number>;
  FITTED_CONTROLS.forEach((n, i) => {
    const v = Math.min(1, Math.max(0, p[i]));
    out[n] = n === 'sustain' ? noteFieldToUnits('sustain', v) : normalizedToUnits(n, v);
  });
  return out;
}

/** What the note is, from the transcription: where it starts in the excerpt, its pitch and gate. */
export interface NoteShape {
  midi: Midi;
  /** Onset within the excerpt. */
  lead: Seconds;
  duration: Seconds;
}

export interface FitResult {
  /** Normalized FITTED_CONTROLS. */
  controls: Float32Array;
  l1Before: number;
  l1After: number;
  renders: number;
}

/** The plant's note as the fit renders it, at FIT_RATE, as long as the excerpt. */
export function plantNote(shape: NoteShape, controls: ArrayLike<number>): PlantNote {
  return { onset: shape.lead, duration: shape.duration, midi: shape.midi, ...controlsToUnits(controls) };
}

function spectrogramOf(notes: PlantNote[], samples: number): Spectrogram {
  const audio = renderNotes(notes, { sampleRate: FIT_RATE, totalSeconds: samples / FIT_RATE });
  return auditorySpectrogram(normalizePower(audio), { sampleRate: FIT_RATE });
}

function l1(a: Spectrogram, b: Spectrogram): number {
  let d = 0;
  for (let i = 0; i < a.data.length; i++) d += Math.abs(a.data[i] - b.data[i]);
  return d / Math.max(1, a.data.length);
}

/**
 * Fits one note's controls to `excerpt` (FIT_RATE, at most FIT_SECONDS), from `init`
 * (default: defaultControls()).
 */
export function fitNote(excerpt: Float32Array, shape: NoteShape, options: { passes?: number; step?: number; init?: ArrayLike<number> } = {}): FitResult {
  const target = auditorySpectrogram(normalizePower(excerpt), { sampleRate: FIT_RATE });
  const p = Float32Array.from(options.init ?? defaultControls());
  const score = (): number => l1(spectrogramOf([plantNote(shape, p)], excerpt.length), target);
  let best = score();
  const l1Before = best;
  let renders = 1;
  let step = options.step ?? 0.15;
  for (let pass = 0; pass < (options.passes ?? 3); pass++) {
    for (let j = 0; j < p.length; j++) {
      const current = p[j];
      let bestValue = current;
      for (const v of [current - step, current + step]) {
        const value = Math.min(1, Math.max(0, v));
        if (value === current) continue;
        p[j] = value;
        const d = score();
        renders++;
        if (d < best) {
          best = d;
          bestValue = value;
        }
      }
      p[j] = bestValue;
    }
    step /= 2;
  }
  return { controls: p, l1Before, l1After: best, renders };
}
