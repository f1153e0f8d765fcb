#!/usr/bin/env node
import { MbError, toMbError } from '../core/errors';
import { exitCodeFor, type Command } from './command';
import { COMMANDS } from './commands';

function printHelp(): void {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  const lines = COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  process.stdout.write(
    `mirrorbridge: neural audio models for Max, Pd and OSC tools\n\n` +
      `usage: mirrorbridge <command> [options]   (mirrorbridge <command> --help for details)\n\n` +
      `commands:\n${lines.join('\n')}\n`,
  );
}

/**
 * CLI entry: one clear line on stderr for errors (exit 2 for bad input, 1 for internal
 * failure), a stack trace only with --debug.
 */
export async function main(argv: string[]): Promise<number> {
  const [verb, ...rest] = argv;
  if (verb === undefined || verb === '--help' || verb === '-h' || verb === 'help') {
    printHelp();
    return verb === undefined ? 2 : 0;
  }
  const command: Command | undefined = COMMANDS.find((c) => c.name === verb);
  const debug = argv.includes('--debug');
  try {
    if (!command) throw new MbError('MB_ERR_BAD_ARGS', `unknown command '${verb}'; run 'mirrorbridge --help'`);
    const wantsHelp = command.delegatesHelp ? rest.length === 0 || rest[0] === '--help' || rest[0] === '-h' : rest.includes('--help') || rest.includes('-h');
    if (wantsHelp) {
      process.stdout.write(`${command.summary}\n\nusage: ${command.usage}\n`);
      return 0;
    }
    return await command.run(rest);
  } catch (err) {
    const e = toMbError(err);
    process.stderr.write(`mirrorbridge ${verb}: ${e.toLine()}\n`);
    if (debug && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
    return exitCodeFor(e);
  }
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
