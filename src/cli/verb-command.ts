import * as path from 'node:path';
import type { ArgSpec } from '../core/arg-spec';
import { MbError } from '../core/errors';
import type { Engine } from '../engine/engine';
import { parseArgs as parseVerbArgs } from '../verbs/args';
import type { Atom, DoorServices, ParsedArgs, Verb } from '../verbs/spec';
import { entryOf } from '../verbs/table';
import { atomOfText } from '../verbs/text-atoms';
import { usageOf } from '../verbs/usage';
import { parseCommandArgs, type RunnableCommand } from './command';

/**
 * A CLI command over one verb of the table (src/verbs): the verb's arguments become
 * positionals and `--name` options, are typed from their ArgSpecs and parsed by the table's
 * parseArgs, so ranges, defaults and messages are the ones OSC and Max get, and the help lists
 * them from the table. `run` receives the parsed arguments and a `submit` that calls the
 * verb's one handler (which queues the engine's job).
 *
 * @example
 * verbCommand({ name: 'infer', summary: '...', address: '/mb/job/infer', positionals: ['file'], run: async (call) => ... });
 * // mirrorbridge infer x.wav --refine 3  →  parseArgs(/mb/job/infer, [s x.wav, s mirrornet-melody, i 3])
 */
export type CliValues = Record<string, string | boolean | string[] | undefined>;

/** One of the command's own options (not a verb argument). */
export interface CliOption {
  type: 'string' | 'boolean';
  multiple?: boolean;
  /** What the value is, in the help (DIR, FILE). */
  value?: string;
  description: string;
}

export interface VerbCommandSpec {
  name: string;
  /** The words before the name in usage lines. Default 'mirrorbridge'. */
  parent?: string;
  summary: string;
  /** The verb whose arguments the command takes, e.g. '/mb/job/infer'. */
  address: string;
  /** Verb arguments given as positionals, in order; the other verb arguments are `--name` options. */
  positionals: readonly string[];
  /** Verb arguments the command fills from its own options instead of offering them (vq: the op is the sub-command). */
  filled?: Readonly<Record<string, string | ((options: CliValues) => string | undefined)>>;
  /** Values the CLI gives optional verb arguments left out (the CLI always names the model it loads). */
  defaults?: Readonly<Record<string, string>>;
  /** Descriptions that differ at the CLI (its file paths are not confined to a files folder). */
  descriptions?: Readonly<Record<string, string>>;
  /** The command's own options. */
  options?: Readonly<Record<string, CliOption>>;
  /** Lines added at the end of the help. */
  notes?: string;
  run(call: VerbCall): Promise<number>;
}

export interface VerbCall {
  readonly verb: Verb;
  /** The verb's arguments, checked and typed by the table (file arguments absolute). */
  readonly args: ParsedArgs;
  /** The verb arguments as the user gave them (before the CLI's defaults). */
  readonly given: Readonly<Record<string, string | undefined>>;
  readonly options: CliValues;
  /** Calls the verb's handler for `clientId` of `engine`, as every door does. */
  submit(engine: Engine, clientId: string): Promise<unknown>;
}

/**
 * What the CLI offers a handler besides the engine: nothing. It runs job verbs, whose handlers
 * use only the engine and the client id. The table's Door type names the doors verbs are
 * declared at (OSC, Max); the CLI is not one of them, hence the cast.
 */
const CLI_DOOR = { name: 'cli', version: process.env.npm_package_version ?? '0.1.0', hears: () => false } as unknown as DoorServices;

function verbOf(address: string): Verb {
  const entry = entryOf(address);
  if (entry?.direction !== 'in') throw new MbError('MB_ERR_INTERNAL', `${address} is not a verb of the table`);
  return entry;
}

/** The verb's main signature. */
const signatureOf = (verb: Verb): readonly ArgSpec[] => verb.signatures[0];

function valueLabel(a: ArgSpec): string {
  if (a.values) return a.values.join('|');
  if (a.type !== 's' && a.min !== undefined && a.max !== undefined) return `${a.min}..${a.max}`;
  if (a.format === 'model-name') return 'NAME';
  if (a.format === 'file') return 'FILE';
  return a.name.toUpperCase();
}

/** How the CLI names a verb argument: `<file>` for a positional, `--refine` for an option. */
function labelOf(spec: VerbCommandSpec, name: string): string {
  return spec.positionals.includes(name) ? `<${name}>` : `--${name}`;
}

function optionalPositional(spec: VerbCommandSpec, a: ArgSpec): boolean {
  return !!a.optional || spec.defaults?.[a.name] !== undefined;
}

/** The generated usage: the synopsis, the verb it runs, each argument from the table, the command's options. */
function usageText(spec: VerbCommandSpec, verb: Verb): string {
  const offered = signatureOf(verb).filter((a) => !spec.filled?.[a.name]);
  const positionals = spec.positionals.map((n) => offered.find((a) => a.name === n)!);
  const options = offered.filter((a) => !spec.positionals.includes(a.name));
  const own = Object.entries(spec.options ?? {});
  const synopsis = [
    `${spec.parent ?? 'mirrorbridge'} ${spec.name}`,
    ...positionals.map((a) => (optionalPositional(spec, a) ? `[${a.name}]` : `<${a.name}>`)),
    ...options.map((a) => (a.optional || spec.defaults?.[a.name] !== undefined ? `[--${a.name} ${valueLabel(a)}]` : `--${a.name} ${valueLabel(a)}`)),
    ...own.map(([n, o]) => `[--${n}${o.type === 'string' ? ` ${o.value ?? 'VALUE'}` : ''}]`),
  ].join(' ');
  const rows: [string, string][] = [
    ...positionals.map((a): [string, string] => [`<${a.name}>`, describe(spec, a)]),
    ...options.map((a): [string, string] => [`--${a.name} ${valueLabel(a)}`, describe(spec, a)]),
  ];
  const ownRows = own.map(([n, o]): [string, string] => [`--${n}${o.type === 'string' ? ` ${o.value ?? 'VALUE'}` : ''}`, o.description]);
  const width = Math.max(...[...rows, ...ownRows].map(([l]) => l.length));
  const table = (r: [string, string][]) => r.map(([l, d]) => `  ${l.padEnd(width)}  ${d}`).join('\n');
  const fixed = Object.entries(spec.filled ?? {}).filter((e): e is [string, string] => typeof e[1] === 'string');
  const given = fixed.length ? ` with ${fixed.map(([n, v]) => `${n} ${v}`).join(', ')}` : '';
  return (
    `${synopsis}\n\n` +
    `runs the verb ${usageOf(verb)}${given} (the same over OSC and Max); its arguments, from the verb table:\n${table(rows)}\n` +
    (ownRows.length ? `options:\n${table(ownRows)}\n` : '') +
    (spec.notes ? `${spec.notes}\n` : '')
  ).trimEnd();
}

function describe(spec: VerbCommandSpec, a: ArgSpec): string {
  const text = spec.descriptions?.[a.name] ?? a.description;
  const fallback = spec.defaults?.[a.name] ?? (a.default !== undefined ? String(a.default) : undefined);
  return fallback !== undefined ? `${text} Default: ${fallback}.` : text;
}

/** Renames the table's `/mb/job/infer refine` in parseArgs messages to the CLI's `--refine`. */
function inCliTerms(err: unknown, spec: VerbCommandSpec, verb: Verb): unknown {
  if (!(err instanceof MbError)) return err;
  let message = err.message;
  const names = signatureOf(verb).map((a) => a.name).sort((x, y) => y.length - x.length);
  for (const n of names) message = message.split(`${verb.address} ${n}`).join(labelOf(spec, n));
  return new MbError(err.code, message);
}

/** The verb's atoms from the CLI's text, in signature order; file paths resolved from the working directory. */
function atomsOf(spec: VerbCommandSpec, verb: Verb, text: Record<string, string | undefined>): Atom[] {
  const atoms: Atom[] = [];
  let missing: string | undefined;
  for (const a of signatureOf(verb)) {
    const value = text[a.name];
    if (value === undefined) {
      if (!a.optional) throw new MbError('MB_ERR_BAD_ARGS', `${labelOf(spec, a.name)} is required`);
      missing ??= a.name;
      continue;
    }
    if (missing !== undefined) throw new MbError('MB_ERR_BAD_ARGS', `${labelOf(spec, a.name)} needs ${labelOf(spec, missing)} too`);
    // A relative path means the working directory here, not the engine's files folder.
    atoms.push(atomOfText(a, a.format === 'file' ? path.resolve(value) : value, labelOf(spec, a.name)));
  }
  return atoms;
}

/** Builds the command. Arguments are checked before `run`, so bad input never reaches a model. */
export function verbCommand(spec: VerbCommandSpec): RunnableCommand {
  const verb = verbOf(spec.address);
  const offered = signatureOf(verb).filter((a) => !spec.filled?.[a.name]);
  for (const n of spec.positionals) if (!offered.some((a) => a.name === n)) throw new MbError('MB_ERR_INTERNAL', `${spec.address} has no argument ${n}`);
  const verbOptions = Object.fromEntries(offered.filter((a) => !spec.positionals.includes(a.name)).map((a) => [a.name, { type: 'string' as const }]));
  const ownOptions = Object.fromEntries(Object.entries(spec.options ?? {}).map(([n, o]) => [n, { type: o.type, ...(o.multiple ? { multiple: true } : {}) }]));
  return {
    name: spec.name,
    summary: spec.summary,
    usage: usageText(spec, verb),
    async run(argv) {
      const { values, positionals } = parseCommandArgs(argv, { ...verbOptions, ...ownOptions });
      const options = values as CliValues;
      if (positionals.length > spec.positionals.length) {
        throw new MbError('MB_ERR_BAD_ARGS', `expected ${spec.positionals.map((n) => `<${n}>`).join(' ') || 'no positional argument'}, got ${positionals.length} argument(s)`);
      }
      const given: Record<string, string | undefined> = {};
      spec.positionals.forEach((n, i) => (given[n] = positionals[i]));
      for (const n of Object.keys(verbOptions)) given[n] = options[n] as string | undefined;
      const text: Record<string, string | undefined> = {};
      for (const a of signatureOf(verb)) {
        const fill = spec.filled?.[a.name];
        text[a.name] = fill === undefined ? (given[a.name] ?? spec.defaults?.[a.name]) : typeof fill === 'string' ? fill : fill(options);
      }
      let args: ParsedArgs;
      try {
        args = parseVerbArgs(verb, atomsOf(spec, verb, text));
      } catch (err) {
        throw inCliTerms(err, spec, verb);
      }
      const submit = async (engine: Engine, clientId: string) => verb.handler(args, { engine, clientId, door: CLI_DOOR });
      return spec.run({ verb, args, given, options, submit });
    },
  };
}
