import { existsSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { MbError, type MbErrorCode } from '../core/errors';
import { log } from '../core/log';
import { JobCancelled, type JobRecord } from './jobs';
import { endWorkers } from './worker-end';

/**
 * The pool of job workers: offline jobs (infer, resynth, vq ...) run in `worker_threads`
 * with their own onnxruntime sessions, so a job's inference never runs on the thread that
 * serves live streams and the front doors (onnxruntime-node's `session.run` blocks its
 * calling thread, microsoft/onnxruntime#19611).
 *
 * Each worker runs the composition root's job entry (src/app/job-worker.ts), which builds an
 * engine with the same plug-ins and answers the messages below (src/engine/job-host.ts). A
 * worker holds at most one job at a time; the JobQueue never starts more jobs than workers.
 *
 * Faults: a worker that dies (crash, killed from outside) fails its job with a coded error and
 * is replaced; a cancelled job whose worker does not stop within `cancelGraceMs` (stuck in
 * one long inference) is answered as cancelled at once and its worker retired: a new one takes
 * its place, and the old one is stopped once its inference has returned. A worker is never
 * terminated while it runs a job: Worker.terminate() during onnxruntime-node's native run
 * aborts the whole process ("terminate called after throwing an instance of 'Napi::Error'",
 * seen here; the same holds for other native addons in worker threads).
 */

/** What a worker is started with (workerData). */
export interface JobWorkerData {
  modelsDir: string;
  filesDir: string;
  intraOpThreads: number;
  /** The nice value the worker thread takes on Linux (0: the live thread's; see lowerJobPriority). */
  jobNice?: number;
}

/** A model the job may use, with the main registry's generation (bumped on every load/swap). */
export interface ModelGeneration {
  name: string;
  generation: number;
}

export type ToWorker =
  | { type: 'run'; id: number; name: string; clientId: string; args: JobRecord['args']; controls: [string, unknown][]; model?: ModelGeneration; loaded: string[] }
  | { type: 'cancel'; id: number }
  /** Load (and warm) a model jobs will use, at the main registry's generation, before any job asks. */
  | { type: 'preload'; model: ModelGeneration }
  /**
   * Ends the worker thread from inside, at once, as a crash would (the fault tests inject it;
   * the pool never sends it): unlike Worker.terminate() it lands in JavaScript, between two
   * steps of a job, never while onnxruntime's native code runs.
   */
  | { type: 'exit'; code: number };

export type FromWorker =
  | { type: 'ready'; jobs: string[] }
  | { type: 'progress'; id: number; fraction: number }
  | { type: 'done'; id: number; result: unknown }
  | { type: 'failed'; id: number; code: MbErrorCode; message: string }
  | { type: 'cancelled'; id: number };

export interface JobPoolOptions {
  entry: string;
  size: number;
  data: JobWorkerData;
  /** How long a cancelled job's worker may take to stop before it is terminated. */
  cancelGraceMs?: number;
}

interface Running {
  job: JobRecord;
  resolve(result: unknown): void;
  reject(err: Error): void;
  progress(fraction: number): void;
}

interface Slot {
  worker: Worker;
  threadId: number;
  ready: boolean;
  jobs: Set<string>;
  running?: Running;
}

/** How long dispose waits for the workers to end themselves before terminating them. */
const DISPOSE_WAIT_MS = 15_000;

export class JobPool {
  private readonly slots: Slot[] = [];
  private readonly grace: number;
  private closed = false;
  private restarts = 0;
  private failedStarts = 0;
  private readyWaiters: (() => void)[] = [];
  /** Models to load in each worker as it starts (the latest generation of each). */
  private readonly preloads = new Map<string, ModelGeneration>();
  /** Workers replaced while stuck in a cancelled job, stopped once their run returns. */
  private readonly retired = new Set<Slot>();

  private constructor(private readonly options: JobPoolOptions) {
    this.grace = options.cancelGraceMs ?? 2000;
  }

  /** A pool of `size` workers running `entry`, or undefined (with one warning) when the entry is missing. */
  static start(options: JobPoolOptions): JobPool | undefined {
    if (!existsSync(options.entry)) {
      log.warn(`job workers unavailable (no ${options.entry}; run npm run build): jobs run on the main thread`);
      return undefined;
    }
    const pool = new JobPool(options);
    for (let i = 0; i < options.size; i++) pool.slots.push(pool.spawn());
    return pool;
  }

  get size(): number {
    return this.slots.length;
  }

  /** Workers started and ready for jobs. */
  get readyCount(): number {
    return this.slots.filter((s) => s.ready).length;
  }

  /** Workers replaced after a crash, a kill or a stuck cancellation. */
  get restartCount(): number {
    return this.restarts;
  }

  /** Resolves once every worker has reported the jobs it can run. */
  whenReady(): Promise<void> {
    if (this.readyCount === this.slots.length) return Promise.resolve();
    return new Promise((r) => this.readyWaiters.push(r));
  }

  /** Whether workers run job `name` (a job registered only on the main thread does not). */
  async canRun(name: string): Promise<boolean> {
    await this.whenReady();
    return this.slots.some((s) => s.jobs.has(name));
  }

  /** The worker threads' ids (tests check that a job ran off the main thread). */
  threadIds(): number[] {
    return this.slots.map((s) => s.threadId);
  }

  /** Runs `job` on a free worker; resolves with its result, rejects with MbError or JobCancelled. */
  async run(job: JobRecord, model: ModelGeneration | undefined, loaded: string[], progress: (f: number) => void): Promise<unknown> {
    await this.whenReady();
    const slot = this.slots.find((s) => s.ready && !s.running && s.jobs.has(job.name));
    if (!slot) throw new MbError('MB_ERR_BUSY', `no job worker is free for job ${job.id}`);
    return new Promise((resolve, reject) => {
      slot.running = { job, resolve, reject, progress };
      const onAbort = () => this.cancel(slot, job.id);
      job.abort.signal.addEventListener('abort', onAbort, { once: true });
      const settle = () => job.abort.signal.removeEventListener('abort', onAbort);
      slot.running.resolve = (r) => (settle(), resolve(r));
      slot.running.reject = (e) => (settle(), reject(e));
      this.post(slot, { type: 'run', id: job.id, name: job.name, clientId: job.clientId, args: job.args, controls: job.snapshot, model, loaded });
    });
  }

  /** Stops every worker; running jobs are cancelled. */
  async dispose(): Promise<void> {
    this.closed = true;
    const all = [...this.slots, ...this.retired];
    for (const slot of this.slots) {
      const running = slot.running;
      if (running) {
        this.post(slot, { type: 'cancel', id: running.job.id });
        running.reject(new JobCancelled(running.job.id));
        slot.running = undefined;
      }
    }
    // Each ends itself once back in JavaScript, never torn down inside native code.
    await endWorkers(all.map((s) => s.worker), DISPOSE_WAIT_MS);
    this.retired.clear();
    this.readyWaiters.splice(0).forEach((r) => r());
  }

  private spawn(): Slot {
    const worker = new Worker(this.options.entry, { workerData: this.options.data });
    // threadId reads -1 once the thread has gone; keep it for the messages.
    const slot: Slot = { worker, threadId: worker.threadId, ready: false, jobs: new Set() };
    worker.on('message', (m: FromWorker) => this.onMessage(slot, m));
    worker.on('error', (err) => log.warn(`job worker ${slot.threadId}: ${err.message}`));
    worker.on('exit', (code) => this.onExit(slot, code));
    // A worker waiting for jobs must not keep a CLI process alive.
    worker.unref();
    return slot;
  }

  /**
   * Has every worker load `model` now (and each new worker when it starts), so that the first
   * job on it does not pay for the load and warm-up.
   */
  preload(model: ModelGeneration): void {
    this.preloads.set(model.name, model);
    for (const slot of this.slots) if (slot.ready) this.post(slot, { type: 'preload', model });
  }

  /** Forgets a model the main registry unloaded (new workers do not preload it). */
  forget(name: string): void {
    this.preloads.delete(name);
  }

  private onMessage(slot: Slot, m: FromWorker): void {
    if (m.type === 'ready') {
      slot.ready = true;
      slot.jobs = new Set(m.jobs);
      for (const model of this.preloads.values()) this.post(slot, { type: 'preload', model });
      if (this.readyCount === this.slots.length) this.readyWaiters.splice(0).forEach((r) => r());
      return;
    }
    const running = slot.running;
    if (!running || running.job.id !== m.id) return;
    if (m.type === 'progress') {
      running.progress(m.fraction);
      return;
    }
    slot.running = undefined;
    if (m.type === 'done') running.resolve(m.result);
    else if (m.type === 'cancelled') running.reject(new JobCancelled(m.id));
    else running.reject(new MbError(m.code, m.message));
  }

  private onExit(slot: Slot, code: number): void {
    const index = this.slots.indexOf(slot);
    if (!slot.ready && !this.closed && index >= 0 && ++this.failedStarts >= 3) {
      // A worker that cannot even start (a broken build) is not retried for ever: its jobs run here.
      log.error(`job workers failed to start ${this.failedStarts} times: jobs run on the main thread`);
      this.slots.splice(index, 1);
      if (this.readyCount === this.slots.length) this.readyWaiters.splice(0).forEach((r) => r());
      return;
    }
    if (slot.running) {
      const { job } = slot.running;
      slot.running.reject(job.abort.signal.aborted
        ? new JobCancelled(job.id)
        : new MbError('MB_ERR_INTERNAL', `the job worker stopped (exit code ${code}) while running this job; a new worker has been started`));
      slot.running = undefined;
    }
    if (this.closed || index < 0) return;
    this.restarts++;
    log.warn(`job worker ${slot.threadId} exited (code ${code}); starting a new one`);
    this.slots[index] = this.spawn();
  }

  private cancel(slot: Slot, id: number): void {
    if (slot.running?.job.id !== id) return;
    this.post(slot, { type: 'cancel', id });
    const timer = setTimeout(() => {
      if (slot.running?.job.id === id) this.retire(slot);
    }, this.grace);
    timer.unref();
  }

  /**
   * A worker stuck in its cancelled job: the job is answered as cancelled, a new worker takes
   * the slot, and the old one is terminated as soon as it says anything (its run has returned
   * to JavaScript, so terminating it is safe) or exits by itself.
   */
  private retire(slot: Slot): void {
    const index = this.slots.indexOf(slot);
    const running = slot.running;
    slot.running = undefined;
    running?.reject(new JobCancelled(running.job.id));
    if (index < 0 || this.closed) return;
    this.restarts++;
    log.warn(`job worker ${slot.threadId} did not stop its cancelled job within ${this.grace} ms; a new worker takes its place`);
    this.slots[index] = this.spawn();
    this.retired.add(slot);
    slot.worker.on('message', () => {
      if (this.retired.delete(slot)) void slot.worker.terminate();
    });
    slot.worker.once('exit', () => this.retired.delete(slot));
  }

  private post(slot: Slot, message: ToWorker): void {
    slot.worker.postMessage(message);
  }
}
