import { readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { defaultModelsDir, packageRoot } from '../core/paths';
import { registerMirror } from '../mirror/register';
import { registerVq } from '../vq/register';
import { Engine, type EngineOptions } from '../engine/engine';

/** Plug-ins (stream processors and jobs) each runtime contributes; the composition root lists them once. */
const PLUGINS: ((engine: Engine) => void)[] = [registerMirror, registerVq];

/**
 * Builds the engine every front end shares (CLI server, Node for Max): the facade with every
 * runtime's stream processors and jobs registered, and, with `loadBundled`, every model found
 * in the models folder loaded. A model that fails to load is reported and skipped.
 *
 * @example
 * const { engine, loaded } = await createEngine({ loadBundled: true });
 */
export async function createEngine(options: Partial<EngineOptions> & { loadBundled?: boolean } = {}): Promise<{ engine: Engine; loaded: string[]; failed: string[] }> {
  const { engine, ready } = startEngine(options);
  return { engine, ...(await ready) };
}

/**
 * Like createEngine, without waiting for the bundled models: `ready` resolves once they are
 * loaded and warm, and meanwhile the engine serves (a stream or job waits for the loads it
 * needs), so a server can listen at once.
 */
export function startEngine(options: Partial<EngineOptions> & { loadBundled?: boolean } = {}): { engine: Engine; ready: Promise<{ loaded: string[]; failed: string[] }> } {
  const { loadBundled = false, ...engineOptions } = options;
  const modelsDir = engineOptions.modelsDir ?? defaultModelsDir();
  const engine = new Engine({ jobWorkerEntry: workerEntry('job-worker'), modelHostEntry: workerEntry('model-host-worker'), ...engineOptions, modelsDir });
  for (const plugin of PLUGINS) plugin(engine);
  const ready = loadBundled ? engine.loadBundled(bundledModelNames(modelsDir)) : Promise.resolve({ loaded: [], failed: [] });
  return { engine, ready };
}

/**
 * A compiled worker entry of this folder (job-worker, model-host-worker): beside this file when
 * it runs compiled, else (from the TypeScript source, under vitest or vite-node) the build's
 * copy, which `npm run build` makes.
 */
export function workerEntry(name: 'job-worker' | 'model-host-worker'): string {
  return __filename.endsWith('.js') ? join(__dirname, `${name}.js`) : join(packageRoot(), 'dist', 'src', 'app', `${name}.js`);
}

/** Folders of the models directory that hold a manifest named after them. */
export function bundledModelNames(modelsDir: string): string[] {
  if (!existsSync(modelsDir)) return [];
  return readdirSync(modelsDir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(modelsDir, d.name, `${d.name}.json`)))
    .map((d) => d.name)
    .sort();
}
