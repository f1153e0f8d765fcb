import { AlignedOverlapAdd, PeriodicAlignedOverlapAdd, PeriodicOverlapAdd } from './overlap-add';
import type { PhaseLookahead } from './pghi';
import { HarmonicOverlapAdd, PghiOverlapAdd } from './spectral-overlap-add';

/**
 * The synthesis modes a manifest can name (audio.settings.synthesis, with '-overlap-add'),
 * the overlap-add each one makes (`createOverlapAdd`: the time-domain ones in overlap-add.ts,
 * the spectral ones in spectral-overlap-add.ts) and the batch form over a whole series.
 *
 * @example
 * const ola = createOverlapAdd('harmonic-pghi', 1024, 256, 1026, 16000);
 * const audio = overlapAddSegments(segments, frames, 1024, 256, 1280);
 */
/** How decoded segments become audio (manifest `audio.settings.synthesis`, with '-overlap-add'). */
export type SynthesisMode = 'aligned' | 'periodic' | 'periodic-aligned' | 'pghi' | 'harmonic-pghi';
export const SYNTHESIS_MODES: readonly SynthesisMode[] = ['aligned', 'periodic', 'periodic-aligned', 'pghi', 'harmonic-pghi'];

/** The overlap-add of a synthesis mode. */
export type SegmentOverlapAdd = AlignedOverlapAdd | PeriodicOverlapAdd | PeriodicAlignedOverlapAdd | PghiOverlapAdd | HarmonicOverlapAdd;

/** Whether a synthesis mode draws harmonics at a pitch carried beside each code. */
export function synthesisNeedsPitch(mode: SynthesisMode): boolean {
  return mode === 'harmonic-pghi';
}

/**
 * The overlap-add of a synthesis mode. `lookahead`: frames of phase look-ahead of the spectral
 * syntheses (0: causal, for streams; 1: offline, output delayed by one hop, see `delay`); the
 * time-domain syntheses have no phase to rebuild and ignore it.
 */
export function createOverlapAdd(
  mode: SynthesisMode,
  frameLength: number,
  hop: number,
  segmentLength: number,
  sampleRate = 16000,
  lookahead: PhaseLookahead = 0,
): SegmentOverlapAdd {
  if (mode === 'harmonic-pghi') return new HarmonicOverlapAdd(frameLength, hop, segmentLength, sampleRate, lookahead);
  if (mode === 'pghi') return new PghiOverlapAdd(frameLength, hop, segmentLength, lookahead);
  if (mode === 'periodic') return new PeriodicOverlapAdd(frameLength, hop, segmentLength);
  if (mode === 'periodic-aligned') return new PeriodicAlignedOverlapAdd(frameLength, hop, segmentLength);
  return new AlignedOverlapAdd(frameLength, hop, segmentLength);
}

/** Output length of N frames: (N-1)*hop + frameLength, 0 for none. */
export function synthesisLength(frames: number, frameLength: number, hop: number): number {
  return frames > 0 ? (frames - 1) * hop + frameLength : 0;
}

/** Output of a batch overlap-add run into synthesisLength + `delay` samples, without its first `delay` (silent) samples. */
export function withoutDelay(out: Float32Array, delay: number): Float32Array {
  return delay > 0 ? out.slice(delay) : out;
}

/**
 * Batch form: overlap-adds `frames` segments stored back to back, with the synthesis of
 * `mode` (default the phase-aligned one) and, for the spectral ones, `lookahead` frames of
 * phase look-ahead (default 0, causal; the output is aligned the same either way).
 *
 * @example
 * const audio = overlapAddSegments(segments, frames, 1024, 256, 1280);
 * const audio2 = overlapAddSegments(periods, frames, 1024, 256, 2048, 'periodic');
 */
export function overlapAddSegments(
  segments: Float32Array,
  frames: number,
  frameLength: number,
  hop: number,
  segmentLength: number,
  mode: SynthesisMode = 'aligned',
  pitch?: { f0: ArrayLike<number>; sampleRate: number },
  lookahead: PhaseLookahead = 0,
): Float32Array {
  if (frames === 0) return new Float32Array(0);
  const ola = createOverlapAdd(mode, frameLength, hop, segmentLength, pitch?.sampleRate, lookahead);
  const out = new Float32Array(synthesisLength(frames, frameLength, hop) + ola.delay);
  for (let t = 0; t < frames; t++) {
    ola.f0 = pitch ? pitch.f0[t] : 0;
    ola.push(segments, out, t * segmentLength, t * hop);
  }
  ola.flush(out, frames * hop);
  return withoutDelay(out, ola.delay);
}
