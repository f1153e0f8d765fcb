import type { Command } from './command';
import { analyzeCommand } from './analyze';
import { demoCommand } from './demo';
import { docsCommand } from './docs';
import { renderCommand } from './render';

/** Every sub-command of `mirrorbridge`, in the order `--help` lists them. */
export const COMMANDS: Command[] = [renderCommand, analyzeCommand, demoCommand, docsCommand];
