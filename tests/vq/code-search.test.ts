import { readdirSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readWav } from '../../src/audio/wav';
import { FramePowerSpectrum, powerToNormalizedMagnitude } from '../../src/dsp/stft';
import { spectralConvergence, type CodeSeries, type VqRuntime } from '../../src/vq';
import { HarmonicRenderer } from '../../src/vq/synthesis/harmonic';
import { sharedCodec } from './fixtures';

/**
 * Analysis-by-synthesis code choice (src/vq/code-search.ts, `encode(..., { search: true })`) on
 * the held-out sounds shipped in tests/vq/heldout, with the shipped model.
 */
const HELDOUT = path.join(__dirname, 'heldout');

/** Per frame: |a m - target|^2 of the series' code at its gain (a = gain / the RMS gain). */
function frameErrors(codec: VqRuntime, x: Float32Array, s: CodeSeries, rmsGains: Float32Array): number[] {
  const g = codec.model.geometry;
  const fps = new FramePowerSpectrum(g.frameLength);
  const r = new HarmonicRenderer(g.frameLength, g.sampleRate);
  const padded = new Float32Array((s.frames - 1) * g.hop + g.frameLength);
  padded.set(x.subarray(0, padded.length));
  const t = new Float32Array(fps.bins);
  const m = new Float32Array(fps.bins);
  const out: number[] = [];
  for (let f = 0; f < s.frames; f++) {
    fps.compute(padded, f * g.hop, t);
    powerToNormalizedMagnitude(t, rmsGains[f], 1);
    r.render(codec.model.unitSegment(s.codes[f], s.f0![f])!, 0, s.f0![f], m, s.gains[f] / rmsGains[f]);
    let e = 0;
    for (let b = 0; b < fps.bins; b++) e += (m[b] - t[b]) ** 2;
    out.push(e);
  }
  return out;
}

describe('vq code search', () => {
  let codec: VqRuntime;
  afterAll(async () => codec?.dispose());

  it('never fits a frame worse than the encoder, and lowers the held-out spectral convergence', async () => {
    codec = await sharedCodec();
    const files = readdirSync(HELDOUT).filter((f) => f.endsWith('.wav')).sort();
    let before = 0;
    let after = 0;
    for (const f of files) {
      const x = readWav(path.join(HELDOUT, f)).samples;
      const plain = await codec.encode(x);
      const searched = await codec.encode(x, undefined, { search: true });
      expect(searched.frames).toBe(plain.frames);
      expect(Array.from(searched.f0!)).toEqual(Array.from(plain.f0!));
      expect(searched.latents).toEqual(codec.model.latentsOf(searched.codes));
      const e0 = frameErrors(codec, x, plain, plain.gains);
      const e1 = frameErrors(codec, x, searched, plain.gains);
      e1.forEach((e, i) => expect(e, `${f} frame ${i}`).toBeLessThanOrEqual(e0[i] * (1 + 1e-4) + 1e-9));
      before += spectralConvergence(x, await codec.decode(plain));
      after += spectralConvergence(x, await codec.decode(searched));
    }
    // Measured 0.441 -> 0.358 on these 8 files (2026-12-05); a clear drop is required, not that figure.
    expect(after / files.length).toBeLessThan(before / files.length - 0.01);
  }, 120_000);
});
