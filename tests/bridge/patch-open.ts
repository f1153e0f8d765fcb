import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { MaxBridge } from '../../bridge/bridge';
import { FakeMaxApi } from './fake-max-api';
import { MaxSim } from '../patches/max-sim';

/**
 * Opens a shipped Max patch as Max would, in node.script's start-up order: the patch loads and
 * fires its loadbangs while the script's process is not running yet (the fake max-api drops
 * what reaches it, as Max does), then the script starts the bridge, which loads the bundled
 * models and says "ready". `close` disposes every bridge opened.
 */
const bridges: MaxBridge[] = [];

export async function closePatches(): Promise<void> {
  await Promise.all(bridges.splice(0).map((b) => b.dispose()));
}

export async function until(check: () => boolean, ms = 20000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('until: timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Opens `file`, starts the script after the loadbangs, and waits for ready and quiet. */
export async function openPatch(file: string) {
  const api = new FakeMaxApi();
  const filesDir = mkdtempSync(path.join(tmpdir(), 'mb-patch-files-'));
  const sim = new MaxSim({ send: (...m) => api.send(...m) });
  sim.load(file);
  api.onOutlet((m) => sim.fromScript(m as (string | number)[]));
  sim.loadbang();
  const bridge = new MaxBridge({ api: api.asApi(), engineOptions: { modelsDir: 'models', filesDir, jobWorkers: 0 } });
  bridges.push(bridge);
  await new Promise((r) => setTimeout(r, 5));
  api.start(() => bridge.start());
  await until(() => bridge.isReady);
  await until(() => api.outlets.some((m) => m[0] === 'models/end') || !sim.find('umenu').length, 5000).catch(() => undefined);
  await api.settle();
  return { api, sim, filesDir };
}
