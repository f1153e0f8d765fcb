import type { Hz } from '../core/units';
import { resample } from '../audio/resample';
import { auditorySpectrogram, normalizePower } from '../dsp/auditory';

/** MirrorNet's analysis rate: distances are measured on what the model sees. */
const ANALYSIS_RATE: Hz = 8000;

export interface SpectralDistance {
  /** Mean absolute difference of the power-normalized auditory spectrograms. */
  audL1: number;
  /** audL1 relative to the mean magnitude of the reference spectrogram. */
  audL1Relative: number;
  frames: number;
}

/**
 * Auditory-spectrogram L1 distance between a reference and a rendering (both resampled to
 * 8 kHz, power-normalized, compared over their common length).
 *
 * @example
 * spectralDistance(input, 44100, rendered, 8000).audL1;
 */
export function spectralDistance(ref: Float32Array, refRate: Hz, test: Float32Array, testRate: Hz): SpectralDistance {
  const a = refRate === ANALYSIS_RATE ? ref : resample(ref, refRate, ANALYSIS_RATE);
  const b = testRate === ANALYSIS_RATE ? test : resample(test, testRate, ANALYSIS_RATE);
  const n = Math.min(a.length, b.length);
  const sa = auditorySpectrogram(normalizePower(a.subarray(0, n)), { sampleRate: ANALYSIS_RATE });
  const sb = auditorySpectrogram(normalizePower(b.subarray(0, n)), { sampleRate: ANALYSIS_RATE });
  let diff = 0;
  let mag = 0;
  for (let i = 0; i < sa.data.length; i++) {
    diff += Math.abs(sa.data[i] - sb.data[i]);
    mag += Math.abs(sa.data[i]);
  }
  const count = Math.max(1, sa.data.length);
  return { audL1: diff / count, audL1Relative: mag > 0 ? diff / mag : 0, frames: sa.frames };
}
