import { FramePowerSpectrum } from '../dsp/stft';
import { HOP, TRANSCRIBE_RATE } from './transcribe-frames';

/**
 * The transcription's bad-input flags (src/mirror/transcribe.ts): how much of a note lies on one
 * harmonic series (a chord does not) and how tonal an unpitched note is (noise is not), from its
 * power spectrum.
 * @example offHarmonicShare(noteSpectrum(x, new FramePowerSpectrum(HARM_FFT, HARM_WINDOW), a, b, 0)) // 0.03
 */
export const HARM_FFT = 2048;
export const HARM_WINDOW = 1024;
/** A peak within this many dB of the strongest is a partial the note cannot lack. */
const STRONG_PEAK_DB = 20;
/** A note whose peaks lie this much off the harmonics of its lowest strong peak sounds like more than one voice. */
export const CHORD_OFF_HARMONIC = 0.25;
/** A clip is polyphonic when this share of its notes are chords or unpitched. */
export const POLYPHONIC_SHARE = 0.75;
/** An unpitched note with this share of its power in narrow peaks is tones (a chord), not noise. */
export const TONAL_SHARE = 0.3;

/**
 * How much of a note is one voice: from its power spectrum (5 frames past its attack, 64-ms
 * windows), the peaks within 30 dB of the strongest between 50 Hz and 5 kHz, and the share of
 * their power that does not lie on the harmonics (3 %, at least 3 bins) of the lowest strong
 * peak (within STRONG_PEAK_DB of the strongest): a single note's fundamental, or its second
 * harmonic when the fundamental is weak. In a chord the other notes' partials lie between: YIN
 * takes the chord's common subharmonic or one of its notes, and either way this share is high.
 */
export function offHarmonicShare(sum: Float32Array): number {
  const binHz = TRANSCRIBE_RATE / HARM_FFT;
  const lo = Math.ceil(50 / binHz);
  const hi = Math.min(sum.length - 2, Math.floor(5000 / binHz));
  let max = 0;
  for (let k = lo; k <= hi; k++) max = Math.max(max, sum[k]);
  const peaks: Array<[number, number]> = [];
  for (let k = lo; k <= hi; k++) if (sum[k] > max * 1e-3 && sum[k] >= sum[k - 1] && sum[k] > sum[k + 1]) peaks.push([k * binHz, sum[k]]);
  // The lowest strong peak: a single note's fundamental (or its second harmonic when the fundamental is weak).
  const base = peaks.find(([, p]) => p > max * Math.pow(10, -STRONG_PEAK_DB / 10));
  let off = 0;
  let all = 0;
  for (const [f, p] of peaks) {
    all += p;
    if (!base) continue;
    const h = Math.round(f / base[0]);
    if (!(h >= 1 && Math.abs(f - h * base[0]) <= Math.max(3 * binHz, 0.03 * f))) off += p;
  }
  return all > 0 ? off / all : 1;
}

/**
 * Share of a note's power (50 Hz-5 kHz) in narrow peaks, 3 bins either side of a local maximum
 * standing 15 dB over the median of the 41 bins around it: near 0 for noise, high for tones
 * (a chord YIN finds no pitch in still has them).
 */
export function tonalShare(sum: Float32Array): number {
  const binHz = TRANSCRIBE_RATE / HARM_FFT;
  const lo = Math.ceil(50 / binHz);
  const hi = Math.min(sum.length - 2, Math.floor(5000 / binHz));
  let total = 0;
  let tonal = 0;
  for (let k = lo; k <= hi; k++) total += sum[k];
  for (let k = lo; k <= hi; k++) {
    if (!(sum[k] >= sum[k - 1] && sum[k] > sum[k + 1])) continue;
    const around = Array.from(sum.subarray(Math.max(0, k - 20), Math.min(sum.length, k + 21))).sort((p, q) => p - q);
    if (sum[k] < 31.6 * around[around.length >> 1]) continue;
    for (let j = Math.max(lo, k - 3); j <= Math.min(hi, k + 3); j++) tonal += sum[j];
  }
  return total > 0 ? Math.min(1, tonal / total) : 0;
}

/**
 * The note's power spectrum, 5 frames past its attack, summed. `at` = (HARM_FFT - HARM_WINDOW) / 2
 * gives 64-ms Hann windows centred on the frames; `at` = 0 the 32 ms after each frame's centre
 * under the rising half of that window, which blurs partials 2x wider (the chord test below was
 * measured so: it needs that tolerance for sampled instruments' detuned layers and vibrato).
 */
export function noteSpectrum(x: Float32Array, spec: FramePowerSpectrum, a: number, b: number, at: number): Float32Array {
  const frame = new Float32Array(HARM_FFT);
  const power = new Float32Array(HARM_FFT / 2 + 1);
  const sum = new Float32Array(HARM_FFT / 2 + 1);
  const from = Math.min(b - 1, a + 4);
  const step = Math.max(1, Math.floor((b - from) / 5));
  for (let t = from; t < b; t += step) {
    frame.fill(0);
    // The spectrum's Hann window spans the middle HARM_WINDOW samples of the HARM_FFT-sample
    // frame; `at` is where in the frame the HARM_WINDOW samples from t's start go.
    const start = t * HOP - HARM_WINDOW / 2;
    for (let i = 0; i < HARM_WINDOW; i++) {
      const j = start + i;
      if (j >= 0 && j < x.length) frame[at + i] = x[j];
    }
    spec.compute(frame, 0, power);
    for (let k = 0; k < sum.length; k++) sum[k] += power[k];
  }
  return sum;
}
