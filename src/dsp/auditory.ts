import { MbError } from '../core/errors';
import type { Samples } from '../core/units';
import { getNative } from '../native';
import { resolveAuditoryOptions, type AuditoryOptions, type AuditorySettings } from './auditory-settings';
import { designCochlea, type Cochlea } from './cochlea';

// The settings and the bank's frequencies live in ./auditory-settings (shared with ./cochlea);
// they are exported here too, so users of the auditory model import one module.
export { auditoryCenterFrequencies, filterCenter, resolveAuditoryOptions, type AuditoryOptions, type AuditorySettings } from './auditory-settings';

/** An auditory spectrogram. */
export interface Spectrogram {
  /** Channel-major [channels][frames]. */
  data: Float32Array;
  channels: number;
  frames: number;
}

/**
 * The early auditory model MirrorNet uses (after NSL's `wav2aud`, Chi, Ru & Shamma 2005;
 * Yang, Wang & Shamma 1992), in four stages per channel:
 *
 * 1. cochlear filterbank: 129 band-pass filters, 24 per octave; filter j (1-based, as NSL
 *    counts) has centre 440 * 2^((j - 31) / 24) * (fs / 16000) Hz (NSL's convention: the
 *    bank scales with the sample rate, so output channels span about 188 Hz–7.3 kHz at
 *    16 kHz and 94 Hz–3.6 kHz at 8 kHz, always below Nyquist);
 * 2. hair cell: a sigmoid compression 0.5 u / (1 + |u|) with u = v / (2 fac), fac = 0.1 (an
 *    algebraic stand-in for NSL's logistic sigmoid less its 0.5 offset: same slope at 0, same
 *    ±0.5 bounds, and cheap and bit-stable in both the TypeScript and native paths), then the
 *    membrane low-pass (leaky integrator with an 8-sample time constant: 0.5 ms at 16 kHz);
 * 3. lateral inhibition: the difference between each filter and the one below it, half-wave
 *    rectified, which gives the 128 output channels (output channel c is filter c + 1);
 * 4. leaky integration with an 8 ms time constant (unit DC gain), sampled at the end of every
 *    8 ms frame.
 *
 * Output scale: the mean rectified inhibition output, so values are >= 0 and bounded by 1
 * (the compression bounds each filter's hair-cell output to ±0.5); for unit-RMS speech or
 * synth input the loudest channels reach about 0.02–0.1. Normalize input with
 * `normalizePower` for level-independent features, as MirrorNet does.
 *
 * Frames: floor(N / frameLen) for N samples (frameLen = round(frameMs * fs / 1000)), so 2.0 s at
 * 8 kHz gives 128 x 250. Layout is channel-major [channels][frames].
 *
 * Streaming form: blocks of any size in, one 128-value frame per 8 ms out. Its output equals
 * the batch function's exactly (the batch form runs this same code). Everything is allocated
 * at construction.
 *
 * @example
 * const spec = auditorySpectrogram(normalizePower(x), { sampleRate: 8000 });
 * spec.channels; // 128
 * const live = new AuditoryStream({ sampleRate: 8000 });
 * live.push(block, (frame, t) => send(t, frame));
 */
export class AuditoryStream {
  readonly settings: AuditorySettings;
  /** The filterbank and integrator delay, as a rough group delay at mid band (one frame). */
  readonly latencySamples: Samples;
  private readonly cochlea: Cochlea;
  private readonly frame: Float32Array;
  private frameIndex = 0;

  constructor(options: AuditoryOptions) {
    this.settings = resolveAuditoryOptions(options);
    this.cochlea = designCochlea(this.settings, getNative());
    this.frame = new Float32Array(this.settings.channels);
    this.latencySamples = this.settings.frameLength;
  }

  /**
   * Feeds a block. A non-finite sample throws MB_ERR_BAD_AUDIO before anything is processed,
   * so one bad block cannot poison the filter states of a live stream.
   */
  push(block: ArrayLike<number>, onFrame: (frame: Float32Array, index: number) => void): void {
    for (let i = 0; i < block.length; i++) {
      if (!Number.isFinite(block[i])) throw new MbError('MB_ERR_BAD_AUDIO', `audio sample ${i} of the block is not finite (${block[i]})`);
    }
    this.cochlea.process(block, this.frame, () => onFrame(this.frame, this.frameIndex++));
  }

  reset(): void {
    this.cochlea.reset();
    this.frameIndex = 0;
  }
}

/** Batch auditory spectrogram; see AuditoryStream for the model and its scale. */
export function auditorySpectrogram(x: Float32Array, options: AuditoryOptions): Spectrogram {
  const stream = new AuditoryStream(options);
  const { channels, frameLength } = stream.settings;
  const frames = Math.floor(x.length / frameLength);
  const data = new Float32Array(channels * frames);
  stream.push(x.subarray(0, frames * frameLength), (frame, t) => {
    for (let c = 0; c < channels; c++) data[c * frames + t] = frame[c];
  });
  return { data, channels, frames };
}

/**
 * A unit-RMS copy of `x` (MirrorNet's power normalization); silence stays all zeros.
 *
 * @example
 * normalizePower(new Float32Array([0.5, -0.5])); // [1, -1]
 */
export function normalizePower(x: Float32Array): Float32Array {
  let acc = 0;
  for (let i = 0; i < x.length; i++) acc += x[i] * x[i];
  const out = new Float32Array(x.length);
  if (acc === 0) return out;
  const g = 1 / Math.sqrt(acc / x.length);
  for (let i = 0; i < x.length; i++) out[i] = x[i] * g;
  return out;
}
