import { checkInt, MbError } from '../../core/errors';
import { hannWindow } from '../../dsp/stft';

/**
 * What every overlap-add here shares: the argument checks, the pending output buffer
 * ([0, frameLength) relative to the current frame's start), emitting `hop` finished samples
 * per frame, and flush/reset. Real-time safe: buffers are allocated in the constructor.
 */
export abstract class HopOverlapAdd {
  protected readonly pending: Float32Array;
  /** Pitch of the next pushed frame in Hz (0: unvoiced); only the harmonic synthesis reads it. */
  f0 = 0;

  constructor(
    readonly frameLength: number,
    readonly hop: number,
    readonly segmentLength: number,
    minSegmentLength = frameLength,
  ) {
    checkInt('frameLength', frameLength, 4, 1 << 16);
    checkInt('hop', hop, 1, frameLength);
    checkInt('segmentLength', segmentLength, minSegmentLength, 1 << 17);
    this.pending = new Float32Array(frameLength);
  }

  /**
   * Output delay in samples beyond the overlap-add's own (push t finishes samples
   * [t hop - delay, (t + 1) hop - delay)): one hop for a spectral synthesis with phase
   * look-ahead, else 0.
   */
  get delay(): number {
    return 0;
  }

  /** Writes the last frameLength - hop + delay samples (the tail of the final frames) and resets. */
  flush(out: Float32Array, outOffset = 0): void {
    out.set(this.pending.subarray(0, this.frameLength - this.hop + this.delay), outOffset);
    this.reset();
  }

  reset(): void {
    this.pending.fill(0);
  }

  protected checkSegment(segment: Float32Array, segmentOffset: number): void {
    if (segment.length - segmentOffset < this.segmentLength) {
      throw new MbError('MB_ERR_BAD_ARGS', `segment has ${segment.length - segmentOffset} samples, expected ${this.segmentLength}`);
    }
  }

  /** Writes the `hop` finished samples to `out` and moves the pending buffer on by one hop. */
  protected emit(out: Float32Array, outOffset: number): void {
    const { pending, hop, frameLength } = this;
    out.set(pending.subarray(0, hop), outOffset);
    pending.copyWithin(0, hop);
    pending.fill(0, frameLength - hop);
  }
}

/** Periodic Hann window times 2 hop / frameLength, so that frames overlap-added at hop sum to 1. */
export function scaledHann(frameLength: number, hop: number): Float32Array {
  const scale = (2 * hop) / frameLength;
  return hannWindow(frameLength).map((v) => v * scale);
}
