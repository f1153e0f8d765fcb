import * as ort from '../models/ort-backend';
import { MbError } from '../core/errors';
import { checkArgValue } from '../core/arg-spec';
import type { Hz, Samples } from '../core/units';
import { StreamResampler } from '../audio/resample';
import { AuditoryStream } from '../dsp/auditory';
import type { OnnxModel } from '../models';
import { SAMPLE_RATE } from '../engine/limits';
import type { StreamOutput, StreamProcessor } from '../engine/types';
import { RunningNormalizer } from './normalizer';

export interface MirrorStreamOptions {
  /** Frames gathered before one encoder run; more frames cost less per hop but add buffering latency. */
  chunkFrames: number;
}

/**
 * Live MirrorNet: audio blocks of any size at 8–48 kHz in, one parameter frame per 8-ms
 * auditory frame out (125 frames/s). The causal encoder runs over its receptive field plus
 * the newest `chunkFrames` frames, so each run finalizes `chunkFrames` frames; frames within
 * the model's look-ahead wait for their future context.
 *
 * Prepared once, processed per block: the resampler, the auditory stream, the window and the
 * input tensor's buffer are allocated at construction.
 *
 * @example
 * const s = await MirrorStreamProcessor.create(model, 44100);
 * for (const out of await s.process(block)) synth.setFrame(out.params!);
 */
export class MirrorStreamProcessor implements StreamProcessor {
  readonly latencySamples: Samples;
  readonly frameRate: number;
  readonly paramCount: number;
  /** Frames that arrived while more than `maxPending` waited; they got no parameters. */
  dropped = 0;
  private readonly modelRate: Hz;
  private readonly resampler: StreamResampler | null;
  private readonly normalizer: RunningNormalizer;
  private readonly auditory: AuditoryStream;
  private readonly channels: number;
  private readonly receptive: number;
  private readonly lookahead: number;
  private readonly chunk: number;
  private readonly maxPending: number;
  /** Channel-major history [channels][width]; the newest frame is the last column. */
  private readonly history: Float32Array;
  private readonly width: number;
  /** Encoder input buffers by frame count (block sizes repeat, so this stays small). */
  private readonly buffers = new Map<number, Float32Array>();
  private pending = 0;

  private constructor(private readonly model: OnnxModel, readonly inputRate: Hz, options: MirrorStreamOptions) {
    const m = model.manifest;
    if (m.kind !== 'mirrornet-stream') throw new MbError('MB_ERR_MODEL_MANIFEST', `model ${m.name} is a ${m.kind}, not a mirrornet-stream`);
    this.modelRate = m.audio.sampleRate;
    this.channels = Number(m.audio.settings.channels ?? 128);
    this.paramCount = m.params?.length ?? 0;
    this.lookahead = Number(m.extra?.lookaheadFrames ?? 0);
    this.receptive = Math.max(this.lookahead, Number(m.extra?.receptiveFieldFrames ?? 64));
    this.chunk = options.chunkFrames;
    this.maxPending = Math.max(this.chunk, 64);
    this.width = this.receptive + this.maxPending;
    this.frameRate = Number(m.extra?.framesPerSecond ?? 125);
    this.history = new Float32Array(this.channels * this.width);
    this.resampler = inputRate === this.modelRate ? null : new StreamResampler(inputRate, this.modelRate);
    this.normalizer = new RunningNormalizer(this.modelRate);
    this.auditory = new AuditoryStream({ sampleRate: this.modelRate });
    const hop = this.modelRate / this.frameRate;
    const modelSide = (this.lookahead + this.chunk - 1) * hop + this.auditory.latencySamples;
    const resamplerSide = this.resampler ? this.resampler.latencySamples : 0;
    this.latencySamples = Math.round(((resamplerSide + modelSide) * inputRate) / this.modelRate);
  }

  static async create(model: OnnxModel, inputRate: Hz, options: Partial<MirrorStreamOptions> = {}): Promise<MirrorStreamProcessor> {
    checkArgValue(SAMPLE_RATE, inputRate, 'stream sample rate');
    const chunkFrames = options.chunkFrames ?? 4;
    if (!Number.isInteger(chunkFrames) || chunkFrames < 1 || chunkFrames > 64) {
      throw new MbError('MB_ERR_BAD_ARGS', `chunkFrames must be an integer in [1, 64], got ${chunkFrames}`);
    }
    return new MirrorStreamProcessor(model, inputRate, { chunkFrames });
  }

  /** Algorithmic latency in milliseconds (look-ahead, chunking, filters, resampling). */
  get latencyMs(): number {
    return (1000 * this.latencySamples) / this.inputRate;
  }

  /** Feeds one block; resolves with the parameter frames it completed, in order. */
  async process(block: Float32Array): Promise<StreamOutput[]> {
    if (this.resampler) this.resampler.push(block, (chunk) => this.analyze(chunk));
    else this.analyze(block);
    if (this.pending < this.chunk) return [];
    const n = this.pending;
    this.pending = 0;
    return this.runEncoder(n);
  }

  dispose(): void {
    this.resampler?.reset();
    this.auditory.reset();
  }

  private analyze(samples: Float32Array): void {
    const normalized = this.normalizer.process(samples);
    this.auditory.push(normalized, (frame) => this.addFrame(frame));
  }

  /** Shifts the history one column left and writes the new frame as the last column. */
  private addFrame(frame: Float32Array): void {
    const w = this.width;
    for (let c = 0; c < this.channels; c++) {
      const row = c * w;
      this.history.copyWithin(row, row + 1, row + w);
      this.history[row + w - 1] = frame[c];
    }
    if (this.pending === this.maxPending) this.dropped++;
    else this.pending++;
  }

  /** Runs the encoder over the receptive field plus the `n` newest frames; returns the n finalized frames. */
  private async runEncoder(n: number): Promise<StreamOutput[]> {
    const frames = this.receptive + n;
    let input = this.buffers.get(frames);
    if (!input) {
      input = new Float32Array(this.channels * frames);
      this.buffers.set(frames, input);
    }
    for (let c = 0; c < this.channels; c++) {
      const end = (c + 1) * this.width;
      input.set(this.history.subarray(end - frames, end), c * frames);
    }
    const graph = this.model.manifest.graphs.encoder;
    const out = await this.model.run('encoder', { [graph.inputs[0].name]: new ort.Tensor('float32', input, [1, this.channels, frames]) });
    const params = out[graph.outputs[0].name].data as Float32Array;
    const outputs: StreamOutput[] = [];
    const first = this.receptive - this.lookahead;
    for (let t = first; t < first + n; t++) outputs.push({ params: params.slice(t * this.paramCount, (t + 1) * this.paramCount) });
    return outputs;
  }
}
