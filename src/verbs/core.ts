import { MbError } from '../core/errors';
import { BLOCK_SIZE, MAX_BLOCK_SAMPLES, SAMPLE_RATE, SMOOTHING, STREAM_ID } from '../engine/limits';
import type { ArgSpec } from '../core/arg-spec';
import { int, reply, statusReplies, str } from './replies';
import { need } from './need';
import type { OutEntry, TableEntry, Verb } from './spec';

/**
 * The engine's own verbs (connection, models, streams, audio, live parameters, jobs in
 * general, status, errors). Plug-ins' verbs are in mirror.ts and vq.ts, the Max door's own in
 * max.ts; table.ts joins them.
 */
const BOTH = ['osc', 'max'] as const;
const OSC = ['osc'] as const;

const seq: ArgSpec = { name: 'seq', type: 'i', min: 0, max: 2147483647, description: 'Frame sequence number per stream, from 0, without gaps unless frames were dropped.' };
export const modelName = (optional: boolean): ArgSpec => ({
  name: 'model',
  type: 's',
  format: 'model-name',
  optional,
  description: optional ? 'Model name (folder in the models folder); default: the first loaded model able to do this.' : 'Model name: a folder in the models folder, never a path.',
});
export const fileArg = (name: string, description: string): ArgSpec => ({ name, type: 's', format: 'file', description });
export const JOB_ID: ArgSpec = { name: 'jobId', type: 'i', min: 1, max: 2147483647, description: 'Job id returned by /mb/job/queued.' };
export const JOB_REPLIES = ['/mb/job/queued', '/mb/job/progress', '/mb/job/done'] as const;

const out = (e: Omit<OutEntry, 'direction' | 'access' | 'doors'> & { doors?: OutEntry['doors'] }): OutEntry => ({ doors: BOTH, ...e, direction: 'out', access: 'r' });
const verb = (e: Omit<Verb, 'direction' | 'access' | 'doors'> & { doors?: Verb['doors'] }): Verb => ({ doors: BOTH, ...e, direction: 'in', access: 'w' });

function checkIpv4(host: string): void {
  if (host === 'localhost') return;
  const parts = host.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) {
    throw new MbError('MB_ERR_BAD_ARGS', `host must be an IPv4 address or localhost, got ${JSON.stringify(host)}`);
  }
}

export const CORE_ENTRIES: readonly TableEntry[] = [
  // connection
  verb({
    address: '/mb/hello', group: 'connection', doors: OSC,
    description: 'Registers the UDP port replies go to (Pd netsend does not receive on its sending socket). Without a port, replies go to the sending port.',
    signatures: [[{ name: 'port', type: 'i', min: 1, max: 65535, optional: true, description: 'UDP port on the sender host that receives replies and frames.' }]],
    replies: ['/mb/welcome'],
    handler: (a, { door }) => [reply('/mb/welcome', str('mirrorbridge'), str(door.version), int(door.setReplyPort?.(a.optInt('port') ?? 0) ?? 0))],
  }),
  out({
    address: '/mb/welcome', group: 'connection', doors: OSC,
    description: 'Answer to /mb/hello.',
    signatures: [[
      { name: 'server', type: 's', description: 'Server name (mirrorbridge).' },
      { name: 'version', type: 's', description: 'Server version.' },
      { name: 'port', type: 'i', min: 0, max: 65535, description: 'Port replies go to.' },
    ]],
  }),
  verb({
    address: '/mb/bye', group: 'connection', doors: OSC,
    description: 'Ends the session: closes the client\'s streams and forgets its reply port and listens.',
    signatures: [[]],
    handler: (_a, { door }) => need(door, 'detach', '/mb/bye')('bye'),
  }),
  verb({
    address: '/mb/ping', group: 'connection',
    description: 'Round-trip check; answered at once with /mb/pong and the same token.',
    signatures: [[{ name: 'token', type: 'i', min: -2147483648, max: 2147483647, description: 'Any integer, echoed back.' }]],
    replies: ['/mb/pong'],
    needsEngine: false,
    handler: (a) => [reply('/mb/pong', int(a.int('token')))],
  }),
  out({
    address: '/mb/pong', group: 'connection',
    description: 'Answer to /mb/ping.',
    signatures: [[{ name: 'token', type: 'i', description: 'The token of the ping.' }]],
  }),
  verb({
    address: '/mb/listen', group: 'connection', doors: OSC,
    description: 'Subscribes this client to an output address (or all below a container such as /mb/param) from every stream, as OSCQuery LISTEN does over WebSocket.',
    signatures: [[{ name: 'address', type: 's', format: 'address', description: 'An out address of this table, a /mb/param/<name> address, or a container of them.' }]],
    handler: (a, { door }) => need(door, 'listen', '/mb/listen')(a.str('address')),
  }),
  verb({
    address: '/mb/ignore', group: 'connection', doors: OSC,
    description: 'Cancels /mb/listen for an address.',
    signatures: [[{ name: 'address', type: 's', format: 'address', description: 'An address previously listened to.' }]],
    handler: (a, { door }) => need(door, 'ignore', '/mb/ignore')(a.str('address')),
  }),
  // models
  verb({
    address: '/mb/models/list', group: 'models',
    description: 'Lists the models in the models folder.',
    signatures: [[]],
    replies: ['/mb/models/entry', '/mb/models/end'],
    handler: async (_a, { engine }) => {
      const list = await engine.listModels();
      return [...list.map((m) => reply('/mb/models/entry', str(m.name), str(m.kind ?? 'invalid'), int(m.loaded ? 1 : 0))), reply('/mb/models/end', int(list.length))];
    },
  }),
  out({
    address: '/mb/models/entry', group: 'models',
    description: 'One model of the list.',
    signatures: [[
      { name: 'name', type: 's', description: 'Model name.' },
      { name: 'kind', type: 's', description: "mirrornet-melody, mirrornet-stream, vqvae, or 'invalid' when its manifest is broken." },
      { name: 'loaded', type: 'i', min: 0, max: 1, description: '1 when loaded.' },
    ]],
  }),
  out({
    address: '/mb/models/end', group: 'models',
    description: 'Ends a model list.',
    signatures: [[{ name: 'count', type: 'i', min: 0, description: 'Number of entries sent.' }]],
  }),
  verb({
    address: '/mb/models/load', group: 'models',
    description: 'Loads a model by name, or hot-swaps it when loaded: the old one serves until the new one is ready, and stays if the load fails.',
    signatures: [[modelName(false)]],
    replies: ['/mb/models/loaded'],
    handler: async (a, { engine, door }) => {
      const info = await engine.loadModel(a.str('model'));
      // Whoever hears the engine's model events gets it from there; the requester gets it here.
      if (door.hears('/mb/models/loaded')) return;
      return [reply('/mb/models/loaded', str(info.name), str(info.kind ?? ''), str(info.version ?? ''))];
    },
  }),
  out({
    address: '/mb/models/loaded', group: 'models',
    description: 'A model was loaded or swapped.',
    signatures: [[
      { name: 'name', type: 's', description: 'Model name.' },
      { name: 'kind', type: 's', description: 'Model kind.' },
      { name: 'version', type: 's', description: 'Model version.' },
    ]],
  }),
  verb({
    address: '/mb/models/unload', group: 'models',
    description: 'Unloads a model by name; streams using it are closed.',
    signatures: [[modelName(false)]],
    replies: ['/mb/models/unloaded'],
    handler: async (a, { engine, door }) => {
      const name = a.str('model');
      if (!(await engine.unloadModel(name))) throw new MbError('MB_ERR_UNKNOWN_MODEL', `model ${JSON.stringify(name)} is not loaded`);
      if (door.hears('/mb/models/unloaded')) return;
      return [reply('/mb/models/unloaded', str(name))];
    },
  }),
  out({
    address: '/mb/models/unloaded', group: 'models',
    description: 'A model was unloaded.',
    signatures: [[{ name: 'name', type: 's', description: 'Model name.' }]],
  }),
  // streams
  verb({
    address: '/mb/stream/open', group: 'streams',
    description: 'Opens a live stream: audio blocks in, parameter (or VQ) frames out. Buffers are allocated here, not per block.',
    signatures: [[STREAM_ID, SAMPLE_RATE, BLOCK_SIZE, modelName(true)]],
    replies: ['/mb/stream/opened', '/mb/stream/paramnames'],
    handler: async (a, { engine, clientId, door }) => {
      const id = a.int('id');
      const s = await engine.openStream(clientId, id, { sampleRate: a.int('sampleRate'), blockSize: a.int('blockSize'), model: a.optStr('model') });
      door.setDefaultStream?.(id);
      const names = engine.registry.get(s.model)?.manifest.params?.map((p) => p.name) ?? [];
      const opened = reply('/mb/stream/opened', int(id), str(s.model), int(s.latencySamples), int(names.length));
      return names.length > 0 ? [opened, reply('/mb/stream/paramnames', int(id), ...names.map(str))] : [opened];
    },
  }),
  out({
    address: '/mb/stream/opened', group: 'streams',
    description: 'A stream is open.',
    signatures: [[
      STREAM_ID,
      { name: 'model', type: 's', description: 'Model serving the stream.' },
      { name: 'latency', type: 'i', min: 0, unit: 'samples', description: 'Algorithmic latency of the stream.' },
      { name: 'params', type: 'i', min: 0, description: 'Number of parameters per frame (0 for VQ streams).' },
    ]],
  }),
  out({
    address: '/mb/stream/paramnames', group: 'streams',
    description: 'The names of the parameters of a stream\'s frames, in frame order (after /mb/stream/opened; not sent for streams without parameters).',
    signatures: [[STREAM_ID, { name: 'names', type: 's', repeat: { min: 1, max: 256 }, description: 'Parameter names, manifest order.' }]],
  }),
  verb({
    address: '/mb/stream/close', group: 'streams',
    description: 'Closes a stream.',
    signatures: [[STREAM_ID]],
    replies: ['/mb/stream/closed'],
    handler: (a, { engine, clientId }) => {
      if (!engine.closeStream(clientId, a.int('id'))) throw new MbError('MB_ERR_UNKNOWN_STREAM', `no open stream ${a.int('id')} for this client`);
    },
  }),
  out({
    address: '/mb/stream/closed', group: 'streams',
    description: 'A stream was closed (on request, client silence, model unload, or shutdown).',
    signatures: [[STREAM_ID, { name: 'reason', type: 's', description: 'closed, timeout, model-unloaded, bye, shutdown.' }]],
  }),
  verb({
    address: '/mb/stream/smooth', group: 'streams',
    description: 'One-pole smoothing of output parameters (0 = off).',
    signatures: [[STREAM_ID, SMOOTHING]],
    handler: (a, { engine, clientId }) => engine.setSmoothing(clientId, a.int('id'), a.float('amount')),
  }),
  verb({
    address: '/mb/stream/wekinator', group: 'streams', doors: OSC,
    description: 'Also sends this stream\'s normalized parameters as /wek/outputs to host:port (Wekinator output mode); port 0 stops it. Non-loopback hosts need the server opened to the LAN.',
    signatures: [[
      STREAM_ID,
      { name: 'host', type: 's', format: 'host', description: 'IPv4 address of the Wekinator-compatible receiver.' },
      { name: 'port', type: 'i', min: 0, max: 65535, description: 'UDP port, 0 to stop.' },
    ]],
    handler: (a, { engine, clientId, door }) => {
      const id = a.int('id');
      if (!engine.hasStream(clientId, id)) throw new MbError('MB_ERR_UNKNOWN_STREAM', `no open stream ${id} for this client`);
      checkIpv4(a.str('host'));
      need(door, 'wekinator', '/mb/stream/wekinator')(id, a.str('host'), a.int('port'));
    },
  }),
  // audio in
  verb({
    address: '/mb/stream/audio', group: 'audio', realtime: true,
    description: 'One audio block for a stream, as float arguments (vanilla Pd [oscformat]) or as one blob of little-endian float32. Samples must be finite.',
    signatures: [
      [STREAM_ID, { name: 'samples', type: 'f', min: -1e6, max: 1e6, repeat: { min: 1, max: MAX_BLOCK_SAMPLES }, description: 'Samples, one float each.' }],
      [STREAM_ID, { name: 'samples', type: 'b', blob: { encoding: 'float32le', maxBytes: MAX_BLOCK_SAMPLES * 4 }, description: 'Samples as little-endian float32 bytes.' }],
    ],
    handler: (a, { engine, clientId }) => engine.pushAudio(clientId, a.int('id'), a.floats('samples')),
  }),
  // live parameters out
  out({
    address: '/mb/params', group: 'params',
    description: 'One frame of all parameters, normalized, in manifest order.',
    signatures: [[STREAM_ID, seq, { name: 'values', type: 'f', repeat: { min: 1, max: 256 }, description: 'Normalized parameter values.' }]],
  }),
  out({
    address: '/mb/params/units', group: 'params',
    description: 'The same frame in units (Hz, dB, MIDI, ...), per the manifest unit mapping.',
    signatures: [[STREAM_ID, seq, { name: 'values', type: 'f', repeat: { min: 1, max: 256 }, description: 'Parameter values in units.' }]],
  }),
  out({
    address: '/mb/param/{name}', group: 'params', doors: OSC,
    description: 'One parameter, normalized; {name} comes from the model manifest\'s params list.',
    signatures: [[STREAM_ID, { name: 'value', type: 'f', description: 'Normalized value.' }]],
  }),
  out({
    address: '/mb/param/{name}/units', group: 'params', doors: OSC,
    description: 'One parameter in its unit.',
    signatures: [[STREAM_ID, { name: 'value', type: 'f', description: 'Value in units.' }]],
  }),
  out({
    address: '/wek/outputs', group: 'params', doors: OSC, external: true,
    description: 'Wekinator output mode: normalized parameters as a plain message (no bundle) to the host:port set by /mb/stream/wekinator.',
    signatures: [[{ name: 'values', type: 'f', repeat: { min: 1, max: 256 }, description: 'Normalized parameter values.' }]],
  }),
  out({
    address: '/mb/stream/return', group: 'audio',
    description: 'Audio a stream sends back to its client at the stream\'s sample rate (a VQ stream: its input re-synthesized from the codebook, with the client\'s live deformation), as one blob of little-endian float32 ([mbstream~] plays it through its jitter buffer); Max gets the samples as a list.',
    signatures: [[STREAM_ID, { name: 'samples', type: 'b', blob: { encoding: 'float32le', maxBytes: MAX_BLOCK_SAMPLES * 16 }, description: 'Samples as little-endian float32 bytes.' }]],
  }),
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
    signatures: [[{ name: 'name', type: 's', description: 'Model name.' }, { name: 'kind', type: 's', description: 'Model kind.' }, { name: 'version', type: 's', description: 'Model version.' }]],
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

export { out, verb };
