import { MbError, checkInt } from '../core/errors';
import type { Hz } from '../core/units';
import { FramePowerSpectrum } from './stft';

/**
 * Options of the frame features: one frame per `hop` samples, centred on sample t x hop.
 * @example onsetFeatures(x, { sampleRate: 16000, hop: 128 }) // 8-ms frames
 */
export interface OnsetFeatureOptions {
  sampleRate: Hz;
  hop: number;
  /** Spectrum window (power of two); default the power of two nearest 32 ms. */
  nFft?: number;
  /** Frames between the spectra compared (SuperFlux's mu); default 2. */
  lag?: number;
}

/**
 * Per-frame onset strength and level of a signal.
 * @example const { flux, levelDb, frames } = onsetFeatures(x, { sampleRate: 16000, hop: 128 });
 */
export interface OnsetFeatures {
  frames: number;
  /** Positive log-spectral flux per frame, against the maximum-filtered spectrum `lag` frames before. */
  flux: Float32Array;
  /** RMS level in dBFS over the hop-centred window of 2 x hop samples (floor -120). */
  levelDb: Float32Array;
}

/** Log compression 1 + LOG_GAIN |X|: the flux counts relative changes of the quieter partials too. */
const LOG_GAIN = 1000;

/**
 * Onset strength by the SuperFlux recipe (Böck & Widmer, DAFx 2013): a log-magnitude
 * spectrum per frame, compared with the spectrum `lag` frames earlier after a maximum filter
 * over 3 bins, so vibrato and glides (energy moving to a neighbouring bin) add little,
 * while a new note (energy appearing) adds a lot; summed over the positive differences.
 * Magnitudes are taken relative to the loudest frame, so the features do not depend on the
 * input level. Also the frame level in dBFS, for gating rests.
 *
 * @example
 * const f = onsetFeatures(x16k, { sampleRate: 16000, hop: 128 });
 * const t = pickPeaks(f.flux, { threshold: 0.3 }); // onset frames
 */
export function onsetFeatures(x: Float32Array, options: OnsetFeatureOptions): OnsetFeatures {
  const hop = checkInt('hop', options.hop, 1, 1 << 16);
  const nFft = options.nFft ?? 2 ** Math.round(Math.log2(0.032 * options.sampleRate));
  const lag = checkInt('lag', options.lag ?? 2, 1, 16);
  const frames = Math.floor(x.length / hop) + 1;
  const half = nFft / 2;
  const padded = new Float32Array(x.length + nFft);
  padded.set(x, half);
  const fps = new FramePowerSpectrum(nFft);
  const bins = fps.bins;
  const power = new Float32Array(bins);
  const spectra = new Float32Array(frames * bins);
  let peak = 0;
  for (let t = 0; t < frames; t++) {
    fps.compute(padded, t * hop, power);
    const row = spectra.subarray(t * bins, (t + 1) * bins);
    for (let k = 0; k < bins; k++) {
      row[k] = Math.sqrt(power[k]);
      if (row[k] > peak) peak = row[k];
    }
  }
  const scale = peak > 0 ? LOG_GAIN / peak : 0;
  for (let i = 0; i < spectra.length; i++) spectra[i] = Math.log1p(scale * spectra[i]);
  const flux = new Float32Array(frames);
  for (let t = lag; t < frames; t++) {
    const now = t * bins;
    const before = (t - lag) * bins;
    let sum = 0;
    for (let k = 1; k < bins - 1; k++) {
      const ref = Math.max(spectra[before + k - 1], spectra[before + k], spectra[before + k + 1]);
      const d = spectra[now + k] - ref;
      if (d > 0) sum += d;
    }
    flux[t] = sum / bins;
  }
  return { frames, flux, levelDb: frameLevels(x, hop, frames) };
}

function frameLevels(x: Float32Array, hop: number, frames: number): Float32Array {
  const out = new Float32Array(frames);
  for (let t = 0; t < frames; t++) {
    const a = Math.max(0, t * hop - hop);
    const b = Math.min(x.length, t * hop + hop);
    let acc = 0;
    for (let i = a; i < b; i++) acc += x[i] * x[i];
    const ms = b > a ? acc / (b - a) : 0;
    out[t] = ms > 1e-12 ? 10 * Math.log10(ms) : -120;
  }
  return out;
}

/**
 * Peak picking on an onset-strength curve (the rules of Böck, Krebs & Schedl, ISMIR 2012):
 * frame t is an onset when it is the maximum within ±`maxRadius` frames, exceeds the mean
 * of [t - `meanBefore`, t + `meanAfter`] by `threshold` times the curve's 99th-percentile
 * value, and lies at least `minGap` frames after the previous onset.
 */
export interface PeakOptions {
  threshold: number;
  maxRadius?: number;
  meanBefore?: number;
  meanAfter?: number;
  minGap?: number;
}

/**
 * Onset frames of an onset-strength curve (see PeakOptions).
 * @example pickPeaks(Float32Array.from([0, 0, 1, 0, 0, 0, 0]), { threshold: 0.1 }) // [2]
 */
export function pickPeaks(curve: Float32Array, options: PeakOptions): number[] {
  const { threshold, maxRadius = 3, meanBefore = 10, meanAfter = 7, minGap = 5 } = options;
  if (!(threshold >= 0)) throw new MbError('MB_ERR_BAD_ARGS', `threshold must be >= 0, got ${threshold}`);
  const sorted = Float32Array.from(curve).sort();
  const scale = sorted.length > 0 ? sorted[Math.min(sorted.length - 1, Math.floor(0.99 * sorted.length))] : 0;
  if (!(scale > 0)) return [];
  const onsets: number[] = [];
  for (let t = 0; t < curve.length; t++) {
    const v = curve[t];
    if (v <= 0) continue;
    let isMax = true;
    for (let u = Math.max(0, t - maxRadius); u <= Math.min(curve.length - 1, t + maxRadius) && isMax; u++) {
      if (curve[u] > v || (curve[u] === v && u < t)) isMax = false;
    }
    if (!isMax) continue;
    let acc = 0;
    const a = Math.max(0, t - meanBefore);
    const b = Math.min(curve.length - 1, t + meanAfter);
    for (let u = a; u <= b; u++) acc += curve[u];
    if (v < acc / (b - a + 1) + threshold * scale) continue;
    if (onsets.length > 0 && t - onsets[onsets.length - 1] < minGap) continue;
    onsets.push(t);
  }
  return onsets;
}
