import FFT from 'fft.js';
import { MbError, checkInt, checkRange } from '../core/errors';
import type { Hz, NormalRange } from '../core/units';
import { getNative, type NativeYin } from '../native';
import { RealInverseFft } from './irfft';
import { frameGain, powerToNormalizedMagnitude } from './stft';

/** Options of Yin (defaults filled in and checked by resolveYinOptions). */
export interface YinOptions {
  sampleRate: Hz;
  frameLength: number;
  /** Lowest f0 searched; default 50 Hz. Needs sampleRate / fmin <= frameLength / 2. */
  fmin?: Hz;
  /** Highest f0 searched; default min(2000, sampleRate / 4). */
  fmax?: Hz;
  /** Absolute threshold on d'; default 0.15. */
  threshold?: number;
  /**
   * Integration window W; default frameLength - ceil(sampleRate / fmin), which must then be at
   * least that maximal lag (two periods of fmin per frame). Given, it may be shorter (down to
   * 16 samples) for a lower latency: W + maximal lag <= frameLength.
   */
  window?: number;
  /**
   * Sub-multiples of the chosen lag: where d' dips below this at the chosen lag / 2 or / 3 and
   * the mismatch there sits in a few samples, the shorter period wins. Default 0 (off: plain
   * YIN). A naive saw aliased at a low rate, whose jumps fall between samples, dips below
   * `threshold` at two periods but not at one (8 kHz: 0.09 and 0.18); YIN then reports an octave
   * down. Set, the frame runs in TypeScript.
   */
  subharmonicThreshold?: number;
}

/** Share of d at a sub-multiple lag that few samples must carry for it to win (see subharmonicThreshold). */
const IMPULSIVE_SHARE = 0.75;

export interface YinEstimate {
  /** Fundamental frequency in Hz, 0 when unvoiced. */
  f0: Hz;
  /** 1 - d' at the chosen lag, in [0, 1]. */
  confidence: NormalRange;
}

/**
 * Defaults and checks for the YIN search range, shared with the descriptor options.
 *
 * @example
 * resolveYinOptions({ sampleRate: 8000, frameLength: 512 }); // fmin 50, fmax 2000, threshold 0.15
 */
export function resolveYinOptions(o: YinOptions): Required<YinOptions> {
  const sampleRate = checkRange('sampleRate', o.sampleRate, 1000, 384000);
  const frameLength = checkInt('frameLength', o.frameLength, 32, 65536);
  const fmax = checkRange('fmax', o.fmax ?? Math.min(2000, sampleRate / 4), 1, sampleRate / 2);
  const fmin = checkRange('fmin', o.fmin ?? 50, 1, fmax);
  const threshold = checkRange('threshold', o.threshold ?? 0.15, 0.01, 1);
  const maxLag = Math.ceil(sampleRate / fmin);
  const subharmonicThreshold = o.subharmonicThreshold === undefined ? 0 : checkRange('subharmonicThreshold', o.subharmonicThreshold, threshold, 1);
  if (o.window !== undefined) {
    if (maxLag + 16 > frameLength) {
      throw new MbError('MB_ERR_BAD_ARGS', `fmin ${fmin} Hz needs a lag of ${maxLag} samples, the frame (${frameLength}) leaves no window of at least 16; lengthen the frame`);
    }
    const window = checkInt('window', o.window, 16, frameLength - maxLag);
    return { sampleRate, frameLength, fmin, fmax, threshold, window, subharmonicThreshold };
  }
  if (maxLag > frameLength / 2) {
    throw new MbError(
      'MB_ERR_BAD_ARGS',
      `fmin ${fmin} Hz needs a lag of ${maxLag} samples, more than half the frame (${frameLength}); ` +
        `raise fmin to at least ${Math.ceil((2 * sampleRate) / frameLength)} Hz or lengthen the frame`,
    );
  }
  return { sampleRate, frameLength, fmin, fmax, threshold, window: frameLength - maxLag, subharmonicThreshold };
}

/**
 * YIN fundamental-frequency estimator (de Cheveigné & Kawahara, JASA 2002), one frame at a
 * time, with the difference function computed through an FFT cross-correlation.
 *
 * For a frame of F samples and maximal lag T = ceil(sampleRate / fmin), the integration
 * window is W = F - T: d(tau) = sum_{j<W} (x[j] - x[j+tau])^2 for tau in [0, T]. Steps:
 * cumulative-mean-normalised difference d'(tau); the first tau in [sampleRate/fmax, T]
 * where d' falls below `threshold`, followed down to its local minimum; parabolic
 * interpolation of d around it. A frame is voiced when such a dip exists; otherwise f0 is
 * 0. The confidence is 1 - d'(tau) at the chosen (or, when unvoiced, the deepest) dip,
 * clamped to [0, 1].
 *
 * Prepared: FFT plans and scratch buffers allocated once, none per frame. Where the native
 * addon is built (src/native/addon/yin.cc) each frame runs there, taking the same steps;
 * `new Yin(options, false)` keeps it in TypeScript, and so does a `window` shorter than the maximal lag.
 *
 * @example
 * const yin = new Yin({ sampleRate: 16000, frameLength: 1024 });
 * const { f0, confidence } = yin.estimate(frame); // f0 in Hz, 0 when unvoiced
 */
export class Yin {
  readonly options: Required<YinOptions>;
  readonly minLag: number;
  readonly maxLag: number;
  private readonly window: number;
  private readonly fft: FFT;
  private readonly size: number;
  private readonly head: number[];
  private readonly whole: number[];
  private readonly headSpec: number[];
  private readonly wholeSpec: number[];
  private readonly productRe: Float64Array;
  private readonly productIm: Float64Array;
  private readonly irfft: RealInverseFft;
  private readonly corr: Float64Array;
  private readonly diff: Float64Array;
  private readonly cmnd: Float64Array;
  private readonly native: NativeYin | null;
  private readonly result = new Float64Array(2);
  private scratch: Float64Array | null = null;

  /** `native`: run on the native addon when it is built (default; src/native); false forces TypeScript. */
  constructor(options: YinOptions, native = true) {
    this.options = resolveYinOptions(options);
    const { sampleRate, frameLength, fmin, fmax } = this.options;
    this.maxLag = Math.ceil(sampleRate / fmin);
    this.minLag = Math.max(2, Math.floor(sampleRate / fmax));
    this.window = this.options.window;
    // No circular wrap: the largest index touched, W - 1 + maxLag, is frameLength - 1.
    this.size = 2 ** Math.ceil(Math.log2(frameLength));
    this.fft = new FFT(this.size);
    this.head = new Array<number>(this.size).fill(0);
    this.whole = new Array<number>(this.size).fill(0);
    this.headSpec = this.fft.createComplexArray();
    this.wholeSpec = this.fft.createComplexArray();
    this.productRe = new Float64Array(this.size / 2 + 1);
    this.productIm = new Float64Array(this.size / 2 + 1);
    this.irfft = new RealInverseFft(this.size);
    this.corr = new Float64Array(this.size);
    this.diff = new Float64Array(this.maxLag + 1);
    this.cmnd = new Float64Array(this.maxLag + 1);
    // The addon's kernel takes W = its frame length less the maximal lag, and wants W >= that lag,
    // and has no sub-multiple check; a shorter window or the check runs in TypeScript.
    const addon = native && this.window >= this.maxLag && this.options.subharmonicThreshold === 0 ? getNative() : null;
    this.native = addon?.Yin ? new addon.Yin(this.window + this.maxLag, this.size, this.minLag, this.maxLag, this.options.threshold, sampleRate) : null;
  }

  /** Whether this instance runs on the native addon. */
  get isNative(): boolean {
    return this.native !== null;
  }

  /** Estimates f0 of `frame` (its first frameLength samples are used). */
  estimate(frame: ArrayLike<number>): YinEstimate {
    if (frame.length < this.options.frameLength) {
      throw new MbError('MB_ERR_BAD_ARGS', `frame has ${frame.length} samples, YIN needs ${this.options.frameLength}`);
    }
    if (this.native) {
      const r = this.result;
      this.native.estimate(frame instanceof Float32Array || frame instanceof Float64Array ? frame : this.copy(frame), 0, r);
      return { f0: r[0], confidence: r[1] };
    }
    this.normalisedDifference(frame);
    const picked = this.pickLag();
    const voiced = this.cmnd[picked] < this.options.threshold;
    // a voiced frame may move to a sub-multiple of its lag (below the threshold at the multiple, so voiced)
    const lag = voiced ? this.subMultiple(picked) : picked;
    const confidence = Math.min(1, Math.max(0, 1 - this.cmnd[lag]));
    if (!voiced) return { f0: 0, confidence };
    return { f0: this.options.sampleRate / this.refineLag(lag), confidence };
  }

  /**
   * After `estimate(frame)`: the power spectrum |rfft(hann(F) x frame)|^2 of that frame (F / 2 + 1
   * bins, as src/dsp/stft FramePowerSpectrum(F) gives it), from the transform YIN already took:
   * a periodic Hann window is three taps in frequency, Y[k] = X[k] / 2 - (X[k - 1] + X[k + 1]) / 4.
   * A caller that needs both (the VQ encoder) saves an FFT. Needs a power-of-two frameLength.
   */
  hannPowerSpectrum(out: Float32Array): void {
    const n = this.options.frameLength;
    if (this.size !== n) throw new MbError('MB_ERR_BAD_ARGS', `hannPowerSpectrum needs a power-of-two frameLength, got ${n}`);
    if (this.native) return this.native.hannPowerSpectrum(out);
    const x = this.wholeSpec;
    const half = n / 2;
    for (let k = 0; k <= half; k++) {
      // X[-1] = conj(X[1]) and X[n/2 + 1] = conj(X[n/2 - 1]) (real input).
      const lo = k === 0 ? 1 : k - 1;
      const hi = k === half ? half - 1 : k + 1;
      const loIm = k === 0 ? -x[2 * lo + 1] : x[2 * lo + 1];
      const hiIm = k === half ? -x[2 * hi + 1] : x[2 * hi + 1];
      const re = 0.5 * x[2 * k] - 0.25 * (x[2 * lo] + x[2 * hi]);
      const im = 0.5 * x[2 * k + 1] - 0.25 * (loIm + hiIm);
      out[k] = re * re + im * im;
    }
  }

  private copy(frame: ArrayLike<number>): Float64Array {
    const n = this.options.frameLength;
    this.scratch ??= new Float64Array(n);
    for (let i = 0; i < n; i++) this.scratch[i] = frame[i];
    return this.scratch;
  }

  /**
   * The VQ spectrum encoder's input for the frame at `frames[offset ..]` (src/vq/model.ts): its
   * RMS gain (floored at `gainFloor`, rounded to float32) and f0, and its Hann magnitude spectrum
   * normalized by the gain, |rfft(hann x frame)| / (gain sqrt(F)), written to
   * `magnitudes[magnitudesOffset ..]` (F / 2 + 1 values). One native call where the addon is
   * built. Needs a power-of-two frameLength.
   */
  frameSpectrum(frames: Float32Array, offset: number, gainFloor: number, magnitudes: Float32Array, magnitudesOffset: number): { gain: number; f0: number } {
    const n = this.options.frameLength;
    if (this.size !== n) throw new MbError('MB_ERR_BAD_ARGS', `frameSpectrum needs a power-of-two frameLength, got ${n}`);
    if (frames.length - offset < n) throw new MbError('MB_ERR_BAD_ARGS', `frame has ${frames.length - offset} samples, YIN needs ${n}`);
    if (this.native) {
      const gain = this.native.frameSpectrum(frames, offset, gainFloor, magnitudes, magnitudesOffset, this.result);
      return { gain, f0: this.result[0] };
    }
    const gain = frameGain(frames, offset, n, gainFloor);
    const { f0 } = this.estimate(frames.subarray(offset, offset + n));
    const row = magnitudes.subarray(magnitudesOffset, magnitudesOffset + n / 2 + 1);
    this.hannPowerSpectrum(row);
    powerToNormalizedMagnitude(row, gain, n);
    return { gain, f0 };
  }

  /** Fills diff[tau] = d(tau) and cmnd[tau] = d'(tau) for tau in [0, maxLag]. */
  private normalisedDifference(frame: ArrayLike<number>): void {
    const { window: w, maxLag, head, whole, corr, diff, cmnd } = this;
    const n = this.options.frameLength;
    // head[j] for j >= W stays 0 from the constructor. Energy of x[0, W) on the way.
    let headEnergy = 0;
    for (let j = 0; j < w; j++) {
      const v = frame[j];
      whole[j] = v;
      head[j] = v;
      headEnergy += v * v;
    }
    for (let j = w; j < n; j++) whole[j] = frame[j];
    this.crossCorrelate();
    // Energy of the sliding window x[tau, tau + W).
    let slideEnergy = headEnergy;
    let running = 0;
    diff[0] = 0;
    cmnd[0] = 1;
    for (let tau = 1; tau <= maxLag; tau++) {
      slideEnergy += whole[tau + w - 1] * whole[tau + w - 1] - whole[tau - 1] * whole[tau - 1];
      const d = Math.max(0, headEnergy + slideEnergy - 2 * corr[tau]);
      diff[tau] = d;
      running += d;
      cmnd[tau] = running > 0 ? (d * tau) / running : 1;
    }
  }

  /** corr[tau] = sum_{j<W} x[j] * x[j + tau], by FFT: the inverse real FFT of conj(A) B. */
  private crossCorrelate(): void {
    const { fft, head, whole, headSpec, wholeSpec, productRe, productIm, corr, size } = this;
    fft.realTransform(headSpec, head);
    fft.realTransform(wholeSpec, whole);
    for (let k = 0; k <= size / 2; k++) {
      const ar = headSpec[2 * k];
      const ai = headSpec[2 * k + 1];
      const br = wholeSpec[2 * k];
      const bi = wholeSpec[2 * k + 1];
      // conj(A) * B
      productRe[k] = ar * br + ai * bi;
      productIm[k] = ar * bi - ai * br;
    }
    this.irfft.inverse(productRe, productIm, corr);
  }

  /** First dip below threshold followed to its minimum; else the global minimum of d'. */
  private pickLag(): number {
    const { cmnd, minLag, maxLag } = this;
    const { threshold } = this.options;
    for (let tau = minLag; tau <= maxLag; tau++) {
      if (cmnd[tau] < threshold) {
        while (tau + 1 <= maxLag && cmnd[tau + 1] < cmnd[tau]) tau++;
        return tau;
      }
    }
    let best = minLag;
    for (let tau = minLag + 1; tau <= maxLag; tau++) if (cmnd[tau] < cmnd[best]) best = tau;
    return best;
  }

  /**
   * Half or a third of `lag` (within a sample either side), where d' has a local minimum below
   * `subharmonicThreshold` and the mismatch there is impulsive: samples whose squared difference
   * exceeds 4 times the mean carry over IMPULSIVE_SHARE of d. That is a naive oscillator's jumps
   * falling between samples (a saw at 8 kHz: 94-99 % of d); a voice whose true period is `lag`
   * differs from itself half a period later all over the window (0-48 % on the voice bench's
   * tuning set, where a test on d' alone moved more frames to a wrong octave than to the right one).
   */
  private subMultiple(lag: number): number {
    const { cmnd, minLag } = this;
    for (let k = Math.min(3, Math.floor(lag / minLag)); k >= 2; k--) {
      const centre = lag / k;
      let best = -1;
      for (let tau = Math.max(minLag, Math.floor(centre) - 1); tau <= Math.ceil(centre) + 1; tau++) if (best < 0 || cmnd[tau] < cmnd[best]) best = tau;
      const isDip = cmnd[best] <= cmnd[best - 1] && cmnd[best] <= cmnd[best + 1];
      if (cmnd[best] < this.options.subharmonicThreshold && isDip && this.impulsiveShare(best) > IMPULSIVE_SHARE) return best;
    }
    return lag;
  }

  /** Share of d(tau) carried by the samples whose squared difference exceeds 4 times its mean. */
  private impulsiveShare(tau: number): number {
    const { whole, window: w } = this;
    const total = this.diff[tau];
    if (total <= 0) return 0;
    const big = (4 * total) / w;
    let share = 0;
    for (let j = 0; j < w; j++) {
      const e = (whole[j] - whole[j + tau]) ** 2;
      if (e > big) share += e;
    }
    return share / total;
  }

  /**
   * Parabolic interpolation around `lag` (kept within one sample of it), on the raw d as in
   * the paper: d' is skewed by its tau / running-mean factor, which biases high f0 upward.
   */
  private refineLag(lag: number): number {
    if (lag <= 1 || lag >= this.maxLag) return lag;
    const a = this.diff[lag - 1];
    const b = this.diff[lag];
    const c = this.diff[lag + 1];
    const denom = a - 2 * b + c;
    if (denom <= 0) return lag;
    const shift = (0.5 * (a - c)) / denom;
    return lag + Math.max(-1, Math.min(1, shift));
  }
}
