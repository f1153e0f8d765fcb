import { readWav, writeWav } from '../audio/wav';
import type { Engine } from '../engine/engine';
import type { JobContext, JobArgs } from '../engine/types';
import { MirrorMelody } from './melody';
import { spectralDistance } from './metrics';

/** The model a job uses: the named one or the first loaded mirrornet-melody. */
function melodyOf(args: JobArgs, ctx: JobContext): MirrorMelody {
  const name = typeof args.model === 'string' ? args.model : undefined;
  return new MirrorMelody(ctx.model(name, ['mirrornet-melody']));
}

/**
 * Registers MirrorNet's offline jobs on an engine:
 * - `infer {file, model?}` → the per-note parameters (InferResult without the raw tensor);
 * - `resynth {in, out, model?}` → renders the inferred parameters with the plant into `out`,
 *   with the auditory-spectrogram distance between input and rendering.
 *
 * @example
 * registerMirrorJobs(engine);
 * await engine.submitJob('max', 'infer', { file: 'melody.wav' });
 */
export function registerMirrorJobs(engine: Engine): void {
  engine.registerJob('infer', async (args, ctx) => {
    const wav = readWav(String(args.file));
    await ctx.checkpoint();
    const { raw: _raw, ...result } = await melodyOf(args, ctx).inferParams(wav.samples, wav.sampleRate);
    return result;
  });
  engine.registerJob('resynth', async (args, ctx) => {
    const mirror = melodyOf(args, ctx);
    const wav = readWav(String(args.in));
    await ctx.checkpoint();
    const { audio, sampleRate, result } = await mirror.resynthesize(wav.samples, wav.sampleRate);
    ctx.progress(0.8);
    await ctx.checkpoint();
    writeWav(String(args.out), audio, sampleRate);
    const metrics = spectralDistance(wav.samples, wav.sampleRate, audio, sampleRate);
    return { out: args.out, notes: result.notes.length, silent: result.silent, notices: result.notices, metrics };
  });
}
