import type { EngineStatus, ParamsFrame, VqFrame } from '../../engine/types';
import type { StreamStatus } from '../../engine/types';
import { fillAddress } from './address-table';
import { oscBlob, oscFloat, oscInt, oscString, type OscArg, type OscMessage } from './codec';

/**
 * Builders for outgoing messages, one per out address of the table, so the argument
 * order lives next to nothing but the table it follows.
 */
export const msg = (address: string, ...args: OscArg[]): OscMessage => ({ address, args });

export function errorMessage(code: string, message: string): OscMessage {
  return msg('/mb/error', oscString(code), oscString(message.slice(0, 900)));
}

const floats = (values: ArrayLike<number>): OscArg[] => Array.from(values, (v) => oscFloat(v));

/** /mb/params, /mb/params/units and, per parameter, /mb/param/<name> and /mb/param/<name>/units. */
export function paramsMessages(f: ParamsFrame): OscMessage[] {
  const id = oscInt(f.streamId);
  const seq = oscInt(f.seq);
  const out = [msg('/mb/params', id, seq, ...floats(f.normalized)), msg('/mb/params/units', id, seq, ...floats(f.units))];
  f.names.forEach((name, i) => {
    out.push(msg(fillAddress('/mb/param/{name}', name), id, oscFloat(f.normalized[i])));
    out.push(msg(fillAddress('/mb/param/{name}/units', name), id, oscFloat(f.units[i])));
  });
  return out;
}

export function vqMessages(f: VqFrame): OscMessage[] {
  const out: OscMessage[] = [];
  if (f.codes) out.push(msg('/mb/vq/codes', oscInt(f.streamId), oscInt(f.seq), ...Array.from(f.codes, (c) => oscInt(c))));
  if (f.latent) out.push(msg('/mb/vq/latent', oscInt(f.streamId), oscInt(f.seq), ...floats(f.latent)));
  if (f.audio && f.audio.length > 0) {
    const bytes = new Uint8Array(f.audio.buffer, f.audio.byteOffset, f.audio.byteLength);
    out.push(msg('/mb/stream/return', oscInt(f.streamId), oscBlob(bytes)));
  }
  return out;
}

export function wekinatorMessage(f: ParamsFrame): OscMessage {
  return msg('/wek/outputs', ...floats(f.normalized));
}

export interface NetCounters {
  clients: number;
  droppedOut: number;
}

const MAX_JSON = 32_000;

/** The /mb/status reply for one client: summary, loaded models, its streams, full JSON. */
export function statusMessages(status: EngineStatus, net: NetCounters, clientId: string, details: Record<string, unknown>): OscMessage[] {
  const mine = status.streams.filter((s) => s.clientId === clientId);
  const out = [
    msg(
      '/mb/status/summary',
      oscInt(status.models.length),
      oscInt(status.streams.length),
      oscInt(status.droppedFrames + net.droppedOut),
      oscInt(status.maxLatencySamples),
      oscInt(status.jobs.queued + status.jobs.running),
      oscInt(net.clients),
    ),
    ...status.models.map((m) => msg('/mb/status/model', oscString(m.name), oscString(m.kind ?? ''), oscString(m.version ?? ''))),
    ...mine.map((s) => streamStatusMessage(s)),
  ];
  let json = JSON.stringify({ ...status, net: details });
  if (json.length > MAX_JSON) json = JSON.stringify({ ...status, streams: mine, net: { ...net, truncated: true } });
  out.push(msg('/mb/status/json', oscString(json.slice(0, MAX_JSON))));
  return out;
}

function streamStatusMessage(s: StreamStatus): OscMessage {
  return msg('/mb/status/stream', oscInt(s.id), oscString(s.model), oscInt(s.sampleRate), oscInt(s.latencySamples), oscInt(s.dropped), oscInt(s.frames));
}
