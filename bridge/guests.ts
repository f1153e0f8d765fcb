import type * as net from 'node:net';
import { log } from '../src/core/log';
import type { MaxApi } from './maxApi';
import { FrameChannel, type Frame } from './session';

/**
 * The host's side of a shared Max session (see session.ts): each guest [mb.bridge] that
 * connects gets a bridge of its own on the host, with its own client id and the host's
 * engine, whose outlet, console and dicts are the guest's, over the socket.
 *
 * @example
 * const guests = new GuestHost(server, (api, n) => new MaxBridge({ api, clientId: `max:${n}`, ... }));
 */
export interface GuestBridge {
  dispatch(selector: string, args: unknown[]): void | Promise<void>;
  dispatchDict(dict: unknown): void | Promise<void>;
  /** Attaches it to the host's engine; it says `ready` then. */
  connect(): void;
  dispose(): Promise<void>;
}

export class GuestHost {
  private readonly guests = new Set<{ channel: FrameChannel; bridge: GuestBridge }>();
  private count = 0;

  constructor(
    private readonly server: net.Server,
    make: (api: MaxApi, n: number) => GuestBridge,
  ) {
    server.on('connection', (socket) => {
      const n = ++this.count;
      const reads = new Map<number, (v: unknown) => void>();
      let nextRead = 1;
      const api = remoteApi(
        (frame) => channel.send(frame),
        (name) =>
          new Promise((resolve) => {
            const r = nextRead++;
            reads.set(r, resolve);
            channel.send({ t: 'g', r, n: name });
          }),
      );
      const bridge = make(api, n);
      const guest = { channel: undefined as unknown as FrameChannel, bridge };
      const channel = new FrameChannel(
        socket,
        (frame) => {
          if (frame.t === 'm') void (frame.s === 'dict' ? bridge.dispatchDict(frame.a[0]) : bridge.dispatch(frame.s, frame.a));
          else if (frame.t === 'gv') {
            reads.get(frame.r)?.(frame.v);
            reads.delete(frame.r);
          }
        },
        () => {
          this.guests.delete(guest);
          for (const resolve of reads.values()) resolve(undefined);
          void bridge.dispose();
          log.info(`mirrorbridge session: guest ${n} left`);
        },
      );
      guest.channel = channel;
      this.guests.add(guest);
      bridge.connect();
    });
  }

  get size(): number {
    return this.guests.size;
  }

  async close(): Promise<void> {
    for (const g of this.guests) g.channel.close();
    await Promise.all([...this.guests].map((g) => g.bridge.dispose()));
    this.guests.clear();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

const MESSAGE_TYPES = { ALL: 'all', BANG: 'bang', DICT: 'dict', NUMBER: 'number', LIST: 'list' } as const;
const POST_LEVELS = { ERROR: 'error', INFO: 'info', WARN: 'warn' } as const;

/** The parts of max-api a bridge uses to speak, carried to the guest over the socket. */
function remoteApi(send: (frame: Frame) => void, read: (name: string) => Promise<unknown>): MaxApi {
  const api = {
    MESSAGE_TYPES,
    POST_LEVELS,
    addHandler: () => undefined,
    addHandlers: () => undefined,
    removeHandler: () => undefined,
    removeHandlers: () => undefined,
    outlet: (...atoms: unknown[]) => {
      send({ t: 'o', a: atoms });
      return Promise.resolve();
    },
    outletBang: () => {
      send({ t: 'o', a: ['bang'] });
      return Promise.resolve();
    },
    post: (...args: unknown[]) => {
      send({ t: 'p', a: args });
      return Promise.resolve();
    },
    setDict: (name: string, value: unknown) => {
      send({ t: 'd', n: name, v: value });
      return Promise.resolve(value);
    },
    getDict: (name: string) => read(name),
  };
  return api as unknown as MaxApi;
}
