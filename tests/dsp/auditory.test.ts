import { describe, expect, it } from 'vitest';
import { AuditoryStream, auditoryCenterFrequencies, auditorySpectrogram, normalizePower } from '../../src/dsp/auditory';

function tone(freq: number, fs: number, seconds: number, amp = 0.5): Float32Array {
  const x = new Float32Array(Math.round(fs * seconds));
  for (let i = 0; i < x.length; i++) x[i] = amp * Math.sin((2 * Math.PI * freq * i) / fs);
  return x;
}

function meanPerChannel(data: Float32Array, channels: number, frames: number, skip = 20): Float64Array {
  const m = new Float64Array(channels);
  for (let c = 0; c < channels; c++) for (let t = skip; t < frames; t++) m[c] += data[c * frames + t] / (frames - skip);
  return m;
}

function argmax(v: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < v.length; i++) if (v[i] > v[best]) best = i;
  return best;
}

describe('auditory spectrogram', () => {
  it('gives 128 x 250 for 2 s at 8 kHz', () => {
    const s = auditorySpectrogram(tone(440, 8000, 2), { sampleRate: 8000 });
    expect([s.channels, s.frames]).toEqual([128, 250]);
    expect(s.data.length).toBe(128 * 250);
  });

  it.each([8000, 16000])('peaks for a 1 kHz tone in the channel whose centre is nearest 1 kHz (%i Hz)', (fs) => {
    // 1 kHz divides the 125 Hz frame rate, so frames sample the integrator ripple at one phase:
    // average over start phases, as any real 1 kHz tone would be.
    const total = new Float64Array(128);
    for (let k = 0; k < 7; k++) {
      const x = new Float32Array(fs);
      for (let i = 0; i < x.length; i++) x[i] = Math.sin((2 * Math.PI * 1000 * i) / fs + 0.9 * k);
      const s = auditorySpectrogram(normalizePower(x), { sampleRate: fs });
      meanPerChannel(s.data, s.channels, s.frames).forEach((v, c) => (total[c] += v));
    }
    const cf = auditoryCenterFrequencies(fs);
    const nearest = argmax(Array.from(cf, (f) => -Math.abs(f - 1000)));
    expect(argmax(total)).toBe(nearest);
  });

  it.each([8000, 16000])('has no dead channel: every channel responds to a sweep (%i Hz)', (fs) => {
    const x = new Float32Array(fs * 2);
    let phase = 0;
    for (let i = 0; i < x.length; i++) {
      phase += (2 * Math.PI * (50 * Math.pow((0.49 * fs) / 50, i / x.length))) / fs;
      x[i] = Math.sin(phase);
    }
    const s = auditorySpectrogram(normalizePower(x), { sampleRate: fs });
    const peak = meanPerChannel(s.data, s.channels, s.frames, 0).map((_, c) => Math.max(...s.data.subarray(c * s.frames, (c + 1) * s.frames)));
    for (let c = 0; c < s.channels; c++) expect(peak[c]).toBeGreaterThan(1e-3);
  });

  it('refuses a non-finite sample without poisoning the stream', () => {
    const stream = new AuditoryStream({ sampleRate: 8000 });
    const bad = tone(500, 8000, 0.1);
    bad[10] = Number.NaN;
    expect(() => stream.push(bad, () => undefined)).toThrowError(expect.objectContaining({ code: 'MB_ERR_BAD_AUDIO' }));
    const frames: Float32Array[] = [];
    stream.push(normalizePower(tone(500, 8000, 0.5)), (f) => frames.push(f.slice()));
    expect(Math.max(...frames[frames.length - 1])).toBeGreaterThan(0.001);
  });

  it('follows NSL centre frequencies scaled with the sample rate', () => {
    const cf16 = auditoryCenterFrequencies(16000);
    expect(cf16[0]).toBeGreaterThan(180);
    expect(cf16[0]).toBeLessThan(195);
    expect(cf16[127]).toBeGreaterThan(7000);
    expect(cf16[127]).toBeLessThan(7400);
    const cf8 = auditoryCenterFrequencies(8000);
    expect(cf8[127]).toBeLessThan(4000);
    expect(cf8[24] / cf8[0]).toBeCloseTo(2, 5);
  });

  it('moves energy up the channels as the tone rises', () => {
    const peaks = [300, 600, 1200, 2400].map((f) => {
      const s = auditorySpectrogram(normalizePower(tone(f, 8000, 0.5)), { sampleRate: 8000 });
      return argmax(meanPerChannel(s.data, s.channels, s.frames));
    });
    for (let i = 1; i < peaks.length; i++) expect(peaks[i] - peaks[i - 1]).toBeGreaterThan(20);
  });

  it('is non-negative, finite, zero for silence', () => {
    const s = auditorySpectrogram(new Float32Array(8000), { sampleRate: 8000 });
    expect(s.data.every((v) => v === 0)).toBe(true);
    const n = auditorySpectrogram(normalizePower(tone(700, 8000, 0.5)), { sampleRate: 8000 });
    expect(n.data.every((v) => Number.isFinite(v) && v >= 0)).toBe(true);
    expect(Math.max(...n.data)).toBeGreaterThan(0.001);
  });

  it('streaming output equals batch output for random block sizes', () => {
    const fs = 16000;
    const x = normalizePower(tone(523, fs, 0.7));
    for (let i = 0; i < x.length; i++) x[i] += 0.3 * Math.sin(i * 0.37) * Math.sin(i * 0.0011);
    const batch = auditorySpectrogram(x, { sampleRate: fs });
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const stream = new AuditoryStream({ sampleRate: fs });
    const frames: Float32Array[] = [];
    for (let i = 0; i < x.length; ) {
      const n = 1 + Math.floor(rand() * 700);
      stream.push(x.subarray(i, i + n), (f) => frames.push(f.slice()));
      i += n;
    }
    expect(frames.length).toBe(batch.frames);
    let maxDiff = 0;
    frames.forEach((f, t) => f.forEach((v, c) => (maxDiff = Math.max(maxDiff, Math.abs(v - batch.data[c * batch.frames + t])))));
    expect(maxDiff).toBe(0);
  });

  it('normalizePower gives unit RMS and keeps silence silent', () => {
    const y = normalizePower(tone(440, 8000, 0.5, 0.01));
    const rms = Math.sqrt(y.reduce((a, v) => a + v * v, 0) / y.length);
    expect(rms).toBeCloseTo(1, 5);
    expect(normalizePower(new Float32Array(10)).every((v) => v === 0)).toBe(true);
  });

  it('rejects bad options with a coded error', () => {
    expect(() => auditorySpectrogram(new Float32Array(10), { sampleRate: Number.NaN })).toThrow(/MB_ERR|sampleRate/);
    expect(() => auditorySpectrogram(new Float32Array(10), { sampleRate: 100 })).toThrowError(expect.objectContaining({ code: 'MB_ERR_BAD_ARGS' }));
  });
});
