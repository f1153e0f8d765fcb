import { writeFileSync } from 'node:fs';
import { checkArgValue, type ArgSpec } from '../core/arg-spec';
import { resample } from '../audio/resample';
import { readWav, writeWav } from '../audio/wav';
import { outputRateOf } from '../engine/limits';
import type { Engine } from '../engine/engine';
import type { JobArgs, JobContext, JobPathSpec } from '../engine/types';
import type { ModelKind } from '../models';
import { MirrorMelody, type InferResult } from './melody';
import { spectralDistance, type SpectralDistance } from './metrics';
import { NoteModel } from './note-model';
import { notesToMidi } from './midi';
import { inferNotes, renderInferred, type NotesResult } from './notes';
import { inferPlant, type PlantInferResult } from './plants-jobs';
import { MbError } from '../core/errors';
import type { OnnxModel } from '../models';

/**
 * The `refine` argument of MirrorNet's jobs, declared once: the verb table, the CLI and the
 * job itself check with it.
 */
export const REFINE_PASSES: ArgSpec = {
  name: 'refine', type: 'i', min: 0, max: 32, optional: true, default: 0,
  description: 'Passes of plant-in-the-loop refinement after the encoder (0 or absent: the encoder alone; about 0.3 s per pass and 2 s of audio).',
};

/**
 * The `midi` argument of `infer`, declared once (verb table, CLI, job): where the notes also go
 * as a standard MIDI file (src/mirror/midi.ts), inside the files folder.
 */
export const MIDI_OUT: ArgSpec = {
  name: 'midi', type: 's', format: 'file', optional: true,
  description: 'Also write the notes as a standard MIDI file (.mid or .midi) at this path inside the files folder; note models (mirrornet-notes) only. Needs the model name and refine before it.',
};

/** Refuses a MIDI path that does not end in .mid or .midi (so an input WAV is never overwritten by mistake). */
export function checkMidiPath(file: string): string {
  if (!/\.midi?$/i.test(file)) throw new MbError('MB_ERR_BAD_ARGS', `midi must be a path ending in .mid or .midi, got ${JSON.stringify(file)}`);
  return file;
}

/** `refine` job argument: passes of plant-in-the-loop refinement (absent: 0). */
function refineOf(args: JobArgs): { refine: number } {
  return { refine: checkArgValue(REFINE_PASSES, args.refine ?? 0, 'refine') as number };
}

/** The kinds MirrorNet's jobs run on: the paper's melody model and the note model. */
const JOB_KINDS: readonly ModelKind[] = ['mirrornet-melody', 'mirrornet-notes'];

/**
 * The model a job uses: the named one or the first loaded of JOB_KINDS; a note model's jobs give
 * notes. A learned plant model (mirrornet-plant) serves `infer` when it is named; it is never the
 * default, and `resynth` on it is refused (rendering with the user's own synth is not done here).
 */
function modelOf(args: JobArgs, ctx: JobContext): { melody: MirrorMelody } | { notes: NoteModel } | { plant: OnnxModel } {
  const name = typeof args.model === 'string' ? args.model : undefined;
  const model = ctx.model(name, JOB_KINDS);
  if (model.manifest.kind === 'mirrornet-plant') return { plant: model };
  return model.manifest.kind === 'mirrornet-notes' ? { notes: NoteModel.fromModel(model) } : { melody: new MirrorMelody(model) };
}

/**
 * Registers MirrorNet's offline jobs on an engine:
 * - `infer {file, model?, refine?, midi?}` → the per-note parameters (InferJobResult): on mirrornet-notes
 *   the notes of a melody of any rhythm with the plant's settings per note (with `midi`, also
 *   written there as a MIDI file, its path in the result's `midi`), on mirrornet-melody
 *   the paper's 5 slots per 2 s, on a learned plant model (named) its synth's parameters per
 *   window of one render (src/mirror/plants-jobs.ts);
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
  engine.registerJob('infer', inferJob, INFER_FILES, JOB_KINDS);
  engine.registerJob('resynth', resynthJob, RESYNTH_FILES, JOB_KINDS);
}

/** The jobs' file arguments and whether they are read or written (the engine checks them; so does the CLI before loading a model). */
export const INFER_FILES: Readonly<JobPathSpec> = { file: 'read', midi: 'write' };
export const RESYNTH_FILES: Readonly<JobPathSpec> = { in: 'read', out: 'write' };

/**
 * What `infer` returns: on mirrornet-melody the per-note parameters of its slots (InferResult
 * without the raw tensor); on mirrornet-notes the notes (NotesResult, src/mirror/notes.ts) with the model's name.
 */
export type InferJobResult = MelodyInferJobResult | NotesJobResult | PlantInferResult;

/** `infer`'s result on mirrornet-notes: the notes, the model's name and, when asked, the MIDI file written. */
export type NotesJobResult = NotesResult & { model: string; midi?: string };

/** `infer`'s result on mirrornet-melody. */
export type MelodyInferJobResult = Omit<InferResult, 'raw'>;

/** What `resynth` returns: infer's result, the file written, its sample rate and the distance between input and rendering. */
export type ResynthJobResult = Exclude<InferJobResult, PlantInferResult> & { out: string; rate: number; metrics: SpectralDistance };

const inferJob = async (args: JobArgs, ctx: JobContext): Promise<InferJobResult> => {
  const midi = args.midi === undefined ? undefined : checkMidiPath(String(args.midi));
  const wav = readWav(String(args.file));
  await ctx.checkpoint();
  const model = modelOf(args, ctx);
  if (midi !== undefined && !('notes' in model)) {
    const name = 'plant' in model ? model.plant.name : model.melody.name;
    throw new MbError('MB_ERR_BAD_ARGS', `midi writes the notes of a note model (mirrornet-notes), not of ${name}`);
  }
  const checkpoint = (): Promise<void> => ctx.checkpoint();
  if ('plant' in model) return inferPlant(model.plant, wav.samples, wav.sampleRate, checkpoint);
  if ('notes' in model) {
    const result = await inferNotes(wav.samples, wav.sampleRate, { encoder: model.notes, ...refineOf(args), checkpoint });
    if (midi === undefined) return { model: model.notes.name, ...result };
    writeFileSync(midi, notesToMidi(result.notes));
    return { model: model.notes.name, ...result, midi };
  }
  const { raw: _raw, ...result } = await model.melody.inferParams(wav.samples, wav.sampleRate, { ...refineOf(args), checkpoint });
  return result;
};

const resynthJob = async (args: JobArgs, ctx: JobContext): Promise<ResynthJobResult> => {
  const model = modelOf(args, ctx);
  if ('plant' in model) {
    throw new MbError('MB_ERR_UNSUPPORTED', `resynth on the learned plant model ${model.plant.name} is not supported yet: infer gives its parameters, and ${model.plant.manifest.plant?.source ?? 'the plant'} renders them (patches/pd/examples/05-learned-synth.pd plays them live)`);
  }
  const wav = readWav(String(args.in));
  const rate = outputRateOf(args, wav.sampleRate);
  await ctx.checkpoint();
  const out = String(args.out);
  const checkpoint = (): Promise<void> => ctx.checkpoint();
  if ('notes' in model) {
    const result = await inferNotes(wav.samples, wav.sampleRate, { encoder: model.notes, ...refineOf(args), checkpoint });
    ctx.progress(0.8);
    await ctx.checkpoint();
    // The notes configuration renders at any rate: straight at the rate asked for.
    const audio = renderInferred(result.notes, rate, wav.samples.length / wav.sampleRate);
    writeWav(out, audio, rate);
    return { model: model.notes.name, ...result, out, rate, metrics: spectralDistance(wav.samples, wav.sampleRate, audio, rate) };
  }
  const { audio, sampleRate, result } = await model.melody.resynthesize(wav.samples, wav.sampleRate, { ...refineOf(args), checkpoint });
  ctx.progress(0.8);
  await ctx.checkpoint();
  // The plant renders at the model's rate; the file is at the rate asked for (the input's by default).
  writeWav(out, resample(audio, sampleRate, rate), rate);
  const { raw: _raw, ...inferred } = result;
  return { ...inferred, out, rate, metrics: spectralDistance(wav.samples, wav.sampleRate, audio, sampleRate) };
};
