import { MbError } from '../core/errors';
import { FramePowerSpectrum, powerToNormalizedMagnitude } from '../dsp/stft';
import type { VqModel } from './model';
import { HarmonicRenderer } from './synthesis/harmonic';

/**
 * Analysis-by-synthesis code choice for batch encoding (`encode(..., { search: true })`): the
 * encoder picks the code nearest its latent; this picks, per frame, the code whose decoded
 * magnitude spectrum (its envelopes at the frame's pitch through the harmonic comb: what decode
 * renders before the phase) is nearest in L2 the frame's own |rfft(hann x frame / gain)|, with
 * the frame's gain refitted by least squares (a >= 0 times the RMS gain). The encoder's own code
 * is among the candidates, so no frame's magnitude error grows. Cost: every code rendered for
 * every frame (170 ms per second of audio on one core, the encoder 1.5 ms), so it is for offline
 * encoding, not the live stream. Chosen on the corpus builder's development split (bench/vq-search.ts).
 *
 * @example
 * const searched = searchCodes(model, samples16k, await encode(model, samples16k));
 */
/** The fields of a code series (batch.ts CodeSeries) the search reads and replaces. */
export interface SearchableSeries {
  codes: Int32Array;
  gains: Float32Array;
  latents: Float32Array;
  frames: number;
  f0?: Float32Array;
}

/** Variants of the search (bench/vq-search.ts compares them on the development split). */
export interface SearchOptions {
  /** Refit each frame's gain by least squares (default true, the shipped `--search`); false keeps the encoder's gains. */
  refitGain?: boolean;
  /** Pitch offsets in semitones tried per frame beside the frame's estimate (default [0]); the chosen pitch replaces f0. */
  pitchOffsets?: number[];
}

export function searchCodes<S extends SearchableSeries>(model: VqModel, audio: Float32Array, series: S, options: SearchOptions = {}): S {
  const refitGain = options.refitGain ?? true;
  const g = model.geometry;
  if (!String(g.synthesis).startsWith('harmonic') || !model.unitSegment(0)) {
    throw new MbError('MB_ERR_BAD_ARGS', `code search needs a model with the harmonic synthesis and unit-gain envelopes (${model.name} has '${g.synthesis}')`);
  }
  const fps = new FramePowerSpectrum(g.frameLength);
  const renderer = new HarmonicRenderer(g.frameLength, g.sampleRate);
  const bins = fps.bins;
  const target = new Float32Array(bins);
  const m = new Float32Array(bins);
  const padded = new Float32Array((series.frames - 1) * g.hop + g.frameLength);
  padded.set(audio.subarray(0, padded.length));
  const codes = Int32Array.from(series.codes);
  const gains = Float32Array.from(series.gains);
  const f0 = series.f0 ?? new Float32Array(series.frames);
  const offsets = (options.pitchOffsets ?? [0]).map((c) => 2 ** (c / 12));
  const f0Out = Float32Array.from(f0);
  for (let t = 0; t < series.frames; t++) {
    fps.compute(padded, t * g.hop, target);
    // The decoder's envelopes are in |rfft(hann x frame / gain)| (no 1 / sqrt(W), unlike the encoder's input).
    powerToNormalizedMagnitude(target, series.gains[t], 1);
    let best = Infinity;
    // The encoder's code first, so it is kept on ties (a silent frame, where every code fits with a = 0).
    for (const ratio of offsets) {
      const p = Math.fround(f0[t] * ratio);
      for (let j = -1; j < g.codes; j++) {
        const k = j < 0 ? series.codes[t] : j;
        if (j >= 0 && k === series.codes[t]) continue;
        renderer.render(model.unitSegment(k, p)!, 0, p, m, 1);
        let mm = 0;
        let mt = 0;
        for (let b = 0; b < bins; b++) {
          mm += m[b] * m[b];
          mt += m[b] * target[b];
        }
        // min over a >= 0 of |a m - target|^2 is |target|^2 - max(0, mt)^2 / mm; with a = 1 it is
        // |target|^2 + mm - 2 mt (the constant |target|^2 is left out of both).
        const a = refitGain ? (mm > 0 ? Math.max(0, mt / mm) : 0) : 1;
        const d = refitGain ? -a * mt : mm - 2 * mt;
        if (d < best) {
          best = d;
          codes[t] = k;
          gains[t] = refitGain ? Math.fround(series.gains[t] * a) : series.gains[t];
          f0Out[t] = p;
        }
      }
    }
  }
  return { ...series, codes, gains, latents: model.latentsOf(codes), ...(series.f0 || options.pitchOffsets ? { f0: f0Out } : {}) };
}
