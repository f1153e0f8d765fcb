import { promises as fs } from 'node:fs';
import { MbError } from '../core/errors';
import { readWav, writeWav } from '../audio/wav';
import { resample } from '../audio/resample';
import type { DescriptorName } from '../dsp/descriptors';
import { outputRateOf } from '../engine/limits';
import type { JobArgs, JobContext } from '../engine/types';
import { codesJson, readCodesJson, writeCodesJson } from './codes-file';
import { deformOpsOf } from './control-ops';
import { vqControlsOf } from './controls';
import { formatOp } from './deform';
import { encodedFile } from './encode-cache';
import type { VqRuntime } from './runtime';
import { runtimeFor } from './runtime-cache';
import { checkDescriptorName, parseTarget } from './targets';

/**
 * The offline `vq` job: `op` is encode (WAV -> codes JSON, src/vq/codes-file.ts), decode
 * (codes JSON -> WAV), synth (descriptor synthesis guided by a sound, with the client's
 * constant targets), deform (the client's deformation controls) or plane (four corner WAVs
 * listed in a file, mixed at the client's plane point) or draw (no input: a curve of codes or
 * of one descriptor, from /mb/job/draw, see drawCurve). `in` and `out` arrive checked
 * against the files folder; the controls are the client's as they were at submission. WAVs are
 * written at `rate` (default: the input's rate; for decode and plane, the codes' and the first
 * corner's), resampled from the model's, and the result says which (`rate`); a result that would
 * peak above PEAK_CEILING_DB is scaled down to it (`gainDb`, 0 when not), never clipped.
 *
 * @example
 * await engine.submitJob('pd', 'vq', { op: 'deform', in: 'voice.wav', out: 'voice-deformed.wav' });
 */
export async function runVqJob(args: JobArgs, ctx: JobContext): Promise<unknown> {
  const name = typeof args.model === 'string' ? args.model : undefined;
  const vq = await runtimeFor(ctx.model(name, ['vqvae']));
  const input = String(args.in);
  const out = String(args.out);
  await ctx.checkpoint();
  switch (args.op) {
    case 'encode': {
      if (args.rate !== undefined) throw new MbError('MB_ERR_BAD_ARGS', `vq encode writes codes, not audio: rate does not apply, got ${String(args.rate)}`);
      const s = await vq.encode(readAudio(vq, input).samples);
      await writeCodesJson(out, codesJson(vq.model, s));
      return { op: 'encode', out, frames: s.frames };
    }
    case 'decode': {
      const rate = outputRateOf(args, vq.sampleRate);
      const parsed = await readCodesJson(input);
      const gainDb = writeAudio(out, await vq.decode(parsed), vq, rate);
      return { op: 'decode', out, rate, gainDb, frames: parsed.gains.length };
    }
    case 'synth': {
      // The guide sound (e.g. curves drawn in a patch, rendered) sets the length and the
      // loudness and centroid curves; each constant target the client set replaces its curve.
      const constants = Object.entries(vqControlsOf(ctx.controls).targets).map(([n, v]) => [checkDescriptorName(n), v] as const);
      const guided = (['loudness', 'centroid'] as DescriptorName[]).filter((n) => !constants.some(([c]) => c === n));
      const source = readAudio(vq, input);
      const rate = outputRateOf(args, source.rate);
      const guide = vq.targetsFromAudio(source.samples, guided.length ? guided : ['loudness'], input);
      const frames = guide[0].values.length;
      const targets = [
        ...guide.filter((t) => guided.includes(t.name)),
        ...constants.map(([n, v]) => parseTarget(`${n}=const(${v})`, frames, vq.frameRate)),
      ];
      await ctx.checkpoint();
      const result = await vq.synthesize(targets, { continuity: 0.5 });
      const gainDb = writeAudio(out, result.audio, vq, rate);
      return { op: 'synth', out, rate, gainDb, descriptors: targets.map((t) => t.name), frames: result.selection.frames, coverage: result.selection.coverage };
    }
    case 'deform': {
      const ops = deformOpsOf(vqControlsOf(ctx.controls));
      const source = readAudio(vq, input);
      const rate = outputRateOf(args, source.rate);
      const s = await vq.encode(source.samples);
      const gainDb = writeAudio(out, await vq.decode(vq.deform(s, ops)), vq, rate);
      return { op: 'deform', out, rate, gainDb, ops: ops.map(formatOp) };
    }
    case 'plane': {
      const list = (await fs.readFile(input, 'utf8')).split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
      if (list.length !== 4) throw new MbError('MB_ERR_BAD_ARGS', `plane needs a list file with 4 corner WAVs (one per line), got ${list.length}`);
      const corners = [];
      let rate: number | undefined;
      for (const f of list) {
        // each corner encoded once while its file stays the same (src/vq/encode-cache.ts)
        const corner = await encodedFile(vq, await ctx.resolveFile(f, 'read'));
        rate ??= outputRateOf(args, corner.rate);
        corners.push(corner.series);
        await ctx.checkpoint();
      }
      const { x, y } = vqControlsOf(ctx.controls).plane ?? { x: 0.5, y: 0.5 };
      const gainDb = writeAudio(out, await vq.decode(vq.plane(corners, x, y)), vq, rate!);
      return { op: 'plane', out, rate, gainDb, x, y };
    }
    case 'draw': {
      const rate = outputRateOf(args, vq.sampleRate);
      const drawn = await drawCurve(vq, String(args.what), Number(args.seconds), String(args.values).split(',').map(Number), vqControlsOf(ctx.controls).targets);
      const gainDb = writeAudio(out, drawn.audio, vq, rate);
      return { op: 'draw', out, rate, gainDb, what: args.what, frames: drawn.frames };
    }
    default:
      throw new MbError('MB_ERR_BAD_ARGS', `vq op must be encode, decode, synth, deform, plane or draw, got '${String(args.op)}'`);
  }
}

/** Level of a drawn sound where no loudness is asked for. */
const DRAW_LOUDNESS_DB = -20;

/**
 * A sound from a drawn curve, `values` spread evenly over `seconds`: for `what` = code, the codes
 * held in turn (each at DRAW_LOUDNESS_DB by its descriptor-table loudness, at its typical pitch);
 * for a descriptor, descriptor synthesis of the curve (linear between the points, in the
 * descriptor's unit), with the client's constant targets and DRAW_LOUDNESS_DB unless loudness is
 * drawn or set.
 *
 * @example
 * await drawCurve(vq, 'centroid', 3, [400, 3000, 800], {});
 */
export async function drawCurve(vq: VqRuntime, what: string, seconds: number, values: number[], constants: Readonly<Record<string, number>>): Promise<{ audio: Float32Array; frames: number }> {
  const frames = vq.framesFor(seconds);
  if (values.length === 0 || values.some((v) => !Number.isFinite(v))) throw new MbError('MB_ERR_BAD_ARGS', `draw needs finite values, got ${values.join(' ')}`);
  if (what === 'code') {
    const k = vq.table.codes;
    const bad = values.find((v) => !Number.isInteger(v) || v < 0 || v >= k);
    if (bad !== undefined) throw new MbError('MB_ERR_BAD_ARGS', `a code is an integer in [0, ${k - 1}], got ${bad}`);
    const codes = Int32Array.from({ length: frames }, (_, t) => values[Math.min(values.length - 1, Math.floor((t * values.length) / frames))]);
    const gains = Float32Array.from(codes, (c) => Math.pow(10, (DRAW_LOUDNESS_DB - vq.table.value(c, 'loudness')) / 20));
    return { audio: await vq.decode({ codes, gains }), frames };
  }
  const name = checkDescriptorName(what);
  const step = values.length > 1 ? seconds / (values.length - 1) : 0;
  const curve = values.length > 1 ? `bp(${values.map((v, i) => `${(i * step).toFixed(4)}:${v}`).join(',')})` : `const(${values[0]})`;
  const fixed = Object.entries(constants).filter(([n]) => n !== name);
  if (name !== 'loudness' && !fixed.some(([n]) => n === 'loudness')) fixed.push(['loudness', DRAW_LOUDNESS_DB]);
  const targets = vq.parseTargets([`${name}=${curve}`, ...fixed.map(([n, v]) => `${checkDescriptorName(n)}=const(${v})`)], seconds);
  const result = await vq.synthesize(targets, { continuity: 0.5 });
  return { audio: result.audio, frames: result.selection.frames };
}

/** A WAV at the model rate, and the rate it had. */
function readAudio(vq: VqRuntime, file: string): { samples: Float32Array; rate: number } {
  const wav = readWav(file);
  return { samples: wav.sampleRate === vq.sampleRate ? wav.samples : resample(wav.samples, wav.sampleRate, vq.sampleRate), rate: wav.sampleRate };
}

/** Highest peak a job writes: the decoder can overshoot full scale on loud input, and the WAV writer would clip it. */
export const PEAK_CEILING_DB = -1;

/**
 * Writes the model-rate `audio` to `out` at `rate` (24-bit), scaled down to PEAK_CEILING_DB when
 * its peak is above it; returns the gain applied in dB (0: none).
 */
function writeAudio(out: string, audio: Float32Array, vq: VqRuntime, rate: number): number {
  const x = resample(audio, vq.sampleRate, rate);
  const peak = x.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  const ceiling = 10 ** (PEAK_CEILING_DB / 20);
  const gain = peak > ceiling ? ceiling / peak : 1;
  if (gain < 1) for (let i = 0; i < x.length; i++) x[i] *= gain;
  writeWav(out, x, rate, { bitDepth: '24' });
  return Math.round(2000 * Math.log10(gain)) / 100;
}
