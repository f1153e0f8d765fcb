import type { MbError } from '../core/errors';
import type { Hz, Samples } from '../core/units';
import type { ModelKind, ModelManifest } from '../models/manifest';
import type { OnnxModel } from '../models/onnx-model';
import type { OrtStatus } from '../models/ort-backend';
import type { ModelInfo } from '../models/registry';

/**
 * The plug-in contracts of the engine: stream processors (MirrorNet stream inference, the
 * VQ runtime) and job handlers (infer, resynth, vq) are written elsewhere and registered
 * with `engine.registerStreamProcessor(kind, factory)` and `engine.registerJob(name, handler)`.
 */

/**
 * A live control a client sets (e.g. a VQ deformation). The engine knows only `owner`, the
 * plug-in that registered the control with `engine.registerControls(owner, spec)`; the rest
 * belongs to that plug-in.
 */
export interface Control {
  readonly owner: string;
}

/**
 * How a plug-in keeps one client's controls: a snapshot per client, replaced (never changed in
 * place) by each control. `apply` checks the control and throws MbError to refuse it.
 */
export interface ControlSpec<S = unknown, C extends Control = Control> {
  initial(): S;
  apply(state: S, control: C): S;
}

/** Read access to one client's control snapshots, by owner (live for streams, frozen for jobs). */
export interface ControlView {
  get<S>(owner: string): Readonly<S> | undefined;
}

export interface EngineOptions {
  /** Folder holding models/<name>/. */
  modelsDir: string;
  /** The only folder offline jobs may read and write. */
  filesDir: string;
  maxStreams: number;
  maxStreamsPerClient: number;
  /** Input blocks waiting per stream before the oldest is dropped. */
  streamQueueBlocks: number;
  /** Jobs waiting before submissions are refused (MB_ERR_BUSY). */
  jobQueueSize: number;
  /** Longest a job runs between yields to the event loop. */
  jobSliceMs: number;
  /** onnxruntime threads per inference. */
  intraOpThreads: number;
  /** Job worker threads (0: jobs run on the main thread, between live blocks). */
  jobWorkers: number;
  /**
   * Warm each model live streams run on when it loads (default true): its first stream then
   * opens without building the kind's shared state. false is for comparing (the bench).
   */
  warmModels: boolean;
  /**
   * Linux: the nice value (0-19) job worker threads take, so that the live thread wins the CPU
   * when the cores are short (default 0: jobs at the live thread's priority; a live rig on few
   * cores may set 5-10, at the price of slower jobs when other programs load the machine).
   */
  jobNice: number;
  /**
   * Linux: the nice value (-20-0) a model host thread takes once it serves live streams (after
   * its load and warm-up, which run at the process's priority), so that live blocks win the CPU
   * from jobs, loads and other programs. Linux grants it only to a process with the right (root,
   * CAP_SYS_NICE or RLIMIT_NICE); without it the host stays as it is. Default -10; 0: off.
   */
  liveNice: number;
  /**
   * The compiled job worker entry (the composition root's src/app/job-worker.ts). Without it
   * jobs run on the main thread whatever `jobWorkers` says.
   */
  jobWorkerEntry?: string;
  /**
   * Run each model's live streams in a model host thread of its own (src/engine/model-hosts.ts;
   * needs `modelHostEntry`). `serve` turns it on (`--no-model-hosts`: off); the engine's own
   * default is off, so an embedding (tests, Node for Max) opts in (docs/threads.md).
   */
  modelHosts: boolean;
  /**
   * The compiled model host entry (the composition root's src/app/model-host-worker.ts). With
   * it, each model live streams run on gets a thread of its own (src/engine/model-hosts.ts);
   * without it live streams run on this thread.
   */
  modelHostEntry?: string;
}

/** What a processor is built with when a stream opens (prepare: allocate here, not per block). */
export interface StreamProcessorContext {
  model: OnnxModel;
  manifest: ModelManifest;
  sampleRate: Hz;
  /** The block size the client announced; blocks of other lengths may still arrive. */
  blockSize: Samples;
  clientId: string;
  streamId: number;
  /** The client's controls, read live (each read sees the latest snapshot). */
  controls: ControlView;
}

/** One output frame of a processor. Parameter arrays follow the manifest's params order. */
export interface StreamOutput {
  /** Normalized parameters. */
  params?: Float32Array;
  /** Parameters in units; computed from the manifest mapping when absent. */
  units?: Float32Array;
  codes?: Int32Array;
  latent?: Float32Array;
  /** Audio the processor sends back to the client (at the stream's sample rate), e.g. decoded VQ frames. */
  audio?: Float32Array;
}

/**
 * A live stream's processing. `process` receives each block in order and returns the frames
 * completed by it (zero or more). It runs on the I/O thread: keep it short.
 */
export interface StreamProcessor {
  /** Algorithmic latency in samples (analysis window, look-ahead). */
  readonly latencySamples: Samples;
  /** Where that latency comes from, by part (samples at the stream's rate), when the processor knows. */
  readonly latencyParts?: Readonly<Record<string, Samples>>;
  process(block: Float32Array): StreamOutput[] | Promise<StreamOutput[]>;
  /** Applies a live control; throws MbError (e.g. MB_ERR_BAD_TARGET) to refuse it. */
  setControl?(control: Control): void;
  dispose?(): void;
}

export type StreamProcessorFactory = (ctx: StreamProcessorContext) => StreamProcessor | Promise<StreamProcessor>;

/** Arguments of a job; file arguments arrive as absolute paths already checked against the files folder. */
export type JobArgs = Record<string, string | number | undefined>;

export interface JobContext {
  readonly id: number;
  readonly clientId: string;
  readonly signal: AbortSignal;
  /** The submitting client's controls as they were when the job was submitted. */
  readonly controls: ControlView;
  /** A loaded model (by name, or the first loaded one of `kinds`), held until the job ends. */
  model(name?: string, kinds?: readonly ModelKind[]): OnnxModel;
  progress(fraction: number): void;
  /**
   * Call between chunks of work: yields to the event loop once the time slice is used up,
   * so live streams are served; rejects with JobCancelled once the job is cancelled.
   */
  checkpoint(): Promise<void>;
  /** Checks another path against the files folder (MB_ERR_PATH outside it). */
  resolveFile(file: string, mode: 'read' | 'write'): Promise<string>;
}

export type JobHandler = (args: JobArgs, ctx: JobContext) => Promise<unknown>;

/** Which job arguments are files, and whether they are read or written. */
export type JobPathSpec = Record<string, 'read' | 'write'>;

export interface ParamsFrame {
  clientId: string;
  streamId: number;
  model: string;
  seq: number;
  /** Wall-clock time (ms since the epoch) the block completing the frame arrived. */
  time: number;
  names: readonly string[];
  normalized: Float32Array;
  units: Float32Array;
}

export interface VqFrame {
  clientId: string;
  streamId: number;
  model: string;
  seq: number;
  time: number;
  codes?: Int32Array;
  latent?: Float32Array;
  /** Audio returned to the client, at the stream's sample rate. */
  audio?: Float32Array;
}

export interface StreamEvent {
  clientId: string;
  streamId: number;
  state: 'opened' | 'closed';
  model: string;
  reason?: string;
}

export interface JobEvent {
  id: number;
  name: string;
  clientId: string;
  state: 'queued' | 'running' | 'progress' | 'done' | 'failed' | 'cancelled';
  position?: number;
  progress?: number;
  result?: unknown;
  error?: MbError;
}

export interface ModelEvent {
  name: string;
  state: 'loaded' | 'swapped' | 'unloaded';
  kind?: ModelKind;
  version?: string;
}

export interface EngineErrorEvent {
  clientId?: string;
  streamId?: number;
  error: MbError;
}

export interface StreamStatus {
  clientId: string;
  id: number;
  model: string;
  kind: ModelKind;
  sampleRate: Hz;
  blockSize: Samples;
  /** Algorithmic latency plus the samples waiting in the input queue. */
  latencySamples: Samples;
  /** The same, split: the processor's algorithmic latency (by part where it says), and the queue's. */
  latencySplit: { algorithmic: Samples; queued: Samples; parts?: Readonly<Record<string, Samples>> };
  queuedBlocks: number;
  dropped: number;
  frames: number;
  smoothing: number;
  computeMs: { last: number; mean: number; max: number };
}

/** How a loaded model stands for its first stream: built and run once on silence, or not. */
export type WarmState = 'warming' | 'warm' | 'failed' | 'none';

export interface Warmth {
  state: WarmState;
  /** How long the warm-up took (ms), once done. */
  ms?: number;
  error?: string;
}

export interface EngineStatus {
  /** The loaded models, each with how it stands for its first stream (see src/engine/warm.ts). */
  models: (ModelInfo & { warm: Warmth })[];
  streams: StreamStatus[];
  /** Model host threads running live streams (0: they run on the main thread), and how many were restarted after dying. */
  liveHosts: { threads: number; restarts: number };
  /** Input blocks dropped on every stream so far (closed ones included). */
  droppedFrames: number;
  maxLatencySamples: Samples;
  jobs: {
    queued: number;
    running: number;
    capacity: number;
    done: number;
    failed: number;
    /** Job worker threads ready (0: jobs run on the main thread). */
    workers: number;
    /** Workers replaced after a crash, a kill or a stuck cancellation. */
    workerRestarts: number;
  };
  streamKinds: string[];
  jobNames: string[];
  uptimeS: number;
  /** Which onnxruntime runs the models: native (onnxruntime-node) or wasm (onnxruntime-web), and why. */
  onnxruntime: OrtStatus;
}

export interface EngineEvents {
  params: [ParamsFrame];
  vq: [VqFrame];
  stream: [StreamEvent];
  model: [ModelEvent];
  job: [JobEvent];
  status: [EngineStatus];
  error: [EngineErrorEvent];
}
