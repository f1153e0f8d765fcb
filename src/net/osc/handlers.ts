import { MbError } from '../../core/errors';
import type { JobArgs } from '../../engine/types';
import type { LiveDeformOp } from '../../vq/controls';
import { PARAM_NAME_RE } from '../../models/names';
import { entryOf, OSC_TABLE, type InAddress } from './address-table';
import type { AddressEntry } from './address-types';
import type { ParsedArgs } from './args';
import { oscInt, oscString, type OscMessage } from './codec';
import { msg } from './messages';
import type { OscRouter } from './router';
import type { ClientSession } from './session';

/**
 * One handler per 'in' address of the table (the Record type makes a missing one a compile
 * error). Handlers translate to engine calls and return their reply messages; they hold no
 * DSP or model logic. Thrown MbErrors become /mb/error replies in the router.
 */
export type Handler = (args: ParsedArgs, client: ClientSession) => OscMessage[] | void | Promise<OscMessage[] | void>;

const PARAM_ADDRESS_RE = new RegExp(`^/mb/param/${PARAM_NAME_RE.source.slice(1, -1)}(/units)?$`);
const LOOPBACK_RE = /^(localhost|127\.\d{1,3}\.\d{1,3}\.\d{1,3})$/;

/** How a listened address matches: exactly (a leaf), or everything below it (a container). */
export function listenMode(address: string): { prefix: boolean } | undefined {
  const a = address.length > 1 ? address.replace(/\/$/, '') : address;
  if (PARAM_ADDRESS_RE.test(a)) return { prefix: false };
  if (entryOf(a)?.direction === 'out' && !entryOf(a)?.external) return { prefix: false };
  const table: readonly AddressEntry[] = OSC_TABLE;
  const below = table.some((e) => e.direction === 'out' && !e.external && e.address.startsWith(`${a}/`));
  return below ? { prefix: true } : undefined;
}

function checkIpv4(host: string): void {
  if (host === 'localhost') return;
  const parts = host.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) {
    throw new MbError('MB_ERR_BAD_ARGS', `host must be an IPv4 address or localhost, got ${JSON.stringify(host)}`);
  }
}

export function createHandlers(router: OscRouter): Record<InAddress, Handler> {
  const { engine } = router;
  const modelArg = (a: ParsedArgs) => a.optStr('model');
  const job = async (client: ClientSession, name: string, args: JobArgs) => {
    await engine.submitJob(client.id, name, args);
  };

  return {
    '/mb/hello': (a, client) => {
      const port = client.hooks.setReplyPort?.(a.optInt('port') ?? 0) ?? 0;
      return [msg('/mb/welcome', oscString('mirrorbridge'), oscString(router.options.version), oscInt(port))];
    },
    '/mb/bye': (_a, client) => router.detach(client.id, 'bye'),
    '/mb/ping': (a) => [msg('/mb/pong', oscInt(a.int('token')))],
    '/mb/listen': (a, client) => {
      const address = a.str('address');
      const mode = listenMode(address);
      if (!mode) throw new MbError('MB_ERR_UNKNOWN_ADDRESS', `${JSON.stringify(address)} is not an output address or container of /mb (see docs/osc.md)`);
      client.listens.set(address.replace(/(.)\/$/, '$1'), mode);
    },
    '/mb/ignore': (a, client) => {
      client.listens.delete(a.str('address').replace(/(.)\/$/, '$1'));
    },
    '/mb/models/list': async () => {
      const list = await engine.listModels();
      return [...list.map((m) => msg('/mb/models/entry', oscString(m.name), oscString(m.kind ?? 'invalid'), oscInt(m.loaded ? 1 : 0))), msg('/mb/models/end', oscInt(list.length))];
    },
    '/mb/models/load': async (a, client) => {
      const info = await engine.loadModel(a.str('model'));
      // Listeners hear of it through the engine's 'model' event; the requester gets its reply here.
      if (client.listensTo('/mb/models/loaded')) return;
      return [msg('/mb/models/loaded', oscString(info.name), oscString(info.kind ?? ''), oscString(info.version ?? ''))];
    },
    '/mb/models/unload': async (a, client) => {
      const name = a.str('model');
      if (!(await engine.unloadModel(name))) throw new MbError('MB_ERR_UNKNOWN_MODEL', `model ${JSON.stringify(name)} is not loaded`);
      if (client.listensTo('/mb/models/unloaded')) return;
      return [msg('/mb/models/unloaded', oscString(name))];
    },
    '/mb/stream/open': async (a, client) => {
      const id = a.int('id');
      const s = await engine.openStream(client.id, id, { sampleRate: a.int('sampleRate'), blockSize: a.int('blockSize'), model: modelArg(a) });
      const params = engine.registry.get(s.model)?.manifest.params?.length ?? 0;
      return [msg('/mb/stream/opened', oscInt(id), oscString(s.model), oscInt(s.latencySamples), oscInt(params))];
    },
    '/mb/stream/close': (a, client) => {
      if (!engine.closeStream(client.id, a.int('id'))) {
        throw new MbError('MB_ERR_UNKNOWN_STREAM', `no open stream ${a.int('id')} for this client`);
      }
    },
    '/mb/stream/smooth': (a, client) => engine.setSmoothing(client.id, a.int('id'), a.float('amount')),
    '/mb/stream/wekinator': (a, client) => {
      const id = a.int('id');
      const host = a.str('host');
      const port = a.int('port');
      if (!engine.hasStream(client.id, id)) throw new MbError('MB_ERR_UNKNOWN_STREAM', `no open stream ${id} for this client`);
      if (!router.sendDatagram) throw new MbError('MB_ERR_UNSUPPORTED', 'Wekinator output needs the UDP transport, which is not running');
      checkIpv4(host);
      if (!LOOPBACK_RE.test(host) && !router.options.allowLan) {
        throw new MbError('MB_ERR_BAD_ARGS', `Wekinator host ${host} is not loopback; start the server opened to the LAN to send elsewhere`);
      }
      const key = `${client.id}#${id}`;
      if (port === 0) router.wekinator.delete(key);
      else router.wekinator.set(key, { host: host === 'localhost' ? '127.0.0.1' : host, port });
    },
    '/mb/stream/audio': (a, client) => engine.pushAudio(client.id, a.int('id'), a.floats('samples')),
    '/mb/vq/target': (a, client) => engine.setControl(client.id, { owner: 'vq', kind: 'target', descriptor: a.str('descriptor'), value: a.float('value') }),
    '/mb/vq/deform': (a, client) => engine.setControl(client.id, { owner: 'vq', kind: 'deform', op: a.str('op') as LiveDeformOp, value: a.float('value') }),
    '/mb/vq/plane': (a, client) => engine.setControl(client.id, { owner: 'vq', kind: 'plane', x: a.float('x'), y: a.float('y') }),
    '/mb/job/infer': (a, client) => job(client, 'infer', { file: a.str('file'), model: modelArg(a), refine: a.optInt('refine') ?? 0 }),
    '/mb/job/resynth': (a, client) => job(client, 'resynth', { in: a.str('in'), out: a.str('out'), model: modelArg(a), refine: a.optInt('refine') ?? 0 }),
    '/mb/job/vq': (a, client) => job(client, 'vq', { op: a.str('op'), in: a.str('in'), out: a.str('out'), model: modelArg(a) }),
    '/mb/job/cancel': (a, client) => {
      if (!engine.cancelJob(a.int('jobId'), client.id)) throw new MbError('MB_ERR_NOT_FOUND', `no queued or running job ${a.int('jobId')} of this client`);
    },
    '/mb/status': (_a, client) => router.statusFor(client),
  };
}
