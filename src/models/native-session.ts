import type * as ort from 'onnxruntime-node';

/** The part of onnxruntime-node's native session object used here. */
interface NativeInferenceSession {
  loadModel(buffer: ArrayBufferLike, byteOffset: number, byteLength: number, options: object): void;
  run(feeds: Record<string, ort.Tensor>, fetches: Record<string, null>, options: object): Record<string, ort.Tensor>;
  dispose(): void;
}

interface NativeBinding {
  binding: { InferenceSession: new () => NativeInferenceSession };
  initOrt(): void;
}

let cached: NativeBinding | null | undefined;

/**
 * onnxruntime-node's own native binding (the module its backend wraps), or null when this
 * version of the package does not have the shape relied on here; callers then keep the
 * public asynchronous `run()`.
 */
function nativeBinding(): NativeBinding | null {
  if (cached !== undefined) return cached;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require('onnxruntime-node/dist/binding') as Partial<NativeBinding>;
    const ok = typeof mod.initOrt === 'function' && typeof mod.binding?.InferenceSession === 'function' && typeof mod.binding.InferenceSession.prototype.run === 'function';
    cached = ok ? (mod as NativeBinding) : null;
  } catch {
    cached = null;
  }
  return cached;
}

/**
 * A graph loaded into onnxruntime-node's native session for synchronous runs.
 *
 * onnxruntime-node's public `InferenceSession.run()` calls this same native `run()`
 * synchronously, on the calling thread, from inside a `setImmediate` and a promise; for a
 * small graph run once per 256-sample hop, that turn of the event loop and the wrapper's
 * checks added up to 35 µs per call, usually 10-20 µs (docs/vqvae.md, Speed). Running the
 * native session directly blocks the thread for the same inference time and no longer, and
 * gives the same outputs: the same library, graph bytes and session options.
 *
 * @example
 * const s = NativeSession.tryLoad(bytes, { intraOpNumThreads: 1 }, ['codes', 'latents']);
 * const out = s ? s.run(feeds) : await session.run(feeds);
 */
export class NativeSession {
  private constructor(
    private readonly session: NativeInferenceSession,
    private readonly fetches: Record<string, null>,
  ) {}

  /** The native session of `bytes`, or null when the binding is not usable (see nativeBinding). */
  static tryLoad(bytes: Uint8Array, options: ort.InferenceSession.SessionOptions, outputNames: readonly string[]): NativeSession | null {
    const native = nativeBinding();
    if (!native) return null;
    native.initOrt();
    const session = new native.binding.InferenceSession();
    session.loadModel(bytes.buffer, bytes.byteOffset, bytes.byteLength, options);
    return new NativeSession(session, Object.fromEntries(outputNames.map((n) => [n, null])));
  }

  /** Every output of the graph for `feeds`, synchronously. */
  run(feeds: Record<string, ort.Tensor>): Record<string, ort.Tensor> {
    return this.session.run(feeds, this.fetches, {});
  }

  /** Releases the session; its owner (OnnxModel) calls this once. */
  dispose(): void {
    this.session.dispose();
  }
}
