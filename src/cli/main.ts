#!/usr/bin/env node
import { MbError, toMbError } from '../core/errors';
import { exitCodeFor, type Command } from './command';

const HELP_FLAGS = ['--help', '-h'];

function listing(commands: readonly Command[], path: string[], header: string): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  const lines = commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return `${header}\n\nusage: ${path.join(' ')} <command> [options]   (${path.join(' ')} <command> --help for details)\n\ncommands:\n${lines.join('\n')}\n`;
}

/**
 * The one dispatcher, for the top-level table and every nested one (`mirrorbridge vq encode`):
 * no name or --help lists the table (exit 2 / 0), a group dispatches its sub-commands, a
 * command prints its help on --help or runs. Errors give one clear line on stderr naming the
 * command (exit 2 for bad input, 1 for internal failure), a stack trace only with --debug.
 *
 * @example
 * await dispatch(COMMANDS, ['vq', 'encode', 'x.wav', '--json']);
 */
export async function dispatch(commands: readonly Command[], argv: string[], path: string[] = ['mirrorbridge'], header = 'mirrorbridge: neural audio models for Max, Pd and OSC tools'): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || HELP_FLAGS.includes(name)) {
    process.stdout.write(listing(commands, path, header));
    return name === undefined ? 2 : 0;
  }
  const where = [...path, name];
  const command = commands.find((c) => c.name === name);
  try {
    if (!command) throw new MbError('MB_ERR_BAD_ARGS', `unknown command '${name}'; one of ${commands.map((c) => c.name).join(', ')} (run '${path.join(' ')} --help')`);
    if ('subcommands' in command) return await dispatch(command.subcommands, rest, where, `${where.join(' ')}: ${command.summary}`);
    if (rest.some((a) => HELP_FLAGS.includes(a))) {
      process.stdout.write(`${command.summary}\n\nusage: ${command.usage}\n`);
      return 0;
    }
    return await command.run(rest);
  } catch (err) {
    const e = toMbError(err);
    process.stderr.write(`${where.join(' ')}: ${e.toLine()}\n`);
    if (argv.includes('--debug') && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
    return exitCodeFor(e);
  }
}

/**
 * CLI entry: dispatches argv over the command table. `serve` loads only its own modules: the
 * whole table pulls in vega, the docs generator and the learn tools (0.3-0.7 s more), and a
 * bridge restarted under a performer waits for every one of them.
 */
export async function main(argv: string[]): Promise<number> {
  if (argv[0] === 'serve') {
    const { serveCommand } = await import('./serve');
    return dispatch([serveCommand], argv);
  }
  const { COMMANDS } = await import('./commands');
  return dispatch(COMMANDS, argv);
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      process.stderr.write(`mirrorbridge: ${toMbError(err).toLine()}\n`);
      process.exitCode = 1;
    },
  );
}
