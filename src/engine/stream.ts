import { MbError } from '../core/errors';
import type { ParamEntry } from '../models/manifest';
import type { ModelLease } from '../models/registry';
import { frameToUnits } from '../models/param-units';
import { BoundedQueue } from '../core/bounded-queue';
import type { ParamsFrame, StreamOutput, StreamProcessor, StreamStatus, VqFrame } from './types';

/**
 * One live stream: an input queue of audio blocks (bounded, drop-oldest, counted), the
 * processor built for it when it opened, and the per-frame bookkeeping (sequence numbers,
 * smoothing, unit mapping, compute time). Blocks are processed strictly in order.
 */
export interface QueuedBlock {
  samples: Float32Array;
  /** Arrival time, ms since the epoch. */
  at: number;
  /** Called with the frames this block produced (empty when it was dropped or failed). */
  done?: (frames: BlockFrame[]) => void;
  /** Its frames go to `done` only, not to the stream's frame events (a model host answers them). */
  quiet?: boolean;
}

export interface BlockFrame {
  params?: ParamsFrame;
  vq?: VqFrame;
}

export interface LiveStreamInit {
  clientId: string;
  id: number;
  sampleRate: number;
  blockSize: number;
  queueBlocks: number;
  lease: ModelLease;
  processor: StreamProcessor;
}

export class LiveStream {
  readonly clientId: string;
  readonly id: number;
  readonly sampleRate: number;
  readonly blockSize: number;
  readonly queue: BoundedQueue<QueuedBlock>;
  private lease: ModelLease;
  private processor: StreamProcessor;
  private seq = 0;
  private smoothing = 0;
  private smoothed: Float32Array | undefined;
  private smoothedUnits: Float32Array | undefined;
  private compute = { last: 0, mean: 0, max: 0 };
  private busy = false;
  private retiring: { processor: StreamProcessor; lease: ModelLease }[] = [];
  closed = false;

  constructor(init: LiveStreamInit) {
    this.clientId = init.clientId;
    this.id = init.id;
    this.sampleRate = init.sampleRate;
    this.blockSize = init.blockSize;
    this.lease = init.lease;
    this.processor = init.processor;
    this.queue = new BoundedQueue<QueuedBlock>(init.queueBlocks, (b) => b.done?.([]));
  }

  static keyOf(clientId: string, id: number): string {
    return `${clientId}#${id}`;
  }

  get key(): string {
    return LiveStream.keyOf(this.clientId, this.id);
  }

  get modelName(): string {
    return this.lease.model.name;
  }

  get params(): readonly ParamEntry[] {
    return this.lease.model.manifest.params ?? [];
  }

  get dropped(): number {
    return this.queue.dropped;
  }

  get latencySamples(): number {
    let queued = 0;
    for (const b of this.queue) queued += b.samples.length;
    return this.processor.latencySamples + queued;
  }

  setSmoothing(amount: number): void {
    this.smoothing = amount;
    if (amount === 0) this.smoothed = this.smoothedUnits = undefined;
  }

  applyControl(control: Parameters<NonNullable<StreamProcessor['setControl']>>[0]): void {
    this.processor.setControl?.(control);
  }

  /** Replaces the processor (hot swap); the old one is disposed once its current block is done. */
  swap(processor: StreamProcessor, lease: ModelLease): void {
    this.retiring.push({ processor: this.processor, lease: this.lease });
    this.processor = processor;
    this.lease = lease;
    if (!this.busy) this.retire();
  }

  /**
   * Processes the oldest queued block and hands its frames to `emit` (unless the block is
   * quiet), then to the block's `done`. Throws what the processor threw (the block's frames are lost).
   */
  async processNext(emit: (frame: BlockFrame) => void = () => undefined): Promise<BlockFrame[]> {
    const block = this.queue.shift();
    if (!block) return [];
    this.busy = true;
    let frames: BlockFrame[] = [];
    try {
      const started = performance.now();
      const outputs = await this.processor.process(block.samples);
      this.recordCompute(performance.now() - started);
      frames = outputs.map((o) => this.frameOf(o, block.at));
      if (!block.quiet) frames.forEach(emit);
      return frames;
    } finally {
      this.busy = false;
      block.done?.(frames);
      this.retire();
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.queue.drain().forEach((b) => b.done?.([]));
    this.retiring.push({ processor: this.processor, lease: this.lease });
    if (!this.busy) this.retire();
  }

  /** Its state; the kind is that of the model it holds (a lease keeps the model loaded). */
  status(): StreamStatus {
    const kind = this.lease.model.manifest.kind;
    return {
      clientId: this.clientId,
      id: this.id,
      model: this.modelName,
      kind,
      sampleRate: this.sampleRate,
      blockSize: this.blockSize,
      latencySamples: this.latencySamples,
      latencySplit: {
        algorithmic: this.processor.latencySamples,
        queued: this.latencySamples - this.processor.latencySamples,
        ...(this.processor.latencyParts ? { parts: { ...this.processor.latencyParts } } : {}),
      },
      queuedBlocks: this.queue.length,
      dropped: this.dropped,
      frames: this.seq,
      smoothing: this.smoothing,
      computeMs: { ...this.compute },
    };
  }

  private retire(): void {
    for (const { processor, lease } of this.retiring.splice(0)) {
      try {
        processor.dispose?.();
      } finally {
        lease.release();
      }
    }
  }

  private recordCompute(ms: number): void {
    const c = this.compute;
    c.last = ms;
    c.mean = c.mean === 0 ? ms : c.mean * 0.95 + ms * 0.05;
    c.max = Math.max(c.max, ms);
  }

  private frameOf(out: StreamOutput, time: number): BlockFrame {
    const seq = this.seq++;
    const base = { clientId: this.clientId, streamId: this.id, model: this.modelName, seq, time };
    const frame: BlockFrame = {};
    if (out.params) frame.params = { ...base, ...this.paramValues(out) };
    if (out.codes || out.latent || out.audio) frame.vq = { ...base, codes: out.codes, latent: out.latent, audio: out.audio };
    return frame;
  }

  private paramValues(out: StreamOutput): Pick<ParamsFrame, 'names' | 'normalized' | 'units'> {
    const entries = this.params;
    const raw = out.params!;
    if (raw.length !== entries.length || (out.units && out.units.length !== entries.length)) {
      throw new MbError('MB_ERR_INTERNAL', `stream ${this.id}: the processor returned ${raw.length} parameters, model ${this.modelName} lists ${entries.length}`);
    }
    if (!raw.every(Number.isFinite)) throw new MbError('MB_ERR_INTERNAL', `stream ${this.id}: the processor returned a non-finite parameter`);
    const normalized = this.smooth(raw, 'smoothed');
    const units = out.units ? this.smooth(out.units, 'smoothedUnits') : frameToUnits(entries, normalized, new Float32Array(entries.length));
    return { names: entries.map((e) => e.name), normalized, units };
  }

  /** One-pole smoothing per frame; returns a fresh array the frame owns. */
  private smooth(values: Float32Array, slot: 'smoothed' | 'smoothedUnits'): Float32Array {
    const a = this.smoothing;
    const state = this[slot];
    const out = Float32Array.from(values);
    if (a > 0 && state && state.length === out.length) {
      for (let i = 0; i < out.length; i++) out[i] = a * state[i] + (1 - a) * out[i];
    }
    if (a > 0) this[slot] = Float32Array.from(out);
    return out;
  }
}
