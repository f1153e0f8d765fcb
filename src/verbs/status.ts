import { MbError } from '../core/errors';
import { MAX_NOTES_LIST } from './job-notes';
import { statusReplies } from './replies';
import { STREAM_ID } from '../engine/limits';
import { JOB_ID, out, verb } from './build';
import type { TableEntry } from './spec';

/** The engine's own verbs, part 3: jobs in general (each plug-in declares its job verbs), status, errors. */
export const STATUS_ENTRIES: readonly TableEntry[] = [
  // jobs in general (each plug-in declares its own job verbs)
  verb({
    address: '/mb/job/cancel', group: 'jobs',
    description: 'Cancels a queued or running job of this client.',
    signatures: [[JOB_ID]],
    handler: (a, { engine, clientId }) => {
      if (!engine.cancelJob(a.int('jobId'), clientId)) throw new MbError('MB_ERR_NOT_FOUND', `no queued or running job ${a.int('jobId')} of this client`);
    },
  }),
  out({
    address: '/mb/job/queued', group: 'jobs',
    description: 'A job was accepted.',
    signatures: [[JOB_ID, { name: 'name', type: 's', description: 'The job: infer, resynth, vq, ...' }, { name: 'position', type: 'i', min: 0, description: 'Jobs ahead of it.' }]],
  }),
  out({
    address: '/mb/job/progress', group: 'jobs',
    description: 'Progress of a running job.',
    signatures: [[JOB_ID, { name: 'fraction', type: 'f', min: 0, max: 1, description: 'Done so far.' }]],
  }),
  out({
    address: '/mb/job/note', group: 'jobs',
    description: 'One note of a finished job\'s result (infer or resynth: a note model\'s notes, or the paper model\'s slots), sent for each note before /mb/job/done, for patches that do not read the JSON.',
    signatures: [[
      JOB_ID,
      { name: 'index', type: 'i', min: 0, description: 'The note\'s number, from 0, in time order.' },
      { name: 'onset', type: 'f', min: 0, unit: 's', description: 'When it starts.' },
      { name: 'duration', type: 'f', min: 0, unit: 's', description: 'How long it sounds (offset - onset).' },
      { name: 'midi', type: 'f', unit: 'MIDI', description: 'Its pitch as a MIDI number with cents (64.02).' },
      { name: 'cents', type: 'i', min: -50, max: 50, description: 'The cents alone, against the nearest key.' },
    ]],
  }),
  out({
    address: '/mb/job/notes', group: 'jobs',
    description: `Every note's pitch of a finished job's result, in order (at most ${MAX_NOTES_LIST}), after its /mb/job/note messages and before /mb/job/done: a list for a slider view (Max [multislider]) or an array.`,
    signatures: [[JOB_ID, { name: 'midi', type: 'f', unit: 'MIDI', repeat: { min: 1, max: MAX_NOTES_LIST }, description: 'Pitch per note, MIDI with cents.' }]],
  }),
  out({
    address: '/mb/job/done', group: 'jobs',
    description: 'A job finished (a cancelled one with {"cancelled":true}); a failed job answers /mb/error with "job <id>" in the message instead. Max: the result goes to the dict mb.job and the message names it.',
    signatures: [[JOB_ID, { name: 'name', type: 's', description: 'Job name.' }, { name: 'result', type: 's', description: 'Result as JSON (output files, summary).' }]],
  }),
  // status
  verb({
    address: '/mb/status', group: 'status',
    description: 'Asks for the server status.',
    signatures: [[]],
    replies: ['/mb/status/summary', '/mb/status/model', '/mb/status/stream', '/mb/status/json'],
    handler: (_a, { engine, clientId, door }) => {
      const net = door.netStatus?.() ?? { clients: 1, droppedOut: 0, details: {} };
      return statusReplies(engine.status(), net, clientId, net.details);
    },
  }),
  out({
    address: '/mb/status/summary', group: 'status',
    description: 'Counts, dropped frames and worst latency.',
    signatures: [[
      { name: 'models', type: 'i', min: 0, description: 'Loaded models.' },
      { name: 'streams', type: 'i', min: 0, description: 'Open streams (all clients).' },
      { name: 'dropped', type: 'i', min: 0, description: 'Frames dropped so far: input blocks and output packets.' },
      { name: 'latency', type: 'i', min: 0, unit: 'samples', description: 'Worst stream latency (algorithmic + buffered).' },
      { name: 'jobs', type: 'i', min: 0, description: 'Jobs queued or running.' },
      { name: 'clients', type: 'i', min: 0, description: 'Connected clients.' },
    ]],
  }),
  out({
    address: '/mb/status/model', group: 'status',
    description: 'One loaded model.',
    signatures: [[
      { name: 'name', type: 's', description: 'Model name.' },
      { name: 'kind', type: 's', description: 'Model kind.' },
      { name: 'version', type: 's', description: 'Model version.' },
      { name: 'warm', type: 's', values: ['warm', 'warming', 'failed', 'none'], description: 'Whether its first stream opens at once: warm (a stream processor was built and run at load), warming, failed (the first stream pays the set-up), none (no live streams on this kind).' },
    ]],
  }),
  out({
    address: '/mb/status/stream', group: 'status',
    description: 'One stream of the asking client.',
    signatures: [[
      STREAM_ID,
      { name: 'model', type: 's', description: 'Model serving it.' },
      { name: 'sampleRate', type: 'i', unit: 'Hz', description: 'Sample rate.' },
      { name: 'latency', type: 'i', unit: 'samples', description: 'Algorithmic + buffered latency.' },
      { name: 'dropped', type: 'i', description: 'Input blocks dropped.' },
      { name: 'frames', type: 'i', description: 'Frames produced.' },
    ]],
  }),
  out({
    address: '/mb/status/json', group: 'status',
    description: 'The full status as JSON (for tools). Max: the status goes to the dict mb.status and the message names it.',
    signatures: [[{ name: 'json', type: 's', description: 'Status JSON.' }]],
  }),
  // errors
  out({
    address: '/mb/error', group: 'errors',
    description: 'A request failed. Codes and remedies: docs/errors.md.',
    signatures: [[
      { name: 'code', type: 's', description: 'Stable error code, e.g. MB_ERR_BAD_ARGS.' },
      { name: 'message', type: 's', description: 'What was wrong: the value received and what was expected.' },
    ]],
  }),
];
