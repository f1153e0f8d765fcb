import { MbError, toMbError } from '../../core/errors';
import { log } from '../../core/log';
import type { Engine } from '../../engine/engine';
import type { EngineErrorEvent, JobEvent, ModelEvent, ParamsFrame, StreamEvent, VqFrame } from '../../engine/types';
import { entryOf, type InAddress } from './address-table';
import { parseArgs } from './args';
import { decodePacket, encodeBundle, encodeMessage, nowMs, oscFloat, oscInt, oscString, type OscMessage } from './codec';
import { createHandlers, type Handler } from './handlers';
import { errorMessage, msg, paramsMessages, statusMessages, vqMessages, wekinatorMessage } from './messages';
import { ClientSession, type PacketSink, type SessionHooks } from './session';

export interface RouterOptions {
  /** Packets (out) and messages (in) queued per client before the oldest is dropped. */
  clientQueue: number;
  maxClients: number;
  /** A UDP client silent this long loses its streams and session. */
  silenceTimeoutMs: number;
  /** Lets /mb/stream/wekinator name non-loopback hosts. */
  allowLan: boolean;
  version: string;
}

export interface RouterStats {
  packetsIn: number;
  malformed: number;
  messagesIn: number;
  errorsOut: number;
  packetsOut: number;
  refusedClients: number;
}

/**
 * The transport-independent OSC hub between clients and the engine. Transports hand it
 * packets with the session they came from; it decodes (guarded), checks arguments against
 * the address table, runs handlers in order per client, and turns engine events into
 * bundles for each stream's owner and for every client listening to those addresses.
 * Nothing here throws into the event loop: every failure becomes /mb/error.
 */
export class OscRouter {
  static getDefaults(): RouterOptions {
    return { clientQueue: 256, maxClients: 256, silenceTimeoutMs: 30_000, allowLan: false, version: '0.1.0' };
  }

  readonly options: RouterOptions;
  readonly clients = new Map<string, ClientSession>();
  readonly stats: RouterStats = { packetsIn: 0, malformed: 0, messagesIn: 0, errorsOut: 0, packetsOut: 0, refusedClients: 0 };
  /** stream key → Wekinator target. */
  readonly wekinator = new Map<string, { host: string; port: number }>();
  /** Sends a plain datagram (Wekinator output); set by the UDP transport. */
  sendDatagram?: (bytes: Uint8Array, port: number, host: string) => void;
  private readonly handlers: Record<InAddress, Handler>;
  private readonly reaper: NodeJS.Timeout;
  private droppedGone = 0;
  private readonly unsubscribe: (() => void)[] = [];

  constructor(
    readonly engine: Engine,
    options: Partial<RouterOptions> = {},
  ) {
    this.options = { ...OscRouter.getDefaults(), ...options };
    this.handlers = createHandlers(this);
    this.subscribe();
    const every = Math.max(50, Math.min(5000, this.options.silenceTimeoutMs / 4));
    this.reaper = setInterval(() => this.reapSilent(), every);
    this.reaper.unref();
  }

  /** The session of `id`, created on first contact; undefined when the client limit is reached. */
  attach(id: string, transport: 'udp' | 'ws', sink: PacketSink, hooks: SessionHooks): ClientSession | undefined {
    const known = this.clients.get(id);
    if (known) return known;
    if (this.clients.size >= this.options.maxClients && !this.evictIdle()) {
      this.stats.refusedClients++;
      return undefined;
    }
    const session = new ClientSession(id, transport, sink, hooks, this.options.clientQueue, transport === 'udp');
    this.clients.set(id, session);
    return session;
  }

  /** Forgets a client: its streams close (reason), its jobs are cancelled. */
  detach(id: string, reason: string): void {
    const session = this.clients.get(id);
    if (!session) return;
    this.engine.closeClient(id, reason);
    for (const key of [...this.wekinator.keys()]) if (key.startsWith(`${id}#`)) this.wekinator.delete(key);
    this.droppedGone += session.dropped;
    session.closed = true;
    this.clients.delete(id);
  }

  /** One packet from a client. */
  receive(session: ClientSession, bytes: Uint8Array): void {
    session.lastSeen = Date.now();
    this.stats.packetsIn++;
    let messages: OscMessage[];
    try {
      messages = decodePacket(bytes).messages;
    } catch (err) {
      this.stats.malformed++;
      this.sendError(session, toMbError(err, 'MB_ERR_BAD_ARGS'));
      return;
    }
    for (const m of messages) session.inbox.push(m);
    this.handleInbox(session);
  }

  /** Sends messages to one client as one bundle. */
  send(session: ClientSession, messages: OscMessage[], timeMs: number = nowMs()): void {
    if (messages.length === 0 || session.closed) return;
    this.enqueue(session, encodeBundle(messages, timeMs));
  }

  sendError(session: ClientSession, err: MbError): void {
    this.stats.errorsOut++;
    this.send(session, [errorMessage(err.code, err.message)]);
  }

  /** Sends to every client listening to `address` (except `skip`). */
  broadcast(messages: OscMessage[], skip?: ClientSession): void {
    for (const session of this.clients.values()) {
      if (session === skip) continue;
      const mine = messages.filter((m) => session.listensTo(m.address));
      if (mine.length > 0) this.send(session, mine);
    }
  }

  /** Output packets dropped on overflow, over all clients past and present. */
  get droppedOut(): number {
    let n = this.droppedGone;
    for (const s of this.clients.values()) n += s.dropped;
    return n;
  }

  statusFor(session: ClientSession): OscMessage[] {
    const details = {
      ...this.stats,
      droppedOut: this.droppedOut,
      clients: [...this.clients.values()].map((c) => ({ id: c.id, transport: c.transport, listens: [...c.listens.keys()], queued: c.outbox.length, dropped: c.dropped, sent: c.sent, silentMs: Date.now() - c.lastSeen })),
    };
    return statusMessages(this.engine.status(), { clients: this.clients.size, droppedOut: this.droppedOut }, session.id, details);
  }

  close(): void {
    clearInterval(this.reaper);
    this.unsubscribe.forEach((off) => off());
    for (const id of [...this.clients.keys()]) this.detach(id, 'shutdown');
  }

  private handleInbox(session: ClientSession): void {
    if (session.handling) return;
    session.handling = true;
    try {
      for (let m = session.inbox.shift(); m; m = session.inbox.shift()) {
        const pending = this.dispatch(session, m);
        if (pending) {
          void pending.finally(() => {
            session.handling = false;
            // The client left while its handler ran (e.g. a stream opened meanwhile): undo it.
            if (session.closed) this.engine.closeClient(session.id, 'disconnected');
            else this.handleInbox(session);
          });
          return;
        }
      }
      session.handling = false;
    } catch (err) {
      session.handling = false;
      log.error(`router: ${(err as Error).message}`);
    }
  }

  /** Runs one message; returns a promise when its handler is async (later messages wait). */
  private dispatch(session: ClientSession, m: OscMessage): Promise<void> | undefined {
    this.stats.messagesIn++;
    const reply = (out: OscMessage[] | void) => out && this.send(session, out);
    const fail = (err: unknown) => this.sendError(session, toMbError(err));
    try {
      const entry = entryOf(m.address);
      if (!entry || entry.direction !== 'in') {
        throw new MbError('MB_ERR_UNKNOWN_ADDRESS', `${JSON.stringify(m.address.slice(0, 80))} is not an input address of /mb (see docs/osc.md)`);
      }
      const result = this.handlers[entry.address as InAddress](parseArgs(entry, m.args), session);
      if (result instanceof Promise) return result.then(reply, fail);
      reply(result);
    } catch (err) {
      fail(err);
    }
    return undefined;
  }

  private enqueue(session: ClientSession, bytes: Uint8Array): void {
    session.outbox.push(bytes);
    this.flush(session);
  }

  private flush(session: ClientSession): void {
    if (session.flushing) return;
    session.flushing = true;
    while (session.outbox.length > 0 && session.sink.ready()) {
      const bytes = session.outbox.shift()!;
      session.sent++;
      this.stats.packetsOut++;
      session.sink.send(bytes, () => {
        if (!session.flushing && session.outbox.length > 0) this.flush(session);
      });
    }
    session.flushing = false;
  }

  private subscribe(): void {
    const on = <K extends 'params' | 'vq' | 'stream' | 'model' | 'job' | 'error'>(event: K, fn: (e: never) => void) => {
      const guarded = (e: never) => {
        try {
          fn(e);
        } catch (err) {
          log.error(`router ${event}: ${(err as Error).message}`);
        }
      };
      this.engine.on(event, guarded as never);
      this.unsubscribe.push(() => this.engine.off(event, guarded as never));
    };
    on('params', (f: ParamsFrame) => this.deliver(f.clientId, paramsMessages(f), f.time, () => this.toWekinator(f)));
    on('vq', (f: VqFrame) => this.deliver(f.clientId, vqMessages(f), f.time));
    on('stream', (e: StreamEvent) => this.onStream(e));
    on('model', (e: ModelEvent) => this.onModel(e));
    on('job', (e: JobEvent) => this.onJob(e));
    on('error', (e: EngineErrorEvent) => this.onEngineError(e));
  }

  /** The owner gets every message of a frame; listeners get the addresses they asked for. */
  private deliver(ownerId: string, messages: OscMessage[], time: number, extra?: () => void): void {
    const owner = this.clients.get(ownerId);
    if (owner) this.send(owner, messages, time);
    for (const session of this.clients.values()) {
      if (session === owner || session.listens.size === 0) continue;
      const mine = messages.filter((m) => session.listensTo(m.address));
      if (mine.length > 0) this.send(session, mine, time);
    }
    extra?.();
  }

  private toWekinator(f: ParamsFrame): void {
    const target = this.wekinator.get(`${f.clientId}#${f.streamId}`);
    if (target && this.sendDatagram) this.sendDatagram(encodeMessage(wekinatorMessage(f)), target.port, target.host);
  }

  private onStream(e: StreamEvent): void {
    if (e.state !== 'closed') return;
    this.wekinator.delete(`${e.clientId}#${e.streamId}`);
    if (e.reason === 'reopened') return;
    const closed = msg('/mb/stream/closed', oscInt(e.streamId), oscString(e.reason ?? 'closed'));
    this.deliver(e.clientId, [closed], nowMs());
  }

  private onModel(e: ModelEvent): void {
    const m = e.state === 'unloaded' ? msg('/mb/models/unloaded', oscString(e.name)) : msg('/mb/models/loaded', oscString(e.name), oscString(e.kind ?? ''), oscString(e.version ?? ''));
    this.broadcast([m]);
  }

  private onJob(e: JobEvent): void {
    const owner = this.clients.get(e.clientId);
    const id = oscInt(e.id);
    let out: OscMessage | undefined;
    if (e.state === 'queued') out = msg('/mb/job/queued', id, oscString(e.name), oscInt(e.position ?? 0));
    else if (e.state === 'progress') out = msg('/mb/job/progress', id, oscFloat(e.progress ?? 0));
    else if (e.state === 'done') out = msg('/mb/job/done', id, oscString(e.name), oscString(safeJson(e.result)));
    else if (e.state === 'cancelled') out = msg('/mb/job/done', id, oscString(e.name), oscString('{"cancelled":true}'));
    else if (e.state === 'failed' && e.error) out = errorMessage(e.error.code, e.error.message);
    if (out) this.deliver(e.clientId, [out], nowMs());
    if (e.state === 'failed' && owner) this.stats.errorsOut++;
  }

  private onEngineError(e: EngineErrorEvent): void {
    const owner = e.clientId ? this.clients.get(e.clientId) : undefined;
    if (owner) this.sendError(owner, e.error);
    else log.warn(e.error.toLine());
  }

  private reapSilent(): void {
    const limit = Date.now() - this.options.silenceTimeoutMs;
    for (const s of [...this.clients.values()]) if (s.reclaimOnSilence && s.lastSeen < limit) this.detach(s.id, 'timeout');
  }

  /** Makes room by forgetting the longest-silent UDP client that has no stream. */
  private evictIdle(): boolean {
    const streams = new Set(this.engine.status().streams.map((s) => s.clientId));
    const idle = [...this.clients.values()].filter((s) => s.reclaimOnSilence && !streams.has(s.id)).sort((a, b) => a.lastSeen - b.lastSeen)[0];
    if (!idle) return false;
    this.detach(idle.id, 'evicted');
    return true;
  }
}

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v ?? null).slice(0, 8000);
  } catch {
    return 'null';
  }
}
