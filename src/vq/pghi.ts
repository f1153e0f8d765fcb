import { checkInt, MbError } from '../core/errors';
import { RealInverseFft } from '../dsp/irfft';
import { hannWindow } from '../dsp/stft';

/** Hann window of length L as a Gaussian exp(-pi t^2 / lambda): lambda = HANN_GAMMA L^2 (Průša et al.). */
const HANN_GAMMA = 0.25645;
/** Steps per turn of the sine table used for e^{i phase}. */
const SINE_STEPS = 4096;
/** sin(2 pi j / SINE_STEPS) for j in [0, 1.25 SINE_STEPS + 1]: cos(x) reads a quarter turn on. */
const SINE_TABLE = Float64Array.from({ length: SINE_STEPS + SINE_STEPS / 4 + 2 }, (_, j) => Math.sin((2 * Math.PI * j) / SINE_STEPS));
/** Resolution of the phase-integration queue: 0.087 dB. */
const BUCKETS_PER_NEPER = 100;

/**
 * Streaming phase reconstruction from STFT magnitudes by phase-gradient heap integration,
 * in its causal real-time form (RTPGHI: Průša and Holighaus, "Phase vocoder done right",
 * 2017; Průša, Balazs and Søndergaard, "A noniterative method for reconstruction of phase
 * from STFT magnitude", 2017).
 *
 * For a Gaussian window exp(-pi t^2 / lambda) the phase phi of the STFT (origin at the
 * window's centre) and its log-magnitude s satisfy
 *   dphi/dt = 2 pi f + (1 / lambda) ds/df      (instantaneous frequency, rad per sample)
 *   dphi/df = -lambda ds/dt                   (local group delay)
 * with t in samples and f in cycles per sample. A Hann window of length L is close to a
 * Gaussian with lambda = 0.25645 L^2. Each new frame takes its phase from the previous
 * frame (integrating dphi/dt over one hop) and along frequency (integrating dphi/df),
 * always spreading from the loudest bin whose phase is already known (a max-heap over the
 * previous frame's and the current frame's bins), so the phase of every partial is set by
 * its peak. The time derivative of s is a backward difference, so no look-ahead is needed.
 * Bins more than `tolerance` below the frame's peak get a seeded random phase.
 *
 * `next(magnitudes, frame)` turns one frame's magnitudes (bins = frameLength / 2 + 1, as
 * |rfft(hann x frame)|) into a time frame already multiplied by the synthesis window (the
 * Hann window over the sum of its squares at `hop`), ready to overlap-add at `hop`.
 * All buffers are allocated in the constructor (real-time safe).
 *
 * @example
 * const pr = new PhaseReconstructor(1024, 256);
 * pr.next(magnitudes, frame); // frame: 1024 samples to overlap-add
 */
export class PhaseReconstructor {
  readonly bins: number;
  private readonly irfft: RealInverseFft;
  private readonly re: Float64Array;
  private readonly im: Float64Array;
  private readonly time: Float64Array;
  private readonly synthesisWindow: Float32Array;
  private readonly lambda: number;
  private readonly logTolerance: number;
  // Per-bin state of the current and the previous frame.
  private logMag: Float64Array;
  private prevLogMag: Float64Array;
  private phase: Float64Array;
  private prevPhase: Float64Array;
  private dPhiDt: Float64Array;
  private prevDPhiDt: Float64Array;
  private prevSignificant: Uint8Array;
  private readonly dPhiDf: Float64Array;
  private readonly done: Uint8Array;
  // Priority queue of entries by log-magnitude: bin (current frame), bin + bins (previous
  // frame) or bin + 2 bins (a seed of the current frame); keys[entry] is its log-magnitude.
  // A bucket queue (BUCKETS_PER_NEPER buckets per neper from the tolerance floor to the
  // peak) instead of a binary heap: O(1) per entry, the order within a bucket (under 0.1 dB)
  // is last in, first out.
  private readonly keys: Float64Array;
  private readonly buckets: Int32Array;
  private readonly bucketNext: Int32Array;
  private bucketFloor = 0;
  private bucketScale = 1;
  private topBucket = 0;
  private heapSize = 0;
  private seed = 0x9e3779b9;
  private started = false;

  constructor(
    readonly frameLength: number,
    readonly hop: number,
    readonly tolerance = 1e-5,
  ) {
    checkInt('frameLength', frameLength, 16, 1 << 16);
    if ((frameLength & (frameLength - 1)) !== 0) throw new MbError('MB_ERR_BAD_ARGS', `frameLength must be a power of two, got ${frameLength}`);
    checkInt('hop', hop, 1, frameLength);
    if (!(tolerance > 0 && tolerance < 1)) throw new MbError('MB_ERR_BAD_ARGS', `tolerance must be in (0, 1), got ${tolerance}`);
    const bins = frameLength / 2 + 1;
    this.bins = bins;
    this.irfft = new RealInverseFft(frameLength);
    this.re = new Float64Array(bins);
    this.im = new Float64Array(bins);
    this.time = new Float64Array(frameLength);
    const w = hannWindow(frameLength);
    const norm = new Float64Array(hop);
    for (let i = 0; i < frameLength; i++) norm[i % hop] += w[i] * w[i];
    this.synthesisWindow = w.map((v, i) => v / norm[i % hop]);
    this.lambda = HANN_GAMMA * frameLength * frameLength;
    this.logTolerance = Math.log(tolerance);
    this.logMag = new Float64Array(bins);
    this.prevLogMag = new Float64Array(bins);
    this.phase = new Float64Array(bins);
    this.prevPhase = new Float64Array(bins);
    this.dPhiDt = new Float64Array(bins);
    this.prevDPhiDt = new Float64Array(bins);
    this.prevSignificant = new Uint8Array(bins);
    this.dPhiDf = new Float64Array(bins);
    this.done = new Uint8Array(bins);
    this.keys = new Float64Array(3 * bins);
    this.bucketNext = new Int32Array(3 * bins);
    this.buckets = new Int32Array(Math.ceil(-this.logTolerance * BUCKETS_PER_NEPER) + 2);
  }

  /** Forgets the previous frame: the next frame starts a new phase history. */
  reset(): void {
    this.started = false;
    this.seed = 0x9e3779b9;
  }

  /**
   * One frame: `magnitudes` (bins values from `offset`, times `gain`) -> `frame`
   * (frameLength samples, synthesis window applied).
   */
  next(magnitudes: ArrayLike<number>, frame: Float32Array, offset = 0, gain = 1): void {
    const { bins, frameLength: n, hop, lambda } = this;
    if (magnitudes.length - offset < bins) {
      throw new MbError('MB_ERR_BAD_ARGS', `magnitudes have ${magnitudes.length - offset} values, expected ${bins}`);
    }
    const logMag = this.logMag;
    let peak = -Infinity;
    for (let k = 0; k < bins; k++) {
      const m = magnitudes[offset + k] * gain;
      const s = Math.log(m > 1e-10 ? m : 1e-10);
      logMag[k] = s;
      if (s > peak) peak = s;
    }
    if (!this.started) this.prevLogMag.set(logMag);
    // dphi/dt = 2 pi k / n + (n / lambda) ds/dk ; dphi/dk = -(lambda / n) ds/dt.
    const dt = this.dPhiDt;
    const df = this.dPhiDf;
    const prevLog = this.prevLogMag;
    for (let k = 0; k < bins; k++) {
      const dsdk = k > 0 && k < bins - 1 ? 0.5 * (logMag[k + 1] - logMag[k - 1]) : 0;
      dt[k] = (2 * Math.PI * k) / n + (n / lambda) * dsdk;
      df[k] = (-(lambda / n) * (logMag[k] - prevLog[k])) / hop;
    }
    this.integrate(peak + this.logTolerance);
    this.synthesize(gain, magnitudes, offset, frame);
    // The current frame becomes the previous one (swap buffers, no allocation).
    const log = this.logMag;
    this.logMag = this.prevLogMag;
    this.prevLogMag = log;
    const ph = this.phase;
    this.phase = this.prevPhase;
    this.prevPhase = ph;
    const d = this.dPhiDt;
    this.dPhiDt = this.prevDPhiDt;
    this.prevDPhiDt = d;
    const sig = this.prevSignificant;
    const threshold = peak + this.logTolerance;
    for (let k = 0; k < bins; k++) sig[k] = this.prevLogMag[k] > threshold ? 1 : 0;
    this.started = true;
  }

  private integrate(threshold: number): void {
    const { bins, hop, logMag, phase, done, dPhiDt: dt, dPhiDf: df } = this;
    let remaining = 0;
    for (let k = 0; k < bins; k++) {
      if (logMag[k] > threshold) {
        done[k] = 0;
        remaining++;
      } else {
        done[k] = 1;
        phase[k] = this.randomPhase();
      }
    }
    const keys = this.keys;
    keys.set(logMag, 0);
    keys.set(this.prevLogMag, bins);
    keys.set(logMag, 2 * bins);
    this.heapSize = 0;
    this.buckets.fill(-1);
    this.topBucket = 0;
    this.bucketFloor = threshold;
    this.bucketScale = BUCKETS_PER_NEPER;
    if (this.started) {
      const sig = this.prevSignificant;
      for (let k = 0; k < bins; k++) if (sig[k]) this.heapPush(k + bins);
    }
    const prevPhase = this.prevPhase;
    const prevDt = this.prevDPhiDt;
    const seed = 2 * bins;
    while (remaining > 0) {
      if (this.heapSize === 0) {
        // Islands with no known neighbour: every bin left goes in as a seed; the loudest of
        // each island pops first, starts at phase 0 and spreads over its island.
        for (let k = 0; k < bins; k++) if (!done[k]) this.heapPush(k + seed);
      }
      const e = this.heapPop();
      if (e >= seed) {
        const k = e - seed;
        if (!done[k]) {
          phase[k] = 0;
          done[k] = 1;
          remaining--;
          this.heapPush(k);
        }
      } else if (e >= bins) {
        const k = e - bins;
        if (!done[k]) {
          phase[k] = prevPhase[k] + 0.5 * hop * (prevDt[k] + dt[k]);
          done[k] = 1;
          remaining--;
          this.heapPush(k);
        }
      } else {
        if (e > 0 && !done[e - 1]) {
          phase[e - 1] = phase[e] - 0.5 * (df[e] + df[e - 1]);
          done[e - 1] = 1;
          remaining--;
          this.heapPush(e - 1);
        }
        if (e < bins - 1 && !done[e + 1]) {
          phase[e + 1] = phase[e] + 0.5 * (df[e] + df[e + 1]);
          done[e + 1] = 1;
          remaining--;
          this.heapPush(e + 1);
        }
      }
    }
    // Keep phases small so they do not lose precision over a long stream.
    const twoPi = 2 * Math.PI;
    for (let k = 0; k < bins; k++) phase[k] -= twoPi * Math.floor(phase[k] / twoPi);
  }

  /** Magnitude x e^{i phase}, moved from the window's centre to its start, inverse real FFT, synthesis window. */
  private synthesize(gain: number, magnitudes: ArrayLike<number>, offset: number, frame: Float32Array): void {
    const { bins, frameLength: n, phase, synthesisWindow, re, im, time } = this;
    const table = SINE_TABLE;
    const scale = SINE_STEPS / (2 * Math.PI);
    const quarter = SINE_STEPS / 4;
    for (let k = 0; k < bins; k++) {
      // Origin at the frame start: a shift by n / 2 multiplies bin k by (-1)^k.
      const m = magnitudes[offset + k] * gain * (k & 1 ? -1 : 1);
      // Phases are in [0, 2 pi) here (integrate wraps them): sine and cosine from one table
      // (linear interpolation, error under 3e-7).
      const pos = phase[k] * scale;
      const i = pos | 0;
      const frac = pos - i;
      const s0 = table[i];
      const c0 = table[i + quarter];
      re[k] = m * (c0 + frac * (table[i + quarter + 1] - c0));
      im[k] = m * (s0 + frac * (table[i + 1] - s0));
    }
    this.irfft.inverse(re, im, time);
    for (let i = 0; i < n; i++) frame[i] = time[i] * synthesisWindow[i];
  }

  private randomPhase(): number {
    // xorshift32: deterministic, allocation-free.
    let x = this.seed;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.seed = x >>> 0;
    return (this.seed / 4294967296) * 2 * Math.PI;
  }

  /** Queues `e` in the bucket of its log-magnitude (LIFO within a bucket). */
  private heapPush(e: number): void {
    const { keys, buckets, bucketNext } = this;
    let b = Math.floor((keys[e] - this.bucketFloor) * this.bucketScale);
    b = b < 0 ? 0 : b >= buckets.length ? buckets.length - 1 : b;
    bucketNext[e] = buckets[b];
    buckets[b] = e;
    if (b > this.topBucket) this.topBucket = b;
    this.heapSize++;
  }

  /** Takes an entry from the loudest non-empty bucket (callers check heapSize > 0). */
  private heapPop(): number {
    const { buckets, bucketNext } = this;
    let b = this.topBucket;
    while (buckets[b] < 0) b--;
    this.topBucket = b;
    const e = buckets[b];
    buckets[b] = bucketNext[e];
    this.heapSize--;
    return e;
  }
}
