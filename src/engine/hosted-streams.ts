import { BoundedQueue } from '../core/bounded-queue';
import { MbError } from '../core/errors';
import type { HostLink } from './host-link';
import type { BlockFrame } from './stream';
import type { ParamsFrame, StreamStatus, VqFrame } from './types';

/**
 * The streams that run in model host threads, as the main thread knows them
 * (src/engine/model-hosts.ts moves them between hosts): which host each is on, what waits
 * while its host is started again, and the frames that come back, forwarded to the engine
 * renumbered so that sequence numbers continue across hosts; during a swap the new host's
 * frames wait (in order) until the old host has finished the blocks sent to it.
 *
 * @example
 * const table = new HostedStreams({ params: (f) => emit('params', f), vq: (f) => emit('vq', f) });
 * table.add({ clientId: 'c', id: 1, host, ... });
 * table.accept(host, table.require('c', 1), frames); // forwarded to the hooks, renumbered
 */

/** Something sent to a stream's host, held while its host is started again. */
export interface Held {
  send(host: HostLink): void;
  drop(): void;
}

/** A stream as the main thread knows it. */
export interface HostedStream {
  clientId: string;
  id: number;
  model: string;
  sampleRate: number;
  blockSize: number;
  smoothing: number;
  host: HostLink;
  /** Set while the stream's host is started again: what arrives meanwhile waits here. */
  held?: BoundedQueue<Held>;
  /**
   * Set during a swap, until the old host has finished the blocks sent to it: its frames are
   * still the client's, and the new host's wait in `early` (in order) behind them.
   */
  leaving?: HostLink;
  early?: BoundedQueue<{ frames: BlockFrame[]; done?(out: BlockFrame[]): void }>;
  /** Added to the host's sequence numbers, so that they continue across hosts. */
  base: number;
  nextSeq: number;
  /** Blocks dropped on hosts the stream has left, and while it moved. */
  droppedBefore: number;
  status: StreamStatus;
}

const keyOf = (clientId: string, id: number) => `${clientId}\u0000${id}`;

export class HostedStreams {
  private readonly streams = new Map<string, HostedStream>();
  /** Blocks dropped by hosted streams that have closed since. */
  droppedClosed = 0;

  constructor(private readonly hooks: { params(frame: ParamsFrame): void; vq(frame: VqFrame): void }) {}

  get size(): number {
    return this.streams.size;
  }

  get(clientId: string, id: number): HostedStream | undefined {
    return this.streams.get(keyOf(clientId, id));
  }

  all(): HostedStream[] {
    return [...this.streams.values()];
  }

  onHost(host: HostLink): HostedStream[] {
    return this.all().filter((s) => s.host === host);
  }

  add(stream: HostedStream): void {
    this.streams.set(keyOf(stream.clientId, stream.id), stream);
  }

  clear(): void {
    this.streams.clear();
  }

  /** The stream, or MB_ERR_UNKNOWN_STREAM. */
  require(clientId: string, id: number): HostedStream {
    const stream = this.get(clientId, id);
    if (!stream) throw new MbError('MB_ERR_UNKNOWN_STREAM', `no open stream ${id} for this client; open it with /mb/stream/open`);
    return stream;
  }

  /** Whether `s` is still the stream open under its id. */
  isOpen(s: HostedStream): boolean {
    return this.get(s.clientId, s.id) === s;
  }

  /** Sends to the stream's host, or holds it while that host is started again (bounded, drop-oldest). */
  send(stream: HostedStream, item: Held): void {
    if (stream.held) {
      if (stream.held.push(item)) stream.droppedBefore++;
    } else item.send(stream.host);
  }

  statusOf(s: HostedStream): StreamStatus {
    return { ...s.status, model: s.model, frames: s.nextSeq, smoothing: s.smoothing, dropped: s.status.dropped + s.droppedBefore, queuedBlocks: s.status.queuedBlocks + (s.held?.length ?? 0) };
  }

  /**
   * Frames of `host` for `stream`: forwarded (renumbered) from its host or the one it is
   * leaving; the new host's wait while the old one finishes; a host's it has left are dropped.
   * `done` hears what was forwarded of them.
   */
  accept(host: HostLink, stream: HostedStream, frames: BlockFrame[], done: (out: BlockFrame[]) => void = () => undefined): void {
    if (!this.isOpen(stream)) return done([]);
    if (host === stream.leaving) return done(this.forward(stream, frames));
    if (host !== stream.host) return done([]);
    if (!stream.early) return done(this.forward(stream, frames));
    if (stream.early.push({ frames, done })) stream.droppedBefore++;
  }

  forward(stream: HostedStream, frames: BlockFrame[]): BlockFrame[] {
    return frames.map((f) => {
      const out: BlockFrame = {};
      if (f.params) this.hooks.params((out.params = this.renumber(stream, f.params)));
      if (f.vq) this.hooks.vq((out.vq = this.renumber(stream, f.vq)));
      return out;
    });
  }

  /** Forgets a stream (what waits for it is dropped); `tellHost`: it is closed on its host too. */
  forget(stream: HostedStream, tellHost: boolean): void {
    this.streams.delete(keyOf(stream.clientId, stream.id));
    this.droppedClosed += this.statusOf(stream).dropped;
    stream.held?.drain().forEach((h) => h.drop());
    stream.early?.drain().forEach((e) => e.done?.([]));
    if (tellHost) this.closeOn(stream.host, stream);
  }

  /** Closes `s` on `host`, unless the stream now open with its id lives there (a reopen). */
  closeOn(host: HostLink, s: HostedStream): void {
    if (this.get(s.clientId, s.id)?.host === host) return;
    host.post({ type: 'close', clientId: s.clientId, id: s.id });
  }

  private renumber<F extends { seq: number }>(s: HostedStream, frame: F): F {
    const seq = s.base + frame.seq;
    s.nextSeq = Math.max(s.nextSeq, seq + 1);
    return { ...frame, seq };
  }
}
