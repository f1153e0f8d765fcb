import { OUTPUT_RATE } from '../engine/limits';
import { checkMidiPath, MIDI_OUT, REFINE_PASSES } from '../mirror/jobs';
import { fileArg, modelName, verb } from './build';
import type { TableEntry } from './spec';

/** MirrorNet's verbs: its two offline jobs. Paths are relative to the files folder. */
const refine = { ...REFINE_PASSES, description: `${REFINE_PASSES.description} Needs the model name before it.` };
const rate = { ...OUTPUT_RATE, description: `${OUTPUT_RATE.description} Needs the model name and refine before it.` };

/** MirrorNet's jobs give notes: each goes out as /mb/job/note, all pitches as /mb/job/notes, before /mb/job/done. */
const NOTE_JOB_REPLIES = ['/mb/job/queued', '/mb/job/progress', '/mb/job/note', '/mb/job/notes', '/mb/job/done'] as const;

export const MIRROR_ENTRIES: readonly TableEntry[] = [
  verb({
    address: '/mb/job/infer', group: 'jobs',
    description: 'Queues inference on a sound file (parameters over time; on a note model the notes, optionally also written as a MIDI file). Paths are relative to the files folder.',
    signatures: [[fileArg('file', 'Input WAV, inside the files folder.'), modelName(true), refine, MIDI_OUT]],
    replies: NOTE_JOB_REPLIES,
    handler: async (a, { engine, clientId }) => {
      const midi = a.optStr('midi');
      await engine.submitJob(clientId, 'infer', { file: a.str('file'), model: a.optStr('model'), refine: a.optInt('refine') ?? 0, ...(midi === undefined ? {} : { midi: checkMidiPath(midi) }) });
    },
  }),
  verb({
    address: '/mb/job/resynth', group: 'jobs',
    description: 'Queues resynthesis: infer parameters from a file and render them with the synth, written at the input\'s sample rate unless a rate is given.',
    signatures: [[fileArg('in', 'Input WAV, inside the files folder.'), fileArg('out', 'Output WAV, inside the files folder.'), modelName(true), refine, rate]],
    replies: NOTE_JOB_REPLIES,
    handler: async (a, { engine, clientId }) => {
      await engine.submitJob(clientId, 'resynth', { in: a.str('in'), out: a.str('out'), model: a.optStr('model'), refine: a.optInt('refine') ?? 0, rate: a.optInt('rate') });
    },
  }),
];
