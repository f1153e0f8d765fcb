import type { Engine } from '../../src/engine/engine';
import type { JobEvent } from '../../src/engine/types';

/** Resolves with job `id`'s last event (done, failed or cancelled). */
export function finished(engine: Engine, id: number): Promise<JobEvent> {
  return new Promise((resolve) => {
    const on = (e: JobEvent) => {
      if (e.id === id && (e.state === 'done' || e.state === 'failed' || e.state === 'cancelled')) {
        engine.off('job', on);
        resolve(e);
      }
    };
    engine.on('job', on);
  });
}
