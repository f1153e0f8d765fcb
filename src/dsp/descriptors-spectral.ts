import type { Hz, NormalRange } from '../core/units';

/**
 * Spectral shape of one power spectrum |X_k|^2, k = 0 .. bins-1, bin k at k * binHz.
 *
 * - centroid: magnitude-weighted mean frequency, sum f_k |X_k| / sum |X_k| (Hz).
 * - bandwidth: magnitude-weighted standard deviation around the centroid (spectral
 *   spread, Hz).
 * - flatness: geometric over arithmetic mean of the power, in [0, 1] (Wiener entropy);
 *   about 0.56 for white noise, near 0 for a sine. Each bin is floored at 1e-20 so an empty
 *   bin does not send the geometric mean to zero on its own.
 * - rolloff: frequency below which 85 % of the power lies, interpolated linearly inside
 *   the bin where the cumulative sum crosses it (Hz).
 *
 * An all-zero spectrum gives 0 for every value.
 *
 * @example
 * const s: SpectralShape = { centroid: 0, bandwidth: 0, flatness: 0, rolloff: 0 };
 * spectralShape(power, sampleRate / nFft, s);
 */
export interface SpectralShape {
  centroid: Hz;
  bandwidth: Hz;
  flatness: NormalRange;
  rolloff: Hz;
}

/** Fraction of the power below the rolloff frequency. */
export const ROLLOFF_FRACTION = 0.85;
const POWER_FLOOR = 1e-20;

/** Computes the four shape values of `power` into `out` (no allocation). */
export function spectralShape(power: Float32Array, binHz: Hz, out: SpectralShape): SpectralShape {
  let magSum = 0;
  let weighted = 0;
  let powerSum = 0;
  let logSum = 0;
  for (let k = 0; k < power.length; k++) {
    const p = power[k];
    const mag = Math.sqrt(p);
    magSum += mag;
    weighted += mag * k;
    powerSum += p;
    logSum += Math.log(Math.max(p, POWER_FLOOR));
  }
  if (!(magSum > 0) || !(powerSum > 0)) {
    out.centroid = out.bandwidth = out.flatness = out.rolloff = 0;
    return out;
  }
  const centroidBin = weighted / magSum;
  let spread = 0;
  for (let k = 0; k < power.length; k++) spread += Math.sqrt(power[k]) * (k - centroidBin) ** 2;
  const meanPower = powerSum / power.length;
  out.centroid = centroidBin * binHz;
  out.bandwidth = Math.sqrt(spread / magSum) * binHz;
  out.flatness = Math.min(1, Math.exp(logSum / power.length) / Math.max(meanPower, POWER_FLOOR));
  out.rolloff = rolloffBin(power, powerSum) * binHz;
  return out;
}

/** Fractional bin where the cumulative power reaches ROLLOFF_FRACTION of the total. */
function rolloffBin(power: Float32Array, powerSum: number): number {
  const target = ROLLOFF_FRACTION * powerSum;
  let cumulative = 0;
  for (let k = 0; k < power.length; k++) {
    const next = cumulative + power[k];
    if (next >= target) {
      // Bin k's power is spread over [k - 1/2, k + 1/2) for the interpolation.
      const inside = power[k] > 0 ? (target - cumulative) / power[k] : 0;
      return Math.max(0, k - 0.5 + inside);
    }
    cumulative = next;
  }
  return power.length - 1;
}
