import { resample } from '../audio/resample';
import { auditorySpectrogram, normalizePower, type Spectrogram } from '../dsp/auditory';

/**
 * What a learned plant's model hears: the render resampled to 8 kHz, normalized to unit RMS,
 * then the auditory spectrogram [128 x frames] (8-ms frames), the features of every MirrorNet
 * here (the runtime computes the same from a manifest's `audio` block).
 *
 * @example
 * const spec = plantFeatures(clip, plant.schema.sampleRate); // 1 s -> 128 x 125
 */
export const PLANT_FEATURE_RATE = 8000;
/** How often a live stream on a learned plant model hears its newest window (src/mirror/plant-stream.ts). */
export const PLANT_HOP_SECONDS = 0.25;

export function plantFeatures(audio: Float32Array, sampleRate: number): Spectrogram {
  const x = sampleRate === PLANT_FEATURE_RATE ? audio : resample(audio, sampleRate, PLANT_FEATURE_RATE);
  return auditorySpectrogram(normalizePower(x), { sampleRate: PLANT_FEATURE_RATE });
}
