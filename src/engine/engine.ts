import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { checkArgValue } from '../core/arg-spec';
import { MbError, toMbError } from '../core/errors';
import { log } from '../core/log';
import type { ModelKind } from '../models/manifest';
import { verifyGraphFiles, type OnnxModel } from '../models/onnx-model';
import { ortStatus } from '../models/ort-backend';
import { checkModelName, ModelRegistry, type ModelInfo } from '../models/registry';
import { BundledLoads } from './bundled-loads';
import { FileFolder } from './files';
import { JobPool, type ModelGeneration } from './job-pool';
import { JobQueue, type JobRecord } from './jobs';
import { checkEngineOptions } from './checks';
import { BLOCK_SIZE, SAMPLE_RATE, SMOOTHING, STREAM_ID } from './limits';
import { HOST_QUEUE_FACTOR } from './host-protocol';
import { ModelHosts } from './model-hosts';
import { LiveStreams } from './live-streams';
import type { BlockFrame } from './stream';
import { StreamSet } from './stream-set';
import { ModelWarmer } from './warm';
import type {
  Control,
  ControlSpec,
  ControlView,
  EngineErrorEvent,
  EngineEvents,
  EngineOptions,
  EngineStatus,
  JobArgs,
  JobHandler,
  JobPathSpec,
  StreamProcessorFactory,
  StreamStatus,
} from './types';

export type { EngineOptions };

/**
 * The one facade every adapter calls (OSC/UDP, WebSocket, Node for Max): models by name,
 * live streams per client, offline jobs, and events ('params', 'vq', 'stream', 'model',
 * 'job', 'status', 'error'). It holds no transport logic.
 *
 * Live streams come first: audio blocks are queued per stream (bounded, drop-oldest) and
 * processed in order on the I/O thread; jobs run one at a time and yield every
 * `jobSliceMs`, so they never hold a block back for long.
 *
 * Why past 300 lines: it is one concept, the facade, and each method is a short delegation
 * (models to ModelRegistry, streams to LiveStreams (live-streams.ts: model hosts or StreamSet), jobs to JobQueue, checks to
 * checks.ts); splitting it would scatter the one public surface every adapter reads.
 *
 * @example
 * const engine = new Engine({ modelsDir: 'models' });
 * engine.registerStreamProcessor('mirrornet-stream', (ctx) => MirrorStreamProcessor.create(ctx.model, ctx.sampleRate));
 * engine.on('params', (f) => console.log(f.seq, f.names, f.normalized));
 * await engine.loadModel('mirrornet-stream');
 * await engine.openStream('max', 1, { sampleRate: 44100, blockSize: 512 });
 * engine.pushAudio('max', 1, block);
 * // The app's composition root does the registering: src/app/create.ts createEngine().
 */
export class Engine extends EventEmitter<EngineEvents> {
  static getDefaults(): EngineOptions {
    return {
      modelsDir: 'models',
      filesDir: 'files',
      maxStreams: 64,
      maxStreamsPerClient: 16,
      streamQueueBlocks: 32,
      jobQueueSize: 8,
      jobSliceMs: 4,
      intraOpThreads: 1,
      jobWorkers: 1,
      warmModels: true,
      jobNice: 0,
      liveNice: -10,
      modelHosts: false,
    };
  }

  readonly options: EngineOptions;
  readonly registry: ModelRegistry;
  readonly files: FileFolder;
  private readonly processors = new Map<string, StreamProcessorFactory>();
  private readonly jobHandlers = new Map<string, { handler: JobHandler; paths: JobPathSpec; models: readonly ModelKind[] }>();
  /** The live streams, in model hosts or on this thread. */
  private readonly live: LiveStreams;
  private readonly controlSpecs = new Map<string, ControlSpec<unknown, Control>>();
  /** client id → owner → that plug-in's snapshot of the client's controls. */
  private readonly controls = new Map<string, Map<string, unknown>>();
  private readonly jobs: JobQueue;
  private readonly pool: JobPool | undefined;
  /** Host threads running the live streams of each model (undefined: they run on this thread). */
  private readonly hosts: ModelHosts | undefined;
  /** Bumped on every load or swap of a name, so job workers know when their copy is stale. */
  private readonly generations = new Map<string, number>();
  private readonly started = Date.now();
  private disposed = false;
  /** The bundled models while they load: what needs them waits (loadBundled). */
  private readonly bundled: BundledLoads;
  /** Builds and runs one stream processor per loaded model, so the first stream opens at once. */
  private readonly warmer = new ModelWarmer({
    factory: (kind) => this.processors.get(kind),
    acquire: (name) => this.registry.acquire(name),
    controls: { get: () => undefined },
    changed: () => this.emitStatus(),
  });

  constructor(options: Partial<EngineOptions> = {}) {
    super();
    this.options = checkEngineOptions({ ...Engine.getDefaults(), ...options });
    this.files = new FileFolder(this.options.filesDir);
    const { jobWorkers, jobWorkerEntry, modelHostEntry, intraOpThreads } = this.options;
    const modelsDir = path.resolve(this.options.modelsDir);
    this.pool = jobWorkers > 0 && jobWorkerEntry
      ? JobPool.start({ entry: jobWorkerEntry, size: jobWorkers, data: { modelsDir, filesDir: this.files.root, intraOpThreads, jobNice: this.options.jobNice } })
      : undefined;
    this.hosts = modelHostEntry && this.options.modelHosts ? ModelHosts.create(modelHostEntry, { modelsDir, filesDir: this.files.root, intraOpThreads, warmModels: this.options.warmModels, liveNice: this.options.liveNice, streamQueueBlocks: HOST_QUEUE_FACTOR * this.options.streamQueueBlocks }, {
      params: (f) => this.emit('params', f),
      vq: (f) => this.emit('vq', f),
      error: (e) => this.reportError(e),
      controlsOf: (clientId) => [...(this.controls.get(clientId) ?? [])],
      lost: (clientId, streamId, model) => this.streamClosed(clientId, streamId, model, 'host-lost'),
    }, this.options.streamQueueBlocks) : undefined;
    // With hosts and job workers, no session is needed here: this thread keeps manifests only.
    this.registry = new ModelRegistry(modelsDir, { intraOpThreads, manifestOnly: this.hosts !== undefined && this.pool !== undefined });
    this.bundled = new BundledLoads(modelsDir);
    // A model live streams run on is loaded, checked and warmed in its new host; one of another
    // kind (jobs only: the job workers load it) has its graph files checked here, or is loaded here.
    if (this.hosts) this.registry.beforeCommit = (m) => (this.processors.has(m.manifest.kind) ? this.hosts!.prepare(m) : m.hasSessions ? Promise.resolve() : verifyGraphFiles(m.dir, m.manifest));
    this.jobs = new JobQueue(this.options.jobQueueSize, this.options.jobSliceMs, {
      registry: this.registry,
      files: this.files,
      emit: (e) => this.emit('job', e),
      remote: this.pool && {
        accepts: (job) => this.pool!.canRun(job.name),
        run: (job, progress) => this.runInWorker(job, progress),
      },
    }, this.pool?.size || 1);
    const local = new StreamSet({
      frame: (f) => {
        if (f.params) this.emit('params', f.params);
        if (f.vq) this.emit('vq', f.vq);
      },
      failed: (stream, err) => this.reportError({ clientId: stream.clientId, streamId: stream.id, error: toMbError(err) }),
    });
    const { streamQueueBlocks: queueBlocks, maxStreams, maxStreamsPerClient } = this.options;
    this.live = new LiveStreams(local, this.hosts, { queueBlocks, maxStreams, maxStreamsPerClient }, {
      acquire: (name) => this.registry.acquire(name),
      controlsOf: (clientId) => this.controlsOf(clientId),
      closed: (clientId, streamId, model, reason) => this.streamClosed(clientId, streamId, model, reason),
      error: (e) => this.reportError(e),
    });
    this.registry.on('loaded', (m: OnnxModel) => this.onModel(m.name, 'loaded', m));
    this.registry.on('swapped', (m: OnnxModel) => void this.onSwapped(m));
    this.registry.on('unloaded', (name: string) => this.onUnloaded(name));
  }

  // ── plug-ins ────────────────────────────────────────────────────────────────

  /** Makes streams possible for models of `kind` (e.g. 'mirrornet-stream', 'vqvae'). */
  registerStreamProcessor(kind: ModelKind | string, factory: StreamProcessorFactory): void {
    this.processors.set(kind, factory);
  }

  /**
   * Registers an offline job; `paths` names the file arguments the engine checks against the
   * files folder, `models` the model kinds it uses (a job worker loads the one it will use).
   */
  registerJob(name: string, handler: JobHandler, paths: JobPathSpec = {}, models: readonly ModelKind[] = []): void {
    this.jobHandlers.set(name, { handler, paths, models });
  }

  /** Registers the live controls of plug-in `owner`: setControl({ owner, ... }) goes to `spec`. */
  registerControls<S, C extends Control>(owner: string, spec: ControlSpec<S, C>): void {
    this.controlSpecs.set(owner, spec as unknown as ControlSpec<unknown, Control>);
  }

  // ── models ──────────────────────────────────────────────────────────────────

  listModels(): Promise<ModelInfo[]> {
    return this.registry.list();
  }

  /** Loads or hot-swaps a model by name; a failed load leaves the loaded one serving. */
  async loadModel(name: string): Promise<ModelInfo> {
    // A bundled model still loading: this load comes after it (a swap, not a second load at once).
    await this.bundled.model(checkModelName(name));
    return this.loadNow(name);
  }

  private async loadNow(name: string): Promise<ModelInfo> {
    await this.registry.load(checkModelName(name));
    // Answered once the model is warm (or its warm-up failed): the first stream opens at once.
    await this.warmer.settled(name);
    await this.hosts?.settled(name);
    return this.registry.info(name);
  }

  /** Resolves when every model's warm-up so far has ended (the server says ready after it). */
  async warmed(): Promise<void> {
    await this.warmer.settled();
    await this.hosts?.settled();
  }

  /**
   * Loads a server's bundled models one after another (their host threads start at once and
   * load side by side). Meanwhile the engine serves: a stream waits for its model's load (one
   * naming none, for those of the default kind), a job for all of them; so front doors may
   * listen before this resolves. A model that fails is reported and skipped.
   */
  loadBundled(names: readonly string[]): Promise<{ loaded: string[]; failed: string[] }> {
    const checked = names.map(checkModelName);
    // The default stream kind's models first, and their hosts alone at first: a client that
    // streams at once (a restarted bridge's performers) waits for those only, not for a start
    // of every host side by side on a few cores.
    const defaultKind = [...this.processors.keys()][0];
    const first = checked.filter((name) => this.bundled.kindOf(name) === defaultKind);
    const rest = checked.filter((name) => !first.includes(name));
    this.hosts?.startAhead(first);
    let restStarted = false;
    const load = (name: string) => {
      if (!restStarted && !first.includes(name)) {
        restStarted = true;
        this.hosts?.startAhead(rest.filter((n) => this.isLiveKind(n)));
      }
      return this.loadNow(name);
    };
    return this.bundled.run([...first, ...rest], load, (name, err) => log.warn(`model ${name} not loaded: ${err.message}`));
  }

  /** Whether the manifest of model folder `name` names a kind live streams run on (false when unreadable). */
  private isLiveKind(name: string): boolean {
    try {
      const manifest = JSON.parse(readFileSync(path.join(this.registry.dir, name, `${name}.json`), 'utf8')) as { kind?: unknown };
      return typeof manifest.kind === 'string' && this.processors.has(manifest.kind);
    } catch {
      return false;
    }
  }

  /** Unloads a model by name; its streams close with reason 'model-unloaded'. */
  async unloadModel(name: string): Promise<boolean> {
    return this.registry.unload(checkModelName(name));
  }

  // ── streams ─────────────────────────────────────────────────────────────────

  /**
   * Opens (or reopens) stream `streamId` of `clientId` on `model`, or on the first loaded
   * model whose kind has a processor. Loads a named model that is not loaded yet.
   */
  async openStream(clientId: string, streamId: number, opts: { sampleRate: number; blockSize: number; model?: string }): Promise<StreamStatus> {
    checkArgValue(STREAM_ID, streamId, 'stream id');
    const sampleRate = checkArgValue(SAMPLE_RATE, opts.sampleRate);
    const blockSize = checkArgValue(BLOCK_SIZE, opts.blockSize);
    const model = await this.streamModel(opts.model);
    const factory = this.processors.get(model.manifest.kind);
    if (!factory) {
      throw new MbError('MB_ERR_UNSUPPORTED', `model ${model.name} is a ${model.manifest.kind} model and no stream processor for that kind is registered (available: ${[...this.processors.keys()].join(', ') || 'none'})`);
    }
    const status = await this.live.open(clientId, streamId, { sampleRate, blockSize }, model, factory);
    this.emit('stream', { clientId, streamId, state: 'opened', model: model.name });
    this.emitStatus();
    return status;
  }

  /** Closes a stream; false when it was not open. */
  closeStream(clientId: string, streamId: number, reason = 'closed'): boolean {
    return this.live.close(clientId, streamId, reason);
  }

  /** Forgets a client: closes its streams, cancels its jobs, drops its controls. Returns streams closed. */
  closeClient(clientId: string, reason = 'bye'): number {
    const mine = this.live.ofClient(clientId);
    mine.forEach((s) => this.closeStream(clientId, s.id, reason));
    this.jobs.cancelClient(clientId);
    this.controls.delete(clientId);
    return mine.length;
  }

  /** Queues one audio block; frames come out as 'params'/'vq' events, in order. */
  pushAudio(clientId: string, streamId: number, samples: Float32Array, at: number = Date.now()): void {
    this.live.push(clientId, streamId, samples, at);
  }

  /**
   * Like pushAudio, and resolves with the frames of this block (empty if it was dropped);
   * `quiet`: they are not emitted as 'params'/'vq' events too (a model host answers them).
   */
  processBlock(clientId: string, streamId: number, samples: Float32Array, quiet = false): Promise<BlockFrame[]> {
    return this.live.processBlock(clientId, streamId, samples, quiet);
  }

  setSmoothing(clientId: string, streamId: number, amount: number): void {
    const value = checkArgValue(SMOOTHING, amount, 'smoothing');
    this.live.setSmoothing(clientId, streamId, value);
  }

  /**
   * Applies a live control: its owner's spec checks it and makes the client's new snapshot,
   * the client's streams are told (a processor may refuse it), then the snapshot is kept for
   * the client's streams and later jobs.
   */
  setControl<C extends Control>(clientId: string, control: C): void {
    const spec = this.controlSpecs.get(control?.owner);
    if (!spec) throw new MbError('MB_ERR_UNSUPPORTED', `no plug-in owns controls ${JSON.stringify(control?.owner)} (registered: ${[...this.controlSpecs.keys()].join(', ') || 'none'})`);
    let mine = this.controls.get(clientId);
    const next = spec.apply(mine?.get(control.owner) ?? spec.initial(), control);
    this.live.applyLocal(clientId, control);
    if (!mine) this.controls.set(clientId, (mine = new Map()));
    mine.set(control.owner, next);
    // Streams in host threads get it with the snapshots (a refusal there is an error event).
    this.live.applyHosted(clientId, control, [...mine]);
  }

  /**
   * Replaces a client's control snapshots with `snapshots` ([owner, snapshot] pairs, as another
   * engine kept them): a model host thread takes the main thread's this way.
   */
  restoreControls(clientId: string, snapshots: [string, unknown][]): void {
    if (snapshots.length === 0) this.controls.delete(clientId);
    else this.controls.set(clientId, new Map(snapshots));
  }

  hasStream(clientId: string, streamId: number): boolean {
    return this.live.has(clientId, streamId);
  }

  /** Resolves once every block queued on this thread's streams has been processed. */
  streamsIdle(): Promise<void> {
    return this.live.idle();
  }

  // ── jobs ────────────────────────────────────────────────────────────────────

  /**
   * Checks file arguments against the files folder, then queues the job with the client's
   * controls as they are now (or `controls`, the snapshot a job worker was sent).
   */
  async submitJob(clientId: string, name: string, args: JobArgs, controls?: ReadonlyMap<string, unknown>): Promise<{ id: number; position: number }> {
    const spec = this.jobHandlers.get(name);
    if (!spec) throw new MbError('MB_ERR_UNSUPPORTED', `no runtime is registered for job ${JSON.stringify(name)} (available: ${[...this.jobHandlers.keys()].join(', ') || 'none'})`);
    const resolved: JobArgs = { ...args };
    for (const [key, mode] of Object.entries(spec.paths)) {
      const value = args[key];
      if (value !== undefined) resolved[key] = await this.files.resolve(String(value), mode);
    }
    if (typeof args.model === 'string') checkModelName(args.model);
    await this.bundled.all();
    const frozen = new Map(controls ?? this.controls.get(clientId));
    const view: ControlView = { get: <S>(owner: string) => frozen.get(owner) as Readonly<S> | undefined };
    return this.jobs.submit({ name, clientId, args: resolved, controls: view, snapshot: [...frozen], handler: spec.handler });
  }

  cancelJob(id: number, clientId?: string): boolean {
    return this.jobs.cancel(id, clientId);
  }

  // ── status ──────────────────────────────────────────────────────────────────

  status(): EngineStatus {
    const streams = this.live.status();
    return {
      models: this.registry.loaded().map((m) => ({ ...this.registry.info(m.name), warm: this.hosts?.warmth(m.name) ?? this.warmer.state(m.name) })),
      streams,
      liveHosts: { threads: Object.keys(this.hosts?.threadIds() ?? {}).length, restarts: this.hosts?.restarts ?? 0 },
      droppedFrames: this.live.droppedClosed + streams.reduce((n, s) => n + s.dropped, 0),
      maxLatencySamples: streams.reduce((n, s) => Math.max(n, s.latencySamples), 0),
      jobs: {
        queued: this.jobs.queued,
        running: this.jobs.running,
        capacity: this.jobs.capacity,
        done: this.jobs.done,
        failed: this.jobs.failed,
        workers: this.pool?.readyCount ?? 0,
        workerRestarts: this.pool?.restartCount ?? 0,
      },
      streamKinds: [...this.processors.keys()],
      jobNames: [...this.jobHandlers.keys()],
      uptimeS: (Date.now() - this.started) / 1000,
      onnxruntime: ortStatus(),
    };
  }

  /** Closes every stream, stops jobs, unloads models. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    for (const s of this.live.status()) this.closeStream(s.clientId, s.id, 'shutdown');
    await this.jobs.stop();
    await Promise.all([this.pool?.dispose(), this.hosts?.dispose()]);
    await this.registry.dispose();
  }

  // ── internals ───────────────────────────────────────────────────────────────

  /** Emits 'error' only when someone listens: an engine never throws into the event loop. */
  reportError(event: EngineErrorEvent): void {
    if (this.listenerCount('error') > 0) this.emit('error', event);
    else log.warn(`${event.error.toLine()}${event.clientId ? ` (client ${event.clientId})` : ''}`);
  }

  private async streamModel(name?: string): Promise<OnnxModel> {
    if (name !== undefined) {
      await this.bundled.model(checkModelName(name));
      return this.registry.get(name) ?? (await this.registry.load(name));
    }
    // the first kind registered that has a loaded model (mirrornet-stream before a learned
    // plant model or vqvae), so adding a model to the folder does not change the default by its name
    await this.bundled.kinds([...this.processors.keys()], new Set(this.registry.loaded().map((m) => m.manifest.kind)));
    const loaded = this.registry.loaded();
    const kinds = [...this.processors.keys()];
    const model = kinds.map((k) => loaded.find((m) => m.manifest.kind === k)).find((m) => m !== undefined) ?? loaded[0];
    if (!model) throw new MbError('MB_ERR_UNKNOWN_MODEL', 'no model is loaded; load one with /mb/models/load or name it in /mb/stream/open');
    return model;
  }

  /** A live view of the client's control snapshots (a processor reads the latest on each block). */
  private controlsOf(clientId: string): ControlView {
    return { get: <S>(owner: string) => this.controls.get(clientId)?.get(owner) as Readonly<S> | undefined };
  }

  /**
   * Hands a job to a worker with the model it will use: the one it names or the first loaded
   * model of its kinds, named explicitly so the worker picks the same one.
   */
  private runInWorker(job: JobRecord, progress: (fraction: number) => void): Promise<unknown> {
    const kinds = this.jobHandlers.get(job.name)?.models ?? [];
    const named = typeof job.args.model === 'string' ? job.args.model : undefined;
    const use = named ?? this.registry.loaded().find((m) => kinds.includes(m.manifest.kind))?.name;
    const generation = use === undefined ? undefined : this.generations.get(use);
    const model: ModelGeneration | undefined = use !== undefined && generation !== undefined && this.registry.get(use) ? { name: use, generation } : undefined;
    const args = model && !named ? { ...job.args, model: model.name } : job.args;
    return this.pool!.run({ ...job, args }, model, this.registry.loaded().map((m) => m.name), progress);
  }

  private onModel(name: string, state: 'loaded' | 'swapped' | 'unloaded', model?: OnnxModel): void {
    if (state !== 'unloaded') this.generations.set(name, (this.generations.get(name) ?? 0) + 1);
    if (model && state !== 'unloaded') this.hosts?.commit(model);
    if (model && state !== 'unloaded' && this.options.warmModels && !this.hosts) this.warmer.warm(name, model.manifest.kind, this.generations.get(name) ?? 0);
    else this.warmer.forget(name);
    // Job workers load what jobs will use as soon as the main registry has it.
    if (model && state !== 'unloaded' && this.pool && [...this.jobHandlers.values()].some((j) => j.models.includes(model.manifest.kind))) {
      this.pool.preload({ name, generation: this.generations.get(name) ?? 0 });
    } else if (state === 'unloaded') this.pool?.forget(name);
    this.emit('model', { name, state, kind: model?.manifest.kind, version: model?.manifest.version });
    this.emitStatus();
  }

  /** Rebuilds the processors of streams on a swapped model; a stream whose rebuild fails keeps the old one. */
  private async onSwapped(model: OnnxModel): Promise<void> {
    this.onModel(model.name, 'swapped', model);
    const factory = this.processors.get(model.manifest.kind);
    if (!factory) return;
    await this.live.rebuild(model, factory);
  }

  private onUnloaded(name: string): void {
    for (const s of this.live.ofModel(name)) this.closeStream(s.clientId, s.id, 'model-unloaded');
    this.hosts?.drop(name);
    this.onModel(name, 'unloaded');
  }

  private streamClosed(clientId: string, streamId: number, model: string, reason: string): void {
    this.emit('stream', { clientId, streamId, state: 'closed', model, reason });
    this.emitStatus();
  }

  private emitStatus(): void {
    if (this.listenerCount('status') > 0) this.emit('status', this.status());
  }
}
