import type { Worker } from 'node:worker_threads';

/**
 * Ends worker threads that may be inside native code (an onnxruntime graph run or load):
 * each is asked to end itself (`{ type: 'exit', code: 0 }`, which its thread handles once it
 * is back in JavaScript, where ending is safe), and each is held (ref) meanwhile. Were the
 * process to run out of work first, Node would tear the threads down wherever they are; and
 * Worker.terminate() during onnxruntime-node's native run aborts the whole process
 * ("terminate called after throwing an instance of 'Napi::Error'", seen here). terminate() is
 * the last resort, for a thread stuck in one native call for `waitMs`.
 *
 * @example
 * await endWorkers([host.worker], 15_000);
 */
export async function endWorkers(workers: readonly Worker[], waitMs: number): Promise<void> {
  // threadId reads -1 once a thread has gone.
  const live = workers.filter((w) => w.threadId >= 0);
  const exited = live.map((w) => new Promise<void>((r) => w.once('exit', () => r())));
  for (const w of live) {
    w.ref();
    w.postMessage({ type: 'exit', code: 0 });
  }
  let timer: NodeJS.Timeout | undefined;
  const late = await Promise.race([
    Promise.all(exited).then(() => false),
    new Promise<boolean>((r) => (timer = setTimeout(() => r(true), waitMs))),
  ]);
  clearTimeout(timer);
  if (late) await Promise.all(live.map((w) => w.terminate()));
}
