import { MbError } from '../core/errors';
import type { Samples } from '../core/units';
import { StreamFramer } from '../dsp/stft';
import type { EncodedFrames, VqModel } from './model';
import { overlapAddCodes } from './batch';
import { createOverlapAdd, type SegmentOverlapAdd } from './synthesis/overlap-add';

/**
 * Streaming forms of the codec. Pushing any block sizes through StreamEncoder (then
 * `flush()`) gives exactly the frames of batch `encode`; pushing those frames through
 * StreamDecoder (then `flush()`) gives exactly the samples of batch `decode`.
 *
 * Latency: frame t needs input up to sample t*hop + frameLength - 1 and then finishes output
 * samples [t*hop, (t+1)*hop), so input sample n comes out frameLength samples later at most
 * (`latencySamples`, one window), plus the host's block size.
 *
 * Calls must be awaited in order (onnxruntime runs are asynchronous); overlapping calls are
 * refused with MB_ERR_BUSY rather than interleaved.
 *
 * @example
 * const codec = new StreamCodec(model);
 * const out = await codec.process(block); // finished samples, a multiple of hop
 * codec.latencySamples; // 1024
 */
export class StreamEncoder {
  readonly latencySamples: Samples;
  private readonly framer: StreamFramer;
  private frameBuffer: Float32Array;
  private pendingFrames = 0;
  private samplesIn = 0;
  private busy = false;

  constructor(
    private readonly model: VqModel,
    /** Which encoder graph runs: the model's default (spectrum graph when present) or 'frames'. */
    private readonly graph?: 'frames' | 'spectrum',
  ) {
    const g = model.geometry;
    this.latencySamples = g.latencySamples;
    this.framer = new StreamFramer(g.frameLength, g.hop);
    this.frameBuffer = new Float32Array(16 * g.frameLength);
  }

  /**
   * Encodes every frame the block completes. A block with a non-finite sample is refused
   * (MB_ERR_BAD_AUDIO, as batch `encode`) and not taken: the stream goes on as if it had not come.
   */
  async push(block: ArrayLike<number>): Promise<EncodedFrames> {
    this.enter();
    try {
      for (let i = 0; i < block.length; i++) {
        if (!Number.isFinite(block[i])) throw new MbError('MB_ERR_BAD_AUDIO', `block sample ${i} is not finite (${block[i]})`);
      }
      this.collect(block);
      return await this.run();
    } finally {
      this.busy = false;
    }
  }

  /** Zero-pads the end as batch `encode` does and encodes the last frames; then resets. */
  async flush(): Promise<EncodedFrames> {
    const { frameLength, hop } = this.model.geometry;
    const n = this.samplesIn;
    const total = Math.max(1, Math.ceil(Math.max(0, n - frameLength) / hop) + 1);
    const needed = (total - 1) * hop + frameLength - n;
    const out = await this.push(new Float32Array(Math.max(0, needed)));
    this.reset();
    return out;
  }

  reset(): void {
    this.framer.reset();
    this.pendingFrames = 0;
    this.samplesIn = 0;
  }

  private enter(): void {
    if (this.busy) throw new MbError('MB_ERR_BUSY', 'StreamEncoder.push called again before the previous call finished');
    this.busy = true;
  }

  private collect(block: ArrayLike<number>): void {
    const w = this.model.geometry.frameLength;
    this.samplesIn += block.length;
    this.framer.push(block, (frame) => {
      if ((this.pendingFrames + 1) * w > this.frameBuffer.length) {
        const grown = new Float32Array(this.frameBuffer.length * 2);
        grown.set(this.frameBuffer);
        this.frameBuffer = grown;
      }
      this.frameBuffer.set(frame, this.pendingFrames * w);
      this.pendingFrames++;
    });
  }

  private async run(): Promise<EncodedFrames> {
    const count = this.pendingFrames;
    this.pendingFrames = 0;
    return this.model.encodeFrames(this.frameBuffer, count, this.graph ? { graph: this.graph } : {});
  }
}

const EMPTY = new Float32Array(0);

export class StreamDecoder {
  readonly latencySamples: Samples;
  private readonly ola: SegmentOverlapAdd;
    private busy = false;

  constructor(private readonly model: VqModel) {
    const g = model.geometry;
    this.latencySamples = g.latencySamples;
    this.ola = createOverlapAdd(g.synthesis, g.frameLength, g.hop, g.segmentLength, g.sampleRate);
  }

  /**
   * Decodes `count` frames (latents count x latentDim, gains) into count x hop finished
   * samples. `f0`: the pitch of each frame for models that carry it (default: the typical
   * pitch of each latent's nearest code).
   */
  push(latents: Float32Array, gains: Float32Array, count = gains.length, f0?: ArrayLike<number>): Promise<Float32Array> {
    const pitch = this.pitchOf(count, f0, undefined, latents);
    return this.overlap(() => this.model.decodeLatents(latents, gains, count, pitch), count, pitch);
  }

  /** Decodes `count` frames given as code indices (the codec proper; cached segments when possible). */
  pushCodes(codes: ArrayLike<number>, gains: Float32Array, count = gains.length, f0?: ArrayLike<number>): Promise<Float32Array> {
    const g = this.model.geometry;
    const pitch = this.pitchOf(count, f0, codes);
    if (g.synthesis !== 'aligned' && this.model.unitSegment(0)) {
      // Straight from the unit-gain table: no inference, no copy (what batch decode does).
      if (this.busy) return Promise.reject(new MbError('MB_ERR_BUSY', 'StreamDecoder.push called again before the previous call finished'));
      const out = new Float32Array(count * g.hop);
      overlapAddCodes(this.model, this.ola, codes, gains, count, out, 0, pitch);
      return Promise.resolve(out);
    }
    return this.overlap(() => this.model.decodeCodes(codes, gains, count, pitch), count, pitch);
  }

  private pitchOf(count: number, f0?: ArrayLike<number>, codes?: ArrayLike<number>, latents?: Float32Array): Float32Array {
    if (!this.model.geometry.pitch) return EMPTY;
    const codesIn = codes && codes.length !== count ? Array.from({ length: count }, (_, t) => codes[t]) : codes;
    const f0In = f0 && f0.length !== count ? Array.from({ length: count }, (_, t) => f0[t]) : f0;
    return this.model.pitchSeries(count, f0In, codesIn, latents?.subarray(0, count * this.model.geometry.latentDim));
  }

  private async overlap(segmentsOf: () => Promise<Float32Array>, count: number, f0: Float32Array): Promise<Float32Array> {
    if (this.busy) throw new MbError('MB_ERR_BUSY', 'StreamDecoder.push called again before the previous call finished');
    this.busy = true;
    try {
      const g = this.model.geometry;
      const segments = await segmentsOf();
      const out = new Float32Array(count * g.hop);
      for (let t = 0; t < count; t++) {
        this.ola.f0 = f0.length > 0 ? f0[t] : 0;
        this.ola.push(segments, out, t * g.segmentLength, t * g.hop);
      }
      return out;
    } finally {
      this.busy = false;
    }
  }

  /** The last frameLength - hop samples; resets for a new stream. */
  flush(): Float32Array {
    const g = this.model.geometry;
    const out = new Float32Array(g.frameLength - g.hop);
    this.ola.flush(out);
    return out;
  }
}

/** Per-frame hook of StreamCodec: may rewrite the frame's latent (in place) and gain. */
export type FrameTransform = (latent: Float32Array, gain: number, frameIndex: number) => number;

/** Encoder and decoder chained, optionally transforming each frame's latent on the way. */
export class StreamCodec {
  readonly latencySamples: Samples;
  private readonly encoder: StreamEncoder;
  private readonly decoder: StreamDecoder;
  private frameIndex = 0;

  constructor(
    private readonly model: VqModel,
    private readonly transform?: FrameTransform,
    /** Decode code latents (true, the codec proper) or the encoder's continuous latents. */
    private readonly quantized = true,
    options: { encoderGraph?: 'frames' | 'spectrum' } = {},
  ) {
    this.encoder = new StreamEncoder(model, options.encoderGraph);
    this.decoder = new StreamDecoder(model);
    this.latencySamples = this.encoder.latencySamples;
  }

  async process(block: ArrayLike<number>): Promise<Float32Array> {
    return this.decodeFrames(await this.encoder.push(block));
  }

  /** Ends the stream: the padded last frames and the overlap tail. */
  async flush(): Promise<Float32Array> {
    const body = await this.decodeFrames(await this.encoder.flush());
    const tail = this.decoder.flush();
    this.frameIndex = 0;
    const out = new Float32Array(body.length + tail.length);
    out.set(body);
    out.set(tail, body.length);
    return out;
  }

  private async decodeFrames(frames: EncodedFrames): Promise<Float32Array> {
    const d = this.model.geometry.latentDim;
    const count = frames.codes.length;
    const gains = frames.gains;
    if (!this.transform) {
      return this.quantized ? this.decoder.pushCodes(frames.codes, gains, count, frames.f0) : this.decoder.push(frames.latents, gains, count, frames.f0);
    }
    const latents = this.quantized ? this.model.latentsOf(frames.codes) : frames.latents;
    for (let t = 0; t < count; t++) gains[t] = this.transform(latents.subarray(t * d, (t + 1) * d), gains[t], this.frameIndex++);
    return this.decoder.push(latents, gains, count, frames.f0);
  }
}
