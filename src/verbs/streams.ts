import { MbError } from '../core/errors';
import { BLOCK_SIZE, MAX_BLOCK_SAMPLES, SAMPLE_RATE, SMOOTHING, STREAM_ID } from '../engine/limits';
import { float, int, reply, str } from './replies';
import { need } from './need';
import { modelName, OSC, out, SEQ, verb } from './build';
import type { TableEntry } from './spec';

function checkIpv4(host: string): void {
  if (host === 'localhost') return;
  const parts = host.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) {
    throw new MbError('MB_ERR_BAD_ARGS', `host must be an IPv4 address or localhost, got ${JSON.stringify(host)}`);
  }
}

/** The engine's own verbs, part 2: live streams, audio in, parameter frames out. */
export const STREAM_ENTRIES: readonly TableEntry[] = [
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
    address: '/mb/stream/latency', group: 'streams',
    description: 'Asks for a stream\'s latency now, in ms (what a patch shows beside the voice).',
    signatures: [[STREAM_ID]],
    replies: ['/mb/stream/latencysplit'],
    handler: (a, { engine, clientId }) => {
      const id = a.int('id');
      const s = engine.status().streams.find((e) => e.clientId === clientId && e.id === id);
      if (!s) throw new MbError('MB_ERR_UNKNOWN_STREAM', `no open stream ${id} for this client`);
      const ms = (n: number) => float(Math.round((1e5 * n) / s.sampleRate) / 100);
      return [reply('/mb/stream/latencysplit', int(id), ms(s.latencySamples), ms(s.latencySplit.algorithmic), ms(s.latencySplit.queued), ms(s.blockSize))];
    },
  }),
  out({
    address: '/mb/stream/latencysplit', group: 'streams',
    description: 'A stream\'s latency, in ms: the server\'s part (algorithmic + queued; /mb/status/json splits the algorithmic part further where the stream says, e.g. note path, hop, timbre) and the client\'s own block, which fills before it is sent. End to end add the network and the wait for the next frame (at most one hop).',
    signatures: [[
      STREAM_ID,
      { name: 'server', type: 'f', min: 0, unit: 'ms', description: 'Algorithmic + queued.' },
      { name: 'algorithmic', type: 'f', min: 0, unit: 'ms', description: 'The stream processor\'s algorithmic latency.' },
      { name: 'queued', type: 'f', min: 0, unit: 'ms', description: 'Audio waiting in the stream\'s input queue.' },
      { name: 'block', type: 'f', min: 0, unit: 'ms', description: 'One block of the client (blockSize / sampleRate).' },
    ]],
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
    signatures: [[STREAM_ID, SEQ, { name: 'values', type: 'f', repeat: { min: 1, max: 256 }, description: 'Normalized parameter values.' }]],
  }),
  out({
    address: '/mb/params/units', group: 'params',
    description: 'The same frame in units (Hz, dB, MIDI, ...), per the manifest unit mapping.',
    signatures: [[STREAM_ID, SEQ, { name: 'values', type: 'f', repeat: { min: 1, max: 256 }, description: 'Parameter values in units.' }]],
  }),
  out({
    address: '/mb/param/{name}', group: 'params', doors: OSC,
    listenOnly: true,
    description: 'One parameter, normalized; {name} comes from the model manifest\'s params list. Sent only on /mb/listen (the owner too), so a client that wants one value asks for it.',
    signatures: [[STREAM_ID, { name: 'value', type: 'f', description: 'Normalized value.' }]],
  }),
  out({
    address: '/mb/param/{name}/units', group: 'params', doors: OSC,
    listenOnly: true,
    description: 'One parameter in its unit. Sent only on /mb/listen.',
    signatures: [[STREAM_ID, { name: 'value', type: 'f', description: 'Value in units.' }]],
  }),
  out({
    address: '/mb/session/job', group: 'jobs', doors: OSC,
    listenOnly: true,
    description: "Every client's jobs as they move (queued, running, progress, done, failed, cancelled), with the client each belongs to: the shared session (the browser page lists a Pd performer's jobs with it). Sent only on /mb/listen.",
    signatures: [[
      { name: 'client', type: 's', description: 'The client the job belongs to, as /mb/status/json names it.' },
      { name: 'job', type: 'i', description: 'Job id, as /mb/job/queued gave it to its client.' },
      { name: 'name', type: 's', description: 'The job verb (vq, infer, resynth, draw, ...).' },
      { name: 'state', type: 's', values: ['queued', 'running', 'progress', 'done', 'failed', 'cancelled'], description: 'What happened.' },
      { name: 'progress', type: 'f', min: 0, max: 1, description: 'Fraction done (1 when done).' },
    ]],
  }),
  out({
    address: '/mb/session/params', group: 'params', doors: OSC,
    listenOnly: true,
    description: "Every client's parameter frames in units, with the client each comes from: the shared session (the browser page shows a Pd performer's stream with it). Sent only on /mb/listen.",
    signatures: [[
      { name: 'client', type: 's', description: 'The client the stream belongs to, as /mb/status/json names it (streams[].clientId).' },
      STREAM_ID,
      SEQ,
      { name: 'values', type: 'f', repeat: { min: 1, max: 256 }, description: "Parameter values in units, in the order of the stream's model manifest." },
    ]],
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
  out({
    address: '/mb/session/return', group: 'audio', doors: OSC,
    listenOnly: true,
    description: "Every client's returned stream audio (what /mb/stream/return sends its owner, the same bytes), with the client it belongs to: the shared session (the browser page plays a Pd performer's VQ stream with it). Sent only on /mb/listen.",
    signatures: [[
      { name: 'client', type: 's', description: 'The client the stream belongs to, as /mb/status/json names it.' },
      STREAM_ID,
      { name: 'samples', type: 'b', blob: { encoding: 'float32le', maxBytes: MAX_BLOCK_SAMPLES * 16 }, description: "Samples at the stream's rate as little-endian float32 bytes." },
    ]],
  }),
];
