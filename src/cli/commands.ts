import type { Command } from './command';
import { analyzeCommand } from './analyze';
import { demoCommand } from './demo';
import { docsCommand } from './docs';
import { inferCommand, resynthCommand } from './infer';
import { learnCommand } from './learn';
import { plantServerCommand, vqCommand } from './external';
import { renderCommand } from './render';
import { serveCommand } from './serve';
import { sketchCommand } from './sketch';

/** Every sub-command of `mirrorbridge`, in the order `--help` lists them. */
export const COMMANDS: Command[] = [
  serveCommand,
  renderCommand,
  analyzeCommand,
  inferCommand,
  resynthCommand,
  sketchCommand,
  vqCommand,
  learnCommand,
  demoCommand,
  docsCommand,
  plantServerCommand,
];
