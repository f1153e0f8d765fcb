import type { Command } from './command';
import { runPlantServer } from './plantServer';
import { runVq, VQ_SUBCOMMANDS } from './vq';

/** `mirrorbridge vq <encode|decode|synth|deform|plane>`: the VQ-VAE timbre codec. */
export const vqCommand: Command = {
  name: 'vq',
  summary: `VQ-VAE timbre codec: ${Object.keys(VQ_SUBCOMMANDS).join(', ')} (mirrorbridge vq <sub> --help)`,
  usage: `mirrorbridge vq <${Object.keys(VQ_SUBCOMMANDS).join('|')}> [options]`,
  delegatesHelp: true,
  run: (argv) => runVq(argv),
};

/** `mirrorbridge plant-server`: the plant and features for the Python training (JSON lines on stdio). */
export const plantServerCommand: Command = {
  name: 'plant-server',
  summary: 'serve the plant and the auditory spectrogram to training/ over stdin/stdout (JSON lines)',
  usage: 'mirrorbridge plant-server   (used by training/common/plant.py)',
  run: (argv) => runPlantServer(argv),
};
