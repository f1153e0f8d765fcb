import { existsSync } from 'node:fs';
import { BoundedQueue } from '../core/bounded-queue';
import { MbError, toMbError } from '../core/errors';
import { log } from '../core/log';
import type { OnnxModel } from '../models/onnx-model';
import { HostLink } from './host-link';
import type { ControlSnapshots, FromHost, ModelHostData } from './host-protocol';
import { HostedStreams, type Held, type HostedStream } from './hosted-streams';
import type { BlockFrame } from './stream';
import { checkBlock } from './stream-set';
import type { Control, EngineErrorEvent, ParamsFrame, StreamStatus, VqFrame, Warmth } from './types';

/**
 * Model hosts: each loaded model that live streams run on gets a thread of its own
 * (`worker_threads`, src/engine/model-host.ts) with its own onnxruntime sessions, where its
 * streams are processed. The main thread keeps manifests and routing, so nothing a model does
 * (a load, a check, a warm-up, an inference) holds up the front doors or another model's streams.
 *
 * - A load starts a host for the new model and waits until it has loaded, checked and warmed
 *   it (the engine sends only models of kinds live streams run on; a host that finds its
 *   model's kind has no stream processor there ends once the model is checked).
 * - A hot swap starts the new host beside the old one; once it is warm, each stream is opened
 *   there with the same settings, and blocks move between two hops: those sent before the cut
 *   are processed by the old host (flushed), those after by the new one, so frames stay in
 *   order and their sequence numbers continue. The old host then ends.
 * - A host that dies is started again and its streams are reopened there; each client gets one
 *   MB_ERR_INTERNAL per stream, and its blocks wait (bounded, drop-oldest, counted) meanwhile.
 * - Hosts end themselves when asked (never torn down inside native code: worker-end.ts).
 *
 * @example
 * const hosts = ModelHosts.create(entry, { modelsDir, filesDir, intraOpThreads: 1 }, hooks, 32);
 * registry.beforeCommit = (m) => hosts.prepare(m);   // load + warm in a new thread
 * registry.on('swapped', (m) => hosts.commit(m));     // cut over between two hops
 * await hosts.open('max', 1, { sampleRate: 48000, blockSize: 256, model: 'mirrornet-stream' });
 * hosts.push('max', 1, block, Date.now());            // frames arrive through hooks.params
 */
export interface ModelHostsHooks {
  params(frame: ParamsFrame): void;
  vq(frame: VqFrame): void;
  error(event: EngineErrorEvent): void;
  /** The client's control snapshots, for a stream opened on a host. */
  controlsOf(clientId: string): ControlSnapshots;
  /** A stream the hosts could not keep (its host could not be started again). */
  lost(clientId: string, id: number, model: string): void;
}

/** Consecutive failed restarts after which a model's host is given up. */
const MAX_RESTARTS = 3;
/** Longest a swap waits for the old host to finish the blocks sent before the cut. */
const FLUSH_WAIT_MS = 2000;

export class ModelHosts {
  private readonly hosts = new Map<string, HostLink>();
  private readonly prepared = new Map<OnnxModel, HostLink>();
  /** Hosts started ahead of their load (a server's bundled models, all at once). */
  private readonly spares = new Map<string, HostLink>();
  private readonly streams: HostedStreams;
  private readonly settling = new Map<string, Promise<void>>();
  /** Host threads started again after they died. */
  restarts = 0;
  private disposed = false;

  private constructor(
    private readonly entry: string,
    private readonly data: Omit<ModelHostData, 'model'>,
    private readonly hooks: ModelHostsHooks,
    private readonly queueBlocks: number,
  ) {
    this.streams = new HostedStreams(hooks);
  }

  /** Blocks dropped by hosted streams that have closed since. */
  get droppedClosed(): number {
    return this.streams.droppedClosed;
  }

  /** The hosts, or undefined (with one warning) when the compiled entry is missing. */
  static create(entry: string, data: Omit<ModelHostData, 'model'>, hooks: ModelHostsHooks, queueBlocks: number): ModelHosts | undefined {
    if (!existsSync(entry)) {
      log.warn(`model host threads unavailable (no ${entry}; run npm run build): live streams run on the main thread`);
      return undefined;
    }
    return new ModelHosts(entry, data, hooks, queueBlocks);
  }

  get size(): number {
    return this.streams.size;
  }

  // ── models ──────────────────────────────────────────────────────────────────

  /**
   * Starts the hosts of models about to be loaded one after another, so that they load and warm
   * side by side; each load then takes its own (the load order, and so the models' order, stays).
   */
  startAhead(names: readonly string[]): void {
    for (const name of names) if (!this.spares.has(name)) this.spares.set(name, this.spawn(name));
  }

  /** Starts a host for `model` (or takes the one started ahead) and waits until it has loaded and warmed it; throws what the load threw. */
  async prepare(model: OnnxModel): Promise<void> {
    const host = this.spares.get(model.name) ?? this.spawn(model.name);
    this.spares.delete(model.name);
    let ready;
    try {
      ready = await host.ready;
    } catch (err) {
      void host.stop();
      throw toMbError(err, 'MB_ERR_MODEL_LOAD');
    }
    // A kind no stream runs on: checked, nothing to keep.
    if (!ready.live) void host.stop();
    else this.prepared.set(model, host);
  }

  /** The prepared host of `model` starts serving its name; streams on the previous host move to it. */
  commit(model: OnnxModel): void {
    const host = this.prepared.get(model);
    if (!host) return;
    this.prepared.delete(model);
    const old = this.hosts.get(model.name);
    this.hosts.set(model.name, host);
    host.post({ type: 'live' });
    if (old) this.track(model.name, this.cutOver(old, host));
  }

  /** Resolves once the swaps of `name` (or of every model) so far have landed. */
  async settled(name?: string): Promise<void> {
    await Promise.all(name ? [this.settling.get(name)] : [...this.settling.values()]);
  }

  /** Ends the host of an unloaded model (the engine closes its streams first). */
  drop(name: string): void {
    const host = this.hosts.get(name);
    this.hosts.delete(name);
    void host?.stop();
  }

  /** Whether streams on `name` run in a host. */
  serves(name: string): boolean {
    return this.hosts.has(name);
  }

  warmth(name: string): Warmth | undefined {
    return this.hosts.get(name)?.warm;
  }

  /** The host threads' ids by model (tests check restarts and that streams left the main thread). */
  threadIds(): Record<string, number> {
    return Object.fromEntries([...this.hosts].map(([name, h]) => [name, h.threadId]));
  }

  // ── streams ─────────────────────────────────────────────────────────────────

  has(clientId: string, id: number): boolean {
    return this.streams.get(clientId, id) !== undefined;
  }

  ofClient(clientId: string): { id: number; model: string }[] {
    return this.streams.all().filter((s) => s.clientId === clientId);
  }

  ofModel(name: string): { clientId: string; id: number }[] {
    return this.streams.all().filter((s) => s.model === name);
  }

  /** Opens a stream on the host of `model` (replacing one with the same id, on whichever host). */
  async open(clientId: string, id: number, opts: { sampleRate: number; blockSize: number; model: string }): Promise<StreamStatus> {
    const host = this.hosts.get(opts.model);
    if (!host) throw new MbError('MB_ERR_UNKNOWN_MODEL', `model ${opts.model} has no host thread (it is not loaded)`);
    const status = await host.request<StreamStatus>({ type: 'open', clientId, id, sampleRate: opts.sampleRate, blockSize: opts.blockSize, smoothing: 0, controls: this.hooks.controlsOf(clientId) });
    const previous = this.streams.get(clientId, id);
    // The host replaced a stream of the same id itself; one on another host is closed there.
    if (previous) this.streams.forget(previous, previous.host !== host);
    const stream: HostedStream = { clientId, id, model: opts.model, sampleRate: opts.sampleRate, blockSize: opts.blockSize, smoothing: 0, host, base: 0, nextSeq: 0, droppedBefore: 0, status };
    // A swap that started meanwhile has moved the others: this one moves by itself.
    if (this.hosts.get(opts.model) !== host) this.track(opts.model, this.move([stream], host, this.hosts.get(opts.model)!));
    this.streams.add(stream);
    return this.streams.statusOf(stream);
  }

  /** Closes a stream; false when it was not open. */
  close(clientId: string, id: number): boolean {
    const stream = this.streams.get(clientId, id);
    if (!stream) return false;
    this.streams.forget(stream, true);
    return true;
  }

  /** Sends a block to the stream's host (a copy, transferred: the caller keeps its array). */
  push(clientId: string, id: number, samples: Float32Array, at: number): void {
    const stream = this.streams.require(clientId, id);
    const copy = checkBlock(samples).slice();
    this.streams.send(stream, { send: (h) => h.post({ type: 'block', clientId, id, samples: copy, at }, [copy.buffer]), drop: () => undefined });
  }

  /** Like push, resolving with the frames of this block (empty when it was dropped). */
  processBlock(clientId: string, id: number, samples: Float32Array): Promise<BlockFrame[]> {
    const stream = this.streams.require(clientId, id);
    const copy = checkBlock(samples).slice();
    return new Promise((resolve) => {
      this.streams.send(stream, {
        send: (host) => {
          host.request<BlockFrame[]>({ type: 'block', clientId, id, samples: copy, at: Date.now() }, [copy.buffer]).then(
            (frames) => this.streams.accept(host, stream, frames, resolve),
            (err: unknown) => {
              this.hooks.error({ clientId, streamId: id, error: toMbError(err) });
              resolve([]);
            },
          );
        },
        drop: () => resolve([]),
      });
    });
  }

  setSmoothing(clientId: string, id: number, amount: number): void {
    const stream = this.streams.require(clientId, id);
    stream.smoothing = amount;
    this.streams.send(stream, { send: (h) => h.post({ type: 'smoothing', clientId, id, amount }), drop: () => undefined });
  }

  /** Tells the hosts with a stream of the client about a control; a refusal there comes back as an error event. */
  control(clientId: string, control: Control, snapshots: ControlSnapshots): void {
    for (const s of this.streams.all()) {
      if (s.clientId !== clientId) continue;
      this.streams.send(s, { send: (h) => h.post({ type: 'control', clientId, control, snapshots }), drop: () => undefined });
    }
  }

  status(): StreamStatus[] {
    return this.streams.all().map((s) => this.streams.statusOf(s));
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    const all = [...this.hosts.values(), ...this.prepared.values(), ...this.spares.values()];
    this.hosts.clear();
    this.prepared.clear();
    this.spares.clear();
    this.streams.clear();
    await Promise.all(all.map((h) => h.stop()));
  }

  // ── internals ───────────────────────────────────────────────────────────────

  private spawn(model: string): HostLink {
    return new HostLink(this.entry, { ...this.data, model }, (h, m) => this.onMessage(h, m), (h, c) => this.onExit(h, c));
  }

  private track(name: string, work: Promise<void>): void {
    const before = this.settling.get(name) ?? Promise.resolve();
    const next = Promise.all([before, work.catch((err: unknown) => log.warn(`model ${name}: ${toMbError(err).message}`))]).then(() => undefined);
    this.settling.set(name, next);
  }

  private onMessage(host: HostLink, m: FromHost): void {
    switch (m.type) {
      case 'params':
      case 'vq': {
        const s = this.streams.get(m.frame.clientId, m.frame.streamId);
        if (s) this.streams.accept(host, s, [m.type === 'params' ? { params: m.frame } : { vq: m.frame }]);
        return;
      }
      case 'error':
        this.hooks.error({ clientId: m.clientId, streamId: m.streamId, error: new MbError(m.code, m.message) });
        return;
      case 'stats':
        for (const st of m.streams) {
          const s = this.streams.get(st.clientId, st.id);
          if (s && s.host === host) s.status = st;
        }
        return;
      default:
    }
  }

  /** Moves the streams of `old` to `next` (a swap), then ends `old` once no stream is left on it. */
  private async cutOver(old: HostLink, next: HostLink): Promise<void> {
    await this.move(this.streams.onHost(old), old, next);
    if (this.streams.onHost(old).length === 0) await old.stop();
  }

  /**
   * Moves `streams` from `from` to `to` between two hops: each is opened on `to` and its blocks
   * go there from then on (those held while a dead host was replaced first); `from`, when alive,
   * finishes what it was sent (flush) while the frames of `to` wait, then those follow with the
   * next sequence numbers. No block waits for the old host: the new one works meanwhile.
   */
  private async move(streams: HostedStream[], from: HostLink, to: HostLink): Promise<void> {
    const moving: HostedStream[] = [];
    const alive = from.worker.threadId >= 0;
    for (const s of streams) {
      try {
        const status = await to.request<StreamStatus>({ type: 'open', clientId: s.clientId, id: s.id, sampleRate: s.sampleRate, blockSize: s.blockSize, smoothing: s.smoothing, controls: this.hooks.controlsOf(s.clientId) });
        if (!this.streams.isOpen(s)) {
          this.streams.closeOn(to, s);
          continue;
        }
        s.droppedBefore += s.status.dropped;
        s.status = { ...status, dropped: 0 };
        s.host = to;
        if (alive) {
          s.leaving = from;
          s.early = new BoundedQueue(4 * this.queueBlocks, (e) => e.done?.([]));
        } else s.base = s.nextSeq;
        const held = s.held?.drain() ?? [];
        s.held = undefined;
        held.forEach((h) => h.send(to));
        moving.push(s);
      } catch (err) {
        // It stays where it is (a swap) or is lost (a restart).
        this.hooks.error({ clientId: s.clientId, streamId: s.id, error: toMbError(err) });
        if (!alive) this.lose(s);
      }
    }
    if (!alive) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([from.request({ type: 'flush' }).catch(() => undefined), new Promise((r) => (timer = setTimeout(r, FLUSH_WAIT_MS)))]);
    clearTimeout(timer);
    for (const s of moving) {
      this.streams.closeOn(from, s);
      if (s.leaving !== from) continue;
      s.leaving = undefined;
      s.base = s.nextSeq;
      const early = s.early?.drain() ?? [];
      s.early = undefined;
      for (const e of early) (e.done ?? (() => undefined))(this.streams.isOpen(s) ? this.streams.forward(s, e.frames) : []);
    }
  }

  private lose(s: HostedStream): void {
    if (!this.streams.isOpen(s)) return;
    this.close(s.clientId, s.id);
    this.hooks.lost(s.clientId, s.id, s.model);
  }

  /** A host that stopped by itself: started again, its streams reopened there; each client is told once. */
  private onExit(host: HostLink, code: number): void {
    if (host.stopping || this.disposed) return;
    const name = [...this.hosts].find(([, h]) => h === host)?.[0];
    if (!name) return;
    const orphans = this.streams.onHost(host);
    for (const s of orphans) {
      s.held ??= new BoundedQueue<Held>(this.queueBlocks, (h) => h.drop());
      this.hooks.error({ clientId: s.clientId, streamId: s.id, error: new MbError('MB_ERR_INTERNAL', `the host thread of model ${name} stopped (exit code ${code}); stream ${s.id} goes on in a new one, its blocks wait meanwhile`) });
    }
    this.restart(name, orphans, host, 0);
  }

  /** Starts a new host for `name` and moves `orphans` (streams of the dead host `from`) there. */
  private restart(name: string, orphans: HostedStream[], from: HostLink, failures: number): void {
    const open = orphans.filter((s) => this.streams.isOpen(s));
    if (failures >= MAX_RESTARTS) {
      log.error(`the host thread of model ${name} could not be started again (${failures} tries); its streams are closed`);
      this.hosts.delete(name);
      open.forEach((s) => this.lose(s));
      return;
    }
    log.warn(`starting the host thread of model ${name} again`);
    this.restarts++;
    const next = this.spawn(name);
    this.hosts.set(name, next);
    this.track(name, next.ready.then(
      () => {
        next.post({ type: 'live' });
        return this.move(open, from, next);
      },
      (err: Error) => {
        void next.stop();
        log.error(`model ${name} could not be started again: ${err.message}`);
        if (this.hosts.get(name) === next && !this.disposed) this.restart(name, open, from, failures + 1);
      },
    ));
  }
}
