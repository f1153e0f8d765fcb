import { checkRange, MbError } from '../core/errors';
import type { Seconds } from '../core/units';
import {
  checkNormalized,
  DEFAULT_NOTES,
  DEFAULT_TOTAL_SECONDS,
  defaultNormalized,
  paramNames,
  SET2,
  unitsToNormalized,
} from './params';
import type { ParamCount, ParamName } from './params';

/**
 * Turns melody descriptions into validated, row-major normalized matrices (notes x params):
 * from normalized arrays (model outputs) and from JSON in units (people, OSC, the CLI).
 * Every failure is an MbError('MB_ERR_BAD_PARAMS') naming the value and the expected range.
 *
 * @example
 * const m = parseMelodyJson('{"notes":[{"midi":62,"duration":0.3},{"midi":67,"cutoff":900}]}');
 * renderMelody(m.params, { sampleRate: 16000, notes: m.notes, paramCount: m.paramCount, totalSeconds: m.totalSeconds });
 */
export interface NormalizedMelody {
  /** Row-major notes x paramCount, every value in [0, 1]. */
  params: Float32Array | Float64Array;
  notes: number;
  paramCount: ParamCount;
}

/**
 * A parsed JSON melody: the normalized matrix plus its length.
 * @example const { params, notes, paramCount, totalSeconds } = parseMelodyJson(text);
 */
export interface ParsedMelody extends NormalizedMelody {
  totalSeconds: Seconds;
}

/**
 * One note in JSON, in units; the field names are the parameter names, `midi` for the note.
 * @example const note: MelodyNoteJson = { midi: 69, duration: 0.3, volume: -6, cutoff: 900 };
 */
export type MelodyNoteJson = Partial<Record<Exclude<ParamName, 'note'> | 'midi', number>>;

/**
 * A melody in JSON, in units.
 * @example const doc: MelodyJson = { notes: [{ midi: 62 }, { midi: 67, attack: 0.05 }], totalSeconds: 1 };
 */
export interface MelodyJson {
  notes: MelodyNoteJson[];
  /** Melody length; default DEFAULT_TOTAL_SECONDS (2 s). */
  totalSeconds?: number;
}

/**
 * Shape hints for flat normalized arrays.
 * @example parseNormalizedMelody(tensor, { notes: 8, paramCount: 10 })
 */
export interface MelodyShape {
  /** Notes in the melody; default DEFAULT_NOTES (5) for flat arrays. */
  notes?: number;
  /** 7 (set 1) or 10 (set 2); for flat arrays default length / notes. */
  paramCount?: ParamCount;
}

/**
 * Most notes a melody may have.
 * @example parseNormalizedMelody(new Float32Array(7 * 5000)) // throws MB_ERR_BAD_PARAMS
 */
export const MAX_NOTES = 4096;
const VIBRATO_FIELDS: readonly string[] = ['vibratoRate', 'vibratoIntensity', 'vibratoPhase'];

function bad(message: string): MbError {
  return new MbError('MB_ERR_BAD_PARAMS', message);
}

function checkShape(notes: number, paramCount: number, what: string): ParamCount {
  if (!Number.isInteger(notes) || notes < 1 || notes > MAX_NOTES) {
    throw bad(`${what}: note count must be an integer in [1, ${MAX_NOTES}], got ${notes}`);
  }
  return paramNames(paramCount).length as ParamCount;
}

function checkValues(data: ArrayLike<number>, paramCount: number, firstNote = 0): void {
  const names = paramNames(paramCount);
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (typeof v !== 'number' || !(v >= 0 && v <= 1)) checkNormalized(`notes[${firstNote + Math.floor(i / paramCount)}].${names[i % paramCount]}`, v);
  }
}

/**
 * Validates a normalized melody: a flat array (notes x paramCount, row-major) or one row per
 * note. Flat arrays are not copied.
 * @example parseNormalizedMelody(new Float32Array(35)) // { notes: 5, paramCount: 7, ... }
 */
export function parseNormalizedMelody(input: ArrayLike<number> | ArrayLike<ArrayLike<number>>, shape: MelodyShape = {}): NormalizedMelody {
  if (input === null || typeof input !== 'object' || typeof input.length !== 'number') {
    throw bad(`melody parameters must be an array of numbers or of rows, got ${typeof input}`);
  }
  if (input.length > 0 && typeof input[0] === 'object' && input[0] !== null) {
    return fromRows(input as ArrayLike<ArrayLike<number>>, shape);
  }
  const flat = input as ArrayLike<number>;
  let notes = shape.notes;
  let paramCount: number | undefined = shape.paramCount;
  if (notes === undefined) notes = paramCount === undefined ? DEFAULT_NOTES : flat.length / paramCount;
  if (paramCount === undefined) paramCount = flat.length / notes;
  const count = checkShape(notes, paramCount, `${flat.length} values`);
  if (flat.length !== notes * count) {
    throw bad(`melody parameters must hold notes x paramCount = ${notes} x ${count} = ${notes * count} values, got ${flat.length}`);
  }
  checkValues(flat, count);
  const params = flat instanceof Float32Array || flat instanceof Float64Array ? flat : Float64Array.from(flat);
  return { params, notes, paramCount: count };
}

function fromRows(rows: ArrayLike<ArrayLike<number>>, shape: MelodyShape): NormalizedMelody {
  const notes = rows.length;
  const first = rows[0].length;
  const count = checkShape(notes, shape.paramCount ?? first, `${notes} rows`);
  if (shape.notes !== undefined && shape.notes !== notes) throw bad(`expected ${shape.notes} note rows, got ${notes}`);
  const params = new Float64Array(notes * count);
  for (let i = 0; i < notes; i++) {
    const row = rows[i];
    if (row === null || typeof row !== 'object' || row.length !== count) {
      throw bad(`notes[${i}] must hold ${count} normalized values, got ${row === null || typeof row !== 'object' ? typeof row : row.length}`);
    }
    checkValues(row, count, i);
    params.set(row as ArrayLike<number>, i * count);
  }
  return { params, notes, paramCount: count };
}

/**
 * Parses a melody in units, e.g. `{"notes":[{"midi":62,"duration":0.3,"cutoff":800}], "totalSeconds":2}`.
 * Missing fields take the documented defaults (PARAM_SPECS[name].defaultValue); unknown
 * fields are refused (a typo would otherwise silently fall back to a default). Durations are
 * gate lengths in seconds within [0.2, 1] x slot (slot = totalSeconds / notes).
 * paramCount: 10 when any note sets a vibrato field, else 7, unless `options.paramCount` says.
 * @example parseMelodyJson({ notes: [{ midi: 69, volume: -6 }] }).params // 7 normalized values
 */
export function parseMelodyJson(input: string | unknown, options: { paramCount?: ParamCount } = {}): ParsedMelody {
  let doc: unknown = input;
  if (typeof input === 'string') {
    try {
      doc = JSON.parse(input);
    } catch (err) {
      throw bad(`melody JSON could not be parsed: ${(err as Error).message}`);
    }
  }
  if (doc === null || typeof doc !== 'object' || !Array.isArray((doc as MelodyJson).notes)) {
    throw bad('melody JSON must be an object with a "notes" array, e.g. {"notes":[{"midi":62}]}');
  }
  const { notes: list, totalSeconds: total } = doc as MelodyJson;
  const totalSeconds = checkRange('totalSeconds', total ?? DEFAULT_TOTAL_SECONDS, 1e-3, 3600, 'MB_ERR_BAD_PARAMS');
  const hasVibrato = list.some((n) => n !== null && typeof n === 'object' && VIBRATO_FIELDS.some((f) => f in n));
  const count = checkShape(list.length, options.paramCount ?? (hasVibrato ? 10 : 7), 'melody JSON');
  const names = paramNames(count);
  const slotSeconds = totalSeconds / list.length;
  const params = new Float64Array(list.length * count);
  list.forEach((note, i) => {
    if (note === null || typeof note !== 'object' || Array.isArray(note)) throw bad(`notes[${i}] must be an object, got ${JSON.stringify(note)}`);
    for (const key of Object.keys(note)) {
      const name = key === 'midi' ? 'note' : key;
      if (name === 'note' && key !== 'midi') throw bad(`notes[${i}]: use "midi" for the pitch, not "note"`);
      if (!names.includes(name as ParamName)) {
        const allowed = names.map((n) => (n === 'note' ? 'midi' : n)).join(', ');
        const hint = SET2.includes(name as ParamName) ? ` (vibrato fields need paramCount 10)` : '';
        throw bad(`notes[${i}]: unknown field "${key}"${hint}; expected ${allowed}`);
      }
    }
    names.forEach((name, j) => {
      const value = (note as Record<string, unknown>)[name === 'note' ? 'midi' : name];
      params[i * count + j] = value === undefined ? defaultNormalized(name) : toNormalized(name, value, slotSeconds, i);
    });
  });
  return { params, notes: list.length, paramCount: count, totalSeconds };
}

function toNormalized(name: ParamName, value: unknown, slotSeconds: Seconds, index: number): number {
  try {
    return unitsToNormalized(name, value as number, { slotSeconds });
  } catch (err) {
    throw bad(`notes[${index}].${name === 'note' ? 'midi' : name}: ${(err as Error).message}`);
  }
}
