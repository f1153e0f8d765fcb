/*
 * Log-mel spectrogram, batch and streaming, on the STFT of ./stft (periodic Hann window,
 * framing without centering or padding: frame t covers [t*hop, t*hop + nFft)).
 *
 * - Power: |X|^2 of the windowed frame, unnormalised (the librosa convention).
 * - Mel scale: 'slaney' (default; linear below 1 kHz, logarithmic above, as librosa's
 *   default and the Auditory Toolbox) or 'htk' (2595 * log10(1 + f/700)).
 * - Filters: triangles on nMels + 2 points evenly spaced in mel over [fmin, fmax]; with
 *   norm 'slaney' (default) each is scaled by 2 / (upper - lower Hz) so every band has the
 *   same area; 'none' keeps unit peaks.
 * - Compression: 'ln' (default) gives ln(mel + 1e-6); 'db' gives 10 * log10(max(mel, 1e-10)).
 *
 * @example
 * const m = melSpectrogram(x, { sampleRate: 16000, nFft: 512, hop: 160, nMels: 64 });
 * m.data[band * m.frames + t]; // channel-major
 */
import { MbError, checkInt, checkRange } from '../core/errors';
import type { Hz } from '../core/units';
import { FramePowerSpectrum, StreamFramer, checkStftOptions, frameCount, powerSpectrogram } from './stft';

/** Options of melSpectrogram, MelStream and MelFilterbank (defaults filled in by resolveMelOptions). */
export interface MelOptions {
  sampleRate: Hz;
  /** FFT size and frame length (power of two); default 1024. */
  nFft?: number;
  /** Hop in samples; default 256. */
  hop?: number;
  /** Number of mel bands; default 64. */
  nMels?: number;
  /** Lowest filter edge; default 0 Hz. */
  fmin?: Hz;
  /** Highest filter edge; default sampleRate / 2. */
  fmax?: Hz;
  /** Mel scale; default 'slaney'. */
  scale?: 'slaney' | 'htk';
  /** Filter normalisation; default 'slaney' (equal area). */
  norm?: 'slaney' | 'none';
  /** Log compression; default 'ln' = ln(mel + 1e-6). */
  log?: 'ln' | 'db';
}

export interface MelSpectrogram {
  /** Channel-major [mels][frames] log-mel values. */
  data: Float32Array;
  /** Number of mel bands. */
  channels: number;
  frames: number;
}

/** Offset inside ln() so silence stays finite. */
export const MEL_LOG_OFFSET = 1e-6;
/** Floor of the power before 10*log10 in 'db' mode (-100 dB). */
export const MEL_DB_FLOOR = 1e-10;

/**
 * Options with every default filled in and checked (MB_ERR_BAD_ARGS names the bad value).
 *
 * @example
 * resolveMelOptions({ sampleRate: 16000 }).fmax; // 8000
 */
export function resolveMelOptions(o: MelOptions): Required<MelOptions> {
  const sampleRate = checkRange('sampleRate', o.sampleRate, 1000, 384000);
  const nFft = o.nFft ?? 1024;
  const hop = o.hop ?? 256;
  checkStftOptions({ nFft, hop });
  if (hop > nFft) throw new MbError('MB_ERR_BAD_ARGS', `hop must not exceed nFft (${nFft}), got ${hop}`);
  const nMels = checkInt('nMels', o.nMels ?? 64, 1, 512);
  const fmax = checkRange('fmax', o.fmax ?? sampleRate / 2, 1, sampleRate / 2);
  const fmin = checkRange('fmin', o.fmin ?? 0, 0, fmax - 1);
  const scale = o.scale ?? 'slaney';
  const norm = o.norm ?? 'slaney';
  const log = o.log ?? 'ln';
  if (scale !== 'slaney' && scale !== 'htk') throw new MbError('MB_ERR_BAD_ARGS', `scale must be 'slaney' or 'htk', got ${String(scale)}`);
  if (norm !== 'slaney' && norm !== 'none') throw new MbError('MB_ERR_BAD_ARGS', `norm must be 'slaney' or 'none', got ${String(norm)}`);
  if (log !== 'ln' && log !== 'db') throw new MbError('MB_ERR_BAD_ARGS', `log must be 'ln' or 'db', got ${String(log)}`);
  return { sampleRate, nFft, hop, nMels, fmin, fmax, scale, norm, log };
}

const SLANEY_F_SP = 200 / 3;
const SLANEY_MIN_LOG_HZ = 1000;
const SLANEY_MIN_LOG_MEL = SLANEY_MIN_LOG_HZ / SLANEY_F_SP;
const SLANEY_LOG_STEP = Math.log(6.4) / 27;

/**
 * Hz to mel on the chosen scale.
 *
 * @example
 * hzToMel(1000); // 15 (slaney), hzToMel(1000, 'htk') ≈ 999.99
 */
export function hzToMel(hz: Hz, scale: 'slaney' | 'htk' = 'slaney'): number {
  if (scale === 'htk') return 2595 * Math.log10(1 + hz / 700);
  if (hz < SLANEY_MIN_LOG_HZ) return hz / SLANEY_F_SP;
  return SLANEY_MIN_LOG_MEL + Math.log(hz / SLANEY_MIN_LOG_HZ) / SLANEY_LOG_STEP;
}

/**
 * Mel to Hz, the inverse of hzToMel.
 *
 * @example
 * melToHz(hzToMel(440)); // 440
 */
export function melToHz(mel: number, scale: 'slaney' | 'htk' = 'slaney'): Hz {
  if (scale === 'htk') return 700 * (10 ** (mel / 2595) - 1);
  if (mel < SLANEY_MIN_LOG_MEL) return mel * SLANEY_F_SP;
  return SLANEY_MIN_LOG_HZ * Math.exp(SLANEY_LOG_STEP * (mel - SLANEY_MIN_LOG_MEL));
}

/**
 * Triangular mel filterbank stored sparsely (each band keeps only its non-zero bins), and
 * the log compression. Shared by the batch and streaming forms so both compute alike.
 *
 * @example
 * const fb = new MelFilterbank(resolveMelOptions({ sampleRate: 16000 }));
 * fb.apply(powerFrame, logMelOut);
 */
export class MelFilterbank {
  readonly nMels: number;
  /** Band edges and centres in Hz: nMels + 2 points. */
  readonly edgesHz: Float64Array;
  private readonly firstBin: Int32Array;
  private readonly weights: Float32Array[];
  private readonly useDb: boolean;

  constructor(o: Required<MelOptions>) {
    this.nMels = o.nMels;
    this.useDb = o.log === 'db';
    const lo = hzToMel(o.fmin, o.scale);
    const hi = hzToMel(o.fmax, o.scale);
    this.edgesHz = new Float64Array(o.nMels + 2);
    for (let i = 0; i < o.nMels + 2; i++) this.edgesHz[i] = melToHz(lo + ((hi - lo) * i) / (o.nMels + 1), o.scale);
    this.firstBin = new Int32Array(o.nMels);
    this.weights = [];
    const bins = o.nFft / 2 + 1;
    const binHz = o.sampleRate / o.nFft;
    const dense = new Float32Array(bins);
    for (let m = 0; m < o.nMels; m++) {
      const [left, centre, right] = [this.edgesHz[m], this.edgesHz[m + 1], this.edgesHz[m + 2]];
      const gain = o.norm === 'slaney' ? 2 / (right - left) : 1;
      for (let k = 0; k < bins; k++) {
        const f = k * binHz;
        dense[k] = gain * Math.max(0, Math.min((f - left) / (centre - left), (right - f) / (right - centre)));
      }
      // A band narrower than one bin has no weights at all: it then reads as silence.
      const first = dense.findIndex((w) => w > 0);
      const last = bins - 1 - dense.slice().reverse().findIndex((w) => w > 0);
      this.firstBin[m] = Math.max(0, first);
      this.weights.push(first < 0 ? new Float32Array(0) : dense.slice(first, last + 1));
    }
  }

  /** Writes the log-mel values of one power frame (`power` read from `offset`) into `out[m * stride]`. */
  apply(power: Float32Array, out: Float32Array, offset = 0, outOffset = 0, stride = 1): void {
    for (let m = 0; m < this.nMels; m++) {
      const w = this.weights[m];
      const base = offset + this.firstBin[m];
      let acc = 0;
      for (let k = 0; k < w.length; k++) acc += w[k] * power[base + k];
      out[outOffset + m * stride] = this.useDb ? 10 * Math.log10(Math.max(acc, MEL_DB_FLOOR)) : Math.log(acc + MEL_LOG_OFFSET);
    }
  }
}

/** Frames per powerSpectrogram call in the batch form: bounds memory on long signals. */
const BATCH_FRAMES = 256;

/**
 * Batch log-mel spectrogram of `x` (mono samples at options.sampleRate).
 *
 * @example
 * const { data, channels, frames } = melSpectrogram(x, { sampleRate: 16000, nMels: 80 });
 */
export function melSpectrogram(x: Float32Array, options: MelOptions): MelSpectrogram {
  const o = resolveMelOptions(options);
  const fb = new MelFilterbank(o);
  const frames = frameCount(x.length, o.nFft, o.hop);
  const data = new Float32Array(o.nMels * frames);
  for (let t0 = 0; t0 < frames; t0 += BATCH_FRAMES) {
    const count = Math.min(BATCH_FRAMES, frames - t0);
    const start = t0 * o.hop;
    const chunk = x.subarray(start, start + (count - 1) * o.hop + o.nFft);
    const spec = powerSpectrogram(chunk, { nFft: o.nFft, hop: o.hop });
    for (let t = 0; t < count; t++) fb.apply(spec.data, data, t * spec.bins, t0 + t, frames);
  }
  return { data, channels: o.nMels, frames };
}

/**
 * Streaming log-mel: push blocks of any size; `onFrame` receives each frame's nMels values
 * (a reused buffer, valid during the callback) and its index. The frames are those of
 * `melSpectrogram` on the concatenated input. Frame t is delivered once sample
 * t*hop + nFft - 1 has arrived, so the algorithmic latency is nFft samples.
 *
 * @example
 * const ms = new MelStream({ sampleRate: 16000, nFft: 512, hop: 160 }, (col, t) => send(col));
 * ms.push(block);
 */
export class MelStream {
  readonly options: Required<MelOptions>;
  /** Samples from the start of a frame to its delivery. */
  readonly latencySamples: number;
  private readonly framer: StreamFramer;
  private readonly spectrum: FramePowerSpectrum;
  private readonly filterbank: MelFilterbank;
  private readonly power: Float32Array;
  private readonly column: Float32Array;
  private frameIndex = 0;

  constructor(
    options: MelOptions,
    private readonly onFrame: (column: Float32Array, frameIndex: number) => void,
  ) {
    this.options = resolveMelOptions(options);
    const { nFft, hop, nMels } = this.options;
    this.latencySamples = nFft;
    this.framer = new StreamFramer(nFft, hop);
    this.spectrum = new FramePowerSpectrum(nFft);
    this.filterbank = new MelFilterbank(this.options);
    this.power = new Float32Array(this.spectrum.bins);
    this.column = new Float32Array(nMels);
  }

  /** Frames delivered so far. */
  get frames(): number {
    return this.frameIndex;
  }

  push(block: ArrayLike<number>): void {
    this.framer.push(block, (frame) => {
      this.spectrum.compute(frame, 0, this.power);
      this.filterbank.apply(this.power, this.column);
      this.onFrame(this.column, this.frameIndex++);
    });
  }

  /** Starts a new stream (frame indices restart at 0). */
  reset(): void {
    this.framer.reset();
    this.frameIndex = 0;
  }
}
