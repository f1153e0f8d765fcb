/*
 * Short-time Fourier analysis shared by the mel spectrogram and the frame descriptors.
 *
 * Framing convention (batch and streaming alike): frame t covers samples
 * [t*hop, t*hop + frameLength), no centering, no padding; a signal of N samples gives
 * floor((N - frameLength) / hop) + 1 frames when N >= frameLength, else 0.
 *
 * @example
 * const spec = powerSpectrogram(x, { nFft: 1024, hop: 256 });
 * spec.frames; // number of frames, spec.bins = nFft/2 + 1
 */
import FFT from 'fft.js';
import { MbError } from '../core/errors';

/** STFT framing: FFT size, hop and window length. */
export interface StftOptions {
  nFft: number;
  hop: number;
  /** Window length; defaults to nFft. The window is zero-padded to nFft when shorter. */
  winLength?: number;
}

export interface PowerSpectrogram {
  /** Row-major [frames][bins] power |X|^2. */
  data: Float32Array;
  frames: number;
  bins: number;
}

export function frameCount(n: number, frameLength: number, hop: number): number {
  return n >= frameLength ? Math.floor((n - frameLength) / hop) + 1 : 0;
}

/** Periodic Hann window, the usual choice for STFT analysis. */
export function hannWindow(length: number): Float32Array {
  const w = new Float32Array(length);
  for (let i = 0; i < length; i++) w[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / length);
  return w;
}

export function checkStftOptions(o: StftOptions): Required<StftOptions> {
  const { nFft, hop } = o;
  if (!Number.isInteger(nFft) || nFft < 16 || (nFft & (nFft - 1)) !== 0) {
    throw new MbError('MB_ERR_BAD_ARGS', `nFft must be a power of two >= 16, got ${nFft}`);
  }
  const winLength = o.winLength ?? nFft;
  if (!Number.isInteger(winLength) || winLength < 2 || winLength > nFft) {
    throw new MbError('MB_ERR_BAD_ARGS', `winLength must be an integer in [2, ${nFft}], got ${winLength}`);
  }
  if (!Number.isInteger(hop) || hop < 1) throw new MbError('MB_ERR_BAD_ARGS', `hop must be a positive integer, got ${hop}`);
  return { nFft, hop, winLength };
}

/**
 * Computes the power spectrum of single frames. Holds its FFT plan and scratch buffers, so
 * it allocates nothing per frame (prepare, then process).
 */
export class FramePowerSpectrum {
  readonly nFft: number;
  readonly bins: number;
  private readonly fft: FFT;
  private readonly window: Float32Array;
  private readonly input: number[];
  private readonly output: number[];

  constructor(nFft: number, winLength: number = nFft) {
    checkStftOptions({ nFft, hop: 1, winLength });
    this.nFft = nFft;
    this.bins = nFft / 2 + 1;
    this.fft = new FFT(nFft);
    const w = hannWindow(winLength);
    this.window = new Float32Array(nFft);
    this.window.set(w, Math.floor((nFft - winLength) / 2));
    this.input = new Array<number>(nFft).fill(0);
    this.output = this.fft.createComplexArray() as number[];
  }

  /** Windows `frame` (length nFft, read from `offset`) and writes |X|^2 into `out` (length bins). */
  compute(frame: ArrayLike<number>, offset: number, out: Float32Array): void {
    const { nFft, window, input, output } = this;
    for (let i = 0; i < nFft; i++) input[i] = frame[offset + i] * window[i];
    this.fft.realTransform(output, input);
    for (let k = 0; k < this.bins; k++) {
      const re = output[2 * k];
      const im = output[2 * k + 1];
      out[k] = re * re + im * im;
    }
  }
}

/** Batch power spectrogram with the framing convention above. */
export function powerSpectrogram(x: Float32Array, options: StftOptions): PowerSpectrogram {
  const o = checkStftOptions(options);
  const fps = new FramePowerSpectrum(o.nFft, o.winLength);
  const frames = frameCount(x.length, o.nFft, o.hop);
  const data = new Float32Array(frames * fps.bins);
  for (let t = 0; t < frames; t++) fps.compute(x, t * o.hop, data.subarray(t * fps.bins, (t + 1) * fps.bins));
  return { data, frames, bins: fps.bins };
}

/**
 * Streaming framer: accepts blocks of any size and calls `onFrame` for each complete frame,
 * exactly the frames the batch convention gives for the concatenated input.
 */
export class StreamFramer {
  private readonly buf: Float32Array;
  private filled = 0;

  constructor(readonly frameLength: number, readonly hop: number) {
    if (hop > frameLength) throw new MbError('MB_ERR_BAD_ARGS', `hop (${hop}) must not exceed frameLength (${frameLength})`);
    this.buf = new Float32Array(frameLength);
  }

  push(block: ArrayLike<number>, onFrame: (frame: Float32Array) => void): void {
    let i = 0;
    while (i < block.length) {
      const take = Math.min(this.frameLength - this.filled, block.length - i);
      for (let k = 0; k < take; k++) this.buf[this.filled + k] = block[i + k];
      this.filled += take;
      i += take;
      if (this.filled === this.frameLength) {
        onFrame(this.buf);
        this.buf.copyWithin(0, this.hop);
        this.filled = this.frameLength - this.hop;
      }
    }
  }

  reset(): void {
    this.filled = 0;
  }
}

/**
 * RMS of frames[offset, offset + n), floored at `floor`, as float32 (the gain the VQ encoder
 * carries beside each frame's code).
 */
export function frameGain(frames: ArrayLike<number>, offset: number, n: number, floor: number): number {
  let e = 0;
  for (let i = 0; i < n; i++) e += frames[offset + i] * frames[offset + i];
  return Math.fround(Math.max(Math.sqrt(e / n), floor));
}

/** A frame's power spectrum (in place) to |X| / (gain sqrt(n)): the DFT is linear, so this is the spectrum of the normalized frame. */
export function powerToNormalizedMagnitude(row: Float32Array, gain: number, n: number): void {
  const k = 1 / (gain * Math.sqrt(n));
  for (let b = 0; b < row.length; b++) row[b] = Math.sqrt(row[b]) * k;
}
