import type { MbError } from '../core/errors';
import { log } from '../core/log';
import type { Engine } from '../engine/engine';
import type { EngineErrorEvent, JobEvent, ModelEvent, ParamsFrame, StreamEvent, VqFrame } from '../engine/types';
import { jobNoteReplies } from './job-notes';
import { errorReply, jobReply, modelReply, paramsReplies, sessionJobReply, streamClosedReply, vqReplies } from './replies';
import type { Reply } from './spec';

/**
 * Turns the engine's events into the table's out messages, once for every door: a door says
 * who hears them (OSC: the owner and whoever listens; Max: its own client).
 *
 * @example
 * const off = forwardEngineEvents(engine, { owned: (id, r) => ..., shared: (r) => ..., error: (id, r) => ... });
 */
export interface ReplySink {
  /** Replies about one client's stream or job (frames, closes, job progress), with the frame time. */
  owned(clientId: string, replies: Reply[], timeMs: number): void;
  /** Replies that concern every client (model changes). */
  shared(replies: Reply[]): void;
  /** An engine error for one client, or for none (clientId undefined). */
  error(clientId: string | undefined, reply: Reply, error: MbError): void;
}

/** Subscribes; returns the function that unsubscribes. A sink that throws is logged, never rethrown. */
export function forwardEngineEvents(engine: Engine, sink: ReplySink): () => void {
  const offs: (() => void)[] = [];
  const on = <K extends 'params' | 'vq' | 'stream' | 'model' | 'job' | 'error'>(event: K, fn: (e: never) => void) => {
    const guarded = (e: never) => {
      try {
        fn(e);
      } catch (err) {
        log.error(`events ${event}: ${(err as Error).message}`);
      }
    };
    engine.on(event, guarded as never);
    offs.push(() => engine.off(event, guarded as never));
  };
  on('params', (f: ParamsFrame) => sink.owned(f.clientId, paramsReplies(f), f.time));
  on('vq', (f: VqFrame) => sink.owned(f.clientId, vqReplies(f), f.time));
  on('stream', (e: StreamEvent) => {
    const r = streamClosedReply(e);
    if (r) sink.owned(e.clientId, [r], Date.now());
  });
  on('model', (e: ModelEvent) => sink.shared([modelReply(e)]));
  on('job', (e: JobEvent) => {
    // listen-only: reaches whoever LISTENs /mb/session/job, not the job's owner as such
    sink.owned(e.clientId, [sessionJobReply(e)], Date.now());
    const r = jobReply(e);
    if (!r) return;
    if (e.state === 'failed' && e.error) sink.error(e.clientId, r, e.error);
    // A result's notes as plain messages go first, so /mb/job/done means they have all arrived.
    else sink.owned(e.clientId, [...jobNoteReplies(e), r], Date.now());
  });
  on('error', (e: EngineErrorEvent) => sink.error(e.clientId, errorReply(e.error.code, e.error.message), e.error));
  return () => offs.forEach((off) => off());
}
