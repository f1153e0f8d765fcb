import { MbError } from '../core/errors';
import type { Hz } from '../core/units';
import { resample } from '../audio/resample';
import { paddedFrameCount } from './geometry';
import { searchCodes } from './code-search';
import type { VqModel } from './model';
import { createOverlapAdd, overlapAddSegments, synthesisLength, withoutDelay, type SegmentOverlapAdd } from './synthesis/modes';
import { AlignedOverlapAdd } from './synthesis/overlap-add';
import { checkLookahead, type PhaseLookahead } from './synthesis/pghi';

/**
 * Batch encode and decode of a whole signal on the model (the model-facing side; the
 * streaming forms of the same are in stream.ts, the user-facing facade is VqRuntime in
 * runtime.ts): audio -> code series (codes, gains, latents, f0) -> audio.
 *
 * Framing follows src/dsp/stft (frame t covers [t*hop, t*hop + frameLength)); `encode`
 * zero-pads the end so every input sample lies in a frame. Decoding N frames gives
 * (N-1)*hop + frameLength samples through the model's synthesis (manifest
 * audio.settings.synthesis): phase-aligned or periodic overlap-add (src/vq/synthesis/overlap-add.ts).
 *
 * @example
 * const series = await encode(model, samples, 16000);
 * const audio = await decode(model, series);
 */
export interface CodeSeries {
  /** One code index per frame. */
  codes: Int32Array;
  /** Per-frame RMS gain (level carried beside the code). */
  gains: Float32Array;
  /** Per-frame latents, frames x latentDim: the encoder's continuous output, or code latents after quantization. */
  latents: Float32Array;
  latentDim: number;
  frames: number;
  /** Frames per second (sampleRate / hop). */
  frameRate: Hz;
  sampleRate: Hz;
  /** Pitch per frame in Hz (0: unvoiced), carried beside the code by models with geometry.pitch. */
  f0?: Float32Array;
}

/**
 * A series as decode accepts it: codes or latents, plus gains. Codes win when both are
 * given (the codec proper); a deformation that should be heard unquantized leaves codes out.
 */
export interface DecodableSeries {
  codes?: ArrayLike<number>;
  latents?: Float32Array;
  gains: ArrayLike<number>;
  /** Pitch per frame (Hz, 0 = unvoiced) for models that carry it; default: each code's typical pitch. */
  f0?: ArrayLike<number>;
}

/** Options of batch `encode`. */
export interface EncodeOptions {
  /**
   * Choose each frame's code by analysis by synthesis (src/vq/code-search.ts: the code whose
   * decoded magnitudes fit the frame best, gain refitted) instead of the encoder's nearest code.
   * Offline only (every code is rendered for every frame); the live stream keeps the encoder's.
   */
  search?: boolean;
}

/** Encodes mono audio (resampled to the model rate when `sampleRate` differs). */
export async function encode(model: VqModel, audio: Float32Array, sampleRate: Hz = model.geometry.sampleRate, options: EncodeOptions = {}): Promise<CodeSeries> {
  const g = model.geometry;
  checkAudio(audio);
  const x = sampleRate === g.sampleRate ? audio : resample(audio, sampleRate, g.sampleRate);
  const frames = paddedFrameCount(x.length, g.frameLength, g.hop);
  const padded = new Float32Array((frames - 1) * g.hop + g.frameLength);
  padded.set(x);
  const framed = new Float32Array(frames * g.frameLength);
  for (let t = 0; t < frames; t++) framed.set(padded.subarray(t * g.hop, t * g.hop + g.frameLength), t * g.frameLength);
  const out = await model.encodeFrames(framed, frames);
  const series = { ...out, latentDim: g.latentDim, frames, frameRate: g.sampleRate / g.hop, sampleRate: g.sampleRate };
  return options.search ? searchCodes(model, padded, series) : series;
}

/** Options of batch `decode`. */
export interface DecodeOptions {
  /**
   * Frames of phase look-ahead of the spectral syntheses (src/vq/synthesis/pghi.ts). Default 1: offline,
   * all frames are known, and centred phase derivatives sound closer to the original. 0 gives
   * the causal reconstruction of StreamDecoder, sample for sample.
   */
  lookahead?: PhaseLookahead;
}

/** Decodes a series to audio at the model rate. */
export async function decode(model: VqModel, series: DecodableSeries, options: DecodeOptions = {}): Promise<Float32Array> {
  const g = model.geometry;
  const lookahead = checkLookahead(options.lookahead ?? 1);
  const { latents, gains, frames, f0 } = checkSeries(model, series);
  if (frames === 0) return new Float32Array(0);
  if (series.codes && g.synthesis !== 'aligned' && model.unitSegment(0)) {
    const ola = createOverlapAdd(g.synthesis, g.frameLength, g.hop, g.segmentLength, g.sampleRate, lookahead);
    const out = new Float32Array(synthesisLength(frames, g.frameLength, g.hop) + ola.delay);
    overlapAddCodes(model, ola, series.codes, gains, frames, out, 0, f0);
    ola.flush(out, frames * g.hop);
    return withoutDelay(out, ola.delay);
  }
  const segments = series.codes ? await model.decodeCodes(series.codes, gains, frames, f0) : await model.decodeLatents(latents, gains, frames, f0);
  return overlapAddSegments(segments, frames, g.frameLength, g.hop, g.segmentLength, g.synthesis, { f0, sampleRate: g.sampleRate }, lookahead);
}

/**
 * Overlap-adds `count` frames given as codes and gains, straight from the model's unit-gain
 * segments (no copy, no inference), writing count x hop finished samples from `outOffset`.
 * Needs a gain-linear decoder (model.unitSegment) and a periodic synthesis (PeriodicOverlapAdd
 * or PeriodicAlignedOverlapAdd); the batch decode and StreamDecoder both use it, so they give
 * the same samples (batch with `lookahead: 0`).
 */
export function overlapAddCodes(
  model: VqModel,
  ola: SegmentOverlapAdd,
  codes: ArrayLike<number>,
  gains: ArrayLike<number>,
  count: number,
  out: Float32Array,
  outOffset: number,
  f0?: ArrayLike<number>,
): void {
  if (ola instanceof AlignedOverlapAdd) throw new MbError('MB_ERR_BAD_ARGS', 'overlapAddCodes needs a periodic synthesis');
  const hop = model.geometry.hop;
  for (let t = 0; t < count; t++) {
    ola.f0 = f0 && f0.length > 0 ? f0[t] : 0;
    const unit = model.unitSegment(codes[t], ola.f0);
    if (!unit) throw new MbError('MB_ERR_BAD_ARGS', `model ${model.name} has no unit-gain segments (decoder not linear in gain)`);
    ola.push(unit, out, 0, outOffset + t * hop, gains[t]);
  }
}

/**
 * Checks a decodable series and returns its latents, gains, frame count and pitch series
 * (empty for models without pitch; each code's typical pitch where the series has no f0).
 */
export function checkSeries(model: VqModel, series: DecodableSeries): { latents: Float32Array; gains: Float32Array; frames: number; f0: Float32Array } {
  const d = model.geometry.latentDim;
  if (!series || !series.gains) throw new MbError('MB_ERR_BAD_ARGS', 'a code series needs gains and codes or latents');
  const frames = series.gains.length;
  let latents: Float32Array;
  if (series.codes) {
    if (series.codes.length !== frames) throw new MbError('MB_ERR_BAD_ARGS', `codes (${series.codes.length}) and gains (${frames}) differ in length`);
    latents = model.latentsOf(series.codes);
  } else if (series.latents) {
    if (series.latents.length !== frames * d) {
      throw new MbError('MB_ERR_BAD_ARGS', `latents must hold frames x ${d} = ${frames * d} values, got ${series.latents.length}`);
    }
    latents = series.latents;
  } else {
    throw new MbError('MB_ERR_BAD_ARGS', 'a code series needs codes or latents');
  }
  const gains = Float32Array.from(series.gains);
  const bad = gains.findIndex((v) => !Number.isFinite(v) || v < 0);
  if (bad >= 0) throw new MbError('MB_ERR_BAD_ARGS', `gain ${bad} must be a finite number >= 0, got ${gains[bad]}`);
  for (let i = 0; i < latents.length; i++) {
    if (!Number.isFinite(latents[i])) throw new MbError('MB_ERR_BAD_ARGS', `latent value ${i} is not finite`);
  }
  const f0 = model.pitchSeries(frames, series.f0, series.codes, series.codes ? undefined : latents);
  return { latents, gains, frames, f0 };
}

function checkAudio(audio: Float32Array): void {
  if (!(audio instanceof Float32Array) || audio.length === 0) throw new MbError('MB_ERR_BAD_AUDIO', 'audio must be a non-empty Float32Array');
  for (let i = 0; i < audio.length; i++) {
    if (!Number.isFinite(audio[i])) throw new MbError('MB_ERR_BAD_AUDIO', `audio sample ${i} is not finite`);
  }
}
