import { readFileSync } from 'node:fs';
import { MbError } from '../core/errors';
import { writeWav } from '../audio/wav';
import { parseMelodyJson, renderMelody } from '../synth';
import { numberOption, parseCommandArgs, type Command } from './command';

/** Reads a params JSON file, turning read and parse failures into coded errors. */
export function readParamsFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new MbError('MB_ERR_NOT_FOUND', `cannot read params file '${path}'`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new MbError('MB_ERR_BAD_PARAMS', `params file '${path}' is not valid JSON: ${(err as Error).message}`);
  }
}

export const renderCommand: Command = {
  name: 'render',
  summary: 'render a melody with the plant synth to a WAV file',
  usage:
    'mirrorbridge render --params p.json --out x.wav [--sr HZ] [--bits 16|24|32|32f]\n' +
    '  p.json: {"notes":[{"midi":62,"duration":0.3,"volume":-6,"cutoff":900,...}], "totalSeconds":2}\n' +
    '  fields in units (see docs/synth.md); missing fields take their defaults',
  async run(argv) {
    const { values } = parseCommandArgs(argv, { params: { type: 'string' }, out: { type: 'string' }, sr: { type: 'string' }, bits: { type: 'string' } }, false);
    if (!values.params) throw new MbError('MB_ERR_BAD_ARGS', '--params p.json is required');
    if (!values.out) throw new MbError('MB_ERR_BAD_ARGS', '--out x.wav is required');
    const sampleRate = numberOption('sr', values.sr, 16000, 8000, 48000);
    const bits = values.bits ?? '16';
    if (!['16', '24', '32', '32f'].includes(bits)) throw new MbError('MB_ERR_BAD_ARGS', `--bits must be 16, 24, 32 or 32f, got '${bits}'`);
    const melody = parseMelodyJson(readParamsFile(values.params));
    const audio = renderMelody(melody.params, { sampleRate, notes: melody.notes, paramCount: melody.paramCount, totalSeconds: melody.totalSeconds });
    writeWav(values.out, audio, sampleRate, { bitDepth: bits as '16' | '24' | '32' | '32f' });
    process.stderr.write(`rendered ${melody.notes} notes, ${(audio.length / sampleRate).toFixed(2)} s at ${sampleRate} Hz -> ${values.out}\n`);
    return 0;
  },
};
