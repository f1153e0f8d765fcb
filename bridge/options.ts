import type { Engine, EngineOptions } from '../src/engine';
import type { MaxApi } from './maxApi';

/**
 * How a MaxBridge (bridge/bridge.ts) is made: the max-api it talks through, the engine's
 * options or factory, its client id and whether it shares the Max session's engine.
 *
 * @example
 * new MaxBridge({ api: fakeApi, engineOptions: { modelsDir: 'models', filesDir: 'files' } } satisfies BridgeOptions);
 */
export interface BridgeOptions {
  api?: MaxApi;
  engineOptions?: Partial<EngineOptions>;
  /**
   * Builds the engine. Default: the shared composition root (src/app/create.ts) with every
   * plug-in's processors, controls and jobs, loading the bundled models.
   */
  createEngine?: (options: Partial<EngineOptions>) => Engine | Promise<Engine>;
  /** Client id of this Max instance in the engine. */
  clientId?: string;
  /**
   * Share one engine among every [mb.bridge] of the Max session through the local socket at
   * `path` (session.ts; the Max entry passes defaultSessionPath()). Without it the bridge runs
   * its own engine.
   */
  session?: { path: string };
  /** false: the engine is another bridge's (a session guest's bridge on the host); dispose leaves it. */
  ownsEngine?: boolean;
}
