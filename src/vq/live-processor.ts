import { checkArgValue } from '../core/arg-spec';
import { MbError } from '../core/errors';
import type { Hz, Samples } from '../core/units';
import { StreamResampler } from '../audio/resample';
import { MAX_BLOCK_SAMPLES, SAMPLE_RATE } from '../engine/limits';
import type { ControlView, StreamOutput, StreamProcessor } from '../engine/types';
import { LiveDeformOps } from './control-ops';
import { vqControlsOf } from './controls';
import { deformLatentsInPlace, transposeInPlace, type FrameDeformOp } from './deform';
import { LiveTimeline, type LiveTimeOps } from './live-time';
import type { EncodedFrames } from './model';
import type { VqRuntime } from './runtime';
import { StreamDecoder, StreamEncoder } from './stream';

/** Options of a live VQ stream. */
export interface VqStreamOptions {
  /** Encoder graph: the model's default (the spectrum graph when present) or 'frames'. */
  encoderGraph?: 'frames' | 'spectrum';
}

const NO_CONTROLS: ControlView = { get: () => undefined };
/** Seconds of recent frames the time deformations (freeze, stretch, reverse) can reach back. */
const TIMELINE_SECONDS = 2;

/**
 * The live VQ chain, the one composition of it: what the engine runs for a `vqvae` stream
 * and what the stream-equals-batch tests and the bench run. Audio at any rate in [8000,
 * 48000] Hz is resampled to the model's, encoded (StreamEncoder), deformed frame by frame
 * with the client's live controls (scale, bias, randomize, transpose; src/vq/control-ops.ts;
 * freeze, stretch and reverse on a ring of recent frames, src/vq/live-time.ts),
 * decoded from the codebook (StreamDecoder) and resampled back to the stream's rate.
 *
 * Per hop it gives the code and latent (/mb/vq/codes, /mb/vq/latent); per block the last
 * frame also carries the block's finished audio (/mb/stream/return). `flush()` ends the
 * stream: the padded last frames, the synthesis tail and the resamplers' tails. Without
 * deformation, process + flush over a signal gives exactly
 * resample(decode(encode(resample(x)), { lookahead: 0 })) of the batch functions.
 *
 * Latency: the encoder's and decoder's window plus the resamplers' (`latencySamples`, at the
 * stream rate).
 *
 * Allocation: the work buffers (model-rate input, decoded audio, resampled output, deformed
 * latents, codes and pitch) are allocated when the stream opens, sized for MAX_BLOCK_SAMPLES,
 * and reused; a longer block grows them once. What each block hands to the engine is its own:
 * the codes and latents arrays the encoder run returns (each frame's output is a view of
 * them) and one audio array per block, since the engine keeps frames beyond the call (its
 * listeners may hold them: events, tests). Left per block: onnxruntime's tensors and
 * results, the output list, and for randomize its seeded generator.
 *
 * @example
 * const live = VqStreamProcessor.create(vq, 44100, ctx.controls);
 * const frames = await live.process(block); // frames[frames.length - 1].audio: this block's audio at 44.1 kHz
 * const tail = await live.flush();
 */
export class VqStreamProcessor implements StreamProcessor {
  readonly latencySamples: Samples;
  private readonly toModel: StreamResampler | null;
  private readonly fromModel: StreamResampler | null;
  private readonly encoder: StreamEncoder;
  private readonly decoder: StreamDecoder;
  private readonly liveOps: LiveDeformOps;
  /** Model-rate input of the block (resampling streams). */
  private readonly modelIn: WorkBuffer;
  /** Model-rate decoded audio of the block (resampling streams). */
  private readonly decoded: WorkBuffer;
  /** Stream-rate audio of the block (resampling streams). */
  private readonly streamOut: WorkBuffer;
  /** The block's frames after live deformation: latents, their nearest codes, pitch. */
  private latents: Float32Array;
  private codes: Int32Array;
  private pitch: Float32Array;
  private gains: Float32Array;
  /** The ring of recent frames the time deformations (freeze, stretch, reverse) read. */
  private readonly timeline: LiveTimeline;
  private framesOut = 0;
  private readonly collectIn = (chunk: Float32Array): void => this.modelIn.append(chunk);
  private readonly collectOut = (chunk: Float32Array): void => this.streamOut.append(chunk);

  private constructor(
    private readonly vq: VqRuntime,
    readonly sampleRate: Hz,
    private readonly controls: ControlView,
    options: VqStreamOptions,
  ) {
    const g = vq.model.geometry;
    const resampling = sampleRate !== g.sampleRate;
    this.toModel = resampling ? new StreamResampler(sampleRate, g.sampleRate) : null;
    this.fromModel = resampling ? new StreamResampler(g.sampleRate, sampleRate) : null;
    // The most a block of MAX_BLOCK_SAMPLES gives: model-rate samples, then whole frames.
    const modelBlock = Math.ceil((MAX_BLOCK_SAMPLES * g.sampleRate) / sampleRate) + 2;
    const frames = Math.ceil(modelBlock / g.hop) + 1;
    this.encoder = new StreamEncoder(vq.model, options.encoderGraph, frames);
    this.decoder = new StreamDecoder(vq.model, frames);
    this.liveOps = new LiveDeformOps(g.pitch);
    this.modelIn = new WorkBuffer(resampling ? modelBlock : 0);
    this.decoded = new WorkBuffer(resampling ? frames * g.hop : 0);
    this.streamOut = new WorkBuffer(resampling ? Math.ceil((frames * g.hop * sampleRate) / g.sampleRate) + 2 : 0);
    this.latents = new Float32Array(frames * g.latentDim);
    this.codes = new Int32Array(frames);
    this.pitch = new Float32Array(g.pitch ? frames : 0);
    this.gains = new Float32Array(frames);
    this.timeline = new LiveTimeline(g.latentDim, Math.max(frames + 1, Math.round((TIMELINE_SECONDS * g.sampleRate) / g.hop)), g.pitch);
    const modelSide = this.encoder.latencySamples + (this.toModel?.latencySamples ?? 0);
    this.latencySamples = Math.round((modelSide * sampleRate) / g.sampleRate) + (this.fromModel?.latencySamples ?? 0);
  }

  /** Opens a stream at `inputRate` (SAMPLE_RATE's range, MB_ERR_BAD_ARGS outside it) reading the client's live controls. */
  static create(vq: VqRuntime, inputRate: Hz, controls: ControlView = NO_CONTROLS, options: VqStreamOptions = {}): VqStreamProcessor {
    checkArgValue(SAMPLE_RATE, inputRate, 'stream sample rate');
    return new VqStreamProcessor(vq, inputRate, controls, options);
  }

  /**
   * Takes one block at the stream rate. A block with a non-finite sample is refused
   * (MB_ERR_BAD_AUDIO) before anything takes it: the stream goes on as if it had not come.
   */
  async process(block: Float32Array): Promise<StreamOutput[]> {
    let input: Float32Array = block;
    if (this.toModel) {
      // The encoder refuses such a block too, but by then the resampler would have taken it.
      for (let i = 0; i < block.length; i++) {
        if (!Number.isFinite(block[i])) throw new MbError('MB_ERR_BAD_AUDIO', `block sample ${i} is not finite (${block[i]})`);
      }
      this.modelIn.clear();
      this.toModel.push(block, this.collectIn);
      input = this.modelIn.prefix();
    }
    const frames = await this.encoder.push(input);
    const count = frames.codes.length;
    if (count === 0) return [];
    const outputs = this.outputsOf(frames, count);
    outputs[count - 1].audio = await this.decodeBlock(frames, count);
    return outputs;
  }

  /**
   * Ends the stream: encodes what the input resampler still holds and the zero-padded last
   * frames, decodes them with the synthesis tail, and returns their frames, the last one
   * carrying the rest of the audio (at least one output). The stream then starts anew.
   */
  async flush(): Promise<StreamOutput[]> {
    const g = this.vq.model.geometry;
    const batches: EncodedFrames[] = [];
    if (this.toModel) {
      this.modelIn.clear();
      this.toModel.flush(this.collectIn);
      batches.push(await this.encoder.push(this.modelIn.prefix()));
    }
    batches.push(await this.encoder.flush());
    const outputs: StreamOutput[] = [];
    const parts: Float32Array[] = [];
    for (const frames of batches) {
      const count = frames.codes.length;
      if (count === 0) continue;
      outputs.push(...this.outputsOf(frames, count));
      parts.push(await this.decodeFrames(frames, count, new Float32Array(count * g.hop)));
    }
    parts.push(this.decoder.flush());
    let audio = concat(parts);
    if (this.fromModel) {
      this.streamOut.clear();
      this.fromModel.push(audio, this.collectOut);
      this.fromModel.flush(this.collectOut);
      audio = this.streamOut.prefix().slice();
    }
    if (outputs.length === 0) outputs.push({});
    outputs[outputs.length - 1].audio = audio;
    this.framesOut = 0;
    return outputs;
  }

  dispose(): void {
    this.encoder.reset();
    this.toModel?.reset();
    this.fromModel?.reset();
  }

  /** One output per frame: its code and latent, views of the arrays the encoder run returned. */
  private outputsOf(frames: EncodedFrames, count: number): StreamOutput[] {
    const d = this.vq.model.geometry.latentDim;
    const out = new Array<StreamOutput>(count);
    for (let t = 0; t < count; t++) out[t] = { codes: frames.codes.subarray(t, t + 1), latent: frames.latents.subarray(t * d, (t + 1) * d) };
    return out;
  }

  /** The block's audio at the stream rate, in an array of its own. */
  private async decodeBlock(frames: EncodedFrames, count: number): Promise<Float32Array> {
    const n = count * this.vq.model.geometry.hop;
    if (!this.fromModel) return this.decodeFrames(frames, count, new Float32Array(n));
    this.decoded.ensure(n);
    await this.decodeFrames(frames, count, this.decoded.array);
    this.streamOut.clear();
    this.fromModel.push(this.decoded.prefix(n), this.collectOut);
    return this.streamOut.prefix().slice();
  }

  /** Decodes `count` frames, deformed by the live controls, into the first count x hop samples of `out`. */
  private decodeFrames(frames: EncodedFrames, count: number, out: Float32Array): Promise<Float32Array> {
    const controls = vqControlsOf(this.controls);
    const ops = this.liveOps.at(controls, this.framesOut);
    const time = this.liveOps.timeOf(controls);
    this.framesOut += count;
    this.timeline.write(frames, count);
    const timed = LiveTimeline.active(time);
    if (!timed) this.timeline.rest();
    if (ops.length === 0 && !timed) return this.decoder.pushCodes(frames.codes, frames.gains, count, frames.f0, out);
    const { gains, f0 } = this.deform(frames, count, ops, timed ? time : null);
    return this.decoder.pushCodes(this.codes, gains, count, f0, out);
  }

  /**
   * The frame-wise ops on a copy of the block's latents, then each frame's nearest code (as
   * VqRuntime.deform with requantize does on a whole series); returns the frames' pitch,
   * transposed when asked. The outputs keep the encoded codes and latents.
   */
  private deform(frames: EncodedFrames, count: number, ops: readonly FrameDeformOp[], time: LiveTimeOps | null): { gains: Float32Array; f0: Float32Array | undefined } {
    const model = this.vq.model;
    const d = model.geometry.latentDim;
    const n = count * d;
    if (this.latents.length < n) this.latents = new Float32Array(n);
    if (this.codes.length < count) this.codes = new Int32Array(count);
    if (this.gains.length < count) this.gains = new Float32Array(count);
    if (frames.f0 && this.pitch.length < count) this.pitch = new Float32Array(count);
    const latents = this.latents;
    let gains = frames.gains;
    let f0 = frames.f0;
    if (time) {
      // read from the ring of recent frames: latents, gains and pitch of another moment
      gains = this.gains;
      f0 = frames.f0 ? this.pitch : undefined;
      this.timeline.read(count, time, latents, gains, f0);
    } else latents.set(frames.latents);
    for (const op of ops) {
      if (op.op !== 'transpose') {
        deformLatentsInPlace(latents, d, op, this.vq.stats, n);
        continue;
      }
      if (!frames.f0) throw new MbError('MB_ERR_BAD_ARGS', 'transpose needs a series with pitch (a model that carries f0 beside the code)');
      if (f0 === frames.f0) {
        if (this.pitch.length < count) this.pitch = new Float32Array(count);
        this.pitch.set(frames.f0);
        f0 = this.pitch;
      }
      transposeInPlace(f0!, op.semitones, count);
    }
    for (let t = 0; t < count; t++) this.codes[t] = model.nearestCode(latents, t * d);
    return { gains, f0 };
  }
}

/**
 * A work buffer of the live chain: allocated when the stream opens, grown only for a longer
 * block than any before, with cached views of its prefixes, so that handing a prefix on
 * allocates nothing once the stream runs.
 */
class WorkBuffer {
  array: Float32Array;
  length = 0;
  private readonly views = new Map<number, Float32Array>();

  constructor(capacity: number) {
    this.array = new Float32Array(capacity);
  }

  clear(): void {
    this.length = 0;
  }

  ensure(capacity: number): void {
    if (capacity <= this.array.length) return;
    const grown = new Float32Array(Math.max(capacity, 2 * this.array.length));
    grown.set(this.array.subarray(0, this.length));
    this.array = grown;
    this.views.clear();
  }

  append(chunk: Float32Array): void {
    this.ensure(this.length + chunk.length);
    this.array.set(chunk, this.length);
    this.length += chunk.length;
  }

  /** The first `n` values (default: all appended), a view cached per length. */
  prefix(n = this.length): Float32Array {
    let view = this.views.get(n);
    if (!view) {
      // Block lengths repeat; a stream of ever new lengths keeps at most a few dozen views.
      if (this.views.size >= 64) this.views.clear();
      view = this.array.subarray(0, n);
      this.views.set(n, view);
    }
    return view;
  }
}

function concat(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let k = 0;
  for (const p of parts) {
    out.set(p, k);
    k += p.length;
  }
  return out;
}
