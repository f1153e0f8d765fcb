import { join } from 'node:path';
import { MbError } from '../core/errors';
import { defaultModelsDir } from '../core/paths';
import { checkModelName } from '../models';
import { readWav, writeWav } from '../audio/wav';
import { MirrorMelody } from '../mirror/melody';
import { spectralDistance } from '../mirror/metrics';
import { onePositional, parseCommandArgs, type Command } from './command';

function modelDir(models: string | undefined, name: string): string {
  return join(models ?? defaultModelsDir(), checkModelName(name));
}

function printNotes(notes: { midi: number; onset_s: number; duration_s: number }[]): string {
  return notes.map((n) => `  ${n.onset_s.toFixed(2)} s  midi ${n.midi}  ${n.duration_s.toFixed(3)} s`).join('\n');
}

/** `--refine N`: passes of plant-in-the-loop refinement (absent: none). */
function refinePasses(value: string | undefined): number {
  if (value === undefined) return 0;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 32) throw new MbError('MB_ERR_BAD_ARGS', `--refine takes a number of passes from 0 to 32, got '${value}'`);
  return n;
}

/** Options infer and resynth share. */
const MELODY_OPTIONS = {
  model: { type: 'string' },
  models: { type: 'string' },
  json: { type: 'boolean' },
  refine: { type: 'string' },
} as const;

export const inferCommand: Command = {
  name: 'infer',
  summary: 'infer synth parameters from audio with MirrorNet (per note, or per frame with --stream)',
  usage: 'mirrorbridge infer x.wav [--model NAME] [--models DIR] [--json] [--stream] [--refine PASSES]',
  async run(argv) {
    const { values, positionals } = parseCommandArgs(argv, { ...MELODY_OPTIONS, stream: { type: 'boolean' } });
    const file = onePositional(positionals);
    const refine = refinePasses(values.refine);
    if (values.stream && refine > 0) throw new MbError('MB_ERR_BAD_ARGS', '--refine works on melodies (mirrornet-melody), not with --stream');
    const wav = readWav(file);
    if (values.stream) {
      const { inferStreamFile } = await import('../mirror/streamFile');
      const frames = await inferStreamFile(modelDir(values.models, values.model ?? 'mirrornet-stream'), wav.samples, wav.sampleRate);
      if (values.json) process.stdout.write(`${JSON.stringify(frames)}\n`);
      else process.stdout.write(`${frames.frames.length} parameter frames at ${frames.frameRate} frames/s, latency ${frames.latencyMs.toFixed(1)} ms\n`);
      return 0;
    }
    const mirror = await MirrorMelody.load(modelDir(values.models, values.model ?? 'mirrornet-melody'));
    try {
      const { raw: _raw, ...result } = await mirror.inferParams(wav.samples, wav.sampleRate, { refine });
      if (values.json) process.stdout.write(`${JSON.stringify(result)}\n`);
      else process.stdout.write(`${result.model}: ${result.notes.length} notes${result.silent ? ' (silent)' : ''}\n${printNotes(result.notes)}\n${result.notices.map((n) => `  note: ${n}`).join('\n')}\n`);
    } finally {
      await mirror.dispose();
    }
    return 0;
  },
};

export const resynthCommand: Command = {
  name: 'resynth',
  summary: 'infer parameters with MirrorNet and render them with the plant; reports spectral distance',
  usage: 'mirrorbridge resynth x.wav --out y.wav [--model NAME] [--models DIR] [--json] [--refine PASSES]',
  async run(argv) {
    const { values, positionals } = parseCommandArgs(argv, { ...MELODY_OPTIONS, out: { type: 'string' } });
    const file = onePositional(positionals);
    const refine = refinePasses(values.refine);
    if (!values.out) throw new MbError('MB_ERR_BAD_ARGS', '--out y.wav is required');
    const wav = readWav(file);
    const mirror = await MirrorMelody.load(modelDir(values.models, values.model ?? 'mirrornet-melody'));
    try {
      const { audio, sampleRate, result } = await mirror.resynthesize(wav.samples, wav.sampleRate, { refine });
      writeWav(values.out, audio, sampleRate);
      const metrics = spectralDistance(wav.samples, wav.sampleRate, audio, sampleRate);
      const { raw: _raw, ...rest } = result;
      if (values.json) process.stdout.write(`${JSON.stringify({ ...rest, out: values.out, metrics })}\n`);
      else process.stdout.write(`${values.out}: ${result.notes.length} notes, auditory L1 ${metrics.audL1.toFixed(4)} (relative ${metrics.audL1Relative.toFixed(3)})\n`);
    } finally {
      await mirror.dispose();
    }
    return 0;
  },
};
