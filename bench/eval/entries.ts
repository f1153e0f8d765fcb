import { mirrornetEntry } from './mirrornet';
import { notesEntry } from './notes';
import type { EvalEntry } from './registry';
import { voiceEntry } from './voice';
import { vqEntry } from './vq';

/** Every evaluation `npm run eval` runs, in order. Add a figure family here (one entry each). */
export const ENTRIES: EvalEntry[] = [vqEntry, mirrornetEntry, notesEntry, voiceEntry];
