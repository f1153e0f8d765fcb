import { checkInt, checkRange, MbError } from '../core/errors';
import type { Decibels, Hz, Seconds } from '../core/units';
import { FramePowerSpectrum, StreamFramer, frameCount } from './stft';
import { spectralShape, type SpectralShape } from './descriptors-spectral';
import { Yin, resolveYinOptions } from './yin';

/**
 * Frame-wise acoustic descriptors (batch, single frame, streaming), the vocabulary of
 * descriptor-based synthesis in the VQ-VAE codec and of vocal-sketch control.
 *
 * Per frame of `frameLength` samples (framing of ./stft: frame t covers
 * [t*hop, t*hop + frameLength), no padding):
 * - loudness: RMS of the raw frame in dBFS, where a full-scale sine reads 0 dBFS, i.e.
 *   20*log10(rms) + 3.0103; floored at LOUDNESS_FLOOR_DB (-120).
 * - centroid, bandwidth, flatness, rolloff: shape of the Hann-windowed power spectrum, see
 *   ./descriptors-spectral (FFT size: frameLength rounded up to a power of two).
 * - f0 (Hz, 0 when unvoiced) and voicing (YIN confidence, 0..1), see ./yin.
 * A silent frame (loudness at or below -120 dBFS) gives loudness -120 and 0 for everything else. No
 * value is ever NaN.
 *
 * @example
 * const d = frameDescriptors(x, { sampleRate: 16000 });
 * d.f0[10]; d.loudness[10]; d.hopSeconds; // 0.016
 */
export const DESCRIPTOR_NAMES = ['loudness', 'centroid', 'bandwidth', 'flatness', 'rolloff', 'f0', 'voicing'] as const;
export type DescriptorName = (typeof DESCRIPTOR_NAMES)[number];

/** Each descriptor's unit ('' for a ratio in 0..1): axis titles, the page's codebook map. */
export const DESCRIPTOR_UNITS: Record<DescriptorName, string> = { loudness: 'dBFS', centroid: 'Hz', bandwidth: 'Hz', flatness: '', rolloff: 'Hz', f0: 'Hz', voicing: '' };

/** One frame's descriptors. */
export type DescriptorFrame = Record<DescriptorName, number>;

/** Descriptor curves of a signal: one Float32Array per name, `frames` long. */
export interface DescriptorSeries extends Record<DescriptorName, Float32Array> {
  frames: number;
  hopSeconds: Seconds;
}

export interface DescriptorOptions {
  sampleRate: Hz;
  /** Frame length in samples; default 64 ms rounded down to a power of two (512 at 8 kHz, 1024 at 16 and 22.05 kHz, 2048 at 44.1 and 48 kHz). */
  frameLength?: number;
  /** Hop in samples; default frameLength / 4. */
  hop?: number;
  /** Lowest f0 searched; default max(50, 2 * sampleRate / frameLength) Hz. */
  fmin?: Hz;
  /** Highest f0 searched; default min(2000, sampleRate / 4) Hz. */
  fmax?: Hz;
  /** YIN absolute threshold; default 0.15. */
  yinThreshold?: number;
}

/** Loudness of silence, and the floor of every loudness value. */
export const LOUDNESS_FLOOR_DB: Decibels = -120;
/** Offset from RMS dB to dBFS: a full-scale sine has RMS 1/sqrt(2), i.e. -3.0103 dB. */
export const SINE_DBFS_OFFSET = 20 * Math.log10(Math.SQRT2);
/** Mean square whose loudness is exactly the floor; at or below it a frame is silent. */
const SILENCE_MEAN_SQUARE = 10 ** ((LOUDNESS_FLOOR_DB - SINE_DBFS_OFFSET) / 10);

/**
 * Options with defaults filled in and checked (MB_ERR_BAD_ARGS names the bad value).
 *
 * @example
 * resolveDescriptorOptions({ sampleRate: 8000 }); // frameLength 512, hop 128, fmin 50, fmax 2000
 */
export function resolveDescriptorOptions(o: DescriptorOptions): Required<DescriptorOptions> {
  const sampleRate = checkRange('sampleRate', o.sampleRate, 1000, 384000);
  const frameLength = checkInt('frameLength', o.frameLength ?? 2 ** Math.floor(Math.log2(0.064 * sampleRate) + 1e-9), 32, 65536);
  const hop = checkInt('hop', o.hop ?? Math.max(1, frameLength / 4), 1, frameLength);
  const yin = resolveYinOptions({
    sampleRate,
    frameLength,
    fmin: o.fmin ?? Math.max(50, Math.ceil((2 * sampleRate) / frameLength)),
    fmax: o.fmax,
    threshold: o.yinThreshold,
  });
  return { sampleRate, frameLength, hop, fmin: yin.fmin, fmax: yin.fmax, yinThreshold: yin.threshold };
}

/**
 * Prepared single-frame analyser (FFT plans, YIN, scratch buffers): reuse it for many
 * frames of one length.
 *
 * @example
 * const fd = new FrameDescriber({ sampleRate: 16000, frameLength: 1024 });
 * const d = fd.describe(frame); // { loudness, centroid, ..., f0, voicing }
 */
export class FrameDescriber {
  readonly options: Required<DescriptorOptions>;
  private readonly spectrum: FramePowerSpectrum;
  private readonly padded: Float32Array;
  private readonly padOffset: number;
  private readonly power: Float32Array;
  private readonly binHz: Hz;
  private readonly yin: Yin;
  private readonly shape: SpectralShape = { centroid: 0, bandwidth: 0, flatness: 0, rolloff: 0 };

  constructor(options: DescriptorOptions) {
    this.options = resolveDescriptorOptions(options);
    const { sampleRate, frameLength, fmin, fmax, yinThreshold } = this.options;
    const nFft = Math.max(16, 2 ** Math.ceil(Math.log2(frameLength)));
    this.spectrum = new FramePowerSpectrum(nFft, frameLength);
    // FramePowerSpectrum centres a shorter window in the FFT frame; place the samples alike.
    this.padded = new Float32Array(nFft);
    this.padOffset = Math.floor((nFft - frameLength) / 2);
    this.power = new Float32Array(this.spectrum.bins);
    this.binHz = sampleRate / nFft;
    this.yin = new Yin({ sampleRate, frameLength, fmin, fmax, threshold: yinThreshold });
  }

  /**
   * Describes the first frameLength samples of `frame`, starting at `offset`. Writes into
   * `out` when given (no allocation) and returns it.
   */
  describe(frame: ArrayLike<number>, out: DescriptorFrame = emptyDescriptorFrame(), offset = 0): DescriptorFrame {
    const n = this.options.frameLength;
    if (frame.length - offset < n) {
      throw new MbError('MB_ERR_BAD_ARGS', `frame has ${frame.length - offset} samples, expected ${n}`);
    }
    let sumSquares = 0;
    for (let i = 0; i < n; i++) {
      const v = frame[offset + i];
      this.padded[this.padOffset + i] = v;
      sumSquares += v * v;
    }
    if (!Number.isFinite(sumSquares)) throw new MbError('MB_ERR_BAD_AUDIO', 'frame contains NaN or Inf samples');
    if (sumSquares / n <= SILENCE_MEAN_SQUARE) {
      for (const name of DESCRIPTOR_NAMES) out[name] = 0;
      out.loudness = LOUDNESS_FLOOR_DB;
      return out;
    }
    out.loudness = 10 * Math.log10(sumSquares / n) + SINE_DBFS_OFFSET;
    this.spectrum.compute(this.padded, 0, this.power);
    spectralShape(this.power, this.binHz, this.shape);
    out.centroid = this.shape.centroid;
    out.bandwidth = this.shape.bandwidth;
    out.flatness = this.shape.flatness;
    out.rolloff = this.shape.rolloff;
    const pitch = this.yin.estimate(this.padded.subarray(this.padOffset, this.padOffset + n));
    out.f0 = pitch.f0;
    out.voicing = pitch.confidence;
    return out;
  }
}

/**
 * A descriptor frame with every value 0, to pass as `out` to FrameDescriber.describe.
 *
 * @example
 * const d = emptyDescriptorFrame(); describer.describe(frame, d);
 */
export function emptyDescriptorFrame(): DescriptorFrame {
  return { loudness: 0, centroid: 0, bandwidth: 0, flatness: 0, rolloff: 0, f0: 0, voicing: 0 };
}

const describerCache = new Map<string, FrameDescriber>();
const DESCRIBER_CACHE_SIZE = 8;

/**
 * Describes one frame (its whole length is the analysis frame). Prepared analysers are
 * cached per (sampleRate, length, options), so calling it on many decoded frames of one
 * size costs no setup after the first.
 *
 * @example
 * const d = describeFrame(decodedFrame, 16000);
 * d.centroid; d.f0;
 */
export function describeFrame(
  frame: ArrayLike<number>,
  sampleRate: Hz,
  options: Omit<DescriptorOptions, 'sampleRate' | 'frameLength' | 'hop'> = {},
): DescriptorFrame {
  const key = [sampleRate, frame.length, options.fmin, options.fmax, options.yinThreshold].join('/');
  let describer = describerCache.get(key);
  if (!describer) {
    describer = new FrameDescriber({ ...options, sampleRate, frameLength: frame.length });
    if (describerCache.size >= DESCRIBER_CACHE_SIZE) describerCache.delete(describerCache.keys().next().value as string);
    describerCache.set(key, describer);
  }
  return describer.describe(frame);
}

/**
 * Descriptor curves of a whole signal.
 *
 * @example
 * const d = frameDescriptors(x, { sampleRate: 8000, fmin: 60, fmax: 1000 });
 * for (let t = 0; t < d.frames; t++) console.log(t * d.hopSeconds, d.f0[t]);
 */
export function frameDescriptors(x: Float32Array, options: DescriptorOptions): DescriptorSeries {
  const describer = new FrameDescriber(options);
  const { frameLength, hop, sampleRate } = describer.options;
  const frames = frameCount(x.length, frameLength, hop);
  const series = emptySeries(frames, hop / sampleRate);
  const values = emptyDescriptorFrame();
  for (let t = 0; t < frames; t++) {
    describer.describe(x, values, t * hop);
    for (const name of DESCRIPTOR_NAMES) series[name][t] = values[name];
  }
  return series;
}

function emptySeries(frames: number, hopSeconds: Seconds): DescriptorSeries {
  const arrays = Object.fromEntries(DESCRIPTOR_NAMES.map((n) => [n, new Float32Array(frames)]));
  return { ...(arrays as Record<DescriptorName, Float32Array>), frames, hopSeconds };
}

/**
 * Streaming descriptors: push blocks of any size; `onFrame` receives each frame's values
 * (a reused object, valid during the callback) and its index, the same frames and values
 * as `frameDescriptors` on the concatenated input. Frame t is delivered once sample
 * t*hop + frameLength - 1 has arrived (algorithmic latency: frameLength samples).
 *
 * @example
 * const ds = new DescriptorStream({ sampleRate: 16000 }, (d, t) => sendOsc(d.f0, d.loudness));
 * ds.push(block);
 */
export class DescriptorStream {
  readonly options: Required<DescriptorOptions>;
  readonly latencySamples: number;
  private readonly describer: FrameDescriber;
  private readonly framer: StreamFramer;
  private readonly values = emptyDescriptorFrame();
  private frameIndex = 0;

  constructor(
    options: DescriptorOptions,
    private readonly onFrame: (values: DescriptorFrame, frameIndex: number) => void,
  ) {
    this.describer = new FrameDescriber(options);
    this.options = this.describer.options;
    this.latencySamples = this.options.frameLength;
    this.framer = new StreamFramer(this.options.frameLength, this.options.hop);
  }

  /** Frames delivered so far. */
  get frames(): number {
    return this.frameIndex;
  }

  push(block: ArrayLike<number>): void {
    this.framer.push(block, (frame) => {
      this.describer.describe(frame, this.values);
      this.onFrame(this.values, this.frameIndex++);
    });
  }

  /** Starts a new stream (frame indices restart at 0). */
  reset(): void {
    this.framer.reset();
    this.frameIndex = 0;
  }
}
