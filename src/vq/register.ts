import type { Engine } from '../engine/engine';
import { VQ_CONTROLS, VQ_OWNER } from './controls';
import { runVqJob } from './job';
import { VqStreamProcessor } from './live-processor';
import { runtimeFor } from './runtime-cache';

/**
 * The VQ-VAE plug-in's registration with the engine: the `vqvae` live processor
 * (src/vq/live-processor.ts), the client controls it and the job read (src/vq/controls.ts:
 * /mb/vq/target, /mb/vq/deform, /mb/vq/plane) and the offline `vq` job (src/vq/job.ts:
 * encode, decode, synth, deform, plane). Both run on the runtime shared per loaded model
 * (src/vq/runtime-cache.ts).
 *
 * @example
 * registerVq(engine); // then streams on a vqvae model and engine.submitJob(client, 'vq', { op: 'encode', ... })
 */
export function registerVq(engine: Engine): void {
  engine.registerStreamProcessor('vqvae', async (ctx) => VqStreamProcessor.create(await runtimeFor(ctx.model), ctx.sampleRate, ctx.controls));
  engine.registerControls(VQ_OWNER, VQ_CONTROLS);
  engine.registerJob('vq', (args, ctx) => runVqJob(args, ctx), { in: 'read', out: 'write' }, ['vqvae']);
}
