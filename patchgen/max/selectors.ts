/**
 * The bridge's vocabulary as the Max generators write it, derived from the verb table: a
 * message to [mb.bridge] names its verb by OSC address, and the selector written is that
 * address without /mb/ (what the bridge registers); a reply routed from [mb.bridge] names its
 * out entry the same way. Each is looked up at generation time (the Max door must have it),
 * literal arguments are parsed by the table's own parser, and argument positions a patch
 * relies on come from the entry's signature. Nothing here re-types the vocabulary.
 *
 * @example
 * p.obj(480, 240, `prepend ${maxSelector('/mb/stream/open')}`);      // prepend stream/open
 * p.msg(20, 615, maxMessage('/mb/vq/target', 'flatness $1'));         // vq/target flatness $1
 * p.obj(20, 110, maxRoute('/mb/params', '/mb/params/units'));         // route params params/units
 * p.obj(20, 140, maxSliceBefore('/mb/job/done', 'name', 0));          // zl.slice 1
 */
import type { OutEntry } from '../../src/verbs/spec';
import { maxSelector as selectorOf, outsAt, verbsAt } from '../../src/verbs/table';
import { usageOf } from '../../src/verbs/usage';
import type { MaxOutAddress, MaxVerbAddress } from '../table-addresses';
import { argIndex, argsOf, checkArgs, jobName, outOf, verbOf } from '../vocabulary';

export type { MaxOutAddress, MaxVerbAddress } from '../table-addresses';

/**
 * Replies whose last argument (JSON) the bridge puts into a dict, sending the dict's name
 * instead. Typed by hand: bridge/bridge.ts decides it (JSON_DICTS) and the table only says
 * so in the entries' descriptions.
 */
export const MAX_JSON_DICTS: Readonly<Partial<Record<MaxOutAddress, string>>> = { '/mb/job/done': 'mb.job', '/mb/status/json': 'mb.status' };

/** The selector of a verb of the Max door (checked against the table). */
export function maxSelector(address: MaxVerbAddress): string {
  return selectorOf(verbOf(address, 'max').address);
}

const tokens = (args: string[]) => args.join(' ').split(/\s+/).filter((t) => t.length > 0);

/** A message box's text: the selector, then its arguments (`$1`, `#1`, file names ...), parsed by the table. */
export function maxMessage(address: MaxVerbAddress, ...args: string[]): string {
  checkArgs(verbOf(address, 'max'), tokens(args), { name: maxSelector(address) });
  return [maxSelector(address), ...args].join(' ');
}

/** `prepend <selector> <first arguments>`: the box adds the rest (checked as a prefix of the signature). */
export function maxPrepend(address: MaxVerbAddress, ...args: string[]): string {
  checkArgs(verbOf(address, 'max'), tokens(args), { prefix: true, name: maxSelector(address) });
  return ['prepend', maxSelector(address), ...args].join(' ');
}

/** The first word of a reply [mb.bridge] sends (checked against the table). */
export function maxReply(address: MaxOutAddress): string {
  return selectorOf(outOf(address, 'max').address);
}

/** Several reply words, space-separated, for one [route]. */
export function maxReplies(...addresses: MaxOutAddress[]): string {
  return addresses.map(maxReply).join(' ');
}

/** `[route <replies>]` right after the bridge's output (or [r mb.out]). */
export function maxRoute(...addresses: MaxOutAddress[]): string {
  return `route ${maxReplies(...addresses)}`;
}

/** The job name job/done carries for the jobs of a job verb (/mb/job/vq -> vq), as a [route] word after the id. */
export function maxJobName(address: MaxVerbAddress): string {
  return jobName(address, 'max');
}

/** Position (0-based) of a reply's argument. */
export function maxArgIndex(address: MaxOutAddress, name: string): number {
  return argIndex(outOf(address, 'max'), name);
}

/**
 * `[zl.slice n]` that splits a reply's arguments before `name`, once the first `consumed` of
 * them have been removed (e.g. by [route #1] on the stream id): left outlet what comes before,
 * right outlet `name` and what follows.
 */
export function maxSliceBefore(address: MaxOutAddress, name: string, consumed = 0): string {
  const n = maxArgIndex(address, name) - consumed;
  if (n < 1) throw new Error(`patchgen: ${address} "${name}" is not after ${consumed} removed argument(s)`);
  return `zl.slice ${n}`;
}

/** `[unpack ...]` of every argument of a reply, typed from its signature (fixed-length replies only). */
export function maxUnpack(address: MaxOutAddress): string {
  const sig = argsOf(outOf(address, 'max'));
  if (sig.some((a) => a.repeat || a.optional)) throw new Error(`patchgen: ${address} has a variable argument list; [unpack] cannot take it`);
  return `unpack ${sig.map((a) => (a.type === 'i' ? 'i' : a.type === 'f' ? 'f' : 's')).join(' ')}`;
}

function shape(entry: OutEntry, dicts: Readonly<Partial<Record<string, string>>>): string {
  const dict = dicts[entry.address];
  const sig = argsOf(entry);
  const args = sig.map((a, i) => (dict && i === sig.length - 1 ? dict : `<${a.name}${a.repeat ? '...' : ''}>`));
  return [selectorOf(entry.address), ...args].join(' ');
}

/** `stream/opened <id> <model> <latency> <params>`: a reply's shape as Max prints it; `dicts` names a JSON argument's dict. */
export function maxReplyUsage(address: MaxOutAddress, dicts: Readonly<Partial<Record<string, string>>> = MAX_JSON_DICTS): string {
  return shape(outOf(address, 'max'), dicts);
}

/** Every verb of the Max door, as usage lines (help patches). */
export function maxVerbUsages(): string[] {
  return verbsAt('max').map((v) => usageOf(v, selectorOf));
}

/** Every reply of the Max door, as shapes (help patches). */
export function maxReplyUsages(dicts: Readonly<Partial<Record<string, string>>> = MAX_JSON_DICTS): string[] {
  return outsAt('max').map((e) => shape(e, dicts));
}
