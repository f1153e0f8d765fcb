import * as path from 'node:path';
import { isMainThread } from 'node:worker_threads';
import type * as OrtNode from 'onnxruntime-node';
import { MbError } from '../core/errors';
import { log } from '../core/log';

/**
 * Which onnxruntime runs the graphs, chosen once per thread when the models module loads:
 *
 * - `native`: onnxruntime-node's binding (a .node library per platform and architecture);
 * - `wasm`: onnxruntime-web's WebAssembly backend, run in Node, for when that binding cannot
 *   load: a platform onnxruntime-node ships no binary for (Intel Mac since 1.22, an odd
 *   architecture), or a Node that refuses the library (Max's bundled Node under macOS
 *   library validation). Same graph files, same outputs within float rounding
 *   (tests/models/backend-parity.test.ts); slower (bench/ort-backends.ts).
 *
 * `MB_ORT_BACKEND=native|wasm|auto` (default auto: native when its binding loads) forces
 * one; tests and the bench use it, and OnnxModelOptions.backend picks one per model.
 * The .wasm file is read from node_modules/onnxruntime-web/dist (never fetched).
 *
 * @example
 * const info = ortBackend();              // { backend: 'native', package: 'onnxruntime-node', ... }
 * const t = new Tensor('float32', data, [1, 128, 250]);
 */
export type OrtBackend = 'native' | 'wasm';
export const ORT_BACKENDS: readonly OrtBackend[] = ['native', 'wasm'];
export const ORT_BACKEND_ENV = 'MB_ORT_BACKEND';

/** What onnxruntime-node and onnxruntime-web both export (the same onnxruntime-common API). */
export type OrtModule = Pick<typeof OrtNode, 'InferenceSession' | 'Tensor' | 'env'>;

export interface OrtBackendInfo {
  backend: OrtBackend;
  package: 'onnxruntime-node' | 'onnxruntime-web';
  version: string;
  /** Why this one: `native binding loaded`, `MB_ORT_BACKEND=wasm`, `native binding cannot load: ...`. */
  reason: string;
  /** wasm: threads of its one WebAssembly instance (fixed by the first model loaded). */
  wasmThreads?: number;
}

let native: { mod: OrtModule | null; error?: string } | undefined;
let web: OrtModule | undefined;
let chosen: OrtBackendInfo | undefined;
let wasmThreads: number | undefined;

/** onnxruntime-node when its native binding loads here, else null (the reason in nativeLoadError()). */
function loadNative(): OrtModule | null {
  if (!native) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      native = { mod: require('onnxruntime-node') as OrtModule };
    } catch (err) {
      native = { mod: null, error: firstLine((err as Error).message ?? String(err)) };
    }
  }
  return native.mod;
}

/** Why the native binding did not load, or undefined when it did (or was not tried). */
export function nativeLoadError(): string | undefined {
  loadNative();
  return native?.error;
}

function loadWeb(): OrtModule {
  if (!web) {
    let mod: OrtModule;
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      mod = require('onnxruntime-web') as OrtModule;
    } catch (err) {
      throw new MbError('MB_ERR_MODEL_LOAD', `onnxruntime-web cannot load (${firstLine((err as Error).message)}); reinstall with npm ci`);
    }
    // The .wasm file beside the package's own script in node_modules: no CDN, no network.
    const dist = path.dirname(require.resolve('onnxruntime-web'));
    mod.env.wasm.wasmPaths = { wasm: path.join(dist, 'ort-wasm-simd-threaded.wasm') };
    // Run in this thread: a proxy worker would copy every tensor across threads.
    mod.env.wasm.proxy = false;
    web = mod;
  }
  return web;
}

function requested(): OrtBackend | 'auto' {
  const raw = process.env[ORT_BACKEND_ENV];
  const value = raw?.trim().toLowerCase();
  if (!value || value === 'auto') return 'auto';
  if (value === 'native' || value === 'wasm') return value;
  throw new MbError('MB_ERR_BAD_ARGS', `${ORT_BACKEND_ENV} must be native, wasm or auto, got ${JSON.stringify(raw)}`);
}

/**
 * The backend of this thread, chosen at the first call: native when onnxruntime-node's
 * binding loads, else wasm (or what MB_ORT_BACKEND forces). Said once on the main thread's
 * log (a warning when it fell back); /mb/status carries it as `onnxruntime`.
 */
export function ortBackend(): OrtBackendInfo {
  if (chosen) return { ...chosen, ...(chosen.backend === 'wasm' && wasmThreads ? { wasmThreads } : {}) };
  const want = requested();
  let info: OrtBackendInfo;
  if (want === 'wasm') {
    info = webInfo(`${ORT_BACKEND_ENV}=wasm`);
  } else if (loadNative()) {
    info = nativeInfo(want === 'native' ? `${ORT_BACKEND_ENV}=native` : 'native binding loaded');
  } else if (want === 'native') {
    throw new MbError('MB_ERR_MODEL_LOAD', `${ORT_BACKEND_ENV}=native but onnxruntime-node's binding cannot load on ${process.platform}/${process.arch} under Node ${process.versions.node}: ${native?.error}`);
  } else {
    info = webInfo(`native binding cannot load: ${native?.error}`);
  }
  chosen = info;
  if (isMainThread) {
    const line = `onnxruntime: ${info.backend} (${info.package} ${info.version}, ${process.platform}/${process.arch}, Node ${process.versions.node}): ${info.reason}`;
    if (info.backend === 'wasm' && want === 'auto') {
      const advice = process.platform === 'darwin' && process.arch === 'x64'
        ? 'onnxruntime-node ships no macOS x64 library, so the slower WebAssembly backend is the only one on an Intel Mac'
        : 'the WebAssembly backend is slower. For native speed run the engine under a Node where onnxruntime-node loads (Max: node.script @node_bin_path to a stock Node 20)';
      log.warnOnce('ort-backend', `${line}; ${advice}`);
    } else {
      log.info(line);
    }
  }
  return ortBackend();
}

/** What /mb/status says: the backend, or none and why (a bad MB_ORT_BACKEND, no runtime at all). Never throws. */
export type OrtStatus = OrtBackendInfo | { backend: 'none'; reason: string };

export function ortStatus(): OrtStatus {
  try {
    return ortBackend();
  } catch (err) {
    return { backend: 'none', reason: (err as Error).message };
  }
}

/** The onnxruntime module of `backend` (default: this thread's, see ortBackend). */
export function ortModule(backend: OrtBackend = ortBackend().backend): OrtModule {
  return loadModule(backend);
}

function loadModule(backend: OrtBackend): OrtModule {
  if (backend === 'wasm') return loadWeb();
  const mod = loadNative();
  if (!mod) throw new MbError('MB_ERR_MODEL_LOAD', `onnxruntime-node's binding cannot load on ${process.platform}/${process.arch}: ${native?.error}`);
  return mod;
}

/** Whether onnxruntime-node's binding loads in this process (tests and the bench skip native when not). */
export function nativeAvailable(): boolean {
  return loadNative() !== null;
}

/**
 * Sets the wasm backend's thread count before its first session (it has one WebAssembly
 * instance per thread of the engine, sized once); later calls keep the first value. One
 * thread (the engine's default intraOpThreads) starts no worker threads at all.
 */
export function prepareWasm(threads: number): number {
  const mod = loadWeb();
  if (wasmThreads === undefined) {
    wasmThreads = Math.max(1, Math.floor(threads));
    mod.env.wasm.numThreads = wasmThreads;
  }
  return wasmThreads;
}

function nativeInfo(reason: string): OrtBackendInfo {
  return { backend: 'native', package: 'onnxruntime-node', version: versionOf('node'), reason };
}

function webInfo(reason: string): OrtBackendInfo {
  return { backend: 'wasm', package: 'onnxruntime-web', version: versionOf('web'), reason };
}

/** The package's version as it records it in onnxruntime-common's env.versions. */
function versionOf(key: 'node' | 'web'): string {
  const mod = key === 'web' ? loadWeb() : loadNative();
  return (mod?.env.versions as Record<string, string | undefined> | undefined)?.[key] ?? 'unknown';
}

function firstLine(s: string): string {
  return s.split('\n')[0].trim();
}

/**
 * onnxruntime's Tensor class, for code that builds feeds. Both packages re-export the one
 * class of onnxruntime-common, so a tensor made here feeds either backend. Importing
 * this instead of onnxruntime-node keeps a module loadable where the binding is not.
 */
export const Tensor: typeof OrtNode.Tensor = tensorClass();
export type Tensor = OrtNode.Tensor;

/** The Tensor class without choosing yet (so importing this module never throws or logs). */
function tensorClass(): typeof OrtNode.Tensor {
  let want: OrtBackend | 'auto' = 'auto';
  try {
    want = requested();
  } catch {
    // ortBackend() reports the bad value at the first model load.
  }
  const mod = want === 'wasm' ? null : loadNative();
  return (mod ?? loadWeb()).Tensor;
}
