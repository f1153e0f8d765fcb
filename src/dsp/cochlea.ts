import type { NativeAddon } from '../native';
import { filterCenter, type AuditorySettings } from './auditory-settings';

/** Filters in the bank: one more than output channels, for the lowest channel's inhibition. */
const FILTERS = 129;
/**
 * Highest filter centre as a fraction of fs. NSL's bank tops out at 0.466 fs, so this cap only
 * guards odd rates; a lower cap would make the top filters identical and the top channel dead.
 */
const MAX_CENTER = 0.49;
/** Quality factor of each of the two cascaded band-pass sections. */
export const SECTION_Q = 4;
/** Hair-cell compression scale (NSL's critical level ratio for a unit input). */
export const HAIR_CELL_FAC = 0.1;
/** Hair-cell membrane time constant at 16 kHz (NSL: 0.5 ms), scaled with the sample rate like the bank. */
const HAIR_CELL_TC_MS = 0.5;
/**
 * Membrane low-pass coefficient: a time constant of 8 samples at every rate (NSL's 0.5 ms at
 * 16 kHz; 1 ms at 8 kHz, where NSL would keep 0.5 ms). The shipped models are trained with it.
 */
function membraneCoefficient(): number {
  return Math.exp(-1 / ((HAIR_CELL_TC_MS / 1000) * 16000));
}

/** Samples processed per inner pass; bounds scratch memory, does not change results. */
const CHUNK = 256;

/** The per-sample processing core of the auditory model, with its state. */
export interface Cochlea {
  /** Runs the four stages over `block`, writing each finished frame into `frame` and calling `onFrame`. */
  process(block: ArrayLike<number>, frame: Float32Array, onFrame: () => void): void;
  reset(): void;
}

/**
 * Biquad coefficients [b0, b2, a1, a2] of a constant-peak-gain band-pass (b1 = 0, a0 = 1),
 * the bilinear-transform design of the RBJ audio EQ cookbook.
 */
export function bandPassCoefficients(fc: number, q: number, fs: number): [number, number, number, number] {
  const w0 = (2 * Math.PI * fc) / fs;
  const alpha = Math.sin(w0) / (2 * q);
  const a0 = 1 + alpha;
  return [alpha / a0, -alpha / a0, (-2 * Math.cos(w0)) / a0, (1 - alpha) / a0];
}

/**
 * The TypeScript implementation. State and scratch are float64; the order of operations per
 * sample is fixed, so any split into blocks gives identical output.
 */
export class TsCochlea implements Cochlea {
  /** [filter][b0, b2, a1, a2] */
  private readonly coeffs = new Float64Array(FILTERS * 4);
  /** [filter][s1a, s2a, s1b, s2b, membrane] */
  private readonly state = new Float64Array(FILTERS * 5);
  private readonly integ: Float64Array;
  private readonly hairCell = new Float64Array(FILTERS * CHUNK);
  private readonly membrane: number;
  private readonly integration: number;
  private readonly channels: number;
  private readonly frameLength: number;
  private phase = 0;

  constructor(settings: AuditorySettings) {
    const { sampleRate } = settings;
    for (let j = 0; j < FILTERS; j++) {
      const fc = Math.min(filterCenter(j, sampleRate), MAX_CENTER * sampleRate);
      this.coeffs.set(bandPassCoefficients(fc, SECTION_Q, sampleRate), j * 4);
    }
    this.membrane = membraneCoefficient();
    this.integration = settings.integration;
    this.channels = settings.channels;
    this.frameLength = settings.frameLength;
    this.integ = new Float64Array(this.channels);
  }

  process(block: ArrayLike<number>, frame: Float32Array, onFrame: () => void): void {
    for (let start = 0; start < block.length; start += CHUNK) {
      const n = Math.min(CHUNK, block.length - start);
      this.filterChunk(block, start, n);
      this.integrateChunk(n, frame, onFrame);
    }
  }

  reset(): void {
    this.state.fill(0);
    this.integ.fill(0);
    this.phase = 0;
  }

  /** Stages 1–2 for every filter over n samples into the hair-cell scratch. */
  private filterChunk(x: ArrayLike<number>, start: number, n: number): void {
    const { coeffs, state, hairCell } = this;
    const k = 1 / (2 * HAIR_CELL_FAC);
    const m = this.membrane;
    for (let j = 0; j < FILTERS; j++) {
      const b0 = coeffs[j * 4];
      const b2 = coeffs[j * 4 + 1];
      const a1 = coeffs[j * 4 + 2];
      const a2 = coeffs[j * 4 + 3];
      let s1a = state[j * 5];
      let s2a = state[j * 5 + 1];
      let s1b = state[j * 5 + 2];
      let s2b = state[j * 5 + 3];
      let mem = state[j * 5 + 4];
      const out = j * CHUNK;
      for (let i = 0; i < n; i++) {
        const xi = x[start + i];
        const ya = b0 * xi + s1a;
        s1a = -a1 * ya + s2a;
        s2a = b2 * xi - a2 * ya;
        const yb = b0 * ya + s1b;
        s1b = -a1 * yb + s2b;
        s2b = b2 * ya - a2 * yb;
        const u = yb * k;
        const h = (0.5 * u) / (1 + (u < 0 ? -u : u));
        mem = m * mem + (1 - m) * h;
        hairCell[out + i] = mem;
      }
      state[j * 5] = s1a;
      state[j * 5 + 1] = s2a;
      state[j * 5 + 2] = s1b;
      state[j * 5 + 3] = s2b;
      state[j * 5 + 4] = mem;
    }
  }

  /** Stages 3–4: inhibition across channels, rectification, integration, frame sampling. */
  private integrateChunk(n: number, frame: Float32Array, onFrame: () => void): void {
    const { hairCell, integ, channels } = this;
    const beta = this.integration;
    const gain = 1 - beta;
    for (let i = 0; i < n; i++) {
      let below = hairCell[i];
      for (let c = 0; c < channels; c++) {
        const here = hairCell[(c + 1) * CHUNK + i];
        const d = here - below;
        integ[c] = beta * integ[c] + (d > 0 ? gain * d : 0);
        below = here;
      }
      if (++this.phase === this.frameLength) {
        this.phase = 0;
        for (let c = 0; c < channels; c++) frame[c] = integ[c];
        onFrame();
      }
    }
  }
}

/**
 * The addon's implementation of the same core: float32 state, filters vectorized across the
 * bank (see src/native/addon/cochlea.cc). Matches TsCochlea within 1e-4 (tests/native).
 */
export class NativeCochlea implements Cochlea {
  private readonly coeffs: Float32Array;
  private readonly state: Float32Array;
  private readonly phase = new Int32Array(1);
  private readonly input = new Float32Array(CHUNK);
  private readonly out: Float32Array;
  private readonly membrane: number;

  constructor(private readonly native: NativeAddon, private readonly settings: AuditorySettings) {
    const { sampleRate, channels } = settings;
    const stride = native.stride;
    this.coeffs = new Float32Array(stride * 4);
    for (let j = 0; j < FILTERS; j++) {
      const fc = Math.min(filterCenter(j, sampleRate), MAX_CENTER * sampleRate);
      bandPassCoefficients(fc, SECTION_Q, sampleRate).forEach((v, k) => (this.coeffs[k * stride + j] = v));
    }
    this.state = new Float32Array(stride * 5 + channels);
    this.out = new Float32Array((Math.floor(CHUNK / settings.frameLength) + 1) * channels);
    this.membrane = membraneCoefficient();
  }

  process(block: ArrayLike<number>, frame: Float32Array, onFrame: () => void): void {
    const { channels, frameLength, integration } = this.settings;
    for (let start = 0; start < block.length; start += CHUNK) {
      const n = Math.min(CHUNK, block.length - start);
      const x = block instanceof Float32Array ? block.subarray(start, start + n) : this.copyIn(block, start, n);
      const frames = this.native.cochleaProcess(this.coeffs, this.state, this.phase, x, this.out, this.membrane, integration, 1 / (2 * HAIR_CELL_FAC), channels, frameLength);
      for (let f = 0; f < frames; f++) {
        frame.set(this.out.subarray(f * channels, (f + 1) * channels));
        onFrame();
      }
    }
  }

  reset(): void {
    this.state.fill(0);
    this.phase[0] = 0;
  }

  private copyIn(block: ArrayLike<number>, start: number, n: number): Float32Array {
    const x = this.input.subarray(0, n);
    for (let i = 0; i < n; i++) x[i] = block[start + i];
    return x;
  }
}

/** The cochlea for these settings: the addon's when it is loaded, else TypeScript. */
export function designCochlea(settings: AuditorySettings, native: NativeAddon | null): Cochlea {
  return native ? new NativeCochlea(native, settings) : new TsCochlea(settings);
}
