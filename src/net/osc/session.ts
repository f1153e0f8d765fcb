import { BoundedQueue } from '../../core/bounded-queue';
import type { DoorServices } from '../../verbs/spec';
import type { OscMessage } from './wire';

/**
 * One client as the router sees it, whatever its transport: where packets go (a sink with
 * backpressure), what it listens to, and its two bounded queues — incoming messages waiting
 * for an async handler, outgoing packets waiting for the transport — both dropping the oldest
 * entry on overflow and counting it.
 */
export interface PacketSink {
  /** True while the transport can take another packet now. */
  ready(): boolean;
  /** Sends one packet; `done` is called once the transport has taken it (or failed). */
  send(bytes: Uint8Array, done: () => void): void;
}

export interface SessionHooks {
  /** UDP: where replies go from now on (/mb/hello <port>); absent on WebSocket. */
  setReplyPort?(port: number): number;
  /** The remote host, for messages that name one. */
  remoteHost: string;
}

export class ClientSession {
  readonly inbox: BoundedQueue<OscMessage>;
  readonly outbox: BoundedQueue<Uint8Array>;
  /** Listened addresses: exact leaves, or containers matching everything below them. */
  readonly listens = new Map<string, { prefix: boolean }>();
  lastSeen = Date.now();
  handling = false;
  flushing = false;
  sent = 0;
  closed = false;
  /** The door services its verbs use (made on its first message). */
  door?: DoorServices;

  constructor(
    readonly id: string,
    readonly transport: 'udp' | 'ws',
    readonly sink: PacketSink,
    readonly hooks: SessionHooks,
    queueSize: number,
    /** UDP clients lose their streams after silence; WebSocket relies on its heartbeat. */
    readonly reclaimOnSilence: boolean,
  ) {
    this.inbox = new BoundedQueue<OscMessage>(queueSize);
    this.outbox = new BoundedQueue<Uint8Array>(queueSize);
  }

  /** Messages and packets dropped on overflow, both directions. */
  get dropped(): number {
    return this.inbox.dropped + this.outbox.dropped;
  }

  listensTo(address: string): boolean {
    for (const [a, { prefix }] of this.listens) {
      if (address === a || (prefix && address.startsWith(`${a}/`))) return true;
    }
    return false;
  }
}
