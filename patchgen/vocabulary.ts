/**
 * The verb table's vocabulary as the patch generators write it. Every OSC address, route word
 * and Max selector a generated patch sends or waits for is looked up here in the one verb
 * table (src/verbs/table.ts) at generation time, so a renamed or removed verb fails
 * `npm run patches` (and the tests) naming the generator that still uses it. The address
 * parameters are typed by the unions in table-addresses.ts, which `npm run patches` writes
 * from the same table, so a typo fails to compile as well.
 *
 * Door-neutral pieces live here (lookup, argument positions, argument checks, bundled model
 * names); max/selectors.ts and pd/osc.ts turn them into Max and Pd box text.
 *
 * @example
 * verbOf('/mb/stream/open', 'max');                    // the verb, or a thrown Error
 * argIndex(outOf('/mb/job/done', 'osc'), 'name');      // 1
 * checkArgs(verbOf('/mb/vq/deform', 'max'), ['transpose', '2']); // throws when it does not parse
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import type { ArgSpec } from '../src/core/arg-spec';
import { parseArgs } from '../src/verbs/args';
import type { Atom, Door, OutEntry, TableEntry, Verb } from '../src/verbs/spec';
import { entryOf, outsAt, verbsAt } from '../src/verbs/table';

const where = (address: string) => `patchgen: ${address}`;

/** The verb at `address` that `door` has; throws naming what is wrong otherwise. */
export function verbOf(address: string, door: Door): Verb {
  const e = entryOf(address);
  if (!e) throw new Error(`${where(address)} is not in the verb table (src/verbs/table.ts)`);
  if (e.direction !== 'in') throw new Error(`${where(address)} is an address the server sends, not a verb a patch can send`);
  if (!e.doors.includes(door)) throw new Error(`${where(address)} is not a verb of the ${door} door (it has: ${e.doors.join(', ')})`);
  return e;
}

/** The out entry at `address` that `door` hears; throws naming what is wrong otherwise. */
export function outOf(address: string, door: Door): OutEntry {
  const e = entryOf(address);
  if (!e) throw new Error(`${where(address)} is not in the verb table (src/verbs/table.ts)`);
  if (e.direction !== 'out') throw new Error(`${where(address)} is a verb clients send, not something the server sends`);
  if (!e.doors.includes(door)) throw new Error(`${where(address)} is not sent at the ${door} door (it has: ${e.doors.join(', ')})`);
  return e;
}

/** Out entries a door's patches can route: not templates, not sent to third parties. */
const routable = (door: Door) => outsAt(door).filter((e) => !e.external && !e.address.includes('{'));

/** True when `address` is an out address of `door` or a container of some (e.g. /mb/job). */
export function isOutPath(address: string, door: Door): boolean {
  return outsAt(door).some((e) => !e.external && (e.address === address || e.address.startsWith(`${address}/`)));
}

/**
 * The name /mb/job/queued and /mb/job/done carry for the jobs a job verb queues: the last part
 * of its address (/mb/job/vq -> vq), as each plug-in's job verb submits its job.
 */
export function jobName(address: string, door: Door): string {
  const verb = verbOf(address, door);
  if (!verb.replies?.includes('/mb/job/done')) throw new Error(`${where(address)} does not queue a job (its replies have no /mb/job/done)`);
  return address.slice(address.lastIndexOf('/') + 1);
}

/** Position (0-based) of the argument `name` in the main signature of an entry; throws when absent. */
export function argIndex(entry: TableEntry, name: string): number {
  const sig = entry.signatures[0];
  const i = sig.findIndex((a) => a.name === name);
  if (i < 0) throw new Error(`${where(entry.address)} has no argument "${name}" (it has: ${sig.map((a) => a.name).join(', ') || 'none'})`);
  return i;
}

/** Asserts that `name` is the argument at `index` (a patch relies on the position, e.g. [route #1] on the stream id). */
export function expectArgAt(entry: TableEntry, name: string, index: number): void {
  const at = argIndex(entry, name);
  if (at !== index) throw new Error(`${where(entry.address)}: a patch expects "${name}" at position ${index}, the table has it at ${at}`);
}

/** The arguments of an entry's main signature. */
export function argsOf(entry: TableEntry): readonly ArgSpec[] {
  return entry.signatures[0];
}

const PLACEHOLDER = /^[$#]\d+$/;

/** A value that fits a spec, standing in for a placeholder ($1, #1) or an argument a box adds later. */
function standIn(spec: ArgSpec): Atom {
  if (spec.type === 's') {
    if (spec.values) return { type: 's', value: spec.values[0] };
    const byFormat: Record<string, string> = { address: '/mb', host: 'localhost', 'model-name': 'model', descriptor: 'centroid' };
    return { type: 's', value: byFormat[spec.format ?? ''] ?? 'x' };
  }
  const lo = spec.min ?? -Infinity;
  const hi = spec.max ?? Infinity;
  const v = Math.min(Math.max(0, lo), hi);
  return { type: spec.type === 'b' ? 'f' : spec.type, value: spec.type === 'i' ? Math.ceil(v) : v };
}

/** A token of box text as the atom Max or Pd sends: a number, or a symbol. */
function atomOf(token: string): Atom {
  if (/^-?(\d+\.?\d*|\.\d+)(e-?\d+)?$/i.test(token)) {
    const n = Number(token);
    return { type: Number.isInteger(n) && !token.includes('.') ? 'i' : 'f', value: n };
  }
  return { type: 's', value: token };
}

/**
 * Checks the arguments a patch sends with a verb against the table: literal tokens as they
 * are, placeholders ($1, #1) as a value that fits their argument. `prefix`: the box sends only
 * the first arguments and more come later (a [prepend], a [list prepend]), so the missing ones
 * are filled the same way. Throws with the verb's usage when they do not parse.
 */
export function checkArgs(verb: Verb, tokens: readonly string[], opts: { prefix?: boolean; name?: string } = {}): void {
  const sig = argsOf(verb);
  const atoms = tokens.map((t, i) => (PLACEHOLDER.test(t) || t.includes('$') ? standIn(sig[Math.min(i, sig.length - 1)] ?? { name: '?', type: 's', description: '' }) : atomOf(t)));
  if (opts.prefix) {
    for (let i = atoms.length; i < sig.length; i++) {
      const spec = sig[i];
      if (spec.optional) break;
      const times = spec.repeat ? spec.repeat.min : 1;
      for (let k = 0; k < times; k++) atoms.push(standIn(spec));
    }
  }
  try {
    parseArgs(verb, atoms);
  } catch (err) {
    const shown = [opts.name ?? verb.address, ...tokens].join(' ');
    throw new Error(`${where(verb.address)}: a patch sends "${shown}", which the table rejects: ${(err as Error).message}`);
  }
}

/** The models shipped in models/ (a folder with its manifest <name>/<name>.json). */
export function bundledModel(name: string): string {
  const dir = path.join(__dirname, '..', 'models', name);
  if (!existsSync(path.join(dir, `${name}.json`))) throw new Error(`patchgen: "${name}" is not a bundled model (no models/${name}/${name}.json)`);
  return name;
}

// ─────────────────────────────────────────── the address unions (table-addresses.ts)

function union(name: string, doc: string, members: string[]): string {
  const sorted = [...new Set(members)].sort();
  return [`/** ${doc} */`, `export type ${name} =`, ...sorted.map((m, i) => `  | '${m}'${i === sorted.length - 1 ? ';' : ''}`), ''].join('\n');
}

function withContainers(addresses: string[]): string[] {
  const out: string[] = [];
  for (const a of addresses) {
    const parts = a.split('/');
    for (let n = 2; n <= parts.length; n++) out.push(parts.slice(0, n).join('/'));
  }
  return out;
}

/** The text of patchgen/table-addresses.ts: the table's addresses per door, as string unions. */
export function addressTypesSource(): string {
  const verbs = (door: Door) => verbsAt(door).map((v) => v.address);
  const outs = (door: Door) => routable(door).map((e) => e.address);
  return [
    '/**',
    ' * The verb table\'s addresses per door, for the generators\' parameter types (a typo fails to',
    ' * compile). Written by `npm run patches` from src/verbs/table.ts (patchgen/vocabulary.ts):',
    ' * do not edit; the up-to-date test fails until it is written again after a table change.',
    ' */',
    '',
    union('MaxVerbAddress', 'Verbs of the Max door (selector: the address without /mb/).', verbs('max')),
    union('MaxOutAddress', 'What the Max door sends out of [mb.bridge] (selector: the address without /mb/).', outs('max')),
    union('OscVerbAddress', 'Verbs of the OSC door (Pd, browsers).', verbs('osc')),
    union('OscOutPath', 'What the OSC door sends (templates and third-party addresses left out), and the containers above it, for route chains.', withContainers(outs('osc'))),
  ].join('\n');
}
