import { mirrornetEntry } from './mirrornet';
import { notesEntry } from './notes';
import { notesParamsEntry } from './notes-params';
import { refineEntry } from './refine';
import type { EvalEntry } from './registry';
import { voiceEntry } from './voice';
import { vqEntry } from './vq';
import { vqSpeedEntry } from './vq-speed';
import { vqSynthEntry } from './vq-synth';

/** Every evaluation `npm run eval` runs, in order. Add a figure family here (one entry each). */
export const ENTRIES: EvalEntry[] = [vqEntry, vqSynthEntry, vqSpeedEntry, mirrornetEntry, refineEntry, notesEntry, notesParamsEntry, voiceEntry];
