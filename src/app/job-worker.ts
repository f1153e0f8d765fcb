import { parentPort, workerData } from 'node:worker_threads';
import { log } from '../core/log';
import { hostJobs, lowerJobPriority } from '../engine/job-host';
import type { JobWorkerData } from '../engine/job-pool';
import { createEngine } from './create';

/**
 * The entry of a job worker thread (started by src/engine/job-pool.ts from the compiled
 * dist/src/app/job-worker.js): an engine with the same plug-ins as the main one, running
 * jobs on this thread, with no workers of its own.
 * It lowers its own priority first (lowerJobPriority: live streams come first).
 */
async function main(): Promise<void> {
  if (!parentPort) throw new Error('job-worker.ts runs only as a worker thread');
  const data = workerData as JobWorkerData;
  const { jobNice, ...engineData } = data;
  lowerJobPriority(jobNice);
  // Models are preloaded (sessions) but not warmed here: a warm-up per worker doubled the CPU
  // a start costs, and jobs are not latency-bound the way a first live stream is.
  const { engine } = await createEngine({ ...engineData, jobWorkers: 0, warmModels: false, modelHostEntry: undefined });
  hostJobs(engine, parentPort);
}

main().catch((err: Error) => {
  log.error(`job worker failed to start: ${err.message}`);
  process.exit(1);
});
