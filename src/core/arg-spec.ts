import { MbError, type MbErrorCode } from './errors';

/**
 * How one argument of a verb is declared: its type, range, unit and meaning. Verbs (src/verbs)
 * are built from these, and so are the checks plug-ins run on the same values when they are
 * called directly (e.g. a VQ control set through the engine): one declaration of each rule.
 *
 * @example
 * const amount: ArgSpec = { name: 'amount', type: 'f', min: 0, max: 1, description: 'Mix.' };
 * checkArgValue(amount, 0.5); // 0.5
 */

/** Type tags of arguments (the OSC ones). Incoming 'i' also accepts integral floats (Pd sends floats). */
export type ArgType = 'i' | 'f' | 's' | 'b';

/** What a string argument names; decides how it is checked. */
export type StringFormat = 'model-name' | 'file' | 'descriptor' | 'address' | 'host' | 'text' | 'path';

export interface ArgSpec {
  readonly name: string;
  readonly type: ArgType;
  readonly description: string;
  /** Inclusive numeric range. */
  readonly min?: number;
  readonly max?: number;
  /** Allowed values of a string argument. */
  readonly values?: readonly string[];
  readonly format?: StringFormat;
  readonly unit?: string;
  /** Trailing argument that may be left out. */
  readonly optional?: boolean;
  /** Value used when an optional argument is left out (documented; handlers read it through ParsedArgs). */
  readonly default?: number | string;
  /** Last argument repeated between min and max times (e.g. audio samples as floats). */
  readonly repeat?: { readonly min: number; readonly max: number };
  /** A blob argument holding little-endian float32 values, at most `maxBytes` long. */
  readonly blob?: { readonly encoding: 'float32le'; readonly maxBytes: number };
}

/** The inclusive numeric range of a spec, with the type's limits where it names none. */
export function rangeOf(spec: ArgSpec): { min: number; max: number } {
  return {
    min: spec.min ?? (spec.type === 'i' ? -2147483648 : -Number.MAX_VALUE),
    max: spec.max ?? (spec.type === 'i' ? 2147483647 : Number.MAX_VALUE),
  };
}

/**
 * Checks one scalar value against its spec (numbers: finite, integral for 'i', in range;
 * strings: one of `values`). Returns the value; throws MbError `code` naming it otherwise.
 */
export function checkArgValue<T extends number | string>(spec: ArgSpec, value: T, where: string = spec.name, code: MbErrorCode = 'MB_ERR_BAD_ARGS'): T {
  if (spec.type === 's') {
    if (typeof value !== 'string' || value.length === 0) throw new MbError(code, `${where} must be a string, got ${JSON.stringify(value)}`);
    if (spec.values && !spec.values.includes(value)) throw new MbError(code, `${where} must be one of ${spec.values.join(', ')}, got ${JSON.stringify(value)}`);
    return value;
  }
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new MbError(code, `${where} must be a finite number, got ${String(value)}`);
  if (spec.type === 'i' && !Number.isInteger(value)) throw new MbError(code, `${where} must be an integer, got ${value}`);
  const { min, max } = rangeOf(spec);
  if (value < min || value > max) throw new MbError(code, `${where} must be in [${min}, ${max}], got ${value}`);
  return value;
}
