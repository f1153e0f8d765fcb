import { MbError, checkRange } from '../core/errors';
import type { Hz, Samples } from '../core/units';

/*
 * The settings of the auditory model and the centre frequencies of its filterbank, apart
 * from ./auditory (the model) and ./cochlea (its per-sample core) so both can import them
 * without importing each other.
 */

/** Options of the auditory spectrogram (./auditory), checked by resolveAuditoryOptions. */
export interface AuditoryOptions {
  sampleRate: Hz;
  /** Frame length in ms (default 8). */
  frameMs?: number;
  /** Leaky-integration time constant in ms (default 8). */
  timeConstantMs?: number;
  /** Output channels (default 128). */
  channels?: number;
}

/** Resolved settings shared by the batch and streaming forms. */
export interface AuditorySettings {
  sampleRate: Hz;
  channels: number;
  frameLength: Samples;
  /** Integration coefficient exp(-1 / (tc fs)). */
  integration: number;
}

/**
 * Fills in the defaults and checks the options (MB_ERR_BAD_ARGS names the bad value).
 *
 * @example
 * resolveAuditoryOptions({ sampleRate: 16000 }).frameLength; // 128 (8 ms)
 */
export function resolveAuditoryOptions(o: AuditoryOptions): AuditorySettings {
  if (o === null || typeof o !== 'object') throw new MbError('MB_ERR_BAD_ARGS', 'auditory options are required');
  const sampleRate = checkRange('sampleRate', o.sampleRate, 4000, 192000);
  const frameMs = checkRange('frameMs', o.frameMs ?? 8, 1, 100);
  const tcMs = checkRange('timeConstantMs', o.timeConstantMs ?? 8, 0.5, 1000);
  const channels = checkRange('channels', o.channels ?? 128, 1, 128);
  if (!Number.isInteger(channels)) throw new MbError('MB_ERR_BAD_ARGS', `channels must be an integer, got ${channels}`);
  return {
    sampleRate,
    channels,
    frameLength: Math.max(1, Math.round((frameMs * sampleRate) / 1000)),
    integration: Math.exp(-1 / ((tcMs / 1000) * sampleRate)),
  };
}

/**
 * Centre frequencies of the output channels. Channel c is the inhibition between filters
 * c + 1 and c, so its centre is their geometric mean, half a step (1/48 octave) below filter c + 1.
 *
 * @example
 * auditoryCenterFrequencies(16000)[0]; // ≈ 188 Hz
 */
export function auditoryCenterFrequencies(sampleRate: Hz, channels = 128): Float32Array {
  const out = new Float32Array(channels);
  for (let c = 0; c < channels; c++) out[c] = filterCenter(c + 0.5, sampleRate);
  return out;
}

/** Centre of cochlear filter j (0-based, fractional j allowed; filter 0 only feeds channel 0's inhibition). */
export function filterCenter(j: number, sampleRate: Hz): Hz {
  return 440 * Math.pow(2, (j - 30) / 24) * (sampleRate / 16000);
}
