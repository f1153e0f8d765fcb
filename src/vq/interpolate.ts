import { checkRange, MbError } from '../core/errors';
import type { LatentSeries } from './deform';

/**
 * Interpolation between sounds in latent space.
 *
 * `planeMix`: four corner series a (0,0), b (1,0), c (0,1), d (1,1); the point (x, y) is
 * their bilinear mix, frame by frame. `lerpSeries`: a to b by t (a number, or one t per frame
 * for a morph). Latents mix linearly, gains geometrically (in dB). Series of different
 * lengths are cut to the shortest. The result has no codes: requantize it (nearest code per
 * frame) to stay on the codebook, as the CLI does.
 *
 * @example
 * const mix = planeMix([a, b, c, d], 0.3, 0.7);
 * const morph = lerpSeries(a, b, Float32Array.from({ length: 100 }, (_, t) => t / 99));
 */
function checkCompatible(series: LatentSeries[]): number {
  const d = series[0].latentDim;
  for (const s of series) {
    if (s.latentDim !== d) throw new MbError('MB_ERR_BAD_ARGS', `series have different latent widths (${d} and ${s.latentDim})`);
    if (s.gains.length === 0) throw new MbError('MB_ERR_BAD_ARGS', 'cannot interpolate an empty series');
  }
  return Math.min(...series.map((s) => s.gains.length));
}

/** Weighted mix of series with per-frame weights (weights(t) gives one weight per series). */
function mix(series: LatentSeries[], weights: (t: number) => number[]): LatentSeries {
  const frames = checkCompatible(series);
  const d = series[0].latentDim;
  const latents = new Float32Array(frames * d);
  const gains = new Float32Array(frames);
  // Pitch (models that carry it): the weighted geometric mean over the voiced series, voiced
  // when they hold at least half the weight.
  const f0 = series.every((s) => s.f0) ? new Float32Array(frames) : undefined;
  for (let t = 0; t < frames; t++) {
    const w = weights(t);
    let logGain = 0;
    let logF0 = 0;
    let voicedWeight = 0;
    series.forEach((s, i) => {
      logGain += w[i] * Math.log(Math.max(s.gains[t], 1e-9));
      for (let c = 0; c < d; c++) latents[t * d + c] += w[i] * s.latents[t * d + c];
      const p = s.f0 ? s.f0[t] : 0;
      if (p > 0) {
        logF0 += w[i] * Math.log(p);
        voicedWeight += w[i];
      }
    });
    gains[t] = Math.exp(logGain);
    if (f0) f0[t] = voicedWeight >= 0.5 ? Math.exp(logF0 / voicedWeight) : 0;
  }
  return { latents, gains, latentDim: d, frameRate: series[0].frameRate, f0 };
}

export function planeMix(corners: LatentSeries[], x: number, y: number): LatentSeries {
  if (!Array.isArray(corners) || corners.length !== 4) throw new MbError('MB_ERR_BAD_ARGS', `the plane needs 4 corner series, got ${corners?.length}`);
  checkRange('x', x, 0, 1);
  checkRange('y', y, 0, 1);
  const w = [(1 - x) * (1 - y), x * (1 - y), (1 - x) * y, x * y];
  return mix(corners, () => w);
}

export function lerpSeries(a: LatentSeries, b: LatentSeries, t: number | Float32Array): LatentSeries {
  if (typeof t === 'number') checkRange('t', t, 0, 1);
  else t.forEach((v, i) => checkRange(`t[${i}]`, v, 0, 1));
  const at = (frame: number) => (typeof t === 'number' ? t : t[Math.min(t.length - 1, frame)]);
  return mix([a, b], (frame) => [1 - at(frame), at(frame)]);
}
