import { performance } from 'node:perf_hooks';
import { toMbError } from '../core/errors';
import { log } from '../core/log';
import type { ModelLease } from '../models/registry';
import type { ControlView, StreamProcessorFactory, Warmth } from './types';

/** The rate and block a warm-up uses: the common live case; other rates only add a resampler. */
export const WARM_RATE = 48000;
export const WARM_BLOCK = 256;
/** Silence run through the warm-up processor, enough for every kind to emit frames. */
export const WARM_SECONDS = 0.3;

/**
 * Warms each model that live streams run on, as soon as it is loaded or swapped: builds one
 * stream processor on it (which builds what the kind shares between streams: a VQ runtime
 * with its decoded anchors, the first onnxruntime run of each graph) and runs it on a little
 * silence, yielding to the event loop between blocks. The first real stream then opens
 * without that cost. A warm-up that fails only says so (the model still serves); a model
 * swapped or unloaded meanwhile is warmed again for its new generation, or forgotten.
 *
 * @example
 * const warmer = new ModelWarmer({ factory: (kind) => processors.get(kind), acquire: (n) => registry.acquire(n), controls });
 * warmer.warm('vqvae-timbre', 'vqvae', 3);
 * await warmer.settled('vqvae-timbre');
 * warmer.state('vqvae-timbre'); // { state: 'warm', ms: 412 }
 */
export class ModelWarmer {
  private readonly entries = new Map<string, Warmth & { generation: number; done: Promise<void> }>();

  constructor(
    private readonly hooks: {
      factory(kind: string): StreamProcessorFactory | undefined;
      acquire(name: string): ModelLease;
      controls: ControlView;
      changed(name: string): void;
    },
  ) {}

  /** Starts warming `name` (generation `generation`) in the background. */
  warm(name: string, kind: string, generation: number): void {
    const factory = this.hooks.factory(kind);
    if (!factory) {
      this.entries.set(name, { state: 'none', generation, done: Promise.resolve() });
      return;
    }
    const entry: Warmth & { generation: number; done: Promise<void> } = { state: 'warming', generation, done: Promise.resolve() };
    entry.done = this.run(name, factory).then(
      (ms) => {
        if (this.entries.get(name) !== entry) return;
        entry.state = 'warm';
        entry.ms = ms;
        this.hooks.changed(name);
      },
      (err: unknown) => {
        if (this.entries.get(name) !== entry) return;
        entry.state = 'failed';
        entry.error = toMbError(err).toLine();
        log.warn(`warm-up of model ${name} failed (its first stream will pay for the set-up): ${entry.error}`);
        this.hooks.changed(name);
      },
    );
    this.entries.set(name, entry);
  }

  forget(name: string): void {
    this.entries.delete(name);
  }

  state(name: string): Warmth {
    const e = this.entries.get(name);
    return e ? { state: e.state, ...(e.ms !== undefined ? { ms: Math.round(e.ms) } : {}), ...(e.error ? { error: e.error } : {}) } : { state: 'none' };
  }

  /** Resolves when the current warm-up of `name` (or of every model) has ended, well or not. */
  async settled(name?: string): Promise<void> {
    const list = name ? [this.entries.get(name)] : [...this.entries.values()];
    await Promise.all(list.map((e) => e?.done));
  }

  private async run(name: string, factory: StreamProcessorFactory): Promise<number> {
    await yieldOnce();
    const start = performance.now();
    const lease = this.hooks.acquire(name);
    try {
      const processor = await factory({
        model: lease.model,
        manifest: lease.model.manifest,
        sampleRate: WARM_RATE,
        blockSize: WARM_BLOCK,
        clientId: '(warm-up)',
        streamId: 0,
        controls: this.hooks.controls,
      });
      try {
        const block = new Float32Array(WARM_BLOCK);
        const blocks = Math.ceil((WARM_SECONDS * WARM_RATE) / WARM_BLOCK);
        for (let i = 0; i < blocks; i++) {
          await processor.process(block);
          if (i % 8 === 7) await yieldOnce();
        }
      } finally {
        processor.dispose?.();
      }
    } finally {
      lease.release();
    }
    return performance.now() - start;
  }
}

const yieldOnce = () => new Promise<void>((resolve) => setImmediate(resolve));
