import { describe, expect, it } from 'vitest';
import { FramePowerSpectrum } from '../../src/dsp/stft';
import { Yin } from '../../src/dsp/yin';
import { bandLimitedSaw } from '../audio/signals';

describe('Yin', () => {
  it('matches a direct (non-FFT) difference function on the chosen lag', () => {
    const sr = 8000;
    const frame = bandLimitedSaw(173, sr, 512);
    const yin = new Yin({ sampleRate: sr, frameLength: 512 });
    const est = yin.estimate(frame);
    // Direct YIN: d(tau) summed over W = 512 - maxLag samples, d' and the same threshold rule.
    const w = 512 - yin.maxLag;
    const d = (tau: number): number => {
      let s = 0;
      for (let j = 0; j < w; j++) s += (frame[j] - frame[j + tau]) ** 2;
      return s;
    };
    let running = 0;
    let lag = 0;
    for (let tau = 1; tau <= yin.maxLag && !lag; tau++) {
      running += d(tau);
      if (tau >= yin.minLag && (d(tau) * tau) / running < 0.15) lag = tau;
    }
    while (d(lag + 1) < d(lag)) lag++;
    expect(Math.abs(sr / est.f0 - lag)).toBeLessThan(1);
    expect(Math.abs(est.f0 - 173) / 173).toBeLessThan(0.01);
  });

  it('gives the Hann power spectrum of the frame it estimated, as FramePowerSpectrum computes it', () => {
    const n = 1024;
    const frame = Float32Array.from(bandLimitedSaw(211, 16000, n), (v, i) => v * (0.5 + i / n) + 0.05 * Math.sin(i * 1.3));
    const yin = new Yin({ sampleRate: 16000, frameLength: n });
    yin.estimate(frame);
    const got = new Float32Array(n / 2 + 1);
    yin.hannPowerSpectrum(got);
    const want = new Float32Array(n / 2 + 1);
    new FramePowerSpectrum(n).compute(frame, 0, want);
    const peak = Math.max(...want);
    for (let k = 0; k <= n / 2; k++) expect(Math.abs(got[k] - want[k])).toBeLessThan(1e-5 * peak);
    expect(() => new Yin({ sampleRate: 16000, frameLength: 1000 }).hannPowerSpectrum(got)).toThrow(expect.objectContaining({ code: 'MB_ERR_BAD_ARGS' }));
  });
});
