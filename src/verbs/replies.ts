import { cpuLoad } from '../core/cpu';
import type { EngineStatus, JobEvent, ModelEvent, ParamsFrame, StreamEvent, StreamStatus, VqFrame } from '../engine/types';
import { resultJson } from './result-json';
import type { Atom, Reply } from './spec';

/**
 * Builders for what the server sends, one per out address of the table, so the argument order
 * lives next to nothing but the table it follows. Doors encode them: OSC as they are, Max as a
 * list whose selector is the address without /mb/.
 *
 * @example
 * reply('/mb/pong', int(7)); // { address: '/mb/pong', args: [{ type: 'i', value: 7 }] }
 */
export const int = (value: number): Atom => ({ type: 'i', value: value | 0 });
export const float = (value: number): Atom => ({ type: 'f', value });
export const str = (value: string): Atom => ({ type: 's', value });
export const blob = (value: Uint8Array): Atom => ({ type: 'b', value });
export const reply = (address: string, ...args: Atom[]): Reply => ({ address, args });

/** Expands a template address such as /mb/param/{name}. */
export function fillAddress(template: string, name: string): string {
  return template.replace('{name}', name);
}

export function errorReply(code: string, message: string): Reply {
  return reply('/mb/error', str(code), str(message.slice(0, 900)));
}

const floats = (values: ArrayLike<number>): Atom[] => Array.from(values, (v) => float(v));

/** /mb/params, /mb/params/units and, per parameter, /mb/param/<name> and /mb/param/<name>/units. */
export function paramsReplies(f: ParamsFrame): Reply[] {
  const id = int(f.streamId);
  const seq = int(f.seq);
  const out = [reply('/mb/params', id, seq, ...floats(f.normalized)), reply('/mb/params/units', id, seq, ...floats(f.units)), reply('/mb/session/params', str(f.clientId), id, seq, ...floats(f.units))];
  f.names.forEach((name, i) => {
    out.push(reply(fillAddress('/mb/param/{name}', name), id, float(f.normalized[i])));
    out.push(reply(fillAddress('/mb/param/{name}/units', name), id, float(f.units[i])));
  });
  return out;
}

export function vqReplies(f: VqFrame): Reply[] {
  const out: Reply[] = [];
  if (f.codes) out.push(reply('/mb/vq/codes', int(f.streamId), int(f.seq), ...Array.from(f.codes, (c) => int(c))));
  if (f.latent) out.push(reply('/mb/vq/latent', int(f.streamId), int(f.seq), ...floats(f.latent)));
  if (f.audio && f.audio.length > 0) {
    const bytes = new Uint8Array(f.audio.buffer, f.audio.byteOffset, f.audio.byteLength);
    out.push(reply('/mb/stream/return', int(f.streamId), blob(bytes)));
    // the shared session's copy (listen-only): the same bytes, sent only to listeners
    out.push(reply('/mb/session/return', str(f.clientId), int(f.streamId), blob(bytes)));
  }
  return out;
}

export function wekinatorReply(f: ParamsFrame): Reply {
  return reply('/wek/outputs', ...floats(f.normalized));
}

/** /mb/stream/closed for a stream closed for good (a reopened one is not reported). */
export function streamClosedReply(e: StreamEvent): Reply | undefined {
  if (e.state !== 'closed' || e.reason === 'reopened') return undefined;
  return reply('/mb/stream/closed', int(e.streamId), str(e.reason ?? 'closed'));
}

export function modelReply(e: ModelEvent): Reply {
  return e.state === 'unloaded' ? reply('/mb/models/unloaded', str(e.name)) : reply('/mb/models/loaded', str(e.name), str(e.kind ?? ''), str(e.version ?? ''));
}

/** queued, progress, done (a cancelled job is done with {"cancelled":true}), or /mb/error for a failed one. */
/** A job event for the shared session's listeners (/mb/session/job), whoever's job it is. */
export function sessionJobReply(e: JobEvent): Reply {
  const progress = e.state === 'done' ? 1 : Math.min(1, Math.max(0, e.progress ?? 0));
  return reply('/mb/session/job', str(e.clientId), int(e.id), str(e.name), str(e.state), float(progress));
}

export function jobReply(e: JobEvent): Reply | undefined {
  const id = int(e.id);
  if (e.state === 'queued') return reply('/mb/job/queued', id, str(e.name), int(e.position ?? 0));
  if (e.state === 'progress') return reply('/mb/job/progress', id, float(e.progress ?? 0));
  if (e.state === 'done') return reply('/mb/job/done', id, str(e.name), str(resultJson(e.result)));
  if (e.state === 'cancelled') return reply('/mb/job/done', id, str(e.name), str('{"cancelled":true}'));
  if (e.state === 'failed' && e.error) return errorReply(e.error.code, e.error.message);
  return undefined;
}

export interface NetCounters {
  clients: number;
  droppedOut: number;
}

const MAX_JSON = 32_000;

/** The /mb/status reply for one client: summary, loaded models, its streams, full JSON. */
export function statusReplies(status: EngineStatus, net: NetCounters, clientId: string, details: Record<string, unknown>): Reply[] {
  const mine = status.streams.filter((s) => s.clientId === clientId);
  const out = [
    reply(
      '/mb/status/summary',
      int(status.models.length),
      int(status.streams.length),
      int(status.droppedFrames + net.droppedOut),
      int(status.maxLatencySamples),
      int(status.jobs.queued + status.jobs.running),
      int(net.clients),
    ),
    ...status.models.map((m) => reply('/mb/status/model', str(m.name), str(m.kind ?? ''), str(m.version ?? ''), str(m.warm.state))),
    ...mine.map((s) => streamStatusReply(s)),
  ];
  // `you`: which of the streams are the asking client's; `cpu`: the bridge process since the last status.
  const extra = { you: clientId, cpu: cpuLoad() };
  let json = JSON.stringify({ ...status, ...extra, net: details });
  if (json.length > MAX_JSON) json = JSON.stringify({ ...status, ...extra, streams: mine, net: { ...net, truncated: true } });
  out.push(reply('/mb/status/json', str(json.slice(0, MAX_JSON))));
  return out;
}

function streamStatusReply(s: StreamStatus): Reply {
  return reply('/mb/status/stream', int(s.id), str(s.model), int(s.sampleRate), int(s.latencySamples), int(s.dropped), int(s.frames));
}
