import { MbError, toMbError } from '../../core/errors';
import { log } from '../../core/log';
import type { Engine } from '../../engine/engine';
import type { ParamsFrame, StreamEvent } from '../../engine/types';
import { parseArgs } from '../../verbs/args';
import { forwardEngineEvents } from '../../verbs/events';
import { errorReply, wekinatorReply } from '../../verbs/replies';
import type { DoorServices, VerbContext } from '../../verbs/spec';
import { isListenOnly, listenMode, verbAt } from '../../verbs/table';
import { decodePacket, encodeBundle, encodeMessage, nowMs, type OscMessage } from './wire';
import { ClientSession, type PacketSink, type SessionHooks } from './session';

const LOOPBACK_RE = /^(localhost|127\.\d{1,3}\.\d{1,3}\.\d{1,3})$/;

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
 * The transport-independent OSC door between clients and the engine. Transports hand it
 * packets with the session they came from; it decodes (guarded), parses arguments through
 * the verb table, runs the verbs' handlers in order per client, and sends the engine's events
 * (as the table's replies) to each stream's owner and to every client listening to them.
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
  private readonly reaper: NodeJS.Timeout;
  private droppedGone = 0;
  private readonly unsubscribe: (() => void)[] = [];

  constructor(
    readonly engine: Engine,
    options: Partial<RouterOptions> = {},
  ) {
    this.options = { ...OscRouter.getDefaults(), ...options };
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
    this.send(session, [errorReply(err.code, err.message)]);
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

  /** The door services the verbs of one session use. */
  private doorOf(session: ClientSession): DoorServices {
    const router = this;
    return {
      name: 'osc',
      version: this.options.version,
      hears: (address) => session.listensTo(address),
      setReplyPort: session.hooks.setReplyPort && ((port) => session.hooks.setReplyPort!(port)),
      listen(address) {
        const mode = listenMode(address);
        if (!mode) throw new MbError('MB_ERR_UNKNOWN_ADDRESS', `${JSON.stringify(address)} is not an output address or container of /mb (see docs/osc.md)`);
        session.listens.set(address.replace(/(.)\/$/, '$1'), mode);
      },
      ignore(address) {
        session.listens.delete(address.replace(/(.)\/$/, '$1'));
      },
      detach: (reason) => router.detach(session.id, reason),
      wekinator: (streamId, host, port) => router.setWekinator(session, streamId, host, port),
      netStatus: () => ({
        clients: router.clients.size,
        droppedOut: router.droppedOut,
        details: {
          ...router.stats,
          droppedOut: router.droppedOut,
          clients: [...router.clients.values()].map((c) => ({ id: c.id, transport: c.transport, listens: [...c.listens.keys()], queued: c.outbox.length, dropped: c.dropped, sent: c.sent, silentMs: Date.now() - c.lastSeen })),
        },
      }),
    };
  }

  private setWekinator(session: ClientSession, streamId: number, host: string, port: number): void {
    if (!this.sendDatagram) throw new MbError('MB_ERR_UNSUPPORTED', 'Wekinator output needs the UDP transport, which is not running');
    if (!LOOPBACK_RE.test(host) && !this.options.allowLan) {
      throw new MbError('MB_ERR_BAD_ARGS', `Wekinator host ${host} is not loopback; start the server opened to the LAN to send elsewhere`);
    }
    const key = `${session.id}#${streamId}`;
    if (port === 0) this.wekinator.delete(key);
    else this.wekinator.set(key, { host: host === 'localhost' ? '127.0.0.1' : host, port });
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
      const verb = verbAt(m.address, 'osc');
      if (!verb) {
        throw new MbError('MB_ERR_UNKNOWN_ADDRESS', `${JSON.stringify(m.address.slice(0, 80))} is not an input address of /mb (see docs/osc.md)`);
      }
      session.door ??= this.doorOf(session);
      const ctx: VerbContext = { engine: this.engine, clientId: session.id, door: session.door };
      const result = verb.handler(parseArgs(verb, m.args), ctx);
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
    this.unsubscribe.push(
      forwardEngineEvents(this.engine, {
        owned: (clientId, replies, time) => this.deliver(clientId, replies, time),
        shared: (replies) => this.broadcast(replies),
        error: (clientId, _reply, err) => {
          const owner = clientId ? this.clients.get(clientId) : undefined;
          if (owner) this.sendError(owner, err);
          else log.warn(err.toLine());
        },
      }),
    );
    const toWekinator = (f: ParamsFrame) => {
      const target = this.wekinator.get(`${f.clientId}#${f.streamId}`);
      if (target && this.sendDatagram) this.sendDatagram(encodeMessage(wekinatorReply(f)), target.port, target.host);
    };
    const forget = (e: StreamEvent) => {
      if (e.state === 'closed') this.wekinator.delete(`${e.clientId}#${e.streamId}`);
    };
    this.engine.on('params', toWekinator);
    this.engine.on('stream', forget);
    this.unsubscribe.push(() => this.engine.off('params', toWekinator), () => this.engine.off('stream', forget));
  }

  /** The owner gets every message of a frame but the listen-only ones; listeners get the addresses they asked for. */
  private deliver(ownerId: string, messages: OscMessage[], time: number): void {
    const owner = this.clients.get(ownerId);
    if (owner) this.send(owner, messages.filter((m) => !isListenOnly(m.address) || owner.listensTo(m.address)), time);
    for (const session of this.clients.values()) {
      if (session === owner || session.listens.size === 0) continue;
      const mine = messages.filter((m) => session.listensTo(m.address));
      if (mine.length > 0) this.send(session, mine, time);
    }
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
