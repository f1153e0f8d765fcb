import { checkInt, MbError } from '../../core/errors';
import { RealInverseFft } from '../../dsp/irfft';
import { hannWindow } from '../../dsp/stft';
import { getNative, type NativePhaseReconstructor } from '../../native';
import { BucketQueue } from './bucket-queue';

/** Hann window of length L as a Gaussian exp(-pi t^2 / lambda): lambda = HANN_GAMMA L^2 (Průša et al.). */
const HANN_GAMMA = 0.25645;
/** Steps per turn of the sine table used for e^{i phase}. */
const SINE_STEPS = 4096;
/** sin(2 pi j / SINE_STEPS) for j in [0, 1.25 SINE_STEPS + 1]: cos(x) reads a quarter turn on. */
const SINE_TABLE = Float64Array.from({ length: SINE_STEPS + SINE_STEPS / 4 + 2 }, (_, j) => Math.sin((2 * Math.PI * j) / SINE_STEPS));
/** Resolution of the phase-integration queue: 0.087 dB. */
const BUCKETS_PER_NEPER = 100;

/** Frames of look-ahead of the phase reconstruction: 0 (causal, streams) or 1 (offline). */
export type PhaseLookahead = 0 | 1;

/** Checks a look-ahead where it enters (MB_ERR_BAD_ARGS unless 0 or 1). */
export function checkLookahead(lookahead: unknown): PhaseLookahead {
  if (lookahead !== 0 && lookahead !== 1) throw new MbError('MB_ERR_BAD_ARGS', `lookahead must be 0 or 1 frames, got ${String(lookahead)}`);
  return lookahead;
}

/** Options of PhaseReconstructor. */
export interface PhaseReconstructorOptions {
  /** Bins more than this ratio below the frame's peak get a random phase; default 1e-5. */
  tolerance?: number;
  /** Frames of look-ahead (0, default: causal). */
  lookahead?: PhaseLookahead;
  /**
   * Run on the native addon when it is built (default true; src/native, MB_NATIVE=0 turns it
   * off). Both paths take the same steps; false forces the TypeScript one (parity tests).
   */
  native?: boolean;
}

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
 * its peak. Bins more than `tolerance` below the frame's peak get a seeded random phase.
 *
 * `lookahead` sets how ds/dt is estimated. 0 (causal, for streams): a backward difference
 * over frames n-1 and n, so frame n comes out as soon as its magnitudes arrive. 1 (offline):
 * the centred difference over frames n-1 and n+1, as in RTPGHI with one frame of look-ahead;
 * frame n then comes out when frame n+1 arrives (one hop later) and `flush` gives the last
 * one. Centred differences are second-order accurate and lowered the held-out spectral
 * convergence of the shipped codec (see docs/vqvae.md).
 *
 * Why past 300 lines: one algorithm, the per-frame phase integration and its TypeScript
 * fallback of the native kernel; its queue is already out (bucket-queue.ts).
 *
 * `next(magnitudes, frame)` takes one frame's magnitudes (bins = frameLength / 2 + 1, as
 * |rfft(hann x frame)|) and writes a time frame already multiplied by the synthesis window
 * (the Hann window over the sum of its squares at `hop`), ready to overlap-add at `hop`; it
 * returns whether it wrote one (always with look-ahead 0; from the second frame on with 1).
 * All buffers are allocated in the constructor (real-time safe). Where the native addon is
 * built (src/native/addon/pghi.cc) each frame runs there, taking the same steps.
 *
 * @example
 * const pr = new PhaseReconstructor(1024, 256);
 * pr.next(magnitudes, frame); // frame: 1024 samples to overlap-add
 * const offline = new PhaseReconstructor(1024, 256, { lookahead: 1 });
 * if (offline.next(magnitudes, frame)) addAt(frame, (t - 1) * 256); // frame t - 1
 * if (offline.flush(frame)) addAt(frame, (frames - 1) * 256);        // the last frame
 */
export class PhaseReconstructor {
  readonly bins: number;
  readonly tolerance: number;
  readonly lookahead: PhaseLookahead;
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
  // Look-ahead only: the held frame's magnitudes (times gain) and peak, and the incoming
  // frame's magnitudes and log-magnitudes.
  private held = false;
  private heldPeak = 0;
  private magnitudes: Float64Array;
  private nextMagnitudes: Float64Array;
  private nextLogMag: Float64Array;
  private readonly dPhiDf: Float64Array;
  private readonly done: Uint8Array;
  // Queue entries: bin (current frame), bin + bins (previous frame) or bin + 2 bins (a seed of
  // the current frame); keys[entry] is its log-magnitude.
  private readonly keys: Float64Array;
  private readonly queue: BucketQueue;
  private seed = 0x9e3779b9;
  private started = false;
  private readonly native: NativePhaseReconstructor | null;
  private readonly scratch: Float64Array;

  constructor(
    readonly frameLength: number,
    readonly hop: number,
    options: PhaseReconstructorOptions = {},
  ) {
    checkInt('frameLength', frameLength, 16, 1 << 16);
    if ((frameLength & (frameLength - 1)) !== 0) throw new MbError('MB_ERR_BAD_ARGS', `frameLength must be a power of two, got ${frameLength}`);
    checkInt('hop', hop, 1, frameLength);
    const tolerance = options.tolerance ?? 1e-5;
    if (!(tolerance > 0 && tolerance < 1)) throw new MbError('MB_ERR_BAD_ARGS', `tolerance must be in (0, 1), got ${tolerance}`);
    this.tolerance = tolerance;
    this.lookahead = checkLookahead(options.lookahead ?? 0);
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
    const held = this.lookahead === 1 ? bins : 0;
    this.magnitudes = new Float64Array(held);
    this.nextMagnitudes = new Float64Array(held);
    this.nextLogMag = new Float64Array(held);
    this.dPhiDf = new Float64Array(bins);
    this.done = new Uint8Array(bins);
    this.keys = new Float64Array(3 * bins);
    this.queue = new BucketQueue(3 * bins, Math.ceil(-this.logTolerance * BUCKETS_PER_NEPER) + 2);
    const addon = options.native === false ? null : getNative();
    this.native = addon?.PhaseReconstructor
      ? new addon.PhaseReconstructor(frameLength, hop, tolerance, this.lookahead, this.synthesisWindow, SINE_TABLE, SINE_STEPS, BUCKETS_PER_NEPER)
      : null;
    this.scratch = new Float64Array(this.native ? bins : 0);
  }

  /** Whether this instance runs on the native addon. */
  get isNative(): boolean {
    return this.native !== null;
  }

  /** Forgets the previous frame: the next frame starts a new phase history. */
  reset(): void {
    this.native?.reset();
    this.started = false;
    this.held = false;
    this.seed = 0x9e3779b9;
  }

  /**
   * One frame: `magnitudes` (bins values from `offset`, times `gain`) in; a frame
   * (frameLength samples, synthesis window applied) out to `frame`: this frame's with
   * look-ahead 0, the previous frame's with look-ahead 1. Returns whether `frame` was written.
   */
  next(magnitudes: ArrayLike<number>, frame: Float32Array, offset = 0, gain = 1): boolean {
    if (magnitudes.length - offset < this.bins) {
      throw new MbError('MB_ERR_BAD_ARGS', `magnitudes have ${magnitudes.length - offset} values, expected ${this.bins}`);
    }
    if (this.native) {
      if (magnitudes instanceof Float32Array || magnitudes instanceof Float64Array) return this.native.next(magnitudes, offset, gain, frame);
      for (let k = 0; k < this.bins; k++) this.scratch[k] = magnitudes[offset + k];
      return this.native.next(this.scratch, 0, gain, frame);
    }
    if (this.lookahead === 0) {
      const peak = this.readLogMagnitudes(magnitudes, offset, gain, this.logMag, undefined);
      this.reconstruct(peak, undefined);
      this.synthesize(gain, magnitudes, offset, frame);
      this.advance(peak);
      return true;
    }
    const peak = this.readLogMagnitudes(magnitudes, offset, gain, this.nextLogMag, this.nextMagnitudes);
    const ready = this.held;
    if (ready) this.emitHeld(frame, this.nextLogMag);
    // The incoming frame is held until its successor arrives (swap buffers, no allocation).
    const log = this.logMag;
    this.logMag = this.nextLogMag;
    this.nextLogMag = log;
    const mag = this.magnitudes;
    this.magnitudes = this.nextMagnitudes;
    this.nextMagnitudes = mag;
    this.heldPeak = peak;
    this.held = true;
    return ready;
  }

  /**
   * End of the frames: with look-ahead 1, writes the held last frame to `frame` (ds/dt from a
   * backward difference, as the causal form) and returns true; otherwise returns false. Then
   * resets, as `reset`.
   */
  flush(frame: Float32Array): boolean {
    if (this.native) return this.native.flush(frame);
    const ready = this.held;
    if (ready) this.emitHeld(frame, undefined);
    this.reset();
    return ready;
  }

  /** Log-magnitudes (and, when `linear` is given, magnitudes) of one frame times `gain`; returns the peak. */
  private readLogMagnitudes(magnitudes: ArrayLike<number>, offset: number, gain: number, logMag: Float64Array, linear: Float64Array | undefined): number {
    let peak = -Infinity;
    for (let k = 0; k < this.bins; k++) {
      const m = magnitudes[offset + k] * gain;
      if (linear) linear[k] = m;
      const s = Math.log(m > 1e-10 ? m : 1e-10);
      logMag[k] = s;
      if (s > peak) peak = s;
    }
    return peak;
  }

  /** The held frame, its ds/dt from the frame after it (`nextLogMag`) when there is one. */
  private emitHeld(frame: Float32Array, nextLogMag: Float64Array | undefined): void {
    this.reconstruct(this.heldPeak, nextLogMag);
    this.synthesize(1, this.magnitudes, 0, frame);
    this.advance(this.heldPeak);
  }

  /**
   * Phase of the current frame (logMag, peak `peak`): phase derivatives, then heap integration.
   * dphi/dt = 2 pi k / n + (n / lambda) ds/dk ; dphi/dk = -(lambda / n) ds/dt, with ds/dt a
   * centred difference when the next frame is known (forward on the first frame), else a
   * backward one (zero on the first frame).
   */
  private reconstruct(peak: number, nextLogMag: Float64Array | undefined): void {
    const { bins, frameLength: n, hop, lambda, logMag } = this;
    if (!this.started) this.prevLogMag.set(logMag);
    const dt = this.dPhiDt;
    const df = this.dPhiDf;
    const prevLog = this.prevLogMag;
    // Centred over two hops, or forward over one where there is no previous frame.
    const before = nextLogMag && this.started ? prevLog : logMag;
    const span = nextLogMag && this.started ? 0.5 : 1;
    for (let k = 0; k < bins; k++) {
      const dsdk = k > 0 && k < bins - 1 ? 0.5 * (logMag[k + 1] - logMag[k - 1]) : 0;
      dt[k] = (2 * Math.PI * k) / n + (n / lambda) * dsdk;
      const dsdt = nextLogMag ? span * (nextLogMag[k] - before[k]) : logMag[k] - prevLog[k];
      df[k] = (-(lambda / n) * dsdt) / hop;
    }
    this.integrate(peak + this.logTolerance);
  }

  /** The current frame becomes the previous one (swap buffers, no allocation). */
  private advance(peak: number): void {
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
    for (let k = 0; k < this.bins; k++) sig[k] = this.prevLogMag[k] > threshold ? 1 : 0;
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
    const queue = this.queue;
    queue.start(keys, threshold, BUCKETS_PER_NEPER);
    if (this.started) {
      const sig = this.prevSignificant;
      for (let k = 0; k < bins; k++) if (sig[k]) queue.push(k + bins);
    }
    const prevPhase = this.prevPhase;
    const prevDt = this.prevDPhiDt;
    const seed = 2 * bins;
    while (remaining > 0) {
      if (queue.size === 0) {
        // Islands with no known neighbour: every bin left goes in as a seed; the loudest of
        // each island pops first, starts at phase 0 and spreads over its island.
        for (let k = 0; k < bins; k++) if (!done[k]) queue.push(k + seed);
      }
      const e = queue.pop();
      if (e >= seed) {
        const k = e - seed;
        if (!done[k]) {
          phase[k] = 0;
          done[k] = 1;
          remaining--;
          queue.push(k);
        }
      } else if (e >= bins) {
        const k = e - bins;
        if (!done[k]) {
          phase[k] = prevPhase[k] + 0.5 * hop * (prevDt[k] + dt[k]);
          done[k] = 1;
          remaining--;
          queue.push(k);
        }
      } else {
        if (e > 0 && !done[e - 1]) {
          phase[e - 1] = phase[e] - 0.5 * (df[e] + df[e - 1]);
          done[e - 1] = 1;
          remaining--;
          queue.push(e - 1);
        }
        if (e < bins - 1 && !done[e + 1]) {
          phase[e + 1] = phase[e] + 0.5 * (df[e] + df[e + 1]);
          done[e + 1] = 1;
          remaining--;
          queue.push(e + 1);
        }
      }
    }
    // The DC and Nyquist bins of a real frame are real: their phase is 0 or pi. The inverse
    // transform keeps only their real part, so an integrated phase in between would scale
    // them by its cosine (a DC offset or a sub-bass component came out at a fraction of its
    // level, by how much depending on the phase history). Snap to the nearer of the two.
    phase[0] = Math.PI * Math.round(phase[0] / Math.PI);
    phase[bins - 1] = Math.PI * Math.round(phase[bins - 1] / Math.PI);
    // Keep phases small so they do not lose precision over a long stream; a phase made
    // non-finite by an infinite magnitude restarts at 0, so the stream recovers.
    const twoPi = 2 * Math.PI;
    for (let k = 0; k < bins; k++) {
      const p = phase[k] - twoPi * Math.floor(phase[k] / twoPi);
      phase[k] = p >= 0 && p <= twoPi ? p : 0;
    }
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
}
