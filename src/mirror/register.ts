import type { Engine } from '../engine/engine';
import { registerMirrorJobs } from './jobs';
import { MIRROR_OWNER, VOICE_MAP_CONTROLS } from './voice-controls';
import { VoiceStreamProcessor } from './voice-stream';
import { PlantStreamProcessor } from './plant-stream';

/**
 * MirrorNet's contribution to the engine: the live `mirrornet-stream` processor (the stream
 * model fused with the causal pitch tracker, then the per-stream voice mapping, whose controls
 * it owns), live streams on learned plant models (`mirrornet-plant`: the plant's parameters
 * from each window of one render) and the offline `infer` and `resynth` jobs.
 */
export function registerMirror(engine: Engine): void {
  engine.registerControls(MIRROR_OWNER, VOICE_MAP_CONTROLS);
  engine.registerStreamProcessor('mirrornet-stream', (ctx) => VoiceStreamProcessor.create(ctx.model, ctx.sampleRate, { controls: ctx.controls, streamId: ctx.streamId }));
  engine.registerStreamProcessor('mirrornet-plant', (ctx) => PlantStreamProcessor.create(ctx.model, ctx.sampleRate));
  registerMirrorJobs(engine);
}
