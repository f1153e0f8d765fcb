import { parentPort, workerData } from 'node:worker_threads';
import { log } from '../core/log';
import type { ModelHostData } from '../engine/host-protocol';
import { hostModel } from '../engine/model-host';
import { setThreadNice } from '../engine/thread-priority';
import { createEngine } from './create';

/**
 * The entry of a model host thread (started by src/engine/model-hosts.ts from the compiled
 * dist/src/app/model-host-worker.js): an engine with the same plug-ins as the main one, with
 * no job workers and no hosts of its own, that loads one model, warms it and runs the live
 * streams the main thread opens on it (at EngineOptions.liveNice once it serves them).
 */
async function main(): Promise<void> {
  if (!parentPort) throw new Error('model-host-worker.ts runs only as a worker thread');
  const { model, liveNice, ...data } = workerData as ModelHostData;
  // Loads and warm-ups at the usual priority; the live one comes when the host takes over.
  setThreadNice(0, `model host ${model}`);
  const { engine } = await createEngine({ ...data, jobWorkers: 0, jobWorkerEntry: undefined, modelHostEntry: undefined });
  await hostModel(engine, parentPort, model, liveNice);
}

main().catch((err: Error) => {
  log.error(`model host thread failed to start: ${err.message}`);
  process.exit(1);
});
