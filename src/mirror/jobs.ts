import { checkArgValue, type ArgSpec } from '../core/arg-spec';
import { readWav, writeWav } from '../audio/wav';
import type { Engine } from '../engine/engine';
import type { JobContext, JobArgs } from '../engine/types';
import { MirrorMelody } from './melody';
import { spectralDistance } from './metrics';

/**
 * The `refine` argument of MirrorNet's jobs, declared once: the verb table, the CLI and the
 * job itself check with it.
 */
export const REFINE_PASSES: ArgSpec = {
  name: 'refine', type: 'i', min: 0, max: 32, optional: true, default: 0,
  description: 'Passes of plant-in-the-loop refinement after the encoder (0 or absent: the encoder alone; about 0.3 s per pass and 2 s of audio).',
};

/** `refine` job argument: passes of plant-in-the-loop refinement (absent: 0). */
function refineOf(args: JobArgs): { refine: number } {
  return { refine: checkArgValue(REFINE_PASSES, args.refine ?? 0, 'refine') as number };
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
  engine.registerJob('infer', inferJob, { file: 'read' });
  engine.registerJob('resynth', resynthJob, { in: 'read', out: 'write' });
}

const inferJob = async (args: JobArgs, ctx: JobContext): Promise<unknown> => {
    const wav = readWav(String(args.file));
    await ctx.checkpoint();
    const { raw: _raw, ...result } = await melodyOf(args, ctx).inferParams(wav.samples, wav.sampleRate, { ...refineOf(args), checkpoint: () => ctx.checkpoint() });
    return result;
};

const resynthJob = async (args: JobArgs, ctx: JobContext): Promise<unknown> => {
    const mirror = melodyOf(args, ctx);
    const wav = readWav(String(args.in));
    await ctx.checkpoint();
    const { audio, sampleRate, result } = await mirror.resynthesize(wav.samples, wav.sampleRate, { ...refineOf(args), checkpoint: () => ctx.checkpoint() });
    ctx.progress(0.8);
    await ctx.checkpoint();
    writeWav(String(args.out), audio, sampleRate);
    const metrics = spectralDistance(wav.samples, wav.sampleRate, audio, sampleRate);
    return { out: args.out, notes: result.notes.length, silent: result.silent, notices: result.notices, metrics, ...(result.refinement ? { refinement: result.refinement } : {}) };
};
