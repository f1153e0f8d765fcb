import { checkInt, MbError } from '../core/errors';
import { hannWindow } from '../dsp/stft';

/** Stride of the coarse alignment search, in offsets and in samples. */
const COARSE = 4;

/**
 * Phase-aligned overlap-add of decoded segments (the codec's synthesis, batch and stream).
 *
 * The decoder renders each frame's code as a steady segment of `segmentLength` samples with
 * no phase of its own (it was trained on magnitudes). Plain overlap-add of such segments
 * would comb-filter. So, as in WSOLA, each frame uses the `frameLength`-long part of its
 * segment, starting at offset d in [0, segmentLength - frameLength], whose waveform best
 * continues what is already in the output (largest cross-correlation with the pending
 * overlap), windows it (Hann) and adds it at t x hop. The search is coarse (every COARSE-th
 * offset and sample) then refined sample by sample around the best offset.
 *
 * Frame t finishes output samples [t*hop, (t+1)*hop). The remaining frameLength - hop
 * samples come out of `flush()`. A series of N frames gives (N-1)*hop + frameLength samples.
 * Real-time safe: all buffers are allocated in the constructor.
 *
 * @example
 * const ola = new AlignedOverlapAdd(1024, 256, 1280);
 * const hopOut = new Float32Array(256);
 * ola.push(segment, hopOut); // hopOut holds the next 256 finished samples
 */
export class AlignedOverlapAdd {
  private readonly window: Float32Array;
  /** Pending output: [0, frameLength) relative to the current frame's start. */
  private readonly pending: Float32Array;
  /** pending x window over the overlap: what each candidate is correlated with. */
  private readonly weighted: Float32Array;
  private readonly scale: number;
  readonly maxOffset: number;

  constructor(
    readonly frameLength: number,
    readonly hop: number,
    readonly segmentLength: number,
  ) {
    checkInt('frameLength', frameLength, 4, 1 << 16);
    checkInt('hop', hop, 1, frameLength);
    checkInt('segmentLength', segmentLength, frameLength, 1 << 17);
    this.window = hannWindow(frameLength);
    this.pending = new Float32Array(frameLength);
    this.weighted = new Float32Array(frameLength - hop);
    this.maxOffset = segmentLength - frameLength;
    // A periodic Hann window overlap-added at hop sums to frameLength / (2 hop).
    this.scale = (2 * hop) / frameLength;
  }

  /**
   * Adds one segment (segment[offset .. offset + segmentLength)) and writes the `hop`
   * finished samples to `out` (from outOffset). Returns the alignment offset chosen.
   */
  push(segment: Float32Array, out: Float32Array, segmentOffset = 0, outOffset = 0): number {
    if (segment.length - segmentOffset < this.segmentLength) {
      throw new MbError('MB_ERR_BAD_ARGS', `segment has ${segment.length - segmentOffset} samples, expected ${this.segmentLength}`);
    }
    const d = this.bestOffset(segment, segmentOffset);
    const { frameLength, hop, window, pending, scale } = this;
    const base = segmentOffset + d;
    for (let i = 0; i < frameLength; i++) pending[i] += segment[base + i] * window[i] * scale;
    out.set(pending.subarray(0, hop), outOffset);
    pending.copyWithin(0, hop);
    pending.fill(0, frameLength - hop);
    return d;
  }

  /** Writes the last frameLength - hop samples (the tail of the final frames) and resets. */
  flush(out: Float32Array, outOffset = 0): void {
    out.set(this.pending.subarray(0, this.frameLength - this.hop), outOffset);
    this.reset();
  }

  reset(): void {
    this.pending.fill(0);
  }

  private correlation(segment: Float32Array, base: number, step: number): number {
    const w = this.weighted;
    const n = w.length;
    let s = 0;
    for (let i = 0; i < n; i += step) s += w[i] * segment[base + i];
    return s;
  }

  private bestOffset(segment: Float32Array, segmentOffset: number): number {
    if (this.maxOffset === 0) return 0;
    let energy = 0;
    const { pending, window, weighted } = this;
    for (let i = 0; i < weighted.length; i++) {
      weighted[i] = pending[i] * window[i];
      energy += pending[i] * pending[i];
    }
    if (energy < 1e-12) return 0;
    const coarse = this.search(segment, segmentOffset, 0, this.maxOffset, COARSE);
    return this.search(segment, segmentOffset, Math.max(0, coarse - COARSE + 1), Math.min(this.maxOffset, coarse + COARSE - 1), 1);
  }

  /** Offset in [lo, hi] (every `step`) with the largest correlation, sampled every `step` samples. */
  private search(segment: Float32Array, segmentOffset: number, lo: number, hi: number, step: number): number {
    let best = lo;
    let bestScore = -Infinity;
    for (let d = lo; d <= hi; d += step) {
      const score = this.correlation(segment, segmentOffset + d, step);
      if (score > bestScore) {
        bestScore = score;
        best = d;
      }
    }
    return best;
  }
}

/** Output length of N frames: (N-1)*hop + frameLength, 0 for none. */
export function synthesisLength(frames: number, frameLength: number, hop: number): number {
  return frames > 0 ? (frames - 1) * hop + frameLength : 0;
}

/**
 * Batch form: overlap-adds `frames` segments stored back to back.
 *
 * @example
 * const audio = overlapAddSegments(segments, frames, 1024, 256, 1280);
 */
export function overlapAddSegments(segments: Float32Array, frames: number, frameLength: number, hop: number, segmentLength: number): Float32Array {
  const out = new Float32Array(synthesisLength(frames, frameLength, hop));
  if (frames === 0) return out;
  const ola = new AlignedOverlapAdd(frameLength, hop, segmentLength);
  for (let t = 0; t < frames; t++) ola.push(segments, out, t * segmentLength, t * hop);
  ola.flush(out, frames * hop);
  return out;
}
