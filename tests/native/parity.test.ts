import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../src/core/random';
import { getNative, nativeStatus } from '../../src/native';
import { resolveAuditoryOptions, normalizePower } from '../../src/dsp/auditory';
import { NativeCochlea, TsCochlea, type Cochlea } from '../../src/dsp/cochlea';
import { hannWindow } from '../../src/dsp/stft';

function fixture(fs: number, seconds: number): Float32Array {
  const x = new Float32Array(Math.round(fs * seconds));
  const next = mulberry32(3);
  for (let i = 0; i < x.length; i++) {
    const noise = next() - 0.5;
    const f = 200 + 1800 * (i / x.length);
    x[i] = 0.6 * Math.sin((2 * Math.PI * f * i) / fs) + 0.2 * noise;
  }
  return normalizePower(x);
}

function run(c: Cochlea, x: Float32Array, channels: number): Float32Array[] {
  const frames: Float32Array[] = [];
  const frame = new Float32Array(channels);
  for (let i = 0; i < x.length; i += 333) c.process(x.subarray(i, i + 333), frame, () => frames.push(frame.slice()));
  return frames;
}

const native = getNative();
// Under CI the addon must have built: the fallback silently standing in would hide a broken build.
const mustHave = process.env.CI === 'true';

describe('native addon parity', () => {
  it('is loaded (required under CI=true)', () => {
    if (!native) {
      if (mustHave) throw new Error(`native addon missing under CI: ${nativeStatus().reason}`);
      console.warn(`skipping parity: ${nativeStatus().reason}`);
    }
    expect(native !== null || !mustHave).toBe(true);
  });

  it.runIf(native !== null).each([8000, 16000, 44100])('auditory core matches the TypeScript fallback within 1e-4 (%i Hz)', (fs) => {
    const settings = resolveAuditoryOptions({ sampleRate: fs });
    const x = fixture(fs, 1);
    const a = run(new TsCochlea(settings), x, settings.channels);
    const b = run(new NativeCochlea(native!, settings), x, settings.channels);
    expect(b.length).toBe(a.length);
    let maxDiff = 0;
    let peak = 0;
    a.forEach((f, t) => f.forEach((v, c) => {
      maxDiff = Math.max(maxDiff, Math.abs(v - b[t][c]));
      peak = Math.max(peak, Math.abs(v));
    }));
    expect(peak).toBeGreaterThan(0.01);
    expect(maxDiff).toBeLessThanOrEqual(1e-4);
  });

  it.runIf(native !== null)('STFT framing matches windowing in TypeScript', () => {
    const x = fixture(8000, 0.3);
    const w = hannWindow(256);
    const frames = Math.floor((x.length - 256) / 64) + 1;
    const out = new Float32Array(frames * 256);
    native!.frameWindowed(x, frames, 64, w, out);
    for (const t of [0, 7, frames - 1]) for (const i of [0, 100, 255]) expect(out[t * 256 + i]).toBeCloseTo(x[t * 64 + i] * w[i], 6);
    expect(() => native!.frameWindowed(x, frames + 10, 64, w, out)).toThrow(/too short/);
  });
});
