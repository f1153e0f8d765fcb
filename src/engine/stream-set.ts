import { MbError } from '../core/errors';
import { LiveStream, type BlockFrame, type QueuedBlock } from './stream';
import type { StreamStatus } from './types';

/**
 * The open live streams and their scheduling: blocks are queued per stream and processed
 * round-robin, one block per stream per turn, strictly in order within a stream. Frames and
 * failures go to the hooks; nothing is thrown into the event loop.
 */
export interface StreamSetHooks {
  frame(frame: BlockFrame): void;
  failed(stream: LiveStream, err: unknown): void;
}

export const MAX_BLOCK = 8192;

export class StreamSet {
  private readonly streams = new Map<string, LiveStream>();
  private draining = false;
  private readonly idleWaiters: (() => void)[] = [];
  /** Blocks dropped by streams that have closed since. */
  droppedClosed = 0;

  constructor(private readonly hooks: StreamSetHooks) {}

  get size(): number {
    return this.streams.size;
  }

  get(clientId: string, streamId: number): LiveStream | undefined {
    return this.streams.get(LiveStream.keyOf(clientId, streamId));
  }

  /** The stream, or MB_ERR_UNKNOWN_STREAM. */
  require(clientId: string, streamId: number): LiveStream {
    const stream = this.get(clientId, streamId);
    if (!stream) throw new MbError('MB_ERR_UNKNOWN_STREAM', `no open stream ${streamId} for this client; open it with /mb/stream/open`);
    return stream;
  }

  all(): LiveStream[] {
    return [...this.streams.values()];
  }

  ofClient(clientId: string): LiveStream[] {
    return this.all().filter((s) => s.clientId === clientId);
  }

  ofModel(name: string): LiveStream[] {
    return this.all().filter((s) => s.modelName === name);
  }

  add(stream: LiveStream): void {
    this.streams.set(stream.key, stream);
  }

  /** Removes and closes a stream; undefined when it was not open. */
  remove(clientId: string, streamId: number): LiveStream | undefined {
    const stream = this.get(clientId, streamId);
    if (!stream) return undefined;
    this.streams.delete(stream.key);
    this.droppedClosed += stream.dropped;
    stream.close();
    return stream;
  }

  /** Queues a block (the oldest is dropped when the stream is behind) and schedules processing. */
  enqueue(clientId: string, streamId: number, block: QueuedBlock): void {
    const stream = this.require(clientId, streamId);
    checkBlock(block.samples);
    stream.queue.push(block);
    if (!this.draining) {
      this.draining = true;
      setImmediate(() => void this.drain());
    }
  }

  status(): StreamStatus[] {
    return this.all().map((s) => s.status());
  }

  /** Resolves once every queued block has been processed (at once when none is queued). */
  idle(): Promise<void> {
    if (!this.draining) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private async drain(): Promise<void> {
    try {
      for (;;) {
        const ready = this.all().filter((s) => s.queue.length > 0);
        if (ready.length === 0) break;
        for (const stream of ready) if (!stream.closed) await this.processOne(stream);
      }
    } finally {
      this.draining = false;
      this.idleWaiters.splice(0).forEach((r) => r());
    }
  }

  private async processOne(stream: LiveStream): Promise<void> {
    try {
      await stream.processNext((frame) => this.hooks.frame(frame));
    } catch (err) {
      this.hooks.failed(stream, err);
    }
  }
}

/** Returns `samples` when it is a Float32Array of 1..MAX_BLOCK samples, else throws MB_ERR_BAD_ARGS. */
export function checkBlock(samples: Float32Array): Float32Array {
  const n = samples instanceof Float32Array ? samples.length : -1;
  if (n < 1 || n > MAX_BLOCK) {
    throw new MbError('MB_ERR_BAD_ARGS', `an audio block must be a Float32Array of 1..${MAX_BLOCK} samples, got ${n < 0 ? typeof samples : n}`);
  }
  return samples;
}
