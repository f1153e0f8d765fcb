import type { AddressEntry, ArgSpec } from './address-types';

/**
 * THE address table: every OSC address mirrorbridge reads or writes, under the root /mb.
 * Handlers are dispatched from it (handlers.ts must cover every 'in' address — the
 * compiler checks), docs/osc.md is generated from it (`npm run docs:osc`), and the OSCQuery
 * namespace served over HTTP is built from it.
 *
 * @example
 * OSC_TABLE.find((e) => e.address === '/mb/stream/open')?.signatures[0].map((a) => a.name);
 * // ['id', 'sampleRate', 'blockSize', 'model']
 */
export const OSC_ROOT = '/mb';
export const MAX_BLOCK_SAMPLES = 8192;
export const MAX_STRING_LENGTH = 1024;
export const STREAM_ID_MAX = 65535;

const streamId: ArgSpec = { name: 'id', type: 'i', min: 0, max: STREAM_ID_MAX, description: 'Stream id, chosen by the client, unique per client.' };
const seq: ArgSpec = { name: 'seq', type: 'i', min: 0, max: 2147483647, description: 'Frame sequence number per stream, from 0, without gaps unless frames were dropped.' };
const modelName = (optional: boolean): ArgSpec => ({
  name: 'model',
  type: 's',
  format: 'model-name',
  optional,
  description: optional ? 'Model name (folder in the models folder); default: the first loaded model able to do this.' : 'Model name: a folder in the models folder, never a path.',
});
const file = (name: string, description: string): ArgSpec => ({ name, type: 's', format: 'file', description });
const refinePasses: ArgSpec = {
  name: 'refine', type: 'i', min: 0, max: 32, optional: true,
  description: 'Passes of plant-in-the-loop refinement after the encoder (0 or absent: the encoder alone; about 0.3 s per pass and 2 s of audio). Needs the model name before it.',
};
const jobId: ArgSpec = { name: 'jobId', type: 'i', min: 1, max: 2147483647, description: 'Job id returned by /mb/job/queued.' };

export const OSC_TABLE = [
  // connection
  {
    address: '/mb/hello', group: 'connection', direction: 'in', access: 'w',
    description: 'Registers the UDP port replies go to (Pd netsend does not receive on its sending socket). Without a port, replies go to the sending port.',
    signatures: [[{ name: 'port', type: 'i', min: 1, max: 65535, optional: true, description: 'UDP port on the sender host that receives replies and frames.' }]],
    replies: ['/mb/welcome'],
  },
  {
    address: '/mb/welcome', group: 'connection', direction: 'out', access: 'r',
    description: 'Answer to /mb/hello.',
    signatures: [[
      { name: 'server', type: 's', description: 'Server name (mirrorbridge).' },
      { name: 'version', type: 's', description: 'Server version.' },
      { name: 'port', type: 'i', min: 0, max: 65535, description: 'Port replies go to.' },
    ]],
  },
  {
    address: '/mb/bye', group: 'connection', direction: 'in', access: 'w',
    description: 'Ends the session: closes the client\'s streams and forgets its reply port and listens.',
    signatures: [[]],
  },
  {
    address: '/mb/ping', group: 'connection', direction: 'in', access: 'w',
    description: 'Round-trip check; answered at once with /mb/pong and the same token.',
    signatures: [[{ name: 'token', type: 'i', min: -2147483648, max: 2147483647, description: 'Any integer, echoed back.' }]],
    replies: ['/mb/pong'],
  },
  {
    address: '/mb/pong', group: 'connection', direction: 'out', access: 'r',
    description: 'Answer to /mb/ping.',
    signatures: [[{ name: 'token', type: 'i', description: 'The token of the ping.' }]],
  },
  {
    address: '/mb/listen', group: 'connection', direction: 'in', access: 'w',
    description: 'Subscribes this client to an output address (or all below a container such as /mb/param) from every stream, as OSCQuery LISTEN does over WebSocket.',
    signatures: [[{ name: 'address', type: 's', format: 'address', description: 'An out address of this table, a /mb/param/<name> address, or a container of them.' }]],
  },
  {
    address: '/mb/ignore', group: 'connection', direction: 'in', access: 'w',
    description: 'Cancels /mb/listen for an address.',
    signatures: [[{ name: 'address', type: 's', format: 'address', description: 'An address previously listened to.' }]],
  },
  // models
  {
    address: '/mb/models/list', group: 'models', direction: 'in', access: 'w',
    description: 'Lists the models in the models folder.',
    signatures: [[]],
    replies: ['/mb/models/entry', '/mb/models/end'],
  },
  {
    address: '/mb/models/entry', group: 'models', direction: 'out', access: 'r',
    description: 'One model of the list.',
    signatures: [[
      { name: 'name', type: 's', description: 'Model name.' },
      { name: 'kind', type: 's', description: "mirrornet-melody, mirrornet-stream, vqvae, or 'invalid' when its manifest is broken." },
      { name: 'loaded', type: 'i', min: 0, max: 1, description: '1 when loaded.' },
    ]],
  },
  {
    address: '/mb/models/end', group: 'models', direction: 'out', access: 'r',
    description: 'Ends a model list.',
    signatures: [[{ name: 'count', type: 'i', min: 0, description: 'Number of entries sent.' }]],
  },
  {
    address: '/mb/models/load', group: 'models', direction: 'in', access: 'w',
    description: 'Loads a model by name, or hot-swaps it when loaded: the old one serves until the new one is ready, and stays if the load fails.',
    signatures: [[modelName(false)]],
    replies: ['/mb/models/loaded'],
  },
  {
    address: '/mb/models/loaded', group: 'models', direction: 'out', access: 'r',
    description: 'A model was loaded or swapped.',
    signatures: [[
      { name: 'name', type: 's', description: 'Model name.' },
      { name: 'kind', type: 's', description: 'Model kind.' },
      { name: 'version', type: 's', description: 'Model version.' },
    ]],
  },
  {
    address: '/mb/models/unload', group: 'models', direction: 'in', access: 'w',
    description: 'Unloads a model by name; streams using it are closed.',
    signatures: [[modelName(false)]],
    replies: ['/mb/models/unloaded'],
  },
  {
    address: '/mb/models/unloaded', group: 'models', direction: 'out', access: 'r',
    description: 'A model was unloaded.',
    signatures: [[{ name: 'name', type: 's', description: 'Model name.' }]],
  },
  // streams
  {
    address: '/mb/stream/open', group: 'streams', direction: 'in', access: 'w',
    description: 'Opens a live stream: audio blocks in, parameter (or VQ) frames out. Buffers are allocated here, not per block.',
    signatures: [[
      streamId,
      { name: 'sampleRate', type: 'i', min: 8000, max: 48000, unit: 'Hz', description: 'Sample rate of the audio blocks.' },
      { name: 'blockSize', type: 'i', min: 1, max: MAX_BLOCK_SAMPLES, unit: 'samples', description: 'Usual block length (blocks of any length up to the maximum are accepted).' },
      modelName(true),
    ]],
    replies: ['/mb/stream/opened'],
  },
  {
    address: '/mb/stream/opened', group: 'streams', direction: 'out', access: 'r',
    description: 'A stream is open.',
    signatures: [[
      streamId,
      { name: 'model', type: 's', description: 'Model serving the stream.' },
      { name: 'latency', type: 'i', min: 0, unit: 'samples', description: 'Algorithmic latency of the stream.' },
      { name: 'params', type: 'i', min: 0, description: 'Number of parameters per frame (0 for VQ streams).' },
    ]],
  },
  {
    address: '/mb/stream/close', group: 'streams', direction: 'in', access: 'w',
    description: 'Closes a stream.',
    signatures: [[streamId]],
    replies: ['/mb/stream/closed'],
  },
  {
    address: '/mb/stream/closed', group: 'streams', direction: 'out', access: 'r',
    description: 'A stream was closed (on request, client silence, model unload, or shutdown).',
    signatures: [[streamId, { name: 'reason', type: 's', description: 'closed, timeout, model-unloaded, bye, shutdown.' }]],
  },
  {
    address: '/mb/stream/smooth', group: 'streams', direction: 'in', access: 'w',
    description: 'One-pole smoothing of output parameters (0 = off).',
    signatures: [[streamId, { name: 'amount', type: 'f', min: 0, max: 0.999, description: 'Smoothing coefficient per frame.' }]],
  },
  {
    address: '/mb/stream/wekinator', group: 'streams', direction: 'in', access: 'w',
    description: 'Also sends this stream\'s normalized parameters as /wek/outputs to host:port (Wekinator output mode); port 0 stops it. Non-loopback hosts need the server opened to the LAN.',
    signatures: [[
      streamId,
      { name: 'host', type: 's', format: 'host', description: 'IPv4 address of the Wekinator-compatible receiver.' },
      { name: 'port', type: 'i', min: 0, max: 65535, description: 'UDP port, 0 to stop.' },
    ]],
  },
  // audio in
  {
    address: '/mb/stream/audio', group: 'audio', direction: 'in', access: 'w',
    description: 'One audio block for a stream, as float arguments (vanilla Pd [oscformat]) or as one blob of little-endian float32. Samples must be finite.',
    signatures: [
      [streamId, { name: 'samples', type: 'f', min: -1e6, max: 1e6, repeat: { min: 1, max: MAX_BLOCK_SAMPLES }, description: 'Samples, one float each.' }],
      [streamId, { name: 'samples', type: 'b', blob: { encoding: 'float32le', maxBytes: MAX_BLOCK_SAMPLES * 4 }, description: 'Samples as little-endian float32 bytes.' }],
    ],
  },
  // live parameters out
  {
    address: '/mb/params', group: 'params', direction: 'out', access: 'r',
    description: 'One frame of all parameters, normalized, in manifest order.',
    signatures: [[streamId, seq, { name: 'values', type: 'f', repeat: { min: 1, max: 256 }, description: 'Normalized parameter values.' }]],
  },
  {
    address: '/mb/params/units', group: 'params', direction: 'out', access: 'r',
    description: 'The same frame in units (Hz, dB, MIDI, ...), per the manifest unit mapping.',
    signatures: [[streamId, seq, { name: 'values', type: 'f', repeat: { min: 1, max: 256 }, description: 'Parameter values in units.' }]],
  },
  {
    address: '/mb/param/{name}', group: 'params', direction: 'out', access: 'r',
    description: 'One parameter, normalized; {name} comes from the model manifest\'s params list.',
    signatures: [[streamId, { name: 'value', type: 'f', description: 'Normalized value.' }]],
  },
  {
    address: '/mb/param/{name}/units', group: 'params', direction: 'out', access: 'r',
    description: 'One parameter in its unit.',
    signatures: [[streamId, { name: 'value', type: 'f', description: 'Value in units.' }]],
  },
  {
    address: '/wek/outputs', group: 'params', direction: 'out', access: 'r', external: true,
    description: 'Wekinator output mode: normalized parameters as a plain message (no bundle) to the host:port set by /mb/stream/wekinator.',
    signatures: [[{ name: 'values', type: 'f', repeat: { min: 1, max: 256 }, description: 'Normalized parameter values.' }]],
  },
  {
    address: '/mb/stream/return', group: 'audio', direction: 'out', access: 'r',
    description: 'Audio a stream sends back to its client at the stream\'s sample rate (a VQ stream: its input re-synthesized from the codebook, with the client\'s live deformation), as one blob of little-endian float32; [mbstream~] plays it through its jitter buffer.',
    signatures: [[streamId, { name: 'samples', type: 'b', blob: { encoding: 'float32le', maxBytes: MAX_BLOCK_SAMPLES * 16 }, description: 'Samples as little-endian float32 bytes.' }]],
  },
  // VQ
  {
    address: '/mb/vq/codes', group: 'vq', direction: 'out', access: 'r',
    description: 'Codebook indices of one frame of a VQ stream.',
    signatures: [[streamId, seq, { name: 'codes', type: 'i', min: 0, repeat: { min: 1, max: 1024 }, description: 'Code indices.' }]],
  },
  {
    address: '/mb/vq/latent', group: 'vq', direction: 'out', access: 'r',
    description: 'Latent vector of one frame of a VQ stream.',
    signatures: [[streamId, seq, { name: 'values', type: 'f', repeat: { min: 1, max: 4096 }, description: 'Latent values.' }]],
  },
  {
    address: '/mb/vq/target', group: 'vq', direction: 'in', access: 'w',
    description: 'Sets a descriptor-synthesis target for this client\'s VQ streams and jobs (codes whose descriptors match are picked).',
    signatures: [[
      { name: 'descriptor', type: 's', format: 'descriptor', description: 'Descriptor name from the model\'s descriptor table (e.g. centroid, loudness).' },
      { name: 'value', type: 'f', min: -1e6, max: 1e6, description: 'Target value in the descriptor\'s unit.' },
    ]],
  },
  {
    address: '/mb/vq/deform', group: 'vq', direction: 'in', access: 'w',
    description: 'Sets a latent deformation for this client\'s VQ streams and jobs.',
    signatures: [[
      { name: 'op', type: 's', values: ['scale', 'bias', 'randomize', 'reverse', 'transpose'], description: 'Deformation (transpose: the pitch carried beside the code, for models that carry one).' },
      { name: 'value', type: 'f', min: -100, max: 100, description: 'Amount (scale factor, bias, randomization depth, reverse on/off, transposition in semitones).' },
    ]],
  },
  {
    address: '/mb/vq/plane', group: 'vq', direction: 'in', access: 'w',
    description: 'Point on the latent interpolation plane for this client\'s VQ streams and jobs.',
    signatures: [[
      { name: 'x', type: 'f', min: 0, max: 1, description: 'Horizontal position.' },
      { name: 'y', type: 'f', min: 0, max: 1, description: 'Vertical position.' },
    ]],
  },
  // offline jobs
  {
    address: '/mb/job/infer', group: 'jobs', direction: 'in', access: 'w',
    description: 'Queues inference on a sound file (parameters over time). Paths are relative to the files folder.',
    signatures: [[file('file', 'Input WAV, inside the files folder.'), modelName(true), refinePasses]],
    replies: ['/mb/job/queued', '/mb/job/progress', '/mb/job/done'],
  },
  {
    address: '/mb/job/resynth', group: 'jobs', direction: 'in', access: 'w',
    description: 'Queues resynthesis: infer parameters from a file and render them with the synth.',
    signatures: [[file('in', 'Input WAV, inside the files folder.'), file('out', 'Output WAV, inside the files folder.'), modelName(true), refinePasses]],
    replies: ['/mb/job/queued', '/mb/job/progress', '/mb/job/done'],
  },
  {
    address: '/mb/job/vq', group: 'jobs', direction: 'in', access: 'w',
    description: 'Queues a VQ-VAE job using this client\'s VQ targets, deformations and plane point.',
    signatures: [[
      { name: 'op', type: 's', values: ['encode', 'decode', 'synth', 'deform', 'plane'], description: 'encode: WAV → codes; decode: codes → WAV; synth: descriptor targets → WAV; deform, plane: WAV → deformed WAV.' },
      file('in', 'Input file, inside the files folder.'),
      file('out', 'Output file, inside the files folder.'),
      modelName(true),
    ]],
    replies: ['/mb/job/queued', '/mb/job/progress', '/mb/job/done'],
  },
  {
    address: '/mb/job/cancel', group: 'jobs', direction: 'in', access: 'w',
    description: 'Cancels a queued or running job of this client.',
    signatures: [[jobId]],
  },
  {
    address: '/mb/job/queued', group: 'jobs', direction: 'out', access: 'r',
    description: 'A job was accepted.',
    signatures: [[jobId, { name: 'name', type: 's', description: 'infer, resynth or vq.' }, { name: 'position', type: 'i', min: 0, description: 'Jobs ahead of it.' }]],
  },
  {
    address: '/mb/job/progress', group: 'jobs', direction: 'out', access: 'r',
    description: 'Progress of a running job.',
    signatures: [[jobId, { name: 'fraction', type: 'f', min: 0, max: 1, description: 'Done so far.' }]],
  },
  {
    address: '/mb/job/done', group: 'jobs', direction: 'out', access: 'r',
    description: 'A job finished; a failed job answers /mb/error with "job <id>" in the message instead.',
    signatures: [[jobId, { name: 'name', type: 's', description: 'Job name.' }, { name: 'result', type: 's', description: 'Result as JSON (output files, summary).' }]],
  },
  // status
  {
    address: '/mb/status', group: 'status', direction: 'in', access: 'w',
    description: 'Asks for the server status.',
    signatures: [[]],
    replies: ['/mb/status/summary', '/mb/status/model', '/mb/status/stream', '/mb/status/json'],
  },
  {
    address: '/mb/status/summary', group: 'status', direction: 'out', access: 'r',
    description: 'Counts, dropped frames and worst latency.',
    signatures: [[
      { name: 'models', type: 'i', min: 0, description: 'Loaded models.' },
      { name: 'streams', type: 'i', min: 0, description: 'Open streams (all clients).' },
      { name: 'dropped', type: 'i', min: 0, description: 'Frames dropped so far: input blocks and output packets.' },
      { name: 'latency', type: 'i', min: 0, unit: 'samples', description: 'Worst stream latency (algorithmic + buffered).' },
      { name: 'jobs', type: 'i', min: 0, description: 'Jobs queued or running.' },
      { name: 'clients', type: 'i', min: 0, description: 'Connected clients.' },
    ]],
  },
  {
    address: '/mb/status/model', group: 'status', direction: 'out', access: 'r',
    description: 'One loaded model.',
    signatures: [[{ name: 'name', type: 's', description: 'Model name.' }, { name: 'kind', type: 's', description: 'Model kind.' }, { name: 'version', type: 's', description: 'Model version.' }]],
  },
  {
    address: '/mb/status/stream', group: 'status', direction: 'out', access: 'r',
    description: 'One stream of the asking client.',
    signatures: [[
      streamId,
      { name: 'model', type: 's', description: 'Model serving it.' },
      { name: 'sampleRate', type: 'i', unit: 'Hz', description: 'Sample rate.' },
      { name: 'latency', type: 'i', unit: 'samples', description: 'Algorithmic + buffered latency.' },
      { name: 'dropped', type: 'i', description: 'Input blocks dropped.' },
      { name: 'frames', type: 'i', description: 'Frames produced.' },
    ]],
  },
  {
    address: '/mb/status/json', group: 'status', direction: 'out', access: 'r',
    description: 'The full status as JSON (for tools).',
    signatures: [[{ name: 'json', type: 's', description: 'Status JSON.' }]],
  },
  // errors
  {
    address: '/mb/error', group: 'errors', direction: 'out', access: 'r',
    description: 'A request failed. Codes and remedies: docs/errors.md.',
    signatures: [[
      { name: 'code', type: 's', description: 'Stable error code, e.g. MB_ERR_BAD_ARGS.' },
      { name: 'message', type: 's', description: 'What was wrong: the value received and what was expected.' },
    ]],
  },
] as const satisfies readonly AddressEntry[];

export type InAddress = Extract<(typeof OSC_TABLE)[number], { direction: 'in' }>['address'];

const BY_ADDRESS = new Map<string, AddressEntry>(OSC_TABLE.map((e) => [e.address, e]));

/** The entry of an exact address (templates are not matched), or undefined. */
export function entryOf(address: string): AddressEntry | undefined {
  return BY_ADDRESS.get(address);
}

/** Expands a template address such as /mb/param/{name}. */
export function fillAddress(template: string, name: string): string {
  return template.replace('{name}', name);
}
