import { MbError } from '../core/errors';
import type { Samples } from '../core/units';
import { StreamFramer } from '../dsp/stft';
import { overlapAddCodes } from './batch';
import { paddedFrameCount } from './geometry';
import type { EncodedFrames, VqModel } from './model';
import { createOverlapAdd, type SegmentOverlapAdd } from './synthesis/modes';

/**
 * The streaming forms of batch encode and decode (batch.ts), at the model rate. Pushing any
 * block sizes through StreamEncoder (then `flush()`) gives exactly the frames of batch
 * `encode`; pushing those frames through StreamDecoder (then `flush()`) gives exactly the
 * samples of batch `decode` with `lookahead: 0`. The live chain that the engine runs
 * (resampling, live deformation) is VqStreamProcessor (live-processor.ts), built on these two.
 *
 * Latency: frame t needs input up to sample t*hop + frameLength - 1 and then finishes output
 * samples [t*hop, (t+1)*hop), so input sample n comes out frameLength samples later at most
 * (`latencySamples`, one window), plus the host's block size.
 *
 * Calls must be awaited in order (onnxruntime runs are asynchronous); overlapping calls are
 * refused with MB_ERR_BUSY rather than interleaved. Buffers are allocated when the stream is
 * made and grow only for a longer block than any before.
 *
 * @example
 * const enc = new StreamEncoder(model);
 * const dec = new StreamDecoder(model);
 * const frames = await enc.push(block);
 * const out = await dec.pushCodes(frames.codes, frames.gains, frames.codes.length, frames.f0); // count x hop samples
 */
export class StreamEncoder {
  readonly latencySamples: Samples;
  private readonly framer: StreamFramer;
  private frameBuffer: Float32Array;
  /** Zeros for the padding of `flush` (at most one window). */
  private readonly zeros: Float32Array;
  private readonly options: { graph?: 'frames' | 'spectrum' };
  private pendingFrames = 0;
  private samplesIn = 0;
  private busy = false;

  constructor(
    private readonly model: VqModel,
    /** Which encoder graph runs: the model's default (spectrum graph when present) or 'frames'. */
    private readonly graph?: 'frames' | 'spectrum',
    /** Frames one push is expected to complete at most (the buffer grows past it when needed). */
    framesPerPush = 16,
  ) {
    const g = model.geometry;
    this.latencySamples = g.latencySamples;
    this.framer = new StreamFramer(g.frameLength, g.hop);
    this.frameBuffer = new Float32Array(Math.max(1, framesPerPush) * g.frameLength);
    this.zeros = new Float32Array(g.frameLength);
    this.options = graph ? { graph } : {};
  }

  /**
   * Encodes every frame the block completes. A block with a non-finite sample is refused
   * (MB_ERR_BAD_AUDIO, as batch `encode`) and not taken: the stream goes on as if it had not
   * come. The frames' codes and latents are fresh arrays, the caller's to keep.
   */
  async push(block: ArrayLike<number>): Promise<EncodedFrames> {
    this.enter();
    try {
      for (let i = 0; i < block.length; i++) {
        if (!Number.isFinite(block[i])) throw new MbError('MB_ERR_BAD_AUDIO', `block sample ${i} is not finite (${block[i]})`);
      }
      this.samplesIn += block.length;
      this.framer.push(block, this.onFrame);
      return await this.run();
    } finally {
      this.busy = false;
    }
  }

  /** Zero-pads the end as batch `encode` does and encodes the last frames; then resets. */
  async flush(): Promise<EncodedFrames> {
    const { frameLength, hop } = this.model.geometry;
    const n = this.samplesIn;
    const needed = (paddedFrameCount(n, frameLength, hop) - 1) * hop + frameLength - n;
    const out = await this.push(this.zeros.subarray(0, Math.max(0, needed)));
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

  /** Each frame the framer completes, stored back to back for one encoder run. */
  private readonly onFrame = (frame: Float32Array): void => {
    const w = this.model.geometry.frameLength;
    if ((this.pendingFrames + 1) * w > this.frameBuffer.length) {
      const grown = new Float32Array(this.frameBuffer.length * 2);
      grown.set(this.frameBuffer);
      this.frameBuffer = grown;
    }
    this.frameBuffer.set(frame, this.pendingFrames * w);
    this.pendingFrames++;
  };

  private async run(): Promise<EncodedFrames> {
    const count = this.pendingFrames;
    this.pendingFrames = 0;
    return this.model.encodeFrames(this.frameBuffer, count, this.options);
  }
}

const EMPTY = new Float32Array(0);

export class StreamDecoder {
  readonly latencySamples: Samples;
  private readonly ola: SegmentOverlapAdd;
  /** The pitch of each frame of the current push (pitch models). */
  private pitch: Float32Array;
  private busy = false;

  constructor(
    private readonly model: VqModel,
    /** Frames one push is expected to hold at most (the pitch buffer grows past it when needed). */
    framesPerPush = 16,
  ) {
    const g = model.geometry;
    this.latencySamples = g.latencySamples;
    this.ola = createOverlapAdd(g.synthesis, g.frameLength, g.hop, g.segmentLength, g.sampleRate);
    this.pitch = new Float32Array(g.pitch ? Math.max(1, framesPerPush) : 0);
  }

  /**
   * Decodes `count` frames (latents count x latentDim, gains) into count x hop finished
   * samples, written into `out` from 0 (a fresh array when not given) and returned. `f0`: the
   * pitch of each frame for models that carry it (default: the typical pitch of each latent's
   * nearest code).
   */
  push(latents: Float32Array, gains: Float32Array, count = gains.length, f0?: ArrayLike<number>, out?: Float32Array): Promise<Float32Array> {
    const target = this.outFor(count, out);
    const pitch = this.pitchOf(count, f0, undefined, latents);
    return this.overlap(() => this.model.decodeLatents(latents, gains, count, pitch), count, pitch, target);
  }

  /** Decodes `count` frames given as code indices (the codec proper; cached segments when possible), as `push`. */
  pushCodes(codes: ArrayLike<number>, gains: Float32Array, count = gains.length, f0?: ArrayLike<number>, out?: Float32Array): Promise<Float32Array> {
    const g = this.model.geometry;
    const target = this.outFor(count, out);
    const pitch = this.pitchOf(count, f0, codes);
    if (g.synthesis !== 'aligned' && this.model.unitSegment(0)) {
      // Straight from the unit-gain table: no inference, no copy (what batch decode does).
      if (this.busy) return Promise.reject(new MbError('MB_ERR_BUSY', 'StreamDecoder.push called again before the previous call finished'));
      overlapAddCodes(this.model, this.ola, codes, gains, count, target, 0, pitch);
      return Promise.resolve(target);
    }
    return this.overlap(() => this.model.decodeCodes(codes, gains, count, pitch), count, pitch, target);
  }

  private outFor(count: number, out?: Float32Array): Float32Array {
    const n = count * this.model.geometry.hop;
    if (!out) return new Float32Array(n);
    if (out.length < n) throw new MbError('MB_ERR_BAD_ARGS', `StreamDecoder: ${count} frames need ${n} output samples, the buffer holds ${out.length}`);
    return out;
  }

  /** The pitch of the first `count` frames, in this decoder's buffer (empty for models without pitch). */
  private pitchOf(count: number, f0?: ArrayLike<number>, codes?: ArrayLike<number>, latents?: Float32Array): Float32Array {
    if (!this.model.geometry.pitch) return EMPTY;
    if (this.pitch.length < count) this.pitch = new Float32Array(Math.max(count, 2 * this.pitch.length));
    return this.model.pitchInto(this.pitch, count, f0, codes, latents);
  }

  private async overlap(segmentsOf: () => Promise<Float32Array>, count: number, f0: Float32Array, out: Float32Array): Promise<Float32Array> {
    if (this.busy) throw new MbError('MB_ERR_BUSY', 'StreamDecoder.push called again before the previous call finished');
    this.busy = true;
    try {
      const g = this.model.geometry;
      const segments = await segmentsOf();
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
