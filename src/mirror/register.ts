import type { Engine } from '../engine/engine';
import { registerMirrorJobs } from './jobs';
import { MirrorStreamProcessor } from './stream';

/**
 * MirrorNet's contribution to the engine: the live `mirrornet-stream` processor and the
 * offline `infer` and `resynth` jobs.
 */
export function registerMirror(engine: Engine): void {
  engine.registerStreamProcessor('mirrornet-stream', (ctx) => MirrorStreamProcessor.create(ctx.model, ctx.sampleRate));
  registerMirrorJobs(engine);
}
