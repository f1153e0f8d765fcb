import { promises as fs } from 'node:fs';
import { MbError } from '../core/errors';
import type { Hz } from '../core/units';
import { readWav, writeWav } from '../audio/wav';
import { resample, StreamResampler } from '../audio/resample';
import type { Engine } from '../engine/engine';
import type { ControlView, JobArgs, JobContext, StreamOutput, StreamProcessor } from '../engine/types';
import { VQ_CONTROLS, VQ_OWNER, vqControlsOf, type VqControls } from './controls';
import type { OnnxModel } from '../models';
import { checkDescriptorName, parseTarget } from './targets';
import { readCodesJson } from './codes-file';
import { StreamDecoder, StreamEncoder } from './stream';
import { VqRuntime } from './runtime';
import type { DescriptorName } from '../dsp/descriptors';

/**
 * The VQ-VAE's contribution to the engine: the `vqvae` live processor (audio in; codes and
 * latents per hop and the re-synthesized, deformed audio back) and the offline `vq` job, whose `op`
 * is encode, decode, synth, deform or plane and which reads the client's live VQ controls
 * (/mb/vq/target, /mb/vq/deform, /mb/vq/plane).
 *
 * A codec is built once per loaded model folder and version and shared by jobs and streams.
 */
export function registerVq(engine: Engine): void {
  engine.registerStreamProcessor('vqvae', async (ctx) => VqStreamProcessor.create(await codecFor(ctx.model), ctx.sampleRate, ctx.controls));
  engine.registerControls(VQ_OWNER, VQ_CONTROLS);
  engine.registerJob('vq', (args, ctx) => runVqJob(args, ctx), { in: 'read', out: 'write' });
}

const codecs = new Map<string, Promise<VqRuntime>>();

/** The codec for a registry-loaded model (same folder and version → same codec). */
export function codecFor(model: OnnxModel): Promise<VqRuntime> {
  const key = `${model.dir}@${model.manifest.version}@${model.manifest.graphs.encoder?.sha256 ?? ''}`;
  let codec = codecs.get(key);
  if (!codec) {
    codec = VqRuntime.load(model.dir);
    codecs.set(key, codec);
    codec.catch(() => codecs.delete(key));
  }
  return codec;
}

/**
 * Live VQ: any input rate, resampled to the model's. Per hop it emits the code and latent
 * (/mb/vq/codes, /mb/vq/latent) and, per block, the input re-synthesized from the codebook with
 * the client's live deformation (scale, bias, randomize), resampled back to the stream's rate
 * (/mb/stream/return). Latency: the encoder's and decoder's window plus the resamplers'.
 */
export class VqStreamProcessor implements StreamProcessor {
  readonly latencySamples: number;
  private readonly toModel: StreamResampler | null;
  private readonly fromModel: StreamResampler | null;
  private readonly encoder: StreamEncoder;
  private readonly decoder: StreamDecoder;
  private chunks: Float32Array[] = [];
  private framesOut = 0;

  private constructor(private readonly codec: VqRuntime, inputRate: Hz, private readonly controls: ControlView) {
    this.toModel = inputRate === codec.sampleRate ? null : new StreamResampler(inputRate, codec.sampleRate);
    this.fromModel = inputRate === codec.sampleRate ? null : new StreamResampler(codec.sampleRate, inputRate);
    this.encoder = new StreamEncoder(codec.model);
    this.decoder = new StreamDecoder(codec.model);
    const modelSide = this.encoder.latencySamples + (this.toModel?.latencySamples ?? 0);
    this.latencySamples = Math.round((modelSide * inputRate) / codec.sampleRate) + (this.fromModel?.latencySamples ?? 0);
  }

  static create(codec: VqRuntime, inputRate: Hz, controls: ControlView = { get: () => undefined }): VqStreamProcessor {
    if (!Number.isFinite(inputRate) || inputRate < 8000 || inputRate > 48000) {
      throw new MbError('MB_ERR_BAD_ARGS', `stream sample rate must be in [8000, 48000] Hz, got ${inputRate}`);
    }
    return new VqStreamProcessor(codec, inputRate, controls);
  }

  async process(block: Float32Array): Promise<StreamOutput[]> {
    const frames = await this.encoder.push(this.toModel ? this.resample(this.toModel, block) : block);
    const count = frames.codes.length;
    if (count === 0) return [];
    const dim = this.codec.model.geometry.latentDim;
    // A live transposition only means something when the model carries pitch; otherwise it is ignored.
    const ops = liveOps(vqControlsOf(this.controls), this.framesOut).filter((o) => this.codec.model.geometry.pitch || !o.startsWith('transpose'));
    this.framesOut += count;
    const series = { latents: frames.latents, gains: frames.gains, latentDim: dim, frameRate: this.codec.frameRate, codes: frames.codes, f0: frames.f0 };
    const played = ops.length > 0 ? this.codec.deform(series, ops) : series;
    const decoded = await this.decoder.pushCodes(played.codes ?? frames.codes, played.gains, played.gains.length, played.f0);
    const out: StreamOutput[] = [];
    for (let t = 0; t < count; t++) {
      out.push({ codes: frames.codes.subarray(t, t + 1), latent: frames.latents.subarray(t * dim, (t + 1) * dim) });
    }
    out[count - 1].audio = this.fromModel ? this.resample(this.fromModel, decoded) : decoded;
    return out;
  }

  dispose(): void {
    this.encoder.reset();
    this.toModel?.reset();
    this.fromModel?.reset();
  }

  private resample(r: StreamResampler, x: Float32Array): Float32Array {
    this.chunks = [];
    r.push(x, (c) => this.chunks.push(c.slice()));
    return concat(this.chunks);
  }
}

/** The deformations that make sense frame by frame (reverse needs the whole series). */
function liveOps(controls: VqControls, frame: number): string[] {
  const d = controls.deform;
  const ops: string[] = [];
  if (d.scale !== undefined && d.scale !== 1) ops.push(`scale=${d.scale}`);
  if (d.bias !== undefined && d.bias !== 0) ops.push(`bias=${d.bias}`);
  if (d.randomize !== undefined && d.randomize > 0) ops.push(`randomize=${d.randomize}:${frame % 2 ** 31}`);
  if (d.transpose !== undefined && d.transpose !== 0) ops.push(`transpose=${d.transpose}`);
  return ops;
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

async function readAudio(codec: VqRuntime, file: string): Promise<Float32Array> {
  const wav = readWav(file);
  return wav.sampleRate === codec.sampleRate ? wav.samples : resample(wav.samples, wav.sampleRate, codec.sampleRate);
}

/** Deformation ops from a client's controls, in a fixed order (scale, bias, randomize, reverse, transpose). */
export function deformOpsOf(controls: VqControls): string[] {
  const d = controls.deform;
  const ops: string[] = [];
  if (d.scale !== undefined) ops.push(`scale=${d.scale}`);
  if (d.bias !== undefined) ops.push(`bias=${d.bias}`);
  if (d.randomize !== undefined && d.randomize > 0) ops.push(`randomize=${d.randomize}`);
  if (d.reverse !== undefined && d.reverse > 0) ops.push('reverse');
  if (d.transpose !== undefined && d.transpose !== 0) ops.push(`transpose=${d.transpose}`);
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
      const f0 = s.f0 ? { f0: Array.from(s.f0) } : {};
      await fs.writeFile(out, `${JSON.stringify({ model: codec.model.name, frameRate: codec.frameRate, sampleRate: codec.sampleRate, codes: Array.from(s.codes), gains: Array.from(s.gains), ...f0 })}\n`);
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
      const constants = Object.entries(vqControlsOf(ctx.controls).targets).map(([n, v]) => [checkDescriptorName(n), v] as const);
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
      const ops = deformOpsOf(vqControlsOf(ctx.controls));
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
      const { x, y } = vqControlsOf(ctx.controls).plane ?? { x: 0.5, y: 0.5 };
      const audio = await codec.decode(codec.plane(corners, x, y));
      writeWav(out, audio, codec.sampleRate, { bitDepth: '24' });
      return { op: 'plane', out, x, y };
    }
    default:
      throw new MbError('MB_ERR_BAD_ARGS', `vq op must be encode, decode, synth, deform or plane, got '${String(args.op)}'`);
  }
}
