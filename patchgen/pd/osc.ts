/**
 * The OSC vocabulary as the Pd generators write it, derived from the verb table: every address
 * a Pd patch sends ([oscformat mb ...], [mb.request ...], "send /mb/..." messages), every word
 * of a route chain over the server's replies ([route mb] -> [route stream] -> [route opened
 * closed]) and every address a comment shows passes through one checked lookup (the OSC door
 * must have it; a route word must be a component of an address the server sends), so a renamed
 * address fails generation. Argument positions a patch relies on come from the signatures.
 *
 * @example
 * p.obj(20, 255, pdFormat('/mb/stream/open'));                  // oscformat mb stream open
 * p.obj(20, 520, pdRequest('/mb/stream/smooth'));               // mb.request stream smooth
 * p.obj(20, 545, pdRoute('/mb/stream/opened', '/mb/stream/closed')); // route opened closed
 * p.obj(20, 100, `list split ${pdArgIndex('/mb/job/done', 'name')}`); // list split 1
 */
import { OSC_ROOT } from '../../src/verbs/table';
import { usageOf } from '../../src/verbs/usage';
import type { OscOutPath, OscVerbAddress } from '../table-addresses';
import { argIndex, checkArgs, isOutPath, outOf, verbOf } from '../vocabulary';

export type { OscOutPath, OscVerbAddress } from '../table-addresses';

/** A verb's address, checked (messages and comments). */
export function oscAddress(address: OscVerbAddress): string {
  return verbOf(address, 'osc').address;
}

/** An address the server sends, or a container of some, checked (comments, [mbstream~ return]). */
export function oscOut(path: OscOutPath): string {
  if (!isOutPath(path, 'osc')) throw new Error(`patchgen: ${path} is not an address the server sends at the OSC door, nor a container of one (src/verbs/table.ts)`);
  return path;
}

const parts = (address: string) => address.split('/').slice(1);

/** `oscformat mb stream open`: [oscformat] that writes a verb's address. */
export function pdFormat(address: OscVerbAddress): string {
  return `oscformat ${parts(oscAddress(address)).join(' ')}`;
}

/** `mb.request stream smooth`: [mb.request] with the address parts after /mb. */
export function pdRequest(address: OscVerbAddress): string {
  const a = oscAddress(address);
  if (!a.startsWith(`${OSC_ROOT}/`)) throw new Error(`patchgen: [mb.request] sends under ${OSC_ROOT} only, not ${a}`);
  return `mb.request ${a.slice(OSC_ROOT.length + 1).split('/').join(' ')}`;
}

/** Arguments a box sends with a verb (literal, or $n placeholders), checked by the table's parser; returns them as given. */
export function pdArgs(address: OscVerbAddress, args: string, opts: { prefix?: boolean } = {}): string {
  checkArgs(verbOf(address, 'osc'), args.split(/\s+/).filter((t) => t.length > 0), opts);
  return args;
}

/**
 * The words of one [route] in a chain over parsed server messages: the last parts of `paths`,
 * which share their parent (e.g. /mb/job/progress and /mb/job/done -> "progress done"; /mb ->
 * "mb"). Each must be an address the server sends or a container of some.
 */
export function pdRouteWords(...paths: OscOutPath[]): string {
  if (paths.length === 0) throw new Error('patchgen: a route needs at least one address');
  const parent = (p: string) => p.slice(0, p.lastIndexOf('/'));
  for (const p of paths) {
    oscOut(p);
    if (parent(p) !== parent(paths[0])) throw new Error(`patchgen: one [route] takes one level: ${paths.join(' ')} have different parents`);
  }
  return paths.map((p) => p.slice(p.lastIndexOf('/') + 1)).join(' ');
}

/** `route <words>` (see pdRouteWords). */
export function pdRoute(...paths: OscOutPath[]): string {
  return `route ${pdRouteWords(...paths)}`;
}

/** Position (0-based) of a reply's argument, as [list split] counts. */
export function pdArgIndex(path: OscOutPath, name: string): number {
  return argIndex(outOf(path, 'osc'), name);
}

/** `/mb/stream/open <id> <sampleRate 8000..48000> ...`: a verb's usage (help text). */
export function oscUsage(address: OscVerbAddress): string {
  return usageOf(verbOf(address, 'osc'));
}
