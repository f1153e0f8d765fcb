import { resolveAuditoryOptions } from '../src/dsp/auditory';
import { NativeCochlea, TsCochlea, type Cochlea } from '../src/dsp/cochlea';
import { getNative, nativeStatus } from '../src/native';

/** Best-of-N wall time of `fn` in ms (best-of filters out scheduler noise on a shared machine). */
function bestMs(fn: () => void, runs: number): number {
  fn();
  let best = Infinity;
  for (let r = 0; r < runs; r++) {
    const t = performance.now();
    fn();
    best = Math.min(best, performance.now() - t);
  }
  return best;
}

function signal(fs: number, seconds: number): Float32Array {
  const x = new Float32Array(fs * seconds);
  for (let i = 0; i < x.length; i++) x[i] = 0.5 * Math.sin((2 * Math.PI * 440 * i) / fs) + 0.1 * Math.sin(i * 1.7);
  return x;
}

function timeCochlea(make: () => Cochlea, x: Float32Array, channels: number): number {
  const frame = new Float32Array(channels);
  return bestMs(() => {
    const c = make();
    c.process(x, frame, () => undefined);
  }, 15);
}

/**
 * Auditory spectrogram speed, single thread: real-time factor of the native core and the
 * TypeScript fallback at 8 and 16 kHz, and their ratio, measured in the same run.
 * Targets: native >= 1000x real time at 8 kHz, native >= 5x the fallback.
 */
export async function benchAuditory(): Promise<Record<string, unknown>> {
  const native = getNative();
  const rows: Record<string, unknown>[] = [];
  const seconds = 4;
  for (const fs of [8000, 16000]) {
    const settings = resolveAuditoryOptions({ sampleRate: fs });
    const x = signal(fs, seconds);
    const tsMs = timeCochlea(() => new TsCochlea(settings), x, settings.channels);
    const nativeMs = native ? timeCochlea(() => new NativeCochlea(native, settings), x, settings.channels) : NaN;
    rows.push({
      sampleRate: fs,
      nativeRealtime: Math.round((seconds * 1000) / nativeMs),
      tsRealtime: Math.round((seconds * 1000) / tsMs),
      nativeOverTs: Number((tsMs / nativeMs).toFixed(2)),
      targetNative8k: fs === 8000 ? 1000 : undefined,
    });
  }
  console.table(rows);
  return { native: nativeStatus(), seconds, rows };
}
