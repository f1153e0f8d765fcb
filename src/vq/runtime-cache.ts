import type { OnnxModel } from '../models';
import { VqRuntime } from './runtime';

/**
 * The VQ runtime of each model the engine has loaded, built once per model folder, version
 * and encoder graph, and shared by the `vq` job and the live streams. A runtime that fails
 * to build is forgotten, so the next request tries again.
 *
 * @example
 * const vq = await runtimeFor(ctx.model);
 */
const runtimes = new Map<string, Promise<VqRuntime>>();

/** The runtime for a registry-loaded model (same folder, version and encoder → same runtime). */
export function runtimeFor(model: OnnxModel): Promise<VqRuntime> {
  const key = `${model.dir}@${model.manifest.version}@${model.manifest.graphs.encoder?.sha256 ?? ''}`;
  let runtime = runtimes.get(key);
  if (!runtime) {
    runtime = VqRuntime.load(model.dir);
    runtimes.set(key, runtime);
    runtime.catch(() => runtimes.delete(key));
  }
  return runtime;
}
