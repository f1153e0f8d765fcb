import { MbError } from '../core/errors';
import type { Hz, Seconds } from '../core/units';
import { resample } from '../audio/resample';
import { NOTE_FIELD_SPECS, PARAM_SPECS, renderNotes, unitsToNormalized, type PlantNote } from '../synth';
import { controlsToUnits, defaultControls, FIT_RATE, FIT_SECONDS, fitNote, FITTED_CONTROLS, NOTE_LEAD, type FittedControl } from './note-fit';
import { transcribeNotes, type TranscribedNote } from './transcribe';

/**
 * Melodies as people play them → notes with the plant's settings per note:
 *
 * - which notes (onset, offset, pitch with cents): DSP, src/mirror/transcribe.ts;
 * - each note's level: DSP, its peak level relative to the loudest note, the loudest at
 *   LOUDEST_NOTE_DB (the input is heard at unit power, so only relative levels mean anything:
 *   the level gauge of the paper's melody model);
 * - each note's sound (cutoff, resonance, attack, decay, sustain): a note encoder when one is
 *   given (a model learned without labels against the plant), then, with `refine` passes, the
 *   plant-in-the-loop search of ./note-fit.ts from there (from the defaults without an encoder).
 *
 * @example
 * const r = await inferNotes(samples, 44100, { refine: 3 });
 * r.notes[0]; // { onset_s, offset_s, midi, key, cents, units: { cutoff, ... }, params: { cutoff, ... } }
 */
export interface NotesOptions {
  /** Search passes per note (0: the encoder's answer, or the defaults without one). Default 3. */
  refine?: number;
  /** Learned note encoder: excerpt (FIT_RATE) and note shape → normalized FITTED_CONTROLS per note. */
  encoder?: NoteEncoder;
  /** Share done (0-1): the transcription's chunks (up to 0.8), then 1 when the notes' settings are in. */
  onProgress?: (fraction: number) => void;
  /** Awaited between notes (offline jobs pass their checkpoint). */
  checkpoint?: () => Promise<void>;
}

/** A learned map from note excerpts to the fitted controls (src/mirror/note-model.ts). */
export interface NoteEncoder {
  readonly name: string;
  encode(excerpts: NoteExcerpt[]): Promise<Float32Array[]>;
}

/** One note's audio at FIT_RATE as the fit and the encoder see it. */
export interface NoteExcerpt {
  audio: Float32Array;
  midi: number;
  /** Onset within the excerpt. */
  lead: Seconds;
  duration: Seconds;
}

/**
 * One inferred note: timing and pitch, and the plant's settings in units and normalized.
 * @example `${n.key}${n.cents >= 0 ? '+' : ''}${n.cents}c at ${n.onset_s} s`
 */
export interface InferredPlayedNote {
  onset_s: Seconds;
  offset_s: Seconds;
  /** MIDI with cents. */
  midi: number;
  key: number;
  cents: number;
  /** The plant's settings in units (docs/synth.md, notes configuration). */
  units: { duration: Seconds; volume: number; glide: Seconds } & Record<FittedControl, number>;
  /** The same, normalized as PARAM_SPECS / NOTE_FIELD_SPECS map them. */
  params: Record<'volume' | FittedControl, number>;
}

export interface NotesResult {
  /** What set the sound of the notes: the encoder's name and/or 'search'. */
  method: string;
  sampleRate: Hz;
  notes: InferredPlayedNote[];
  silent: boolean;
  /** Sounding notes without a pitch were found (noise, drums, chords); they are left out. */
  unpitched: boolean;
  /** The audio is chords or several voices (transcribeNotes' flag): no notes are given. */
  polyphonic: boolean;
  notices: string[];
}

/** Level of the loudest note; the others keep their measured distance to it. */
export const LOUDEST_NOTE_DB = -6;
/** The excerpt starts this long before the onset, so the attack is whole. */
const LEAD: Seconds = NOTE_LEAD;

function excerptOf(x8: Float32Array, note: TranscribedNote, next: TranscribedNote | undefined): NoteExcerpt {
  const lead = Math.min(LEAD, note.onset);
  const start = Math.round((note.onset - lead) * FIT_RATE);
  const endS = Math.min(note.onset + FIT_SECONDS, note.offset + 0.1, next ? next.onset : Infinity);
  const end = Math.min(x8.length, Math.max(start + 256, Math.round(endS * FIT_RATE)));
  const audio = new Float32Array(Math.max(0, end - start));
  audio.set(x8.subarray(start, end));
  const duration = Math.max(NOTE_FIELD_SPECS.duration.min, Math.min(note.offset - note.onset, audio.length / FIT_RATE - lead));
  return { audio, midi: clampMidi(note.midi), lead, duration };
}

function clampMidi(midi: number): number {
  return Math.min(NOTE_FIELD_SPECS.midi.max, Math.max(NOTE_FIELD_SPECS.midi.min, midi));
}

/** Infers the notes of a monophonic melody (any rate, any length) and the plant's settings per note. */
export async function inferNotes(audio: Float32Array, sampleRate: Hz, options: NotesOptions = {}): Promise<NotesResult> {
  const passes = options.refine ?? 3;
  if (!Number.isInteger(passes) || passes < 0 || passes > 32) throw new MbError('MB_ERR_BAD_ARGS', `refine must be an integer number of passes in [0, 32], got ${passes}`);
  const transcription = transcribeNotes(audio, sampleRate, options.onProgress ? { onProgress: (f) => options.onProgress!(0.8 * f) } : {});
  const notices: string[] = [];
  if (transcription.polyphonic) {
    notices.push('the audio is polyphonic (chords or several voices): no notes are given; this model transcribes one voice');
    return { method: 'none', sampleRate, notes: [], silent: false, unpitched: transcription.unpitched, polyphonic: true, notices };
  }
  const pitched = transcription.notes.filter((n) => n.pitched);
  if (transcription.notes.length > 0 && pitched.length === 0) notices.push('no sounding note has a pitch (noise or drums): no notes are given');
  else if (pitched.length < transcription.notes.length) notices.push(`${transcription.notes.length - pitched.length} sounding note(s) without a pitch were left out`);
  const x8 = sampleRate === FIT_RATE ? audio : resample(audio, sampleRate, FIT_RATE);
  const excerpts = pitched.map((n, i) => excerptOf(x8, n, pitched[i + 1]));
  const starts = options.encoder && excerpts.length > 0 ? await options.encoder.encode(excerpts) : excerpts.map(() => defaultControls());
  const loudest = pitched.reduce((m, n) => Math.max(m, n.peakDb), -120);
  const notes: InferredPlayedNote[] = [];
  for (let i = 0; i < pitched.length; i++) {
    const e = excerpts[i];
    const controls = passes > 0 ? fitNote(e.audio, e, { passes, init: starts[i] }).controls : starts[i];
    notes.push(noteResult(pitched[i], controls, Math.max(-40, Math.min(0, LOUDEST_NOTE_DB + pitched[i].peakDb - loudest))));
    if (options.checkpoint) await options.checkpoint();
  }
  options.onProgress?.(1);
  const method = [options.encoder?.name, passes > 0 ? `search (${passes} passes)` : undefined].filter(Boolean).join(' + ') || 'defaults';
  const long = pitched.filter((n) => n.offset - n.onset > NOTE_FIELD_SPECS.duration.max).length;
  if (long > 0) notices.push(`${long} note(s) longer than ${NOTE_FIELD_SPECS.duration.max} s get the plant's longest gate`);
  return { method, sampleRate, notes, silent: transcription.silent, unpitched: transcription.unpitched, polyphonic: false, notices };
}

function noteResult(n: TranscribedNote, controls: Float32Array, volume: number): InferredPlayedNote {
  const u = controlsToUnits(controls);
  const params = { volume: unitsToNormalized('volume', volume) } as InferredPlayedNote['params'];
  FITTED_CONTROLS.forEach((name, i) => (params[name] = round(controls[i], 4)));
  const duration = Math.max(NOTE_FIELD_SPECS.duration.min, Math.min(NOTE_FIELD_SPECS.duration.max, n.offset - n.onset));
  return {
    onset_s: round(n.onset, 3),
    offset_s: round(n.offset, 3),
    midi: round(n.midi, 2),
    key: n.key,
    cents: n.cents,
    units: { duration: round(duration, 3), volume: round(volume, 2), glide: 0, ...roundAll(u) },
    params,
  };
}

/** The notes as the plant plays them (renderNotes). */
export function notesToPlant(notes: readonly InferredPlayedNote[]): PlantNote[] {
  return notes.map((n) => ({ onset: n.onset_s, midi: clampMidi(n.midi), ...n.units, duration: n.units.duration }));
}

/**
 * Renders inferred notes with the plant at `sampleRate`, as long as `totalSeconds`.
 * @example writeWav('out.wav', renderInferred(result.notes, 44100, 3.5), 44100);
 */
export function renderInferred(notes: readonly InferredPlayedNote[], sampleRate: Hz, totalSeconds: Seconds): Float32Array {
  return renderNotes(notesToPlant(notes), { sampleRate, totalSeconds });
}

function round(x: number, digits: number): number {
  const k = 10 ** digits;
  return Math.round(x * k) / k;
}

function roundAll<K extends string>(u: Record<K, number>): Record<K, number> {
  const out = {} as Record<K, number>;
  for (const k of Object.keys(u) as K[]) out[k] = PARAM_SPECS[k as keyof typeof PARAM_SPECS]?.unit === 'Hz' ? round(u[k], 1) : round(u[k], 4);
  return out;
}
