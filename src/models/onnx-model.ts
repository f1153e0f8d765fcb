import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type * as ort from 'onnxruntime-node';
import { MbError } from '../core/errors';
import type { GraphSpec, ModelManifest, TensorSpec } from './manifest';
import { NativeSession } from './native-session';
import { ortBackend, ortModule, prepareWasm, type OrtBackend } from './ort-backend';

export type Feeds = Record<string, ort.Tensor>;
export type Fetches = Record<string, ort.Tensor>;

export interface OnnxModelOptions {
  /** Threads per graph for one inference. 1 keeps many live streams from fighting over 2 cores. */
  intraOpThreads: number;
  /** Check each graph file against the manifest's sha256 before loading it. */
  verifyHash: boolean;
  /**
   * Graphs that `run` executes synchronously through onnxruntime-node's native session
   * (src/models/native-session.ts): small graphs run once per block of a live stream, where
   * the public run()'s turn of the event loop costs a large share of the call. Each also
   * keeps its public session (a second copy of its weights).
   */
  syncGraphs: string[];
  /**
   * Which onnxruntime runs the graphs (src/models/ort-backend.ts). Default: the thread's
   * backend, chosen once (native when onnxruntime-node's binding loads, else wasm;
   * MB_ORT_BACKEND forces one). The parity tests and the bench load a model on each.
   */
  backend?: OrtBackend;
}

/**
 * One loaded model: an onnxruntime InferenceSession per graph (onnxruntime-node's native
 * backend, or onnxruntime-web's wasm backend where that cannot load), checked against the
 * manifest at load time (sha256 → MB_ERR_MODEL_LOAD; names, dtypes, ranks and fixed dims →
 * MB_ERR_MODEL_SHAPE). A model that fails to load leaves nothing open behind it.
 *
 * Note: onnxruntime-node's `run()` executes synchronously inside a setImmediate; callers on
 * the I/O path should keep graphs small or batch work between yields.
 *
 * @example
 * const model = await OnnxModel.load('models/mirror-small', manifest);
 * const out = await model.run('encoder', { features: new ort.Tensor('float32', data, [1, 64, 10]) });
 * await model.dispose();
 */
export class OnnxModel {
  static getDefaults(): OnnxModelOptions {
    return { intraOpThreads: 1, verifyHash: true, syncGraphs: [] };
  }

  private disposed = false;
  private inFlight = 0;
  private idle: (() => void)[] = [];

  private constructor(
    readonly dir: string,
    readonly manifest: ModelManifest,
    private readonly sessions: Map<string, ort.InferenceSession>,
    private readonly native: Map<string, NativeSession>,
    /** The onnxruntime backend running this model's graphs. */
    readonly backend: OrtBackend,
  ) {}

  get name(): string {
    return this.manifest.name;
  }

  get graphNames(): string[] {
    return [...this.sessions.keys()];
  }

  /** False for a manifest-only model (its sessions live in another thread). */
  get hasSessions(): boolean {
    return this.sessions.size > 0;
  }

  /**
   * A model known by its manifest only, with no session here: the engine's main thread holds
   * these when the models run in model host threads (src/engine/model-hosts.ts), so that no
   * load, check or inference there can hold up the front doors. `run` refuses.
   */
  static manifestOnly(dir: string, manifest: ModelManifest): OnnxModel {
    return new OnnxModel(dir, manifest, new Map(), new Map(), ortBackend().backend);
  }

  static async load(dir: string, manifest: ModelManifest, options: Partial<OnnxModelOptions> = {}): Promise<OnnxModel> {
    const opts = { ...OnnxModel.getDefaults(), ...options };
    const backend = opts.backend ?? ortBackend().backend;
    if (backend === 'wasm') prepareWasm(opts.intraOpThreads);
    const sessions = new Map<string, ort.InferenceSession>();
    const native = new Map<string, NativeSession>();
    try {
      for (const [graph, spec] of Object.entries(manifest.graphs)) {
        const bytes = await readGraph(dir, graph, spec, opts.verifyHash);
        const session = await createSession(bytes, graph, opts.intraOpThreads, backend);
        sessions.set(graph, session);
        checkGraph(session, graph, spec);
        // The wasm backend has no synchronous run: its graphs keep the public run().
        if (backend === 'native' && opts.syncGraphs.includes(graph)) {
          const twin = NativeSession.tryLoad(bytes, sessionOptions(opts.intraOpThreads), session.outputNames);
          if (twin) native.set(graph, twin);
        }
      }
    } catch (err) {
      native.forEach((s) => s.dispose());
      await Promise.allSettled([...sessions.values()].map((s) => s.release()));
      throw err;
    }
    return new OnnxModel(dir, manifest, sessions, native, backend);
  }

  /** The manifest's spec of `graph`; throws MB_ERR_BAD_ARGS for an unknown graph. */
  graphSpec(graph: string): GraphSpec {
    const spec = this.manifest.graphs[graph];
    if (spec && !this.hasSessions) {
      throw new MbError('MB_ERR_UNSUPPORTED', `model ${this.name} runs in its model host thread, not on this one`);
    }
    if (!spec || !this.sessions.has(graph)) {
      throw new MbError('MB_ERR_BAD_ARGS', `model ${this.name} has no graph ${JSON.stringify(graph)} (graphs: ${this.graphNames.join(', ')})`);
    }
    return spec;
  }

  /** Whether `run(graph)` executes synchronously (options.syncGraphs on the native backend, when its binding is usable). */
  runsSync(graph: string): boolean {
    return this.native.has(graph);
  }

  /**
   * Runs one graph. Feeds are checked against the manifest (names, dtypes, ranks, fixed
   * dims) before onnxruntime sees them, so a caller's mistake is MB_ERR_BAD_ARGS. A graph in
   * options.syncGraphs runs before this returns (the promise is already settled).
   */
  async run(graph: string, feeds: Feeds): Promise<Fetches> {
    if (this.disposed) throw new MbError('MB_ERR_MODEL_LOAD', `model ${this.name} was disposed`);
    const spec = this.graphSpec(graph);
    for (const input of spec.inputs) checkFeed(this.name, graph, input, feeds[input.name]);
    const twin = this.native.get(graph);
    if (twin) {
      try {
        return twin.run(feeds);
      } catch (err) {
        throw new MbError('MB_ERR_INTERNAL', `model ${this.name} graph ${graph} failed: ${(err as Error).message}`);
      }
    }
    const session = this.sessions.get(graph)!;
    this.inFlight++;
    try {
      return (await session.run(feeds)) as Fetches;
    } catch (err) {
      throw new MbError('MB_ERR_INTERNAL', `model ${this.name} graph ${graph} failed: ${(err as Error).message}`);
    } finally {
      this.inFlight--;
      if (this.inFlight === 0) this.idle.splice(0).forEach((resolve) => resolve());
    }
  }

  /** Releases every session once runs in flight have finished. Idempotent. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    if (this.inFlight > 0) await new Promise<void>((resolve) => this.idle.push(resolve));
    this.native.forEach((s) => s.dispose());
    this.native.clear();
    await Promise.allSettled([...this.sessions.values()].map((s) => s.release()));
    this.sessions.clear();
  }
}

/**
 * Reads every graph file of `manifest` and checks it against its sha256 (MB_ERR_MODEL_LOAD
 * when one is missing, corrupt or replaced), without creating a session: what a thread that
 * holds manifests only can check of a model before it is listed.
 */
export async function verifyGraphFiles(dir: string, manifest: ModelManifest): Promise<void> {
  for (const [graph, spec] of Object.entries(manifest.graphs)) await readGraph(dir, graph, spec, true);
}

async function readGraph(dir: string, graph: string, spec: GraphSpec, verifyHash: boolean): Promise<Buffer> {
  const file = path.join(dir, spec.file);
  let bytes: Buffer;
  try {
    bytes = await fs.readFile(file);
  } catch (err) {
    throw new MbError('MB_ERR_MODEL_LOAD', `cannot read graph ${graph} (${file}): ${(err as Error).message}`);
  }
  if (verifyHash) {
    const digest = createHash('sha256').update(bytes).digest('hex');
    if (digest !== spec.sha256) {
      throw new MbError('MB_ERR_MODEL_LOAD', `graph ${graph} (${spec.file}) sha256 is ${digest}, manifest says ${spec.sha256}: the file is corrupt or was replaced`);
    }
  }
  return bytes;
}

function sessionOptions(threads: number): ort.InferenceSession.SessionOptions {
  return { intraOpNumThreads: threads, interOpNumThreads: 1, graphOptimizationLevel: 'all' };
}

/** onnxruntime's words for a node it has no kernel for (an operator, or a version or type of one). */
const NO_KERNEL = /Could not find an implementation for/i;

async function createSession(bytes: Buffer, graph: string, threads: number, backend: OrtBackend): Promise<ort.InferenceSession> {
  const mod = ortModule(backend);
  // Both packages register a "cpu" backend; name each one so neither stands in for the other.
  const executionProviders = [backend === 'wasm' ? 'wasm' : 'cpu'];
  try {
    return await mod.InferenceSession.create(bytes, { ...sessionOptions(threads), executionProviders });
  } catch (err) {
    const message = firstLine((err as Error).message);
    if (NO_KERNEL.test(message)) {
      const remedy = backend === 'wasm'
        ? 'the WebAssembly backend (onnxruntime-web) has no kernel for it; run the engine under a Node where onnxruntime-node loads (Max: node.script @node_bin_path to a stock Node 20)'
        : 'onnxruntime-node has no CPU kernel for it; re-export the model with CPU operators';
      throw new MbError('MB_ERR_UNSUPPORTED', `graph ${graph} needs an operator ${backend} onnxruntime cannot run (${message}): ${remedy}`);
    }
    throw new MbError('MB_ERR_MODEL_LOAD', `onnxruntime (${backend}) cannot load graph ${graph}: ${message}`);
  }
}

/** onnxruntime-web wraps the runtime's words as "Can't create a session. ERROR_CODE: n, ERROR_MESSAGE: ..."; keep the words. */
function firstLine(message: string): string {
  return message.replace(/^Can't create a session\. ERROR_CODE: \d+, ERROR_MESSAGE: /, '').split('\n')[0];
}

function checkGraph(session: ort.InferenceSession, graph: string, spec: GraphSpec): void {
  checkNames(`graph ${graph} inputs`, session.inputNames, spec.inputs);
  checkNames(`graph ${graph} outputs`, session.outputNames, spec.outputs);
  for (const meta of [...session.inputMetadata, ...session.outputMetadata]) {
    const want = [...spec.inputs, ...spec.outputs].find((t) => t.name === meta.name)!;
    if (!meta.isTensor) throw new MbError('MB_ERR_MODEL_SHAPE', `graph ${graph} value ${meta.name} is not a tensor`);
    if (meta.type !== want.dtype) {
      throw new MbError('MB_ERR_MODEL_SHAPE', `graph ${graph} tensor ${meta.name} has dtype ${meta.type}, manifest says ${want.dtype}`);
    }
    checkShape(graph, want, meta.shape);
  }
}

function checkNames(what: string, actual: readonly string[], specs: TensorSpec[]): void {
  const want = specs.map((t) => t.name).sort();
  const have = [...actual].sort();
  if (want.join('\u0000') !== have.join('\u0000')) {
    throw new MbError('MB_ERR_MODEL_SHAPE', `${what} are [${have.join(', ')}], manifest says [${want.join(', ')}]`);
  }
}

function checkShape(graph: string, want: TensorSpec, actual: readonly (number | string)[]): void {
  const mismatch = actual.length !== want.shape.length || want.shape.some((d, i) => typeof d === 'number' && typeof actual[i] === 'number' && actual[i] !== d);
  if (mismatch) {
    throw new MbError('MB_ERR_MODEL_SHAPE', `graph ${graph} tensor ${want.name} has shape [${actual.join(', ')}], manifest says [${want.shape.join(', ')}]`);
  }
}

function checkFeed(model: string, graph: string, spec: TensorSpec, feed: ort.Tensor | undefined): void {
  const where = `model ${model} graph ${graph} input ${spec.name}`;
  if (!feed) throw new MbError('MB_ERR_BAD_ARGS', `${where} is missing`);
  if (feed.type !== spec.dtype) throw new MbError('MB_ERR_BAD_ARGS', `${where} must be ${spec.dtype}, got ${feed.type}`);
  const bad = feed.dims.length !== spec.shape.length || spec.shape.some((d, i) => typeof d === 'number' && feed.dims[i] !== d);
  if (bad) throw new MbError('MB_ERR_BAD_ARGS', `${where} must have shape [${spec.shape.join(', ')}], got [${feed.dims.join(', ')}]`);
}
