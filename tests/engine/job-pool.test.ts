import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { JobPool } from '../../src/engine/job-pool';
import { JobCancelled, type JobRecord } from '../../src/engine/jobs';

/**
 * The pool's answer to a worker stuck in a job it cannot interrupt (one long native run):
 * the cancel lands after the grace, a new worker takes the slot, and the stuck one is stopped
 * only once its run has returned — never Worker.terminate() in the middle of native code,
 * which aborts the whole process with onnxruntime-node.
 */
const pools: JobPool[] = [];
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.dispose()));
});

let nextId = 1;
function record(args: Record<string, number>): JobRecord {
  return { id: nextId++, name: 'stuck', clientId: 'c', args, controls: { get: () => undefined }, snapshot: [], handler: () => undefined, abort: new AbortController() };
}

function pool(grace: number): JobPool {
  const p = JobPool.start({ entry: join(__dirname, 'fixtures', 'stuck-worker.cjs'), size: 1, data: { modelsDir: '.', filesDir: '.', intraOpThreads: 1 }, cancelGraceMs: grace });
  if (!p) throw new Error('no pool');
  pools.push(p);
  return p;
}

describe('job pool: a worker stuck in its cancelled job', () => {
  it('answers the cancel after the grace, replaces the worker, and stops the old one once its run returns', async () => {
    const p = pool(150);
    await p.whenReady();
    const [first] = p.threadIds();
    const job = record({ ms: 1200 });
    const started = Date.now();
    const result = p.run(job, undefined, [], () => undefined);
    setTimeout(() => job.abort.abort(), 50);
    await expect(result).rejects.toBeInstanceOf(JobCancelled);
    const waited = Date.now() - started;
    expect(waited).toBeLessThan(1000);
    expect(p.restartCount).toBe(1);
    await p.whenReady();
    expect(p.threadIds()).not.toContain(first);
    // The new worker runs the next job while the old one still computes.
    await expect(p.run(record({ ms: 10 }), undefined, [], () => undefined)).resolves.toEqual({ x: true });
    // The old one is gone once its run has returned (about 1.2 s after it began).
    await new Promise((r) => setTimeout(r, 1500));
    expect((p as unknown as { retired: Set<unknown> }).retired.size).toBe(0);
  }, 20_000);

  it('disposes without terminating a worker mid-run: it waits for the run to return, up to the grace', async () => {
    const p = pool(2000);
    await p.whenReady();
    const result = p.run(record({ ms: 300 }), undefined, [], () => undefined).then(
      () => 'done',
      (err: unknown) => err,
    );
    await new Promise((r) => setTimeout(r, 50));
    const t0 = Date.now();
    await p.dispose();
    expect(await result).toBeInstanceOf(JobCancelled);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(150);
  }, 20_000);
});
