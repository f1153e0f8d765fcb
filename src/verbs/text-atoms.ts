import { rangeOf, type ArgSpec } from '../core/arg-spec';
import { MbError } from '../core/errors';
import type { Atom } from './spec';

/**
 * One argument typed as text (a CLI option, a word in a message box) as the atom its spec
 * expects, so text front ends parse through parseArgs (args.ts) like OSC and Max do: numbers
 * become 'i'/'f' atoms (parseArgs then checks integrality and range), strings stay strings.
 * Text that is not a number is refused here, naming the argument as the front end calls it.
 *
 * @example
 * atomOfText(REFINE_PASSES, '3', '--refine');  // { type: 'i', value: 3 }
 * atomOfText(REFINE_PASSES, 'x', '--refine');  // throws MB_ERR_BAD_ARGS "--refine must be an integer in [0, 32], got 'x'"
 */
export function atomOfText(spec: ArgSpec, text: string, where: string = spec.name): Atom {
  if (spec.type === 's') return { type: 's', value: text };
  if (spec.type === 'b') throw new MbError('MB_ERR_BAD_ARGS', `${where} takes binary data, which cannot be given as text`);
  const trimmed = text.trim();
  const value = trimmed === '' ? Number.NaN : Number(trimmed);
  if (!Number.isFinite(value)) {
    const kind = spec.type === 'i' ? 'an integer' : 'a number';
    const range = spec.min !== undefined || spec.max !== undefined ? ` in [${rangeOf(spec).min}, ${rangeOf(spec).max}]` : '';
    throw new MbError('MB_ERR_BAD_ARGS', `${where} must be ${kind}${range}, got '${text}'`);
  }
  return { type: spec.type, value };
}
