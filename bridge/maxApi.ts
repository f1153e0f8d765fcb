import type MaxAPIStatic from 'max-api';

/**
 * Access to Node for Max's `max-api`, injectable so tests can pass a fake.
 *
 * Inside Max, `node.script` provides the real module to `require('max-api')`. The npm
 * package of that name is a deliberate stub that throws; it is never a dependency. Outside
 * Max (tests, tools) call `setMaxApi(fake)` before the bridge starts.
 *
 * @example
 * setMaxApi(new FakeMaxApi());
 * const api = getMaxApi();
 * api.addHandler('bang', () => api.outlet('status'));
 */
export type MaxApi = typeof MaxAPIStatic;

let injected: MaxApi | undefined;

/** Uses `api` instead of the module Node for Max injects; `undefined` restores the default. */
export function setMaxApi(api: MaxApi | undefined): void {
  injected = api;
}

/** The injected API, or the real `max-api` (only available inside Max's node.script). */
export function getMaxApi(): MaxApi {
  if (injected) return injected;
  // Resolved at run time on purpose: the module exists only inside Node for Max.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('max-api') as MaxApi;
}

/** True when this process runs under Node for Max (node.script sets MAX_ENV). */
export function runningInMax(): boolean {
  return typeof process.env.MAX_ENV === 'string' && process.env.MAX_ENV.length > 0;
}
