import { checkArgValue, type ArgSpec } from '../core/arg-spec';
import { resample } from '../audio/resample';
import { readWav, writeWav } from '../audio/wav';
import { outputRateOf } from '../engine/limits';
import type { Engine } from '../engine/engine';
import type { JobArgs, JobContext, JobPathSpec } from '../engine/types';
import { MirrorMelody, type InferResult } from './melody';
import { spectralDistance, type SpectralDistance } from './metrics';

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
 * - `infer {file, model?, refine?}` → the per-note parameters (InferJobResult);
 * - `resynth {in, out, model?, refine?, rate?}` → renders the inferred parameters with the plant into `out`
 *   at `rate` (default: the input's rate): infer's result with `out`, `rate` and the
 *   auditory-spectrogram distance between input and rendering (ResynthJobResult).
 * These results are what every front door shows: OSC /mb/job/done, the Max mb.job dict and the
 * CLI's --json.
 *
 * @example
 * registerMirrorJobs(engine);
 * await engine.submitJob('max', 'infer', { file: 'melody.wav' });
 */
export function registerMirrorJobs(engine: Engine): void {
  engine.registerJob('infer', inferJob, INFER_FILES, ['mirrornet-melody']);
  engine.registerJob('resynth', resynthJob, RESYNTH_FILES, ['mirrornet-melody']);
}

/** The jobs' file arguments and whether they are read or written (the engine checks them; so does the CLI before loading a model). */
export const INFER_FILES: Readonly<JobPathSpec> = { file: 'read' };
export const RESYNTH_FILES: Readonly<JobPathSpec> = { in: 'read', out: 'write' };

/** What `infer` returns: the per-note parameters (InferResult without the raw tensor). */
export type InferJobResult = Omit<InferResult, 'raw'>;

/** What `resynth` returns: infer's result, the file written, its sample rate and the distance between input and rendering. */
export type ResynthJobResult = InferJobResult & { out: string; rate: number; metrics: SpectralDistance };

const inferJob = async (args: JobArgs, ctx: JobContext): Promise<InferJobResult> => {
  const wav = readWav(String(args.file));
  await ctx.checkpoint();
  const { raw: _raw, ...result } = await melodyOf(args, ctx).inferParams(wav.samples, wav.sampleRate, { ...refineOf(args), checkpoint: () => ctx.checkpoint() });
  return result;
};

const resynthJob = async (args: JobArgs, ctx: JobContext): Promise<ResynthJobResult> => {
  const mirror = melodyOf(args, ctx);
  const wav = readWav(String(args.in));
  const rate = outputRateOf(args, wav.sampleRate);
  await ctx.checkpoint();
  const { audio, sampleRate, result } = await mirror.resynthesize(wav.samples, wav.sampleRate, { ...refineOf(args), checkpoint: () => ctx.checkpoint() });
  ctx.progress(0.8);
  await ctx.checkpoint();
  const out = String(args.out);
  // The plant renders at the model's rate; the file is at the rate asked for (the input's by default).
  writeWav(out, resample(audio, sampleRate, rate), rate);
  const { raw: _raw, ...inferred } = result;
  return { ...inferred, out, rate, metrics: spectralDistance(wav.samples, wav.sampleRate, audio, sampleRate) };
};
