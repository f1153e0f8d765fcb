import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { log } from '../core/log';

/**
 * Loader for the optional native addon (build/Release/mirrorbridge_native.node, built by
 * scripts/build-native.cjs). `MB_NATIVE=0` forces the TypeScript fallback; a failed load warns
 * once and falls back.
 *
 * @example
 * const native = getNative(); // null when disabled or unavailable
 * nativeStatus(); // { available: false, reason: 'disabled by MB_NATIVE=0' }
 */
export interface NativeAddon {
  /** See src/native/addon/addon.cc: cochleaProcess(coeffs, state, phase, x, out, membrane, integration, compression, channels, frameLength) -> frames. */
  cochleaProcess(
    coeffs: Float32Array,
    state: Float32Array,
    phase: Int32Array,
    x: Float32Array,
    out: Float32Array,
    membrane: number,
    integration: number,
    compression: number,
    channels: number,
    frameLength: number,
  ): number;
  /** frameWindowed(x, frames, hop, window, out): frame t = x[t*hop ..] * window, written contiguously. */
  frameWindowed(x: Float32Array, frames: number, hop: number, window: Float32Array, out: Float32Array): void;
  readonly filters: number;
  readonly stride: number;
  /** See src/native/addon/pghi.h: the kernel of src/vq/synthesis/pghi.ts PhaseReconstructor. */
  PhaseReconstructor: new (
    frameLength: number,
    hop: number,
    tolerance: number,
    lookahead: number,
    synthesisWindow: Float32Array,
    sineTable: Float64Array,
    sineSteps: number,
    bucketsPerNeper: number,
  ) => NativePhaseReconstructor;
  /** See src/native/addon/yin.h: the kernel of src/dsp/yin.ts Yin. */
  Yin: new (frameLength: number, size: number, minLag: number, maxLag: number, threshold: number, sampleRate: number) => NativeYin;
}

export interface NativePhaseReconstructor {
  /** Magnitudes (bins values from offset) times gain in; returns whether `frame` was written. */
  next(magnitudes: Float32Array | Float64Array, offset: number, gain: number, frame: Float32Array): boolean;
  flush(frame: Float32Array): boolean;
  reset(): void;
}

export interface NativeYin {
  /** f0 of the frame at `offset` (0 when unvoiced); result[0] = f0, result[1] = confidence. */
  estimate(frame: Float32Array | Float64Array, offset: number, result: Float64Array): number;
  /** After estimate: |rfft(hann x frame)|^2 (frameLength / 2 + 1 bins). */
  hannPowerSpectrum(out: Float32Array): void;
  /** See Yin.frameSpectrum in src/dsp/yin.ts: returns the gain; result[0] = f0, result[1] = confidence. */
  frameSpectrum(frames: Float32Array, offset: number, gainFloor: number, magnitudes: Float32Array, magnitudesOffset: number, result: Float64Array): number;
}

export interface NativeStatus {
  available: boolean;
  reason?: string;
}

const FILE = 'mirrorbridge_native.node';
let loaded: { addon: NativeAddon | null; reason?: string } | undefined;

function load(): { addon: NativeAddon | null; reason?: string } {
  // Source runs from src/native, compiled code from dist/src/native.
  const candidates = [join(__dirname, '..', '..', 'build', 'Release', FILE), join(__dirname, '..', '..', '..', 'build', 'Release', FILE)];
  const file = candidates.find((f) => existsSync(f));
  if (!file) return { addon: null, reason: `${FILE} not built (run \`npm rebuild\`)` };
  try {
    return { addon: createRequire(__filename)(file) as NativeAddon };
  } catch (err) {
    return { addon: null, reason: `failed to load ${file}: ${err instanceof Error ? err.message : String(err)}` };
  }
}

/**
 * The addon, or null when disabled (MB_NATIVE=0) or unavailable (warned once).
 *
 * @example
 * const native = getNative();
 */
export function getNative(): NativeAddon | null {
  if (process.env.MB_NATIVE === '0') return null;
  loaded ??= load();
  if (!loaded.addon) log.warnOnce('native-addon', `native addon unavailable, using the TypeScript fallback: ${loaded.reason}`);
  return loaded.addon;
}

/**
 * Whether the addon is in use, and why not.
 *
 * @example
 * if (!nativeStatus().available) console.log(nativeStatus().reason);
 */
export function nativeStatus(): NativeStatus {
  if (process.env.MB_NATIVE === '0') return { available: false, reason: 'disabled by MB_NATIVE=0' };
  loaded ??= load();
  return loaded.addon ? { available: true } : { available: false, reason: loaded.reason };
}
