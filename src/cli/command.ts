import { parseArgs, type ParseArgsConfig } from 'node:util';
import { MbError } from '../core/errors';

/**
 * One CLI command: a name with its help text, and either an async runner returning the exit
 * code or a table of sub-commands (`mirrorbridge vq encode ...`), which the one dispatcher
 * (main.ts `dispatch`) walks like the top-level table.
 */
export type Command = RunnableCommand | CommandGroup;

interface CommandBase {
  name: string;
  summary: string;
  usage: string;
}

export interface RunnableCommand extends CommandBase {
  run(argv: string[]): Promise<number>;
}

export interface CommandGroup extends CommandBase {
  subcommands: readonly Command[];
}

type Options = NonNullable<ParseArgsConfig['options']>;
const COMMON_OPTIONS = { help: { type: 'boolean', short: 'h' }, debug: { type: 'boolean' } } as const;

/**
 * Parses argv with node:util parseArgs, turning its errors into MB_ERR_BAD_ARGS so the CLI
 * prints one coded line. `--help` is always accepted.
 *
 * @example
 * const { values, positionals } = parseCommandArgs(argv, { out: { type: 'string' } });
 */
export function parseCommandArgs<T extends Options>(argv: string[], options: T, allowPositionals = true) {
  const config = {
    args: argv,
    options: { ...COMMON_OPTIONS, ...options } as typeof COMMON_OPTIONS & T,
    allowPositionals,
    strict: true as const,
  };
  try {
    return parseArgs(config);
  } catch (err) {
    throw new MbError('MB_ERR_BAD_ARGS', (err as Error).message);
  }
}

/** The single positional argument (an input file), or MB_ERR_BAD_ARGS saying what was expected. */
export function onePositional(positionals: string[], what = 'one WAV file'): string {
  if (positionals.length !== 1) throw new MbError('MB_ERR_BAD_ARGS', `expected ${what}, got ${positionals.length} argument(s)`);
  return positionals[0];
}

/** Reads a numeric option, checking it is finite and in range. */
export function numberOption(name: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined) return fallback;
  const v = Number(raw);
  if (!Number.isFinite(v) || v < min || v > max) {
    throw new MbError('MB_ERR_BAD_ARGS', `--${name} must be a number in [${min}, ${max}], got '${raw}'`);
  }
  return v;
}

/** Error codes that mean the user's input was wrong (exit 2); anything else exits 1. */
const INTERNAL_CODES = new Set(['MB_ERR_INTERNAL', 'MB_ERR_NATIVE', 'MB_ERR_TOOL_MISSING']);

export function exitCodeFor(err: MbError): number {
  return INTERNAL_CODES.has(err.code) ? 1 : 2;
}
