import { toMbError, MbError } from '../core/errors';
import type { OnnxModel } from '../models/onnx-model';
import type { ModelLease } from '../models/registry';
import type { ControlSnapshots } from './host-protocol';
import type { ModelHosts } from './model-hosts';
import { LiveStream, type BlockFrame } from './stream';
import type { StreamSet } from './stream-set';
import type { Control, ControlView, EngineErrorEvent, StreamProcessor, StreamProcessorFactory, StreamStatus } from './types';

/**
 * The engine's live streams, wherever they run: in the model host thread of their model
 * (ModelHosts) or on this thread (StreamSet, for models without a host). It routes each call to
 * the right place, applies the stream limits, and rebuilds this thread's processors when their
 * model is swapped. The engine keeps the events: `closed` hears each stream that ends.
 *
 * @example
 * const live = new LiveStreams(new StreamSet(hooks), hosts, { queueBlocks: 32, maxStreams: 64, maxStreamsPerClient: 16 }, liveHooks);
 * await live.open('max', 1, { sampleRate: 48000, blockSize: 256 }, model, factory);
 * live.push('max', 1, block, Date.now());
 */
export interface LiveStreamsHooks {
  acquire(name: string): ModelLease;
  controlsOf(clientId: string): ControlView;
  closed(clientId: string, streamId: number, model: string, reason: string): void;
  error(event: EngineErrorEvent): void;
}

export class LiveStreams {
  constructor(
    private readonly local: StreamSet,
    private readonly hosts: ModelHosts | undefined,
    private readonly limits: { queueBlocks: number; maxStreams: number; maxStreamsPerClient: number },
    private readonly hooks: LiveStreamsHooks,
  ) {}

  /** Opens (or reopens) a stream on `model` (checked to have `factory`); throws MB_ERR_BUSY past a limit. */
  async open(clientId: string, streamId: number, s: { sampleRate: number; blockSize: number }, model: OnnxModel, factory: StreamProcessorFactory): Promise<StreamStatus> {
    this.checkLimits(clientId, streamId);
    if (this.hosts?.serves(model.name)) {
      const previous = this.local.get(clientId, streamId) ?? this.hosts.ofClient(clientId).find((h) => h.id === streamId);
      const status = await this.hosts.open(clientId, streamId, { ...s, model: model.name });
      if (previous) {
        this.local.remove(clientId, streamId);
        this.hooks.closed(clientId, streamId, previous instanceof LiveStream ? previous.modelName : previous.model, 'reopened');
      }
      return status;
    }
    const { lease, processor } = await this.prepare(factory, model.name, { clientId, id: streamId, ...s });
    this.close(clientId, streamId, 'reopened');
    const stream = new LiveStream({ clientId, id: streamId, ...s, queueBlocks: this.limits.queueBlocks, lease, processor });
    this.local.add(stream);
    return stream.status();
  }

  /** Closes a stream; false when it was not open. */
  close(clientId: string, streamId: number, reason: string): boolean {
    const hosted = this.hosts?.ofClient(clientId).find((s) => s.id === streamId);
    if (hosted && this.hosts!.close(clientId, streamId)) {
      this.hooks.closed(clientId, streamId, hosted.model, reason);
      return true;
    }
    const stream = this.local.remove(clientId, streamId);
    if (!stream) return false;
    this.hooks.closed(clientId, streamId, stream.modelName, reason);
    return true;
  }

  ofClient(clientId: string): { id: number }[] {
    return [...this.local.ofClient(clientId), ...(this.hosts?.ofClient(clientId) ?? [])];
  }

  ofModel(name: string): { clientId: string; id: number }[] {
    return [...this.local.ofModel(name), ...(this.hosts?.ofModel(name) ?? [])];
  }

  has(clientId: string, streamId: number): boolean {
    return this.local.get(clientId, streamId) !== undefined || this.hosts?.has(clientId, streamId) === true;
  }

  push(clientId: string, streamId: number, samples: Float32Array, at: number): void {
    if (this.hosts?.has(clientId, streamId)) this.hosts.push(clientId, streamId, samples, at);
    else this.local.enqueue(clientId, streamId, { samples, at });
  }

  processBlock(clientId: string, streamId: number, samples: Float32Array, quiet: boolean): Promise<BlockFrame[]> {
    return new Promise((resolve, reject) => {
      try {
        if (this.hosts?.has(clientId, streamId)) return resolve(this.hosts.processBlock(clientId, streamId, samples));
        this.local.enqueue(clientId, streamId, { samples, at: Date.now(), done: resolve, quiet });
      } catch (err) {
        reject(err);
      }
    });
  }

  setSmoothing(clientId: string, streamId: number, value: number): void {
    if (this.hosts?.has(clientId, streamId)) this.hosts.setSmoothing(clientId, streamId, value);
    else this.local.require(clientId, streamId).setSmoothing(value);
  }

  /** Tells the client's streams on this thread about a control (a processor may refuse it: it throws). */
  applyLocal(clientId: string, control: Control): void {
    for (const s of this.local.ofClient(clientId)) s.applyControl(control);
  }

  /** Tells the hosts with a stream of the client about a control, with the client's new snapshots. */
  applyHosted(clientId: string, control: Control, snapshots: ControlSnapshots): void {
    this.hosts?.control(clientId, control, snapshots);
  }

  /** Resolves once every block queued on this thread's streams has been processed. */
  idle(): Promise<void> {
    return this.local.idle();
  }

  status(): StreamStatus[] {
    return [...this.local.status(), ...(this.hosts?.status() ?? [])];
  }

  /** Blocks dropped by streams that have closed since. */
  get droppedClosed(): number {
    return this.local.droppedClosed + (this.hosts?.droppedClosed ?? 0);
  }

  /** Rebuilds the processors of this thread's streams on a swapped model; a stream whose rebuild fails keeps the old one. */
  async rebuild(model: OnnxModel, factory: StreamProcessorFactory): Promise<void> {
    for (const stream of this.local.ofModel(model.name)) {
      try {
        const { lease, processor } = await this.prepare(factory, model.name, stream);
        if (stream.closed) {
          processor.dispose?.();
          lease.release();
        } else {
          stream.swap(processor, lease);
        }
      } catch (err) {
        this.hooks.error({ clientId: stream.clientId, streamId: stream.id, error: toMbError(err) });
      }
    }
  }

  /** Builds a processor on a leased model (prepare: allocation happens here, not per block). */
  private async prepare(factory: StreamProcessorFactory, modelName: string, s: { clientId: string; id: number; sampleRate: number; blockSize: number }): Promise<{ lease: ModelLease; processor: StreamProcessor }> {
    const lease = this.hooks.acquire(modelName);
    try {
      const ctx = { model: lease.model, manifest: lease.model.manifest, sampleRate: s.sampleRate, blockSize: s.blockSize, clientId: s.clientId, streamId: s.id, controls: this.hooks.controlsOf(s.clientId) };
      return { lease, processor: await factory(ctx) };
    } catch (err) {
      lease.release();
      throw toMbError(err);
    }
  }

  /** Throws MB_ERR_BUSY when a new stream would pass a limit (reopening an id is not new). */
  private checkLimits(clientId: string, streamId: number): void {
    if (this.has(clientId, streamId)) return;
    const mine = this.ofClient(clientId).length;
    const all = this.local.size + (this.hosts?.size ?? 0);
    const { maxStreamsPerClient: perClient, maxStreams: total } = this.limits;
    if (mine >= perClient || all >= total) {
      throw new MbError('MB_ERR_BUSY', `stream limit reached (${mine}/${perClient} for this client, ${all}/${total} in all); close a stream first`);
    }
  }
}
