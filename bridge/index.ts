import { MaxBridge, type BridgeOptions } from './bridge';
import { runningInMax } from './maxApi';
import { defaultSessionPath } from './session';

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
  // One engine for every [mb.bridge] of this Max session (MB_MAX_SESSION=0: each its own).
  const bridge = startBridge(process.env.MB_MAX_SESSION === '0' ? {} : { session: { path: defaultSessionPath() } });
  const stop = () => void bridge.dispose().finally(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
