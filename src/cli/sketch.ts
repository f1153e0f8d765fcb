import { writeFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { MbError } from '../core/errors';
import { defaultModelsDir } from '../core/paths';
import { readWav, writeWav } from '../audio/wav';
import { checkModelName } from '../models';
import { QUANTIZE_MODES } from '../mirror/voice-controls';
import type { SketchControl } from '../mirror/sketch';
import { numberOption, onePositional, parseCommandArgs, type Command } from './command';

const MODEL = 'mirrornet-stream';
const OUTPUTS = ['.json', '.mid', '.txt'];

type Control = SketchControl;

/** `param:value[:value]` pairs of a repeatable option, e.g. --smooth cutoff:40 */
function pairs(option: string, raw: string[] | undefined, values: number): [string, number[]][] {
  return (raw ?? []).map((r) => {
    const parts = r.split(':');
    const nums = parts.slice(1).map(Number);
    if (parts.length !== values + 1 || nums.some((v) => !Number.isFinite(v))) {
      throw new MbError('MB_ERR_BAD_ARGS', `--${option} takes PARAM${':N'.repeat(values)}, got '${r}'`);
    }
    return [parts[0], nums];
  });
}

/** The mapping options as the controls a live client would send (checked there, with the verbs' ranges). */
function controlsOf(v: Record<string, unknown>): Control[] {
  const c: Control[] = [];
  const num = (name: string) => numberOption(name, v[name] as string | undefined, NaN, -1e9, 1e9);
  if (v.pitch !== undefined) c.push({ kind: 'pitch', source: v.pitch as 'fused' });
  if (v.timbre !== undefined) c.push({ kind: 'timbre', source: v.timbre as 'voice' });
  if (v.transpose !== undefined) c.push({ kind: 'transpose', semitones: num('transpose') });
  if (v.fold !== undefined) {
    const [low, high] = String(v.fold).split(':').map(Number);
    if (!Number.isFinite(low) || !Number.isFinite(high)) throw new MbError('MB_ERR_BAD_ARGS', `--fold takes LOW:HIGH in MIDI, got '${v.fold}'`);
    c.push({ kind: 'fold', low, high });
  }
  if (v.quantize !== undefined) c.push({ kind: 'quantize', scale: v.quantize as 'off', root: v.root !== undefined ? num('root') : 0 });
  else if (v.root !== undefined) throw new MbError('MB_ERR_BAD_ARGS', '--root goes with --quantize SCALE');
  if (v.glide !== undefined) c.push({ kind: 'glide', ms: num('glide') });
  if (v.gate !== undefined) c.push({ kind: 'gate', db: num('gate') });
  for (const [param, [ms]] of pairs('smooth', v.smooth as string[], 1)) c.push({ kind: 'smooth', param, ms });
  for (const [param, [low, high]] of pairs('range', v.range as string[], 2)) c.push({ kind: 'range', param, low, high });
  for (const [param, [exponent]] of pairs('curve', v.curve as string[], 1)) c.push({ kind: 'curve', param, exponent });
  return c;
}

export const sketchCommand: Command = {
  name: 'sketch',
  summary: 'offline vocal sketch: a voice WAV through the live voice stream and its mapping -> parameter curves (.json), notes (.mid) or a score Pd/Max play (.txt), and the plant\'s rendering',
  usage: [
    'mirrorbridge sketch voice.wav --out curves.json|notes.mid|score.txt [--render synth.wav] [options]',
    '  The voice goes through the live stream exactly as a stream sees it (64-sample blocks): the causal',
    '  pitch tracker, the input level and spectral centroid, the stream model, then the mapping below',
    '  (the same settings, ranges and checks as /mb/stream/pitch, /mb/stream/timbre and /mb/stream/map/*).',
    '  --out FILE         .json: per parameter its curve in units, frame times, the normalized frames;',
    '                     .mid: the notes the curves play (gate runs split at sung steps; pitch bend for',
    '                     cents, one controller per setting, as `infer --midi`); .txt: one line per 8-ms',
    '                     frame "<wait ms> <7 normalized values>;" for Pd [text sequence -w 1] / [qlist] or',
    '                     Max [qlist] into [mb.plant~] / [mb.synth~]. Repeatable.',
    '  --render FILE      the curves rendered by the plant (continuous mode) as a WAV; --sr HZ (default 16000)',
    '  --transpose ST     semitones added to the voice (-48..48)      --fold LOW:HIGH  octave folding (MIDI)',
    `  --quantize SCALE   ${QUANTIZE_MODES.join(', ')}; --root 0..11`,
    '  --glide MS         portamento (0..5000)                         --gate DB  gate threshold (-120..0, default -50)',
    '  --pitch fused|model  --timbre voice|model  --smooth PARAM:MS  --range PARAM:LOW:HIGH  --curve PARAM:EXP (repeatable)',
    `  --model NAME       a mirrornet-stream model (default ${MODEL}); --models DIR; --json: print the summary as JSON`,
  ].join('\n'),
  async run(argv) {
    const { values, positionals } = parseCommandArgs(argv, {
      out: { type: 'string', multiple: true }, render: { type: 'string' }, sr: { type: 'string' },
      transpose: { type: 'string' }, fold: { type: 'string' }, quantize: { type: 'string' }, root: { type: 'string' },
      glide: { type: 'string' }, gate: { type: 'string' }, pitch: { type: 'string' }, timbre: { type: 'string' },
      smooth: { type: 'string', multiple: true }, range: { type: 'string', multiple: true }, curve: { type: 'string', multiple: true },
      model: { type: 'string' }, models: { type: 'string' }, json: { type: 'boolean' },
    });
    const input = onePositional(positionals, 'one voice WAV file');
    const outs = values.out ?? [];
    if (outs.length === 0 && !values.render) throw new MbError('MB_ERR_BAD_ARGS', '--out curves.json|notes.mid|score.txt (or --render synth.wav) is required');
    for (const o of outs) {
      if (!OUTPUTS.includes(extname(o).toLowerCase())) throw new MbError('MB_ERR_BAD_ARGS', `--out must end in ${OUTPUTS.join(', ')}, got '${o}'`);
    }
    const sr = numberOption('sr', values.sr, 16000, 8000, 48000);
    const { sketchSettings, sketchVoice, sketchJson, sketchNotes, sketchScore, sketchRender } = await import('../mirror/sketch');
    const settings = sketchSettings(controlsOf(values));
    const wav = readWav(input);
    const dir = join(values.models ?? defaultModelsDir(), checkModelName(values.model ?? MODEL));
    const s = await sketchVoice(dir, wav.samples, wav.sampleRate, settings);
    const notes = sketchNotes(s);
    for (const o of outs) {
      const ext = extname(o).toLowerCase();
      if (ext === '.json') writeFileSync(o, `${JSON.stringify(sketchJson(s))}\n`);
      else if (ext === '.txt') writeFileSync(o, sketchScore(s));
      else {
        const { notesToMidi } = await import('../mirror/midi');
        writeFileSync(o, notesToMidi(notes, 'mirrorbridge vocal sketch'));
      }
    }
    if (values.render) writeWav(values.render, sketchRender(s, sr), sr);
    const summary = {
      input, model: s.model, frames: s.frames.length, frameRate: s.frameRate, seconds: Number((wav.samples.length / wav.sampleRate).toFixed(3)),
      latencyMs: Number(s.latencyMs.toFixed(2)), notes: notes.map((n) => ({ onset_s: Number(n.onset_s.toFixed(3)), duration_s: Number(n.units.duration.toFixed(3)), midi: Number(n.midi.toFixed(2)) })),
      outputs: [...outs, ...(values.render ? [values.render] : [])],
    };
    if (values.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
    else {
      process.stdout.write(`${input}: ${s.frames.length} frames at ${s.frameRate}/s (latency ${summary.latencyMs} ms), ${notes.length} notes -> ${summary.outputs.join(', ')}\n`);
      for (const n of summary.notes) process.stdout.write(`  ${n.onset_s.toFixed(2)} s  midi ${n.midi.toFixed(2)}  ${n.duration_s.toFixed(3)} s\n`);
    }
    return 0;
  },
};
