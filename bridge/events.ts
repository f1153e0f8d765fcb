import type { Engine } from '../src/engine';
import type { EngineErrorEvent, JobEvent, ModelEvent, ParamsFrame, StreamEvent, VqFrame } from '../src/engine/types';
import type { MaxMessage } from './commands';

/**
 * Turns the engine's events into Max messages for this Max instance: its own streams'
 * frames and state, its jobs, its errors, and model changes (which concern everyone).
 * Job results also go to a dict, since they are JSON.
 *
 * Out of node.script's outlet:
 *   params <id> <seq> <values...>   normalized, manifest order
 *   units <id> <seq> <values...>
 *   codes <id> <seq> <codes...> / latent <id> <seq> <values...>
 *   closed <id> <reason>
 *   job queued|running|progress|done|cancelled ... (done: job done <id> <name> <dict>)
 *   model loaded|swapped|unloaded <name>
 *   error <code> <message>
 */
export interface EventSink {
  out(message: MaxMessage): void;
  dict(name: string, value: Record<string, unknown>): void;
  error(code: string, message: string): void;
}

export const JOB_DICT = 'mb.job';

/** First words of everything the bridge sends out of node.script (commands' replies and events). */
export const BRIDGE_REPLIES = [
  'params', 'units', 'codes', 'latent', 'opened', 'paramnames', 'closed', 'job', 'model', 'models', 'loaded', 'unloaded',
  'imported', 'corners', 'files', 'status', 'serving', 'config', 'error',
] as const;

/** Second words of `job` messages. */
export const JOB_STATES = ['queued', 'running', 'progress', 'done', 'cancelled'] as const;

/** Subscribes; returns the function that unsubscribes. */
export function forwardEvents(engine: Engine, clientId: string, sink: EventSink): () => void {
  const mine = (e: { clientId?: string }) => e.clientId === clientId;
  const onParams = (f: ParamsFrame) => {
    if (!mine(f)) return;
    sink.out(['params', f.streamId, f.seq, ...f.normalized]);
    sink.out(['units', f.streamId, f.seq, ...f.units]);
  };
  const onVq = (f: VqFrame) => {
    if (!mine(f)) return;
    if (f.codes) sink.out(['codes', f.streamId, f.seq, ...f.codes]);
    if (f.latent) sink.out(['latent', f.streamId, f.seq, ...f.latent]);
  };
  const onStream = (e: StreamEvent) => {
    if (mine(e) && e.state === 'closed' && e.reason !== 'reopened') sink.out(['closed', e.streamId, e.reason ?? 'closed']);
  };
  const onJob = (e: JobEvent) => {
    if (!mine(e)) return;
    if (e.state === 'failed') {
      if (e.error) sink.error(e.error.code, `job ${e.id} (${e.name}): ${e.error.message}`);
      return;
    }
    if (e.state === 'done') {
      sink.dict(JOB_DICT, { id: e.id, name: e.name, result: (e.result ?? null) as unknown });
      sink.out(['job', 'done', e.id, e.name, JOB_DICT]);
    } else if (e.state === 'progress') sink.out(['job', 'progress', e.id, e.progress ?? 0]);
    else if (e.state === 'queued') sink.out(['job', 'queued', e.id, e.name, e.position ?? 0]);
    else sink.out(['job', e.state, e.id, e.name]);
  };
  const onModel = (e: ModelEvent) => sink.out(['model', e.state, e.name]);
  const onError = (e: EngineErrorEvent) => {
    if (e.clientId === undefined || mine(e)) sink.error(e.error.code, e.error.message);
  };
  engine.on('params', onParams);
  engine.on('vq', onVq);
  engine.on('stream', onStream);
  engine.on('job', onJob);
  engine.on('model', onModel);
  engine.on('error', onError);
  return () => {
    engine.off('params', onParams);
    engine.off('vq', onVq);
    engine.off('stream', onStream);
    engine.off('job', onJob);
    engine.off('model', onModel);
    engine.off('error', onError);
  };
}
