import { MaxBridge, type BridgeOptions } from './bridge';
import { runningInMax } from './maxApi';

/**
 * The Node for Max entry of mirrorbridge: `node.script` loads the compiled file
 * (dist/bridge/index.js, through the package's javascript/mirrorbridge.js shim) and the
 * bridge starts at once: handlers first, then the engine, then `ready` on the outlet. Imported anywhere else (tests, tools) it does nothing until
 * `startBridge` is called.
 *
 * @example
 * // in a test
 * setMaxApi(fake);
 * const bridge = startBridge({ engineOptions: { modelsDir, filesDir } });
 */
export function startBridge(options: BridgeOptions = {}): MaxBridge {
  const bridge = new MaxBridge(options);
  bridge.start();
  return bridge;
}

export { MaxBridge, type BridgeOptions } from './bridge';
export { VERB_TABLE, verbsAt } from '../src/verbs/table';
export { getMaxApi, setMaxApi, type MaxApi } from './maxApi';

if (runningInMax()) {
  const bridge = startBridge();
  const stop = () => void bridge.dispose().finally(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
