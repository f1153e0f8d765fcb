import type { MessagePort } from 'node:worker_threads';
import { toMbError } from '../core/errors';
import { log } from '../core/log';
import type { Engine } from './engine';
import type { FromWorker, ModelGeneration, ToWorker } from './job-pool';
import { setThreadNice } from './thread-priority';

/**
 * The job worker's side of the pool protocol (src/engine/job-pool.ts): runs each job it is
 * sent on this thread's own engine (its own models and onnxruntime sessions) and answers
 * progress, done, failed or cancelled. Before a job, the model it uses is brought to the main
 * registry's generation (loaded, or hot-swapped after a swap there), and models the main
 * thread no longer has are unloaded, so a job here sees the models a job there would.
 *
 * @example
 * // src/app/job-worker.ts
 * const { engine } = await createEngine({ ...workerData, jobWorkers: 0 });
 * hostJobs(engine, parentPort);
 */
export function hostJobs(engine: Engine, port: MessagePort): void {
  const generations = new Map<string, number>();
  /** main job id → this engine's job id. */
  const local = new Map<number, number>();
  /** Jobs between their 'run' message and their local id, and those cancelled meanwhile. */
  const starting = new Set<number>();
  const cancelled = new Set<number>();
  const send = (m: FromWorker) => port.postMessage(m);

  engine.on('job', (e) => {
    const mainId = [...local].find(([, l]) => l === e.id)?.[0];
    if (mainId === undefined) return;
    if (e.state === 'progress') send({ type: 'progress', id: mainId, fraction: e.progress ?? 0 });
    if (e.state === 'done') send({ type: 'done', id: mainId, result: e.result });
    if (e.state === 'cancelled') send({ type: 'cancelled', id: mainId });
    if (e.state === 'failed') send({ type: 'failed', id: mainId, code: e.error?.code ?? 'MB_ERR_INTERNAL', message: stripPrefix(e.error?.message ?? 'failed') });
    if (e.state === 'done' || e.state === 'cancelled' || e.state === 'failed') local.delete(mainId);
  });

  /** Loads (or swaps to) `model` at the main generation, once even when asked twice at once. */
  const loads = new Map<string, Promise<void>>();
  const ensure = (model: ModelGeneration): Promise<void> => {
    const before = loads.get(model.name) ?? Promise.resolve();
    const next = before.catch(() => undefined).then(async () => {
      if (generations.get(model.name) === model.generation) return;
      await engine.loadModel(model.name);
      generations.set(model.name, model.generation);
    });
    loads.set(model.name, next);
    return next;
  };

  const run = async (m: Extract<ToWorker, { type: 'run' }>) => {
    starting.add(m.id);
    try {
      for (const name of generations.keys()) {
        if (!m.loaded.includes(name)) {
          generations.delete(name);
          await engine.unloadModel(name);
        }
      }
      if (m.model) await ensure(m.model);
      if (cancelled.delete(m.id)) return send({ type: 'cancelled', id: m.id });
      const ticket = await engine.submitJob(m.clientId, m.name, m.args, new Map(m.controls));
      local.set(m.id, ticket.id);
    } catch (err) {
      const e = toMbError(err);
      send({ type: 'failed', id: m.id, code: e.code, message: e.message });
    } finally {
      starting.delete(m.id);
      cancelled.delete(m.id);
    }
  };

  port.on('message', (m: ToWorker) => {
    if (m.type === 'exit') process.exit(m.code);
    // A model the main thread loaded that jobs use: loaded (and warmed) here before the first job.
    if (m.type === 'preload') void ensure(m.model).catch((err: unknown) => log.warn(`job worker: preloading ${m.model.name} failed: ${toMbError(err).message}`));
    if (m.type === 'run') void run(m);
    if (m.type === 'cancel') {
      const id = local.get(m.id);
      if (id !== undefined) engine.cancelJob(id);
      else if (starting.has(m.id)) cancelled.add(m.id);
    }
  });
  send({ type: 'ready', jobs: engine.status().jobNames });
}

/** The worker's queue prefixes "job N (name): "; the main queue adds its own. */
function stripPrefix(message: string): string {
  return message.replace(/^job \d+ \([^)]*\): /, '');
}

/**
 * Live streams first: a job worker thread takes nice `nice` (EngineOptions.jobNice, serve
 * --job-nice; see setThreadNice), whatever its parent thread had (serve raises its own).
 * Called by the worker entry before it builds its engine.
 */
export function lowerJobPriority(nice = 0): void {
  setThreadNice(nice, 'job worker');
}
