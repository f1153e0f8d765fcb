/**
 * A plant parameter's mapping (src/synth/params.ts) as the text of a Pd or Max [expr], and
 * as the short formula the patches' comments show. The Pd and Max plants and every other
 * patch that converts a normalized value read their mappings from here, so a change in
 * PARAM_SPECS changes the generated patches (and the up-to-date test fails until they are
 * written again).
 *
 * The plants run in continuous mode: `grid` parameters (note) map linearly, without the
 * snap, as ContinuousSynth does; `slotFraction` (duration) uses the default note slot.
 *
 * @example
 * mappingExpr('note', 'pd');                           // '62 + 12 * $f1'
 * mappingExpr('cutoff', 'max');                        // '100. * pow(2.\\, 7. * $f1)'
 * mappingExpr('volume', 'pd', { offset: 100 });        // '60 + 40 * $f1' (Pd's dB: 100 = unity)
 * mappingExpr('attack', 'pd', { input: '$f2', scale: 1000 }); // '10 * pow(100, $f2)' (ms)
 * mappingFormula('cutoff');                            // '100*2^(7p)'
 * noteGridExpr('$f1');                                 // '62 + 2 * ($f1 >= 1) + ($f1 >= 2) + ...'
 */
import { DEFAULT_SLOT_SECONDS, NOTE_GRID, PARAM_SPECS, type ParamName } from '../src/synth/params';

/** Which [expr] the text is for: Pd's, or Max's (float literals, escaped commas). */
export type ExprDialect = 'pd' | 'max';

export interface MappingExprOptions {
  /** The inlet variable holding the normalized value; default `$f1`. */
  input?: string;
  /** Factor applied to the unit value, e.g. 1000 for seconds -> ms, 1 / (2 pi) for radians -> cycles. */
  scale?: number;
  /** Added after the scale, e.g. 100 for Pd's dB (dbtorms~: 100 = unity gain), 0.5 to round with int(). */
  offset?: number;
}

/** The mapping as `value = a + b p` or `value = c base^(k p) + offset`, after scale and offset. */
type Form = { curve: 'linear'; a: number; b: number } | { curve: 'exponential'; c: number; ratio: number; offset: number };

/** Drops floating-point noise (2 pi / (2 pi) = 0.9999999999999999) so literals read as typed. */
function clean(v: number): number {
  const r = Number(v.toPrecision(12));
  return Object.is(r, -0) ? 0 : r;
}

function unitEnds(name: ParamName): [number, number] {
  const s = PARAM_SPECS[name];
  return s.curve === 'slotFraction' ? [DEFAULT_SLOT_SECONDS * s.min, DEFAULT_SLOT_SECONDS * s.max] : [s.min, s.max];
}

function formOf(name: ParamName, scale = 1, offset = 0): Form {
  const [lo, hi] = unitEnds(name);
  if (PARAM_SPECS[name].curve === 'exponential') return { curve: 'exponential', c: clean(lo * scale), ratio: clean(hi / lo), offset: clean(offset) };
  return { curve: 'linear', a: clean(lo * scale + offset), b: clean((hi - lo) * scale) };
}

/** `ratio^p` as `2^(k p)` when the ratio is a power of two (128 -> 2^7), else as it is. */
function powerOf(ratio: number): { base: number; k: number } {
  const k = Math.log2(ratio);
  return Number.isInteger(k) && k > 1 ? { base: 2, k } : { base: ratio, k: 1 };
}

interface Syntax {
  num(v: number): string;
  comma: string;
}

const SYNTAX: Record<ExprDialect, Syntax> = {
  pd: { num: (v) => String(v), comma: ', ' },
  // Max's expr computes in integers unless a literal has a decimal point; its commas are escaped.
  max: { num: (v) => (Number.isInteger(v) ? `${v}.` : String(v)), comma: '\\, ' },
};

/**
 * A number as an expr literal: Pd writes it as it is, Max with a decimal point (62 -> '62.').
 * @example exprNumber(1 - 0.8, 'pd') // '0.2'
 */
export function exprNumber(v: number, dialect: ExprDialect): string {
  return SYNTAX[dialect].num(clean(v));
}

/**
 * The expr text (without "expr ") that maps the normalized value at `input` to units, times
 * `scale`, plus `offset`. Sums come out unbracketed; wrap with `product()` to multiply.
 */
export function mappingExpr(name: ParamName, dialect: ExprDialect, opts: MappingExprOptions = {}): string {
  const { num, comma } = SYNTAX[dialect];
  const x = opts.input ?? '$f1';
  const f = formOf(name, opts.scale, opts.offset);
  if (f.curve === 'linear') {
    const sign = (v: number) => (v < 0 ? ' - ' : ' + ');
    if (f.b === 0) return num(f.a);
    if (f.b === 1) return f.a === 0 ? x : `${x}${sign(f.a)}${num(Math.abs(f.a))}`;
    const term = `${num(Math.abs(f.b))} * ${x}`;
    if (f.a === 0) return f.b < 0 ? `-${term}` : term;
    return `${num(f.a)}${sign(f.b)}${term}`;
  }
  const { base, k } = powerOf(f.ratio);
  const pow = `pow(${num(base)}${comma}${k === 1 ? x : `${num(k)} * ${x}`})`;
  const scaled = f.c === 1 ? pow : `${num(f.c)} * ${pow}`;
  return f.offset === 0 ? scaled : `${scaled}${f.offset < 0 ? ' - ' : ' + '}${num(Math.abs(f.offset))}`;
}

/** `text` bracketed when it has a + or - outside brackets, so it can be a factor of a product. */
export function product(text: string): string {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (depth === 0 && (ch === '+' || ch === '-') && i > 0) return `(${text})`;
  }
  return text;
}

/**
 * The mapping as the patches' comments write it, in p: '62+12p', '100*2^(7p)', '2 pi p'.
 * @example mappingFormula('attack') // '0.01*100^p'
 */
export function mappingFormula(name: ParamName): string {
  const f = formOf(name);
  if (f.curve === 'exponential') {
    const { base, k } = powerOf(f.ratio);
    const pow = k === 1 ? `${base}^p` : `${base}^(${k}p)`;
    return f.c === 1 ? pow : `${f.c}*${pow}`;
  }
  const b = Math.abs(f.b);
  const piTimes = clean(b / Math.PI);
  const term = b === 1 ? 'p' : Number.isInteger(piTimes) && piTimes !== 0 ? `${piTimes === 1 ? '' : `${piTimes} `}pi p` : `${b}p`;
  if (f.a === 0) return f.b < 0 ? `-${term}` : term;
  return `${f.a}${f.b < 0 ? '-' : '+'}${term}`;
}

/**
 * The melody note grid (NOTE_GRID) as an expr from a grid index 0..NOTE_GRID.length - 1 to
 * its MIDI note: the first note plus each step the index has passed. Integers only, so the
 * same text works in Pd and Max; `compact` leaves out the spaces around * and >=.
 * @example noteGridExpr('$i1', true) // '62 + 2*($i1>=1) + ($i1>=2) + ...'
 */
export function noteGridExpr(input: string, compact = false): string {
  const [times, ge] = compact ? ['*', '>='] : [' * ', ' >= '];
  const steps = NOTE_GRID.slice(1).map((note, i) => {
    const step = note - NOTE_GRID[i];
    return `${step === 1 ? '' : `${step}${times}`}(${input}${ge}${i + 1})`;
  });
  return [String(NOTE_GRID[0]), ...steps].join(' + ');
}
