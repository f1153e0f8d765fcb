import { Worker } from 'node:worker_threads';
import { MbError } from '../core/errors';
import { log } from '../core/log';
import type { FromHost, ModelHostData, ToHost } from './host-protocol';
import type { Warmth } from './types';
import { endWorkers } from './worker-end';

/** How long a host that is asked to stop may take before it is terminated (see endWorkers). */
const STOP_WAIT_MS = 15_000;

type Ready = Extract<FromHost, { type: 'ready' }>;
/** The messages answered with a reply, without their request number. */
type Request = Omit<Extract<ToHost, { type: 'open' }>, 'req'> | Omit<Extract<ToHost, { type: 'block' }>, 'req'> | { type: 'flush' };

/**
 * One model host thread (src/engine/model-host.ts on the other side) and its request/reply
 * bookkeeping. `ready` resolves once the thread has loaded, checked and warmed its model, and
 * rejects with the load's coded error (or when the thread stops first).
 *
 * @example
 * const host = new HostLink(entry, { modelsDir, filesDir, intraOpThreads: 1, model: 'vqvae-timbre' }, onMessage, onExit);
 * const { kind, warm } = await host.ready;
 * const status = await host.request({ type: 'open', clientId: 'c', id: 1, ... });
 */
export class HostLink {
  readonly worker: Worker;
  readonly ready: Promise<Ready>;
  readonly model: string;
  /** Whether the thread has been asked to stop (its exit is then no crash). */
  stopping = false;
  warm: Warmth = { state: 'warming' };
  private readonly replies = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  private nextReq = 1;

  constructor(entry: string, data: ModelHostData, onMessage: (host: HostLink, m: FromHost) => void, onExit: (host: HostLink, code: number) => void) {
    this.model = data.model;
    this.worker = new Worker(entry, { workerData: data });
    // An idle host must not keep a CLI process alive; endWorkers holds it while it stops.
    this.worker.unref();
    this.ready = new Promise<Ready>((resolve, reject) => {
      this.worker.on('message', (m: FromHost) => {
        if (m.type === 'ready') {
          this.warm = m.warm;
          resolve(m);
        } else if (m.type === 'failed') {
          reject(new MbError(m.code, m.message));
        } else if (m.type === 'reply') {
          this.answer(m);
        } else {
          onMessage(this, m);
        }
      });
      this.worker.once('exit', (code) => reject(new MbError('MB_ERR_MODEL_LOAD', `the host thread of model ${data.model} stopped while loading it (exit code ${code})`)));
    });
    this.ready.catch(() => undefined);
    this.worker.on('error', (err) => log.warn(`model host ${data.model}: ${err.message}`));
    this.worker.on('exit', (code) => {
      for (const r of this.replies.values()) r.reject(new MbError('MB_ERR_INTERNAL', `the host thread of model ${data.model} stopped (exit code ${code})`));
      this.replies.clear();
      onExit(this, code);
    });
  }

  get threadId(): number {
    return this.worker.threadId;
  }

  request<T>(message: Request, transfer: ArrayBuffer[] = []): Promise<T> {
    const req = this.nextReq++;
    return new Promise<T>((resolve, reject) => {
      this.replies.set(req, { resolve: resolve as (v: unknown) => void, reject });
      this.post({ ...message, req } as ToHost, transfer);
    });
  }

  post(message: ToHost, transfer: ArrayBuffer[] = []): void {
    if (this.worker.threadId >= 0) this.worker.postMessage(message, transfer);
  }

  /** Asks the thread to end itself; resolves once it has. */
  stop(): Promise<void> {
    this.stopping = true;
    return endWorkers([this.worker], STOP_WAIT_MS);
  }

  private answer(m: Extract<FromHost, { type: 'reply' }>): void {
    const r = this.replies.get(m.req);
    this.replies.delete(m.req);
    if (m.code) r?.reject(new MbError(m.code, m.message ?? 'failed'));
    else r?.resolve(m.value);
  }
}
