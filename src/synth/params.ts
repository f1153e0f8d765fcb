import { checkRange, MbError } from '../core/errors';
import type { Midi, NormalRange, Seconds } from '../core/units';

/**
 * The parameter schema of the plant: names, order, normalized range and the mapping from
 * [0, 1] to units. MirrorNet's manifest (`params`), the OSC layer and the renderers all read
 * it from here, so a mapping exists exactly once.
 *
 * Every `PARAM_SPECS` entry is structurally a manifest `ParamEntry` (name, range, unit, grid).
 *
 * @example
 * normalizedToUnits('cutoff', 0.5);        // 100 * 2^3.5 ≈ 1131.4 Hz
 * unitsToNormalized('volume', -10);        // 0.75
 * SET2.map((n) => PARAM_SPECS[n].unit);    // ['midi', 's', 'dB', 'Hz', 'Q', 's', 's', 'Hz', 'st', 'rad']
 */
export type ParamName =
  | 'note'
  | 'duration'
  | 'volume'
  | 'cutoff'
  | 'resonance'
  | 'attack'
  | 'decay'
  | 'vibratoRate'
  | 'vibratoIntensity'
  | 'vibratoPhase';

/**
 * Unit symbols: MIDI note, seconds, decibels, hertz, filter quality factor, semitones, radians.
 * @example PARAM_SPECS.vibratoIntensity.unit // 'st'
 */
export type ParamUnit = 'midi' | 's' | 'dB' | 'Hz' | 'Q' | 'st' | 'rad';

/**
 * How p in [0, 1] maps to units:
 * - `linear`: min + (max - min) p
 * - `exponential`: min (max / min)^p
 * - `grid`: round(min + (max - min) p), then the nearest `grid` value; a rounded value halfway
 *   between two grid notes goes to the one nearer the unrounded value (exact ties: the lower).
 *   This equals the grid note nearest to min + (max - min) p, as manifest readers snap.
 * - `slotFraction`: slotSeconds (min + (max - min) p), i.e. a fraction of the note slot
 * @example PARAM_SPECS.attack.curve // 'exponential'
 */
export type ParamCurve = 'linear' | 'exponential' | 'grid' | 'slotFraction';

/**
 * One parameter's schema entry (structurally a manifest ParamEntry).
 * @example const { min, max, unit } = PARAM_SPECS.decay; // 0.02, 2, 's'
 */
export interface ParamSpec {
  readonly name: ParamName;
  /** Normalized range; always [0, 1]. */
  readonly range: readonly [number, number];
  readonly unit: ParamUnit;
  readonly curve: ParamCurve;
  /** Value at p = 0 (for `slotFraction`: the fraction of the slot). */
  readonly min: number;
  /** Value at p = 1 (for `slotFraction`: the fraction of the slot). */
  readonly max: number;
  /** Normalized default used when a field is missing (JSON) or a frame has 7 values. */
  readonly defaultValue: NormalRange;
  /** Normalized range MirrorNet is trained on, where the parameter must be audible; null if fixed in training. */
  readonly trainingRange: readonly [number, number] | null;
  /** Discrete grid in units, for `grid` parameters. */
  readonly grid?: readonly number[];
  /**
   * Normalized values the continuous plant (ContinuousSynth) accepts, by the same mapping, where
   * that is wider than [0, 1]; absent: [0, 1]. Training, the grid mode and manifests keep [0, 1].
   */
  readonly continuousRange?: readonly [number, number];
  readonly description: string;
}

/**
 * The MIDI notes a melody note snaps to (D major from D4 to D5).
 * @example NOTE_GRID.includes(snapToGrid(63.4)) // true (64)
 */
export const NOTE_GRID: readonly Midi[] = Object.freeze([62, 64, 65, 67, 69, 71, 72, 74]);

/**
 * The notes the continuous plant plays: MIDI 36-96 (C2-C7), by the note's own mapping 62 + 12p,
 * so p runs from -13/6 to 17/6 there. Live streams that follow a voice over three octaves send
 * notes in this range; everything trained on the paper's octave keeps p in [0, 1].
 * @example (CONTINUOUS_NOTE_MIDI[0] - 62) / 12 // -2.1666…
 */
export const CONTINUOUS_NOTE_MIDI: readonly [Midi, Midi] = Object.freeze([36, 96] as const);

/**
 * Notes per melody and melody length when the caller does not say.
 * @example const slot = DEFAULT_TOTAL_SECONDS / DEFAULT_NOTES; // 0.4 s
 */
export const DEFAULT_NOTES = 5;
export const DEFAULT_TOTAL_SECONDS: Seconds = 2;
/** The note slot of the default melody, used by duration mappings without a context. */
export const DEFAULT_SLOT_SECONDS: Seconds = DEFAULT_TOTAL_SECONDS / DEFAULT_NOTES;

function spec(s: Omit<ParamSpec, 'range'>): ParamSpec {
  return Object.freeze({ ...s, range: Object.freeze([0, 1] as const) });
}

/**
 * Every parameter of the plant by name; `description` states its mapping.
 * @example PARAM_SPECS.cutoff.trainingRange // [0.3, 0.6]
 */
export const PARAM_SPECS: Readonly<Record<ParamName, ParamSpec>> = Object.freeze({
  note: spec({
    name: 'note', unit: 'midi', curve: 'grid', min: 62, max: 74, defaultValue: 5 / 12, trainingRange: [0, 1], grid: NOTE_GRID,
    continuousRange: [(CONTINUOUS_NOTE_MIDI[0] - 62) / 12, (CONTINUOUS_NOTE_MIDI[1] - 62) / 12],
    description: 'MIDI = round(62 + 12p) snapped to NOTE_GRID (= grid note nearest 62 + 12p); inverse p = (midi - 62) / 12. Continuous mode: 62 + 12p, no snap, p in [-13/6, 17/6] (MIDI 36-96).',
  }),
  duration: spec({
    name: 'duration', unit: 's', curve: 'slotFraction', min: 0.2, max: 1, defaultValue: 0.75, trainingRange: [0, 0.5],
    description: 'Gate length = slot (0.2 + 0.8p), slot = totalSeconds / notes. Continuous mode: gate on while p > 0.5.',
  }),
  volume: spec({
    name: 'volume', unit: 'dB', curve: 'linear', min: -40, max: 0, defaultValue: 0.8, trainingRange: [0.6, 1],
    description: 'Output level in dB = -40 + 40p.',
  }),
  cutoff: spec({
    name: 'cutoff', unit: 'Hz', curve: 'exponential', min: 100, max: 12800, defaultValue: 0.45, trainingRange: [0.3, 0.6],
    description: 'Band-pass centre = 100 * 2^(7p) Hz, clamped at render time to [20 Hz, 0.45 fs].',
  }),
  resonance: spec({
    name: 'resonance', unit: 'Q', curve: 'linear', min: 0.7, max: 10, defaultValue: 0.25, trainingRange: [0.1, 0.4],
    description: 'Band-pass quality factor Q = 0.7 + 9.3p.',
  }),
  attack: spec({
    name: 'attack', unit: 's', curve: 'exponential', min: 0.01, max: 1, defaultValue: 0.3, trainingRange: [0.2, 0.4],
    description: 'Linear rise from 0 to peak in 0.01 * 100^p s.',
  }),
  decay: spec({
    name: 'decay', unit: 's', curve: 'exponential', min: 0.02, max: 2, defaultValue: 0.4, trainingRange: [0.3, 0.5],
    description: 'Exponential fall after the peak, -60 dB after 0.02 * 100^p s (sustain is 0).',
  }),
  vibratoRate: spec({
    name: 'vibratoRate', unit: 'Hz', curve: 'linear', min: 1, max: 10, defaultValue: 0.4, trainingRange: [0.3, 0.5],
    description: 'Vibrato LFO rate = 1 + 9p Hz.',
  }),
  vibratoIntensity: spec({
    name: 'vibratoIntensity', unit: 'st', curve: 'linear', min: 0, max: 1, defaultValue: 0, trainingRange: [0.3, 0.7],
    description: 'Vibrato depth (peak pitch deviation) = p semitones; default 0, so set 1 has no vibrato.',
  }),
  vibratoPhase: spec({
    name: 'vibratoPhase', unit: 'rad', curve: 'linear', min: 0, max: 2 * Math.PI, defaultValue: 0, trainingRange: [0, 0.3],
    description: 'Vibrato start phase = 2 pi p; pitch deviation = depth * sin(2 pi rate t + phase), t from the note onset.',
  }),
});

/**
 * Parameter set 1 (7 parameters), in model order.
 * @example SET1.indexOf('cutoff') // 3
 */
export const SET1: readonly ParamName[] = Object.freeze(['note', 'duration', 'volume', 'cutoff', 'resonance', 'attack', 'decay']);
/**
 * Parameter set 2 (10 parameters): set 1 plus vibrato, in model order.
 * @example SET2.slice(7) // ['vibratoRate', 'vibratoIntensity', 'vibratoPhase']
 */
export const SET2: readonly ParamName[] = Object.freeze([...SET1, 'vibratoRate', 'vibratoIntensity', 'vibratoPhase']);

/**
 * Parameters per note: 7 (set 1) or 10 (set 2).
 * @example const count: ParamCount = SET2.length as ParamCount;
 */
export type ParamCount = 7 | 10;

/**
 * Context for mappings that depend on the melody layout (only `duration` does).
 * @example normalizedToUnits('duration', 1, { slotSeconds: 0.5 }) // 0.5 s
 */
export interface MappingContext {
  /** Length of one note slot; defaults to DEFAULT_SLOT_SECONDS (2 s / 5 notes). */
  slotSeconds?: Seconds;
}

/**
 * The ordered parameter names of a set; throws MB_ERR_BAD_PARAMS for any count but 7 or 10.
 * @example paramNames(7) === SET1 // true
 */
export function paramNames(paramCount: number): readonly ParamName[] {
  if (paramCount === 7) return SET1;
  if (paramCount === 10) return SET2;
  throw new MbError('MB_ERR_BAD_PARAMS', `parameter count must be 7 (set 1) or 10 (set 2), got ${paramCount}`);
}

/**
 * The ordered specs of a set, e.g. for the plant server's schema reply.
 * @example paramSchema(10).map((s) => s.unit) // ['midi', 's', 'dB', 'Hz', 'Q', 's', 's', 'Hz', 'st', 'rad']
 */
export function paramSchema(paramCount: ParamCount): ParamSpec[] {
  return paramNames(paramCount).map((n) => PARAM_SPECS[n]);
}

/**
 * The spec of a parameter named by a caller; throws MB_ERR_BAD_PARAMS for unknown names.
 * @example paramSpec('decay').unit // 's'
 */
export function paramSpec(name: string): ParamSpec {
  const s = (PARAM_SPECS as Record<string, ParamSpec | undefined>)[name];
  if (s === undefined) {
    throw new MbError('MB_ERR_BAD_PARAMS', `unknown synth parameter '${name}', expected one of ${SET2.join(', ')}`);
  }
  return s;
}

/**
 * Returns p when it is a finite number in [0, 1]; otherwise throws MB_ERR_BAD_PARAMS naming `label`.
 * @example checkNormalized('notes[2].cutoff', 1.2) // throws 'notes[2].cutoff must be a number in [0, 1], got 1.2'
 */
export function checkNormalized(label: string, p: unknown): NormalRange {
  return checkRange(label, p, 0, 1, 'MB_ERR_BAD_PARAMS');
}

/**
 * Returns p when it is a finite number the continuous plant accepts for `name` (its
 * `continuousRange`, else [0, 1]); otherwise throws MB_ERR_BAD_PARAMS naming `label`.
 * @example checkContinuous('frame.note', 'note', -2) // -2 (MIDI 38)
 */
export function checkContinuous(label: string, name: ParamName, p: unknown): number {
  const [lo, hi] = PARAM_SPECS[name].continuousRange ?? [0, 1];
  return checkRange(label, p, lo, hi, 'MB_ERR_BAD_PARAMS');
}

/**
 * Nearest NOTE_GRID note to a (possibly fractional) MIDI value; exact ties go to the lower note.
 * @example snapToGrid(66) // 65
 */
export function snapToGrid(midi: Midi): Midi {
  let best = NOTE_GRID[0];
  for (const g of NOTE_GRID) if (Math.abs(g - midi) < Math.abs(best - midi)) best = g;
  return best;
}

function slotOf(ctx: MappingContext | undefined): Seconds {
  const slot = ctx?.slotSeconds ?? DEFAULT_SLOT_SECONDS;
  return checkRange('slotSeconds', slot, 1e-6, 3600, 'MB_ERR_BAD_PARAMS');
}

/**
 * The unit range [value at p=0, value at p=1] of a parameter, in the given context.
 * @example unitRange('duration', { slotSeconds: 1 }) // [0.2, 1]
 */
export function unitRange(name: ParamName, ctx?: MappingContext): [number, number] {
  const s = PARAM_SPECS[name];
  return s.curve === 'slotFraction' ? [slotOf(ctx) * s.min, slotOf(ctx) * s.max] : [s.min, s.max];
}

/**
 * Maps a normalized value to units (see each spec's `description`).
 * @example normalizedToUnits('note', 0.5) // 68 lies halfway between grid notes 67 and 69: 67
 */
export function normalizedToUnits(name: ParamName, p: NormalRange, ctx?: MappingContext): number {
  const s = paramSpec(name);
  checkNormalized(name, p);
  switch (s.curve) {
    case 'grid':
      return snapToGrid(s.min + (s.max - s.min) * p);
    case 'exponential':
      return s.min * Math.pow(s.max / s.min, p);
    case 'slotFraction':
      return slotOf(ctx) * (s.min + (s.max - s.min) * p);
    case 'linear':
      return s.min + (s.max - s.min) * p;
  }
}

/**
 * Maps a value in units back to [0, 1]; exact inverse of normalizedToUnits (up to rounding),
 * except that `note` values off the grid are accepted and snap when rendered.
 * Throws MB_ERR_BAD_PARAMS, naming the value and the unit range, when it lies outside.
 * @example unitsToNormalized('attack', 0.1) // 0.5
 */
export function unitsToNormalized(name: ParamName, value: number, ctx?: MappingContext): NormalRange {
  const s = paramSpec(name);
  const [lo, hi] = unitRange(name, ctx);
  const tol = 1e-9 * Math.max(Math.abs(lo), Math.abs(hi));
  if (typeof value !== 'number' || !Number.isFinite(value) || value < lo - tol || value > hi + tol) {
    throw new MbError('MB_ERR_BAD_PARAMS', `${name} must be a number in [${lo}, ${hi}] ${s.unit}, got ${String(value)}`);
  }
  let p: number;
  if (s.curve === 'exponential') p = Math.log(value / s.min) / Math.log(s.max / s.min);
  else p = (value - lo) / (hi - lo);
  return Math.min(1, Math.max(0, p));
}

/**
 * The documented default of a parameter, normalized.
 * @example normalizedToUnits('cutoff', defaultNormalized('cutoff')) // ≈ 887.7 Hz
 */
export function defaultNormalized(name: ParamName): NormalRange {
  return PARAM_SPECS[name].defaultValue;
}

/**
 * A parameter as a model manifest lists it (the `ParamEntry` shape of src/models/manifest.ts).
 * @example manifest.params = manifestParams(10);
 */
export interface ManifestParam {
  name: ParamName;
  range: [number, number];
  unit: ParamUnit;
  /** Units at p = 0 and p = 1. */
  unitRange: [number, number];
  scale: 'linear' | 'log';
  grid?: number[];
}

/**
 * The ordered parameter list for a model manifest; duration's unit range uses the slot of
 * `ctx` (default 0.4 s). A reader mapping p with unitRange/scale and snapping to `grid`
 * reproduces normalizedToUnits exactly.
 * @example manifestParams(7)[3] // { name: 'cutoff', range: [0, 1], unit: 'Hz', unitRange: [100, 12800], scale: 'log' }
 */
export function manifestParams(paramCount: ParamCount, ctx?: MappingContext): ManifestParam[] {
  return paramSchema(paramCount).map((s) => ({
    name: s.name,
    range: [0, 1],
    unit: s.unit,
    unitRange: unitRange(s.name, ctx),
    scale: s.curve === 'exponential' ? 'log' : 'linear',
    ...(s.grid ? { grid: [...s.grid] } : {}),
  }));
}

// ── The notes configuration ──────────────────────────────────────────────────────────────
// Beside the paper's melody (5 notes on equal slots, 8-note grid), the same plant plays
// melodies as people play them: notes at any onset, 60 ms to 4 s long, with rests, over
// MIDI 36-96 with cents and an optional glide from the previous note, and a sustain level.
// The shared sound controls (volume ... vibratoPhase) keep PARAM_SPECS' mappings.

/**
 * The fields of one note of the notes configuration that PARAM_SPECS does not have, or has
 * with another meaning (`midi` continuous over five octaves, `duration` in seconds).
 * @example NOTE_FIELD_SPECS.midi.min // 36
 */
export type NoteFieldName = 'midi' | 'duration' | 'glide' | 'sustain';

/**
 * One notes-configuration field: unit range, default, and the normalized form a note model
 * uses (linear or exponential over [min, max], like a ParamSpec).
 * @example NOTE_FIELD_SPECS.duration.curve // 'exponential'
 */
export interface NoteFieldSpec {
  readonly name: NoteFieldName;
  readonly unit: 'midi' | 's' | 'level';
  readonly curve: 'linear' | 'exponential';
  readonly min: number;
  readonly max: number;
  /** Default in units. */
  readonly defaultValue: number;
  readonly description: string;
}

/**
 * The notes configuration's own fields (see the section comment).
 * @example NOTE_FIELD_SPECS.glide.max // 0.5 s
 */
export const NOTE_FIELD_SPECS: Readonly<Record<NoteFieldName, NoteFieldSpec>> = Object.freeze({
  midi: Object.freeze({
    name: 'midi', unit: 'midi', curve: 'linear', min: CONTINUOUS_NOTE_MIDI[0], max: CONTINUOUS_NOTE_MIDI[1], defaultValue: 67,
    description: 'Pitch in MIDI with cents (fractional), no grid: f0 = 440 * 2^((midi - 69) / 12) Hz; MIDI 36-96 (C2-C7). Normalized p = (midi - 36) / 60.',
  } as const),
  duration: Object.freeze({
    name: 'duration', unit: 's', curve: 'exponential', min: 0.06, max: 4, defaultValue: 0.5,
    description: 'Gate length in seconds, 0.06-4 s, then the 10-ms release; a note whose gate and release would reach the next onset is cut so that its release ends there.',
  } as const),
  glide: Object.freeze({
    name: 'glide', unit: 's', curve: 'linear', min: 0, max: 0.5, defaultValue: 0,
    description: 'Portamento: the pitch moves linearly in semitones from the previous note\'s pitch to this one over the first `glide` seconds of the note (0: none; the first note never glides).',
  } as const),
  sustain: Object.freeze({
    name: 'sustain', unit: 'level', curve: 'linear', min: 0, max: 1, defaultValue: 0,
    description: 'Level the decay falls towards and holds while the gate is on (0: the paper\'s envelope, sustain 0); the decay time is still the time to -60 dB of the distance to it.',
  } as const),
});

/**
 * The per-note sound controls the notes configuration shares with the melody plant, in
 * PARAM_SPECS' units and mappings (a note model lists them after NOTE_FIELD_SPECS' fields).
 * @example NOTE_SOUND_PARAMS[0] // 'volume'
 */
export const NOTE_SOUND_PARAMS: readonly ParamName[] = Object.freeze(['volume', 'cutoff', 'resonance', 'attack', 'decay', 'vibratoRate', 'vibratoIntensity', 'vibratoPhase']);

/**
 * Maps a notes-configuration field from [0, 1] to units (its curve over [min, max]).
 * @example noteFieldToUnits('midi', 0.5) // 66
 */
export function noteFieldToUnits(name: NoteFieldName, p: NormalRange): number {
  const s = NOTE_FIELD_SPECS[name];
  checkNormalized(name, p);
  return s.curve === 'exponential' ? s.min * Math.pow(s.max / s.min, p) : s.min + (s.max - s.min) * p;
}

/**
 * Maps a notes-configuration field from units to [0, 1]; throws MB_ERR_BAD_PARAMS outside [min, max].
 * @example noteFieldToNormalized('duration', 0.06) // 0
 */
export function noteFieldToNormalized(name: NoteFieldName, value: number): NormalRange {
  const s = NOTE_FIELD_SPECS[name];
  checkRange(name, value, s.min, s.max, 'MB_ERR_BAD_PARAMS');
  const p = s.curve === 'exponential' ? Math.log(value / s.min) / Math.log(s.max / s.min) : (value - s.min) / (s.max - s.min);
  return Math.min(1, Math.max(0, p));
}
