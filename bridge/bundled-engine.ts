import type { Engine, EngineOptions } from '../src/engine';
import type { MaxApi } from './maxApi';

/**
 * The bridge's default engine: the shared composition root (src/app/create.ts) with every
 * plug-in, loading the bundled models, which it names on the Max console.
 *
 * @example
 * const engine = await bundledEngine({ modelsDir: 'models', filesDir: 'files' }, api);
 */
export async function bundledEngine(options: Partial<EngineOptions>, api: MaxApi): Promise<Engine> {
  // Loaded on first use: the runtimes (onnxruntime, models) are not needed before that.
  const { createEngine } = await import('../src/app/create');
  const { engine, loaded, failed } = await createEngine({ ...options, loadBundled: true });
  const failedNote = failed.length > 0 ? ` (failed: ${failed.join(', ')})` : '';
  api.post(`mirrorbridge: models ${loaded.length > 0 ? loaded.join(', ') : 'none'}${failedNote}`).catch(() => undefined);
  return engine;
}
