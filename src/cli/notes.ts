import { existsSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readWav, writeWav } from '../audio/wav';
import { MbError } from '../core/errors';
import { checkModelName } from '../models';
import { spectralDistance } from '../mirror/metrics';
import { notesToMidi } from '../mirror/midi';
import { inferNotes, renderInferred, type NoteEncoder, type NotesResult } from '../mirror/notes';
import { LONG_SECONDS } from '../mirror/transcribe';
import type { CliOption, VerbCall } from './verb-command';

/**
 * The CLI's notes path of `infer` and `resynth` (the default): a melody of any rhythm → notes
 * (src/mirror/notes.ts) with the plant's settings per note, printed, as JSON, as a MIDI file
 * (--midi) or rendered by the plant (resynth). Runs in process, not as an engine job.
 */
export const NOTES_MODEL = 'mirrornet-notes';

export const NOTES_MIDI_OPTION: CliOption = {
  type: 'string',
  value: 'FILE',
  description: 'Also write the notes as a standard MIDI file (pitch bend for the cents, one controller per plant setting; docs/mirrornet.md).',
};

export const NOTES_HELP = [
  `By default (model ${NOTES_MODEL}) the notes come from onset, rest and YIN pitch analysis (DSP);`,
  'each note\'s sound from the note model where models/mirrornet-notes exists, refined with',
  '--refine passes of plant-in-the-loop search (default 3 without the model, 0 with it).',
  '--model mirrornet-melody keeps the paper\'s 5 notes per 2 s. Over OSC and Max the same jobs give',
  'notes when the model they run on is a mirrornet-notes (named, or the first loaded).',
].join('\n');

/** Whether a model name means the notes path. */
export function isNotesModel(name: string): boolean {
  return name === NOTES_MODEL;
}

/** The learned note encoder when its folder exists under the models folder, else null (search only). */
async function encoderOf(modelsDir: string, name: string): Promise<NoteEncoder | null> {
  const dir = join(modelsDir, checkModelName(name));
  if (!existsSync(join(dir, `${name}.json`))) return null;
  const { NoteModel } = await import('../mirror/note-model');
  return NoteModel.load(dir);
}

async function run(call: VerbCall, modelsDir: string, file: string): Promise<{ result: NotesResult; samples: Float32Array; sampleRate: number }> {
  const wav = readWav(file);
  const name = call.args.str('model');
  const encoder = await encoderOf(modelsDir, name);
  const given = call.given.refine;
  const refine = given === undefined ? (encoder ? 0 : 3) : call.args.int('refine');
  const seconds = wav.samples.length / wav.sampleRate;
  // Long files: progress on stderr (stdout keeps the result, --json stays one line).
  const onProgress = seconds > LONG_SECONDS ? progressLine(`${file} (${Math.round(seconds)} s)`) : undefined;
  const result = await inferNotes(wav.samples, wav.sampleRate, { refine, ...(encoder ? { encoder } : {}), ...(onProgress ? { onProgress } : {}) });
  if (!encoder) result.notices.push(`no ${name} model in ${modelsDir}: each note's sound comes from the plant-in-the-loop search alone`);
  const midi = call.options.midi as string | undefined;
  if (midi) writeFileSync(resolve(midi), notesToMidi(result.notes));
  return { result, samples: wav.samples, sampleRate: wav.sampleRate };
}

/** Progress as `name: 40 %` on stderr, rewritten in place on a terminal, a line per step otherwise. */
function progressLine(name: string): (fraction: number) => void {
  let last = -1;
  return (f) => {
    const pct = Math.round(100 * f);
    if (pct === last) return;
    last = pct;
    if (process.stderr.isTTY) process.stderr.write(`\r${name}: ${pct} %${pct === 100 ? '\n' : ''}`);
    else process.stderr.write(`${name}: ${pct} %\n`);
  };
}

function noteLine(n: NotesResult['notes'][number]): string {
  const cents = `${n.cents >= 0 ? '+' : ''}${n.cents}`;
  const u = n.units;
  return `  ${n.onset_s.toFixed(3)}-${n.offset_s.toFixed(3)} s  midi ${n.key}${cents.padStart(4)}c  vol ${u.volume.toFixed(1)} dB  cutoff ${u.cutoff.toFixed(0)} Hz  Q ${u.resonance.toFixed(2)}  attack ${(1000 * u.attack).toFixed(0)} ms  decay ${(1000 * u.decay).toFixed(0)} ms  sustain ${u.sustain.toFixed(2)}`;
}

function flags(r: NotesResult): string {
  return [r.silent ? 'silent' : '', r.polyphonic ? 'polyphonic' : '', r.unpitched ? 'unpitched' : ''].filter(Boolean).join(', ');
}

/** `mirrorbridge infer x.wav [--midi out.mid] [--json]` on the notes path. */
export async function inferNotesCommand(call: VerbCall, modelsDir: string): Promise<number> {
  const { result } = await run(call, modelsDir, call.args.str('file'));
  if (call.options.json) process.stdout.write(`${JSON.stringify(result)}\n`);
  else {
    const f = flags(result);
    process.stdout.write(`${result.method}: ${result.notes.length} notes${f ? ` (${f})` : ''}\n${result.notes.map(noteLine).join('\n')}\n${result.notices.map((n) => `  note: ${n}`).join('\n')}\n`);
  }
  return 0;
}

/** `mirrorbridge resynth in.wav out.wav [rate]` on the notes path: the whole melody rendered by the plant. */
export async function resynthNotesCommand(call: VerbCall, modelsDir: string): Promise<number> {
  const { result, samples, sampleRate } = await run(call, modelsDir, call.args.str('in'));
  const rate = call.args.has('rate') ? call.args.int('rate') : sampleRate;
  if (!(rate >= 8000 && rate <= 192000)) throw new MbError('MB_ERR_BAD_ARGS', `rate must be in [8000, 192000] Hz, got ${rate}`);
  const audio = renderInferred(result.notes, rate, samples.length / sampleRate);
  const out = call.args.str('out');
  writeWav(out, audio, rate);
  const metrics = spectralDistance(samples, sampleRate, audio, rate);
  if (call.options.json) process.stdout.write(`${JSON.stringify({ ...result, out, rate, metrics })}\n`);
  else process.stdout.write(`${out}: ${result.notes.length} notes rendered by the plant, auditory L1 ${metrics.audL1.toFixed(4)} (relative ${metrics.audL1Relative.toFixed(3)})\n`);
  return 0;
}
