import { readFileSync } from 'node:fs';
import { MbError } from '../core/errors';

/**
 * The declared schema of a plant (a synth mirrorbridge learns): its parameters with their
 * ranges, units and scales, which parameter is the pitch (if any), the rate and length of one
 * render, and whether it plays notes (a gate opens and closes) or sounds continuously.
 * Models learn normalized values p in [0, 1]; the plant receives units (`toUnits`).
 *
 * @example
 * const schema = readPlantSchema('patches/pd/plants/fm.json');
 * toUnits(schema, [0.5, 0.5, 0.5, 0.5, 0.5]); // [60, 1.41.., 3, 0.0316.., 0.316..]
 */
export type PlantMode = 'note' | 'continuous';

/** How p in [0, 1] maps to units: `linear` min + (max - min) p, `log` min (max / min)^p. */
export type PlantScale = 'linear' | 'log';

export interface PlantParam {
  /** A name Pd can receive as `plant.<name>`: letters, digits, `_` and `-`. */
  readonly name: string;
  readonly unit: string;
  readonly min: number;
  readonly max: number;
  readonly scale: PlantScale;
  /** Allowed values in units; the mapped value snaps to the nearest (e.g. MIDI semitones). */
  readonly grid?: readonly number[];
  /** Normalized default (the probe's reference point); 0.5 when absent. */
  readonly default: number;
}

export interface PlantSchema {
  readonly name: string;
  readonly mode: PlantMode;
  /** Rate the plant renders at (Hz). */
  readonly sampleRate: number;
  /** Length of one render (s). */
  readonly seconds: number;
  /** Note mode: how long the gate stays open (s); the rest of the render is the release. */
  readonly gateSeconds: number;
  /** Name of the pitch parameter (in MIDI), or null. */
  readonly pitch: string | null;
  readonly params: readonly PlantParam[];
  readonly description?: string;
}

const NAME_RE = /^[A-Za-z][A-Za-z0-9_-]{0,31}$/;

function fail(source: string, message: string): never {
  throw new MbError('MB_ERR_BAD_PARAMS', `plant schema ${source}: ${message}`);
}

function finite(source: string, label: string, v: unknown, fallback?: number): number {
  if (v === undefined && fallback !== undefined) return fallback;
  if (typeof v !== 'number' || !Number.isFinite(v)) fail(source, `${label} must be a finite number, got ${JSON.stringify(v)}`);
  return v;
}

function parseParam(source: string, raw: unknown, i: number): PlantParam {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) fail(source, `params[${i}] must be an object`);
  const r = raw as Record<string, unknown>;
  const name = r.name;
  if (typeof name !== 'string' || !NAME_RE.test(name)) fail(source, `params[${i}].name must match ${NAME_RE}, got ${JSON.stringify(name)}`);
  const min = finite(source, `${name}.min`, r.min);
  const max = finite(source, `${name}.max`, r.max);
  if (!(max > min)) fail(source, `${name}: max (${max}) must be above min (${min})`);
  const scale = r.scale ?? 'linear';
  if (scale !== 'linear' && scale !== 'log') fail(source, `${name}.scale must be 'linear' or 'log', got ${JSON.stringify(scale)}`);
  if (scale === 'log' && min <= 0) fail(source, `${name}: a log scale needs min > 0, got ${min}`);
  const unit = r.unit ?? '';
  if (typeof unit !== 'string') fail(source, `${name}.unit must be a string`);
  const dflt = finite(source, `${name}.default`, r.default, 0.5);
  if (dflt < 0 || dflt > 1) fail(source, `${name}.default is normalized and must lie in [0, 1], got ${dflt}`);
  let grid: number[] | undefined;
  if (r.grid !== undefined) {
    if (!Array.isArray(r.grid) || r.grid.length < 2) fail(source, `${name}.grid must be an array of at least 2 numbers`);
    grid = r.grid.map((g, k) => finite(source, `${name}.grid[${k}]`, g));
    if (grid.some((g, k) => g < min || g > max || (k > 0 && g <= grid![k - 1]))) fail(source, `${name}.grid must rise strictly inside [${min}, ${max}]`);
  }
  return Object.freeze({ name, unit, min, max, scale, default: dflt, ...(grid ? { grid: Object.freeze(grid) } : {}) });
}

/**
 * Checks a parsed JSON schema; every failure is MB_ERR_BAD_PARAMS naming the field and the value.
 * @example parsePlantSchema({ name: 'x', params: [{ name: 'cutoff', min: 100, max: 8000, scale: 'log' }] }, 'inline')
 */
export function parsePlantSchema(raw: unknown, source = 'schema'): PlantSchema {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) fail(source, 'must be a JSON object');
  const r = raw as Record<string, unknown>;
  const name = r.name;
  if (typeof name !== 'string' || !NAME_RE.test(name)) fail(source, `name must match ${NAME_RE}, got ${JSON.stringify(name)}`);
  const mode = r.mode ?? 'note';
  if (mode !== 'note' && mode !== 'continuous') fail(source, `mode must be 'note' or 'continuous', got ${JSON.stringify(mode)}`);
  const sampleRate = finite(source, 'sampleRate', r.sampleRate, 16000);
  if (!Number.isInteger(sampleRate) || sampleRate < 8000 || sampleRate > 96000) fail(source, `sampleRate must be an integer in [8000, 96000], got ${sampleRate}`);
  const seconds = finite(source, 'seconds', r.seconds, 1);
  if (seconds < 0.1 || seconds > 10) fail(source, `seconds must lie in [0.1, 10], got ${seconds}`);
  const gateSeconds = finite(source, 'gateSeconds', r.gateSeconds, mode === 'note' ? 0.6 * seconds : seconds);
  if (gateSeconds <= 0 || gateSeconds > seconds) fail(source, `gateSeconds must lie in (0, ${seconds}], got ${gateSeconds}`);
  if (!Array.isArray(r.params) || r.params.length === 0 || r.params.length > 32) fail(source, 'params must be an array of 1 to 32 parameters');
  const params = r.params.map((p, i) => parseParam(source, p, i));
  const names = params.map((p) => p.name);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) fail(source, `parameter '${dup}' is declared twice`);
  if (names.includes('gate')) fail(source, "'gate' is reserved (the note gate), rename that parameter");
  const pitch = r.pitch ?? null;
  if (pitch !== null && (typeof pitch !== 'string' || !names.includes(pitch))) fail(source, `pitch must name one of ${names.join(', ')} (or be null), got ${JSON.stringify(pitch)}`);
  const description = typeof r.description === 'string' ? r.description : undefined;
  return Object.freeze({ name, mode, sampleRate, seconds, gateSeconds, pitch: pitch as string | null, params: Object.freeze(params), ...(description ? { description } : {}) });
}

/**
 * Reads and checks a schema file; a missing file is MB_ERR_NOT_FOUND, bad JSON MB_ERR_BAD_PARAMS.
 * @example const schema = readPlantSchema('patches/pd/plants/noise.json');
 */
export function readPlantSchema(path: string): PlantSchema {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new MbError('MB_ERR_NOT_FOUND', `plant schema ${path} cannot be read`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new MbError('MB_ERR_BAD_PARAMS', `plant schema ${path} is not JSON: ${(err as Error).message}`);
  }
  return parsePlantSchema(raw, path);
}

/**
 * One parameter from normalized p (clamped to [0, 1]) to units, snapped to the grid if it has one.
 * @example paramToUnits({ name: 'f', unit: 'Hz', min: 100, max: 400, scale: 'log', default: 0.5 }, 0.5) // 200
 */
export function paramToUnits(param: PlantParam, p: number): number {
  const q = Math.min(1, Math.max(0, p));
  const v = param.scale === 'log' ? param.min * Math.pow(param.max / param.min, q) : param.min + (param.max - param.min) * q;
  if (!param.grid) return v;
  let best = param.grid[0];
  for (const g of param.grid) if (Math.abs(g - v) < Math.abs(best - v)) best = g;
  return best;
}

/**
 * One parameter from units back to normalized p in [0, 1] (the inverse of paramToUnits off the grid).
 * @example unitsToParam({ name: 'f', unit: 'Hz', min: 100, max: 400, scale: 'log', default: 0.5 }, 200) // 0.5
 */
export function unitsToParam(param: PlantParam, value: number): number {
  const p = param.scale === 'log' ? Math.log(value / param.min) / Math.log(param.max / param.min) : (value - param.min) / (param.max - param.min);
  return Math.min(1, Math.max(0, p));
}

/**
 * A normalized vector (schema order) to units; throws MB_ERR_BAD_PARAMS on a wrong length or NaN.
 * @example toUnits(schema, new Float32Array(schema.params.length).fill(0.5))
 */
export function toUnits(schema: PlantSchema, vector: ArrayLike<number>): number[] {
  if (vector.length !== schema.params.length) {
    throw new MbError('MB_ERR_BAD_PARAMS', `plant ${schema.name} takes ${schema.params.length} parameters (${schema.params.map((p) => p.name).join(', ')}), got ${vector.length}`);
  }
  return schema.params.map((param, i) => {
    const p = vector[i];
    if (!Number.isFinite(p)) throw new MbError('MB_ERR_BAD_PARAMS', `${param.name} must be a finite number, got ${p}`);
    return paramToUnits(param, p);
  });
}

/**
 * The schema as a model manifest lists its parameters (src/models/manifest.ts ParamEntry).
 * @example manifestParamsOf(schema)[0] // { name: 'note', range: [0, 1], unit: 'midi', unitRange: [48, 72], scale: 'linear', grid: [...] }
 */
export function manifestParamsOf(schema: PlantSchema): { name: string; range: [number, number]; unit: string; unitRange: [number, number]; scale: PlantScale; grid?: number[] }[] {
  return schema.params.map((p) => ({ name: p.name, range: [0, 1], unit: p.unit, unitRange: [p.min, p.max], scale: p.scale, ...(p.grid ? { grid: [...p.grid] } : {}) }));
}
