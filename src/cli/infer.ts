import { join } from 'node:path';
import { MbError } from '../core/errors';
import { defaultModelsDir } from '../core/paths';
import { checkModelName } from '../models';
import { readWav } from '../audio/wav';
import { INFER_FILES, REFINE_PASSES, RESYNTH_FILES, type MelodyInferJobResult, type ResynthJobResult } from '../mirror/jobs';
import { jobFiles, runCliJob } from './job-runner';
import type { PlantInferResult } from '../mirror/plants-jobs';
import { inferNotesCommand, isNotesModel, NOTES_HELP, NOTES_MIDI_OPTION, NOTES_MODEL, resynthNotesCommand } from './notes';
import { verbCommand, type CliOption, type VerbCall } from './verb-command';

/**
 * `mirrorbridge infer` and `mirrorbridge resynth`: the verbs /mb/job/infer and /mb/job/resynth
 * from the shell. Their arguments are the verbs' (checked by the verb table), and they run the
 * engine's MirrorNet jobs (src/mirror/jobs.ts) in an in-process engine, so the CLI prints
 * exactly the result OSC and Max get. `infer --stream` (per-frame, causal model) is no job: it
 * runs the stream model over the file directly.
 */
const STREAM_MODEL = 'mirrornet-stream';

const COMMON_OPTIONS: Record<string, CliOption> = {
  models: { type: 'string', value: 'DIR', description: 'Folder holding models/<name>/. Default: models/ of the package (MB_MODELS overrides).' },
  json: { type: 'boolean', description: 'Print the job\'s result as one JSON line.' },
};

/**
 * The CLI always names the model it loads, so the verbs' "default: the first loaded model" and
 * "needs the model name before it" do not apply; refine's meaning is the plug-in's declaration.
 */
const MODEL_AND_REFINE = { model: 'Model name: a folder of --models.', refine: REFINE_PASSES.description };

const modelsDirOf = (call: VerbCall): string => (call.options.models as string | undefined) ?? defaultModelsDir();

/** A learned plant model's frames: one line per window, the parameters in the synth's units. */
function printPlantFrames(r: PlantInferResult): string {
  const head = `${r.model} (learned from ${r.plant}): ${r.frames.length} windows of ${r.windowSeconds} s`;
  return [head, ...r.frames.map((f) => `  ${f.time_s.toFixed(2)} s  ${r.names.map((n, i) => `${n} ${Number(f.units[i].toPrecision(4))}`).join('  ')}`)].join('\n');
}

function printNotes(notes: { midi: number; onset_s: number; duration_s: number }[]): string {
  return notes.map((n) => `  ${n.onset_s.toFixed(2)} s  midi ${n.midi}  ${n.duration_s.toFixed(3)} s`).join('\n');
}

/** `infer --stream`: the causal stream model over the whole file, frame by frame (not a job). */
async function inferStream(call: VerbCall): Promise<number> {
  if (call.args.has('refine') && call.args.int('refine') > 0) throw new MbError('MB_ERR_BAD_ARGS', '--refine works on melodies (mirrornet-melody), not with --stream');
  const wav = readWav(call.args.str('file'));
  const { inferStreamFile } = await import('../mirror/streamFile');
  const frames = await inferStreamFile(join(modelsDirOf(call), checkModelName(call.given.model ?? STREAM_MODEL)), wav.samples, wav.sampleRate);
  if (call.options.json) process.stdout.write(`${JSON.stringify(frames)}\n`);
  else process.stdout.write(`${frames.frames.length} parameter frames at ${frames.frameRate} frames/s, latency ${frames.latencyMs.toFixed(1)} ms\n`);
  return 0;
}

/** The CLI's notes path (src/cli/notes.ts) when the model is the note model or left out. */
const notesPath = (call: VerbCall): boolean => isNotesModel(call.args.str('model'));

export const inferCommand = verbCommand({
  name: 'infer',
  summary: 'transcribe a melody into notes with the plant\'s settings per note (--midi writes them as MIDI); --model mirrornet-melody: the paper\'s 5 slots per 2 s; --stream: per frame',
  address: '/mb/job/infer',
  positionals: ['file'],
  // refine defaults here too, so --midi alone fills the arguments before it (the notes path reads whether --refine was given)
  defaults: { model: NOTES_MODEL, refine: '0' },
  descriptions: { ...MODEL_AND_REFINE, file: 'Input WAV (any sample rate and length).', midi: NOTES_MIDI_OPTION.description },
  options: {
    ...COMMON_OPTIONS,
    stream: { type: 'boolean', description: `Per-frame parameters from the causal stream model (default model ${STREAM_MODEL}); not a job, no --refine.` },
  },
  notes: NOTES_HELP,
  async run(call) {
    if (call.options.stream) return inferStream(call);
    if (notesPath(call)) return inferNotesCommand(call, modelsDirOf(call));
    if (call.options.midi) throw new MbError('MB_ERR_BAD_ARGS', `--midi writes notes of the note model (${NOTES_MODEL}), not of ${call.args.str('model')}`);
    const result = (await runCliJob({
      modelsDir: modelsDirOf(call),
      model: call.args.str('model'),
      files: jobFiles(call.args, INFER_FILES),
      submit: call.submit,
    })) as MelodyInferJobResult | PlantInferResult;
    if (call.options.json) process.stdout.write(`${JSON.stringify(result)}\n`);
    else if ('frames' in result) process.stdout.write(`${printPlantFrames(result)}\n`);
    else process.stdout.write(`${result.model}: ${result.notes.length} notes${result.silent ? ' (silent)' : ''}\n${printNotes(result.notes)}\n${result.notices.map((n) => `  note: ${n}`).join('\n')}\n`);
    return 0;
  },
});

export const resynthCommand = verbCommand({
  name: 'resynth',
  summary: 'infer parameters with MirrorNet and render them with the plant; reports spectral distance',
  address: '/mb/job/resynth',
  positionals: ['in'],
  // refine defaults here too, so --rate alone fills the arguments before it
  defaults: { model: NOTES_MODEL, refine: '0' },
  descriptions: { ...MODEL_AND_REFINE, in: 'Input WAV (any sample rate and length).', out: 'Output WAV (the plant\'s rendering).' },
  options: { ...COMMON_OPTIONS, midi: NOTES_MIDI_OPTION },
  notes: NOTES_HELP,
  async run(call) {
    if (notesPath(call)) return resynthNotesCommand(call, modelsDirOf(call));
    const result = (await runCliJob({
      modelsDir: modelsDirOf(call),
      model: call.args.str('model'),
      files: jobFiles(call.args, RESYNTH_FILES),
      submit: call.submit,
    })) as ResynthJobResult;
    if (call.options.json) process.stdout.write(`${JSON.stringify(result)}\n`);
    else process.stdout.write(`${result.out}: ${result.notes.length} notes, auditory L1 ${result.metrics.audL1.toFixed(4)} (relative ${result.metrics.audL1Relative.toFixed(3)})\n`);
    return 0;
  },
});
