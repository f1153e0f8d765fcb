import { MbError } from '../core/errors';
import { readWav, writeWav } from '../audio/wav';
import type { Engine } from '../engine/engine';
import type { JobContext, JobArgs } from '../engine/types';
import { MirrorMelody } from './melody';
import { spectralDistance } from './metrics';

/** `refine` job argument: passes of plant-in-the-loop refinement (absent: 0). */
function refineOf(args: JobArgs): { refine: number } {
  const v = args.refine ?? 0;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 32) {
    throw new MbError('MB_ERR_BAD_ARGS', `refine must be a number of passes from 0 to 32, got ${JSON.stringify(v)}`);
  }
  return { refine: v };
}

/** The model a job uses: the named one or the first loaded mirrornet-melody. */
function melodyOf(args: JobArgs, ctx: JobContext): MirrorMelody {
  const name = typeof args.model === 'string' ? args.model : undefined;
  return new MirrorMelody(ctx.model(name, ['mirrornet-melody']));
}

/**
 * Registers MirrorNet's offline jobs on an engine:
 * - `infer {file, model?, refine?}` → the per-note parameters (InferResult without the raw tensor);
 * - `resynth {in, out, model?, refine?}` → renders the inferred parameters with the plant into `out`,
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
    const { raw: _raw, ...result } = await melodyOf(args, ctx).inferParams(wav.samples, wav.sampleRate, { ...refineOf(args), checkpoint: () => ctx.checkpoint() });
    return result;
  });
  engine.registerJob('resynth', async (args, ctx) => {
    const mirror = melodyOf(args, ctx);
    const wav = readWav(String(args.in));
    await ctx.checkpoint();
    const { audio, sampleRate, result } = await mirror.resynthesize(wav.samples, wav.sampleRate, { ...refineOf(args), checkpoint: () => ctx.checkpoint() });
    ctx.progress(0.8);
    await ctx.checkpoint();
    writeWav(String(args.out), audio, sampleRate);
    const metrics = spectralDistance(wav.samples, wav.sampleRate, audio, sampleRate);
    return { out: args.out, notes: result.notes.length, silent: result.silent, notices: result.notices, metrics, ...(result.refinement ? { refinement: result.refinement } : {}) };
  });
}
