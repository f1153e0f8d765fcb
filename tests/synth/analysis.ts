import FFT from 'fft.js';

/** Small, independent analysis helpers for the synth tests (deliberately not src/dsp). */

export function rms(x: ArrayLike<number>, from = 0, to = x.length): number {
  let s = 0;
  for (let i = from; i < to; i++) s += x[i] * x[i];
  return Math.sqrt(s / Math.max(1, to - from));
}

export function peakAbs(x: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i]));
  return m;
}

/** Power spectrum (Hann window, zero-padded to a power of two) with bin frequencies. */
export function powerSpectrum(x: ArrayLike<number>, sampleRate: number): { power: Float64Array; hz: Float64Array } {
  let n = 1;
  while (n < x.length) n *= 2;
  const input = new Float64Array(n);
  for (let i = 0; i < x.length; i++) input[i] = x[i] * (0.5 - 0.5 * Math.cos((2 * Math.PI * i) / x.length));
  const fft = new FFT(n);
  const out = fft.createComplexArray();
  fft.realTransform(out, input);
  const bins = n / 2 + 1;
  const power = new Float64Array(bins);
  const hz = new Float64Array(bins);
  for (let k = 0; k < bins; k++) {
    power[k] = out[2 * k] ** 2 + out[2 * k + 1] ** 2;
    hz[k] = (k * sampleRate) / n;
  }
  return { power, hz };
}

/** Power-weighted mean frequency. */
export function spectralCentroid(x: ArrayLike<number>, sampleRate: number): number {
  const { power, hz } = powerSpectrum(x, sampleRate);
  let num = 0;
  let den = 0;
  for (let k = 0; k < power.length; k++) {
    num += hz[k] * power[k];
    den += power[k];
  }
  return num / den;
}

/** Fraction of the power within ±`octaves` of `centre` Hz. */
export function bandFraction(x: ArrayLike<number>, sampleRate: number, centre: number, octaves: number): number {
  const { power, hz } = powerSpectrum(x, sampleRate);
  const lo = centre * 2 ** -octaves;
  const hi = centre * 2 ** octaves;
  let band = 0;
  let all = 0;
  for (let k = 0; k < power.length; k++) {
    all += power[k];
    if (hz[k] >= lo && hz[k] <= hi) band += power[k];
  }
  return band / all;
}

/** RMS envelope in frames of `win` samples with hop `hop`. */
export function rmsEnvelope(x: ArrayLike<number>, win: number, hop: number, from = 0, to = x.length): number[] {
  const env: number[] = [];
  for (let s = from; s + win <= to; s += hop) env.push(rms(x, s, s + win));
  return env;
}

/**
 * YIN fundamental estimate of x[from, from + 2 maxLag) with parabolic refinement; NaN when
 * the frame is silent or aperiodic.
 */
export function yinPitch(x: ArrayLike<number>, from: number, sampleRate: number, fmin = 200, fmax = 900): number {
  const maxLag = Math.ceil(sampleRate / fmin);
  const minLag = Math.floor(sampleRate / fmax);
  const w = maxLag;
  if (from + w + maxLag + 1 > x.length || rms(x, from, from + w + maxLag) < 1e-6) return NaN;
  const d = new Float64Array(maxLag + 2);
  for (let tau = 1; tau <= maxLag + 1; tau++) {
    let s = 0;
    for (let j = 0; j < w; j++) {
      const diff = x[from + j] - x[from + j + tau];
      s += diff * diff;
    }
    d[tau] = s;
  }
  const cmnd = new Float64Array(maxLag + 2);
  cmnd[0] = 1;
  let running = 0;
  for (let tau = 1; tau <= maxLag + 1; tau++) {
    running += d[tau];
    cmnd[tau] = running > 0 ? (d[tau] * tau) / running : 1;
  }
  let best = -1;
  for (let tau = minLag; tau <= maxLag; tau++) {
    if (cmnd[tau] < 0.2) {
      while (tau + 1 <= maxLag && cmnd[tau + 1] < cmnd[tau]) tau++;
      best = tau;
      break;
    }
  }
  if (best < 0) return NaN;
  const a = cmnd[best - 1];
  const b = cmnd[best];
  const c = cmnd[best + 1];
  const den = a - 2 * b + c;
  const shift = den > 0 ? (0.5 * (a - c)) / den : 0;
  return sampleRate / (best + shift);
}

export function hzToMidi(hz: number): number {
  return 69 + 12 * Math.log2(hz / 440);
}

/** Pitch track in MIDI over [from, to) with hop `hop` samples (NaN where unvoiced). */
export function midiTrack(x: ArrayLike<number>, sampleRate: number, from: number, to: number, hop: number): number[] {
  const track: number[] = [];
  const span = 2 * Math.ceil(sampleRate / 200) + 1;
  for (let s = from; s + span <= to; s += hop) track.push(hzToMidi(yinPitch(x, s, sampleRate)));
  return track;
}

export function median(values: number[]): number {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  return v[Math.floor(v.length / 2)];
}

export function std(values: number[]): number {
  const v = values.filter((x) => Number.isFinite(x));
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  return Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length);
}

/** Frequency (Hz) in [lo, hi] maximizing the DFT magnitude of a track sampled at `rate`. */
export function dominantRate(track: number[], rate: number, lo: number, hi: number): number {
  const v = track.filter((x) => Number.isFinite(x));
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  let best = lo;
  let bestMag = -1;
  for (let f = lo; f <= hi; f += 0.01) {
    let re = 0;
    let im = 0;
    track.forEach((y, i) => {
      if (!Number.isFinite(y)) return;
      re += (y - mean) * Math.cos((2 * Math.PI * f * i) / rate);
      im -= (y - mean) * Math.sin((2 * Math.PI * f * i) / rate);
    });
    const mag = re * re + im * im;
    if (mag > bestMag) {
      bestMag = mag;
      best = f;
    }
  }
  return best;
}
