import type { MbErrorCode } from '../core/errors';
import type { Control, ParamsFrame, StreamStatus, VqFrame, Warmth } from './types';

/**
 * The messages between the main thread (src/engine/model-hosts.ts, host-link.ts) and a model
 * host thread (src/engine/model-host.ts), and what a host is started with.
 */

/** What a host thread is started with (workerData). */
export interface ModelHostData {
  modelsDir: string;
  filesDir: string;
  intraOpThreads: number;
  /** Whether the host warms its model before it says ready (EngineOptions.warmModels). */
  warmModels: boolean;
  /**
   * Input blocks a stream holds here before the oldest is dropped: HOST_QUEUE_FACTOR times the
   * main engine's streamQueueBlocks (see there).
   */
  streamQueueBlocks: number;
  /** The nice value the thread takes once it serves live streams (EngineOptions.liveNice). */
  liveNice: number;
  model: string;
}

/** [owner, snapshot] pairs of one client's controls, as the main engine keeps them. */
export type ControlSnapshots = [string, unknown][];

export interface HostStreamInit {
  clientId: string;
  id: number;
  sampleRate: number;
  blockSize: number;
  smoothing: number;
  controls: ControlSnapshots;
}

export type ToHost =
  | ({ type: 'open'; req: number } & HostStreamInit)
  | { type: 'close'; clientId: string; id: number }
  /** One block; with `req`, its frames come back in the reply rather than as frame messages. */
  | { type: 'block'; clientId: string; id: number; samples: Float32Array; at: number; req?: number }
  | { type: 'smoothing'; clientId: string; id: number; amount: number }
  | { type: 'control'; clientId: string; control: Control; snapshots: ControlSnapshots }
  /** The host now serves its model's live streams: it takes the live priority. */
  | { type: 'live' }
  /** Answered once every block sent before it has been processed (a swap's cut). */
  | { type: 'flush'; req: number }
  /** Ends the thread from inside (handled in JavaScript, never inside native code). */
  | { type: 'exit'; code: number };

export type FromHost =
  | { type: 'ready'; kind: string; live: boolean; warm: Warmth }
  | { type: 'failed'; code: MbErrorCode; message: string }
  | { type: 'reply'; req: number; value?: unknown; code?: MbErrorCode; message?: string }
  | { type: 'params'; frame: ParamsFrame }
  | { type: 'vq'; frame: VqFrame }
  | { type: 'error'; clientId?: string; streamId?: number; code: MbErrorCode; message: string }
  | { type: 'stats'; streams: StreamStatus[] };

/**
 * After a stall of the main thread (its event loop, or the machine's load) the blocks that
 * waited there reach a host in one batch, all queued before it processes one: at 4 times the
 * main engine's queue a host keeps such a batch, which it catches up on in a few ms, and
 * still drops the oldest when it is itself behind.
 */
export const HOST_QUEUE_FACTOR = 4;

/** How often a host with streams reports their status (queue, drops, compute time). */
export const STATS_MS = 250;
