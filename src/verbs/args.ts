import { MbError, type MbErrorCode } from '../core/errors';
import type { ArgSpec } from '../core/arg-spec';
import { MODEL_NAME_RE } from '../models/names';
import type { Atom, ParsedArgs as Args, TableEntry } from './spec';

/**
 * Checks incoming arguments (OSC arguments, or Max atoms typed the same way) against a verb and turns them into named
 * values. Repeated floats and float32 blobs both become a Float32Array, so a handler never
 * knows which form a client sent. Every rejection is an MbError naming the argument, the
 * value received and what was expected.
 *
 * @example
 * parseArgs(entryOf('/mb/stream/close')!, [oscInt(3)]).int('id'); // 3
 */
/** Longest string argument accepted. */
export const MAX_STRING_LENGTH = 1024;

export type ArgValue = number | string | Float32Array | Int32Array;

export class ParsedArgs implements Args {
  constructor(private readonly values: Record<string, ArgValue | undefined>) {}

  int(name: string): number {
    return this.values[name] as number;
  }

  float(name: string): number {
    return this.values[name] as number;
  }

  str(name: string): string {
    return this.values[name] as string;
  }

  optStr(name: string): string | undefined {
    return this.values[name] as string | undefined;
  }

  optInt(name: string): number | undefined {
    return this.values[name] as number | undefined;
  }

  floats(name: string): Float32Array {
    return this.values[name] as Float32Array;
  }

  has(name: string): boolean {
    return this.values[name] !== undefined;
  }
}

class ArgError extends MbError {
  /** How far the signature matched: the failing argument, and whether at least its type fitted. */
  readonly score: number;

  constructor(code: MbErrorCode, message: string, index: number, typeFits = true) {
    super(code, message);
    this.score = index * 2 + (typeFits ? 1 : 0);
  }
}

const FORMATS: Record<string, RegExp> = {
  'model-name': MODEL_NAME_RE,
  descriptor: /^[A-Za-z][A-Za-z0-9_]*$/,
  address: /^\/[A-Za-z0-9_./{}-]*$/,
  host: /^(localhost|\d{1,3}(\.\d{1,3}){3})$/,
};

function show(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (v instanceof Uint8Array) return `blob(${v.length} bytes)`;
  return String(v);
}

const isNumberTag = (t: string) => t === 'i' || t === 'f' || t === 'd';

/** `where` names the argument in messages; `item` is the element index of a repeated argument. */
function numberOf(arg: Atom, spec: ArgSpec, where: string, index: number, item?: number): number {
  const v = arg.value;
  if (!isNumberTag(arg.type) || typeof v !== 'number') {
    throw new ArgError('MB_ERR_BAD_ARGS', `${named(where, item)} must be ${spec.type === 'i' ? 'an integer' : 'a float'}, got type '${arg.type}' ${show(v)}`, index, false);
  }
  if (!Number.isFinite(v)) throw new ArgError('MB_ERR_BAD_ARGS', `${named(where, item)} must be finite, got ${v}`, index);
  if (spec.type === 'i' && !Number.isInteger(v)) throw new ArgError('MB_ERR_BAD_ARGS', `${named(where, item)} must be an integer, got ${v}`, index);
  const min = spec.min ?? (spec.type === 'i' ? -2147483648 : -Number.MAX_VALUE);
  const max = spec.max ?? (spec.type === 'i' ? 2147483647 : Number.MAX_VALUE);
  if (v < min || v > max) throw new ArgError('MB_ERR_BAD_ARGS', `${named(where, item)} must be in [${min}, ${max}], got ${v}`, index);
  return v;
}

const named = (where: string, item?: number) => (item === undefined ? where : `${where}[${item}]`);

function stringOf(arg: Atom, spec: ArgSpec, where: string, index: number): string {
  const v = arg.value;
  if ((arg.type !== 's' && arg.type !== 'S') || typeof v !== 'string') {
    throw new ArgError('MB_ERR_BAD_ARGS', `${where} must be a string, got type '${arg.type}' ${show(v)}`, index, false);
  }
  if (v.length === 0 || v.length > MAX_STRING_LENGTH || v.includes('\u0000')) {
    throw new ArgError('MB_ERR_BAD_ARGS', `${where} must be 1..${MAX_STRING_LENGTH} characters, got ${show(v)}`, index);
  }
  if (spec.values && !spec.values.includes(v)) throw new ArgError('MB_ERR_BAD_ARGS', `${where} must be one of ${spec.values.join(', ')}, got ${show(v)}`, index);
  const re = spec.format && FORMATS[spec.format];
  if (re && !re.test(v)) throw new ArgError('MB_ERR_BAD_ARGS', `${where} must match ${re}, got ${show(v)}`, index);
  return v;
}

function floatBlobOf(arg: Atom, spec: ArgSpec, where: string, index: number): Float32Array {
  const v = arg.value;
  if (arg.type !== 'b' || !(v instanceof Uint8Array)) throw new ArgError('MB_ERR_BAD_ARGS', `${where} must be a blob, got type '${arg.type}' ${show(v)}`, index, false);
  const maxBytes = spec.blob!.maxBytes;
  if (v.length > maxBytes) throw new ArgError('MB_ERR_TOO_LARGE', `${where} is ${v.length} bytes, at most ${maxBytes} allowed`, index);
  if (v.length === 0 || v.length % 4 !== 0) throw new ArgError('MB_ERR_BAD_ARGS', `${where} must hold float32 values (a non-zero multiple of 4 bytes), got ${v.length} bytes`, index);
  const dv = new DataView(v.buffer, v.byteOffset, v.byteLength);
  const out = new Float32Array(v.length / 4);
  for (let i = 0; i < out.length; i++) {
    const x = dv.getFloat32(i * 4, true);
    if (!Number.isFinite(x)) throw new ArgError('MB_ERR_BAD_ARGS', `${where}[${i}] must be finite, got ${x}`, index);
    out[i] = x;
  }
  return out;
}

function repeated(args: Atom[], from: number, spec: ArgSpec, address: string): Float32Array | Int32Array {
  const count = args.length - from;
  const { min, max } = spec.repeat!;
  if (count > max) throw new ArgError('MB_ERR_TOO_LARGE', `${address} ${spec.name}: ${count} values, at most ${max} allowed`, from);
  if (count < min) throw new ArgError('MB_ERR_BAD_ARGS', `${address} ${spec.name}: needs at least ${min} values, got ${count}`, from);
  const out = spec.type === 'i' ? new Int32Array(count) : new Float32Array(count);
  const where = `${address} ${spec.name}`;
  for (let i = 0; i < count; i++) out[i] = numberOf(args[from + i], spec, where, from + i, i);
  return out;
}

function parseSignature(entry: TableEntry, sig: readonly ArgSpec[], args: Atom[]): Record<string, ArgValue | undefined> {
  const out: Record<string, ArgValue | undefined> = {};
  const required = sig.filter((s) => !s.optional && !s.repeat).length;
  const last = sig[sig.length - 1];
  const maxCount = last?.repeat ? Infinity : sig.length;
  if (args.length < required || args.length > maxCount) {
    const want = required === sig.length ? `${sig.length}` : last?.repeat ? `at least ${required + last.repeat.min}` : `${required}..${sig.length}`;
    throw new ArgError('MB_ERR_BAD_ARGS', `${entry.address} takes ${want} arguments (${sig.map((s) => s.name).join(', ') || 'none'}), got ${args.length}`, -1);
  }
  for (let i = 0; i < sig.length; i++) {
    const spec = sig[i];
    const where = `${entry.address} ${spec.name}`;
    if (spec.repeat) {
      out[spec.name] = repeated(args, i, spec, entry.address);
      break;
    }
    if (i >= args.length) break;
    if (spec.blob) out[spec.name] = floatBlobOf(args[i], spec, where, i);
    else if (spec.type === 's') out[spec.name] = stringOf(args[i], spec, where, i);
    else out[spec.name] = numberOf(args[i], spec, where, i);
  }
  return out;
}

/** Cheap check that the argument count and type tags fit a signature (values are not looked at). */
function typesFit(sig: readonly ArgSpec[], args: Atom[]): boolean {
  const last = sig[sig.length - 1];
  const fixed = last?.repeat ? sig.length - 1 : sig.length;
  if (args.length > fixed && !last?.repeat) return false;
  for (let i = 0; i < args.length; i++) {
    const spec = sig[Math.min(i, sig.length - 1)];
    const t = args[i].type;
    const ok = spec.blob ? t === 'b' : spec.type === 's' ? t === 's' || t === 'S' : isNumberTag(t);
    if (!ok) return false;
  }
  return true;
}

/**
 * Matches `args` against the entry's signatures: the first whose types fit is parsed, so
 * a valid message costs one pass. When none fits, throws the error of the signature that
 * matched furthest.
 */
export function parseArgs(entry: TableEntry, args: Atom[]): ParsedArgs {
  const fitting = entry.signatures.find((sig) => typesFit(sig, args));
  const order = fitting ? [fitting, ...entry.signatures.filter((s) => s !== fitting)] : entry.signatures;
  let best: ArgError | undefined;
  for (const sig of order) {
    try {
      return new ParsedArgs(parseSignature(entry, sig, args));
    } catch (err) {
      if (!(err instanceof ArgError)) throw err;
      if (!best || err.score > best.score) best = err;
    }
  }
  throw new MbError(best!.code, best!.message);
}
