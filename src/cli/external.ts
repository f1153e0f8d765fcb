import type { Command, CommandGroup } from './command';
import { runPlantServer } from './plantServer';
import { analyzeCommand, deformCommand, lerpCommand, planeCommand, synthCommand } from './vq';
import { decodeCommand, encodeCommand } from './vq-jobs';

/** The sub-commands of `mirrorbridge vq`, in the order its --help lists them. */
const VQ_COMMANDS: readonly Command[] = [encodeCommand, decodeCommand, synthCommand, deformCommand, planeCommand, lerpCommand, analyzeCommand];

/** `mirrorbridge vq <encode|decode|synth|deform|plane|lerp|analyze>`: the VQ-VAE timbre codec. */
export const vqCommand: CommandGroup = {
  name: 'vq',
  summary: `VQ-VAE timbre codec: ${VQ_COMMANDS.map((c) => c.name).join(', ')} (mirrorbridge vq <sub> --help)`,
  usage: `mirrorbridge vq <${VQ_COMMANDS.map((c) => c.name).join('|')}> [options]`,
  subcommands: VQ_COMMANDS,
};

/** `mirrorbridge plant-server`: the plant and features for the Python training (JSON lines on stdio). */
export const plantServerCommand: Command = {
  name: 'plant-server',
  summary: 'serve the plant and the auditory spectrogram to training/ over stdin/stdout (JSON lines)',
  usage: 'mirrorbridge plant-server   (used by training/common/plant.py)',
  run: (argv) => runPlantServer(argv),
};
