import { MbError, toMbError } from '../core/errors';
import type { ModelKind } from '../models/manifest';
import type { OnnxModel } from '../models/onnx-model';
import type { ModelLease, ModelRegistry } from '../models/registry';
import type { FileFolder } from './files';
import type { ControlView, JobArgs, JobContext, JobEvent, JobHandler } from './types';

/**
 * The offline job queue: bounded (a full queue refuses with MB_ERR_BUSY rather than dropping
 * accepted work) and running at most `concurrency` jobs at once, in submission order.
 *
 * Where a job runs is the `remote` dependency's choice: the engine hands plug-in jobs to its
 * pool of job workers (src/engine/job-pool.ts), off the live thread. A job no worker can run
 * (one registered only here, or no workers) runs here, cooperatively: handlers call
 * `ctx.checkpoint()` between chunks, which yields to the event loop every `sliceMs`.
 */
export class JobCancelled extends Error {
  constructor(id: number) {
    super(`job ${id} was cancelled`);
    this.name = 'JobCancelled';
  }
}

export interface JobRecord {
  id: number;
  name: string;
  clientId: string;
  args: JobArgs;
  controls: ControlView;
  /** The same controls as plain data, for a job worker: [owner, snapshot] pairs. */
  snapshot: [string, unknown][];
  handler: JobHandler;
  abort: AbortController;
}

/** Runs jobs somewhere else (a job worker); a job it does not accept runs here. */
export interface RemoteRunner {
  accepts(job: JobRecord): Promise<boolean>;
  run(job: JobRecord, progress: (fraction: number) => void): Promise<unknown>;
}

export interface JobQueueDeps {
  registry: ModelRegistry;
  files: FileFolder;
  emit: (event: JobEvent) => void;
  remote?: RemoteRunner;
}

export class JobQueue {
  private readonly queue: JobRecord[] = [];
  private readonly current = new Set<JobRecord>();
  private nextId = 1;
  done = 0;
  failed = 0;

  constructor(
    readonly capacity: number,
    private readonly sliceMs: number,
    private readonly deps: JobQueueDeps,
    readonly concurrency = 1,
  ) {}

  get queued(): number {
    return this.queue.length;
  }

  get running(): number {
    return this.current.size;
  }

  /** Queues a job; returns its id and how many jobs are ahead of it. */
  submit(job: Omit<JobRecord, 'id' | 'abort'>): { id: number; position: number } {
    if (this.queue.length >= this.capacity) {
      throw new MbError('MB_ERR_BUSY', `the job queue is full (${this.capacity} waiting); retry when /mb/job/done arrives`);
    }
    const record: JobRecord = { ...job, id: this.nextId++, abort: new AbortController() };
    const position = this.queue.length + this.running;
    this.queue.push(record);
    this.deps.emit({ id: record.id, name: record.name, clientId: record.clientId, state: 'queued', position });
    if (this.current.size < this.concurrency) setImmediate(() => void this.runNext());
    return { id: record.id, position };
  }

  /** Cancels a queued or running job (of `clientId` when given). False when there is no such job. */
  cancel(id: number, clientId?: string): boolean {
    const owned = (j: JobRecord) => j.id === id && (clientId === undefined || j.clientId === clientId);
    const index = this.queue.findIndex(owned);
    if (index >= 0) {
      const [job] = this.queue.splice(index, 1);
      this.deps.emit({ id: job.id, name: job.name, clientId: job.clientId, state: 'cancelled' });
      return true;
    }
    const running = [...this.current].find(owned);
    if (running) {
      running.abort.abort();
      return true;
    }
    return false;
  }

  /** Cancels every job of a client (it left). */
  cancelClient(clientId: string): void {
    for (const job of [...this.queue, ...this.current]) {
      if (job.clientId === clientId) this.cancel(job.id);
    }
  }

  /** Cancels everything and waits for the running job to stop. */
  async stop(): Promise<void> {
    for (const job of [...this.queue]) this.cancel(job.id);
    this.current.forEach((j) => j.abort.abort());
    while (this.current.size) await new Promise((r) => setTimeout(r, 5));
  }

  private async runNext(): Promise<void> {
    if (this.current.size >= this.concurrency) return;
    const job = this.queue.shift();
    if (!job) return;
    this.current.add(job);
    const leases: ModelLease[] = [];
    const base = { id: job.id, name: job.name, clientId: job.clientId };
    const progress = (fraction: number) => this.deps.emit({ ...base, state: 'progress', progress: Math.min(1, Math.max(0, fraction)) });
    this.deps.emit({ ...base, state: 'running' });
    if (this.current.size < this.concurrency) setImmediate(() => void this.runNext());
    try {
      const { remote } = this.deps;
      const result = remote && (await remote.accepts(job))
        ? await remote.run(job, progress)
        : await job.handler(job.args, this.context(job, leases, progress));
      if (job.abort.signal.aborted) throw new JobCancelled(job.id);
      this.done++;
      this.deps.emit({ ...base, state: 'done', result });
    } catch (err) {
      if (err instanceof JobCancelled || job.abort.signal.aborted) {
        this.deps.emit({ ...base, state: 'cancelled' });
      } else {
        this.failed++;
        const cause = toMbError(err);
        this.deps.emit({ ...base, state: 'failed', error: new MbError(cause.code, `job ${job.id} (${job.name}): ${cause.message}`) });
      }
    } finally {
      leases.forEach((l) => l.release());
      this.current.delete(job);
      setImmediate(() => void this.runNext());
    }
  }

  private context(job: JobRecord, leases: ModelLease[], progress: (fraction: number) => void): JobContext {
    let sliceStart = performance.now();
    const { registry, files } = this.deps;
    return {
      id: job.id,
      clientId: job.clientId,
      signal: job.abort.signal,
      controls: job.controls,
      model: (name?: string, kinds?: readonly ModelKind[]): OnnxModel => {
        const pick = name ?? registry.loaded().find((m) => !kinds || kinds.includes(m.manifest.kind))?.name;
        if (!pick) throw new MbError('MB_ERR_UNKNOWN_MODEL', `no loaded model of kind ${kinds?.join(' or ') ?? 'any'}; load one with /mb/models/load`);
        const lease = registry.acquire(pick);
        leases.push(lease);
        return lease.model;
      },
      progress,
      checkpoint: async () => {
        if (job.abort.signal.aborted) throw new JobCancelled(job.id);
        if (performance.now() - sliceStart < this.sliceMs) return;
        await new Promise((r) => setImmediate(r));
        sliceStart = performance.now();
        if (job.abort.signal.aborted) throw new JobCancelled(job.id);
      },
      resolveFile: (file, mode) => files.resolve(file, mode),
    };
  }
}
