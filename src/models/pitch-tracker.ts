import { MbError, toMbError } from '../core/errors';
import { resolveYinOptions } from '../dsp/yin';
import type { AudioSpec, ModelManifest, PitchTrackerSettings } from './manifest';

/**
 * The pitch tracker a model was trained with, as its manifest declares it in audio.settings:
 * `pitch: 'yin'`, `pitchFmin`, `pitchFmax` (Hz) and `pitchThreshold`, on frames of
 * `frameLength` samples at `audio.sampleRate`. Training measured pitch with this very tracker
 * (src/dsp/yin.ts through the plant server, training/vqvae/pitch.py), so a runtime that builds
 * its YIN from these settings computes the f0 the model saw. No defaults: a manifest either
 * states every setting or none.
 *
 * @example
 * const yin = new Yin(requirePitchTracker(manifest, 'harmonic-pghi synthesis'));
 */
export const PITCH_TRACKER_KEYS = ['pitch', 'pitchFmin', 'pitchFmax', 'pitchThreshold'] as const;

function refuse(field: string, expected: string, got: unknown): never {
  throw new MbError('MB_ERR_MODEL_MANIFEST', `manifest field ${field} must be ${expected}, got ${JSON.stringify(got) ?? String(got)}`);
}

function positive(audio: AudioSpec, key: string, what: string): number {
  const v = audio.settings[key];
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) refuse(`audio.settings.${key}`, `a positive number (${what})`, v);
  return v;
}

/**
 * The pitch tracker settings of `audio`, checked; null when it declares no tracker. Throws
 * MB_ERR_MODEL_MANIFEST for a tracker other than 'yin', a setting missing or malformed, or a
 * search range YIN cannot run on that frame (src/dsp/yin resolveYinOptions).
 */
export function pitchTrackerOf(audio: AudioSpec): PitchTrackerSettings | null {
  const present = PITCH_TRACKER_KEYS.filter((k) => audio.settings[k] !== undefined);
  if (present.length === 0) return null;
  if (audio.settings.pitch !== 'yin') {
    refuse('audio.settings.pitch', `'yin' (the tracker ${present.join(', ')} configure)`, audio.settings.pitch);
  }
  const settings: PitchTrackerSettings = {
    tracker: 'yin',
    sampleRate: audio.sampleRate,
    frameLength: positive(audio, 'frameLength', 'the frame the pitch tracker reads'),
    fmin: positive(audio, 'pitchFmin', 'the lowest f0 searched, Hz'),
    fmax: positive(audio, 'pitchFmax', 'the highest f0 searched, Hz'),
    threshold: positive(audio, 'pitchThreshold', "YIN's absolute threshold"),
  };
  try {
    resolveYinOptions(settings);
  } catch (err) {
    throw new MbError('MB_ERR_MODEL_MANIFEST', `manifest pitch tracker settings cannot run: ${toMbError(err).message}`);
  }
  return settings;
}

/**
 * The pitch tracker settings of a model whose runtime tracks pitch (`why` says what needs
 * it); throws MB_ERR_MODEL_MANIFEST when the manifest declares none.
 */
export function requirePitchTracker(manifest: ModelManifest, why: string): PitchTrackerSettings {
  const settings = pitchTrackerOf(manifest.audio);
  if (!settings) {
    throw new MbError('MB_ERR_MODEL_MANIFEST',
      `model ${manifest.name} needs a pitch tracker (${why}) but its manifest declares none: ` +
        "audio.settings needs pitch: 'yin', pitchFmin, pitchFmax and pitchThreshold, the settings it was trained with");
  }
  return settings;
}
