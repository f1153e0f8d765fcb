import { MbError } from '../core/errors';
import { int, reply, str } from './replies';
import { need } from './need';
import { modelName, OSC, out, verb } from './build';
import type { TableEntry } from './spec';

/** The engine's own verbs, part 1: the connection (OSC sessions) and models. */
export const SESSION_ENTRIES: readonly TableEntry[] = [
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
      { name: 'kind', type: 's', description: "Its manifest's kind (mirrornet-melody, mirrornet-stream, mirrornet-notes, mirrornet-plant, vqvae), or 'invalid' when the manifest is broken." },
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
];
