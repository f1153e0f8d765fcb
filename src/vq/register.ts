import { promises as fs } from 'node:fs';
import { MbError } from '../core/errors';
import type { Hz } from '../core/units';
import { readWav, writeWav } from '../audio/wav';
import { resample, StreamResampler } from '../audio/resample';
import type { Engine } from '../engine/engine';
import type { ClientControls, JobArgs, JobContext, StreamOutput, StreamProcessor } from '../engine/types';
import type { OnnxModel } from '../models';
import { checkDescriptorName, parseTarget } from './targets';
import { readCodesJson } from './codes-file';
import { StreamEncoder } from './stream';
import { TimbreCodec } from './timbre-codec';
import type { DescriptorName } from '../dsp/descriptors';

/**
 * The VQ-VAE's contribution to the engine: the `vqvae` live processor (audio in, one code and
 * latent per hop out as /mb/vq/codes and /mb/vq/latent) and the offline `vq` job, whose `op`
 * is encode, decode, synth, deform or plane and which reads the client's live VQ controls
 * (/mb/vq/target, /mb/vq/deform, /mb/vq/plane).
 *
 * A codec is built once per loaded model folder and version and shared by jobs and streams.
 */
export function registerVq(engine: Engine): void {
  engine.registerStreamProcessor('vqvae', async (ctx) => VqStreamProcessor.create(await codecFor(ctx.model), ctx.sampleRate));
  engine.registerJob('vq', (args, ctx) => runVqJob(args, ctx));
}

const codecs = new Map<string, Promise<TimbreCodec>>();

/** The codec for a registry-loaded model (same folder and version → same codec). */
export function codecFor(model: OnnxModel): Promise<TimbreCodec> {
  const key = `${model.dir}@${model.manifest.version}@${model.manifest.graphs.encoder?.sha256 ?? ''}`;
  let codec = codecs.get(key);
  if (!codec) {
    codec = TimbreCodec.load(model.dir);
    codecs.set(key, codec);
    codec.catch(() => codecs.delete(key));
  }
  return codec;
}

/** Live VQ analysis: any input rate, resampled to the model's; codes and latents per hop. */
export class VqStreamProcessor implements StreamProcessor {
  readonly latencySamples: number;
  private readonly resampler: StreamResampler | null;
  private readonly encoder: StreamEncoder;
  private chunks: Float32Array[] = [];

  private constructor(private readonly codec: TimbreCodec, inputRate: Hz) {
    this.resampler = inputRate === codec.sampleRate ? null : new StreamResampler(inputRate, codec.sampleRate);
    this.encoder = new StreamEncoder(codec.model);
    const modelSide = this.encoder.latencySamples + (this.resampler?.latencySamples ?? 0);
    this.latencySamples = Math.round((modelSide * inputRate) / codec.sampleRate);
  }

  static create(codec: TimbreCodec, inputRate: Hz): VqStreamProcessor {
    if (!Number.isFinite(inputRate) || inputRate < 8000 || inputRate > 48000) {
      throw new MbError('MB_ERR_BAD_ARGS', `stream sample rate must be in [8000, 48000] Hz, got ${inputRate}`);
    }
    return new VqStreamProcessor(codec, inputRate);
  }

  async process(block: Float32Array): Promise<StreamOutput[]> {
    let x: Float32Array = block;
    if (this.resampler) {
      this.chunks = [];
      this.resampler.push(block, (c) => this.chunks.push(c.slice()));
      x = concat(this.chunks);
    }
    const frames = await this.encoder.push(x);
    const dim = this.codec.model.geometry.latentDim;
    const out: StreamOutput[] = [];
    for (let t = 0; t < frames.codes.length; t++) {
      out.push({ codes: frames.codes.subarray(t, t + 1), latent: frames.latents.subarray(t * dim, (t + 1) * dim) });
    }
    return out;
  }

  dispose(): void {
    this.encoder.reset();
    this.resampler?.reset();
  }
}

function concat(parts: Float32Array[]): Float32Array {
  if (parts.length === 1) return parts[0];
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let k = 0;
  for (const p of parts) {
    out.set(p, k);
    k += p.length;
  }
  return out;
}

async function readAudio(codec: TimbreCodec, file: string): Promise<Float32Array> {
  const wav = readWav(file);
  return wav.sampleRate === codec.sampleRate ? wav.samples : resample(wav.samples, wav.sampleRate, codec.sampleRate);
}

/** Deformation ops from a client's controls, in a fixed order (scale, bias, randomize, reverse). */
export function deformOpsOf(controls: Readonly<ClientControls>): string[] {
  const d = controls.deform;
  const ops: string[] = [];
  if (d.scale !== undefined) ops.push(`scale=${d.scale}`);
  if (d.bias !== undefined) ops.push(`bias=${d.bias}`);
  if (d.randomize !== undefined && d.randomize > 0) ops.push(`randomize=${d.randomize}`);
  if (d.reverse !== undefined && d.reverse > 0) ops.push('reverse');
  return ops;
}

async function runVqJob(args: JobArgs, ctx: JobContext): Promise<unknown> {
  const name = typeof args.model === 'string' ? args.model : undefined;
  const codec = await codecFor(ctx.model(name, ['vqvae']));
  const input = String(args.in);
  const out = String(args.out);
  await ctx.checkpoint();
  switch (args.op) {
    case 'encode': {
      const s = await codec.encode(await readAudio(codec, input));
      await fs.writeFile(out, `${JSON.stringify({ model: codec.model.name, frameRate: codec.frameRate, sampleRate: codec.sampleRate, codes: Array.from(s.codes), gains: Array.from(s.gains) })}\n`);
      return { op: 'encode', out, frames: s.frames };
    }
    case 'decode': {
      const parsed = await readCodesJson(input);
      const audio = await codec.decode(parsed);
      writeWav(out, audio, codec.sampleRate, { bitDepth: '24' });
      return { op: 'decode', out, frames: parsed.gains.length };
    }
    case 'synth': {
      // The guide sound (e.g. curves drawn in a patch, rendered) sets the length and the
      // loudness and centroid curves; each constant target the client set replaces its curve.
      const constants = Object.entries(ctx.controls.targets).map(([n, v]) => [checkDescriptorName(n), v] as const);
      const guided = (['loudness', 'centroid'] as DescriptorName[]).filter((n) => !constants.some(([c]) => c === n));
      const guide = codec.targetsFromAudio(await readAudio(codec, input), guided.length ? guided : ['loudness'], input);
      const frames = guide[0].values.length;
      const targets = [
        ...guide.filter((t) => guided.includes(t.name)),
        ...constants.map(([n, v]) => parseTarget(`${n}=const(${v})`, frames, codec.frameRate)),
      ];
      await ctx.checkpoint();
      const result = await codec.synthesize(targets, { continuity: 0.5 });
      writeWav(out, result.audio, codec.sampleRate, { bitDepth: '24' });
      return { op: 'synth', out, descriptors: targets.map((t) => t.name), frames: result.selection.frames, coverage: result.selection.coverage };
    }
    case 'deform': {
      const ops = deformOpsOf(ctx.controls);
      const s = await codec.encode(await readAudio(codec, input));
      const audio = await codec.decode(codec.deform(s, ops));
      writeWav(out, audio, codec.sampleRate, { bitDepth: '24' });
      return { op: 'deform', out, ops };
    }
    case 'plane': {
      const list = (await fs.readFile(input, 'utf8')).split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
      if (list.length !== 4) throw new MbError('MB_ERR_BAD_ARGS', `plane needs a list file with 4 corner WAVs (one per line), got ${list.length}`);
      const corners = [];
      for (const f of list) {
        corners.push(await codec.encode(await readAudio(codec, await ctx.resolveFile(f, 'read'))));
        await ctx.checkpoint();
      }
      const { x, y } = ctx.controls.plane ?? { x: 0.5, y: 0.5 };
      const audio = await codec.decode(codec.plane(corners, x, y));
      writeWav(out, audio, codec.sampleRate, { bitDepth: '24' });
      return { op: 'plane', out, x, y };
    }
    default:
      throw new MbError('MB_ERR_BAD_ARGS', `vq op must be encode, decode, synth, deform or plane, got '${String(args.op)}'`);
  }
}
