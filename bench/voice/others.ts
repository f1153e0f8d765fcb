import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { resample } from '../../src/audio/resample';
import { readWav } from '../../src/audio/wav';
import { concat, lcg, newVoiceMaker, type VoiceMaker } from './phrases';

/**
 * The rest of a singer's held-out voices (issue 17 item 5), beside the sung vowels of phrases.ts:
 * never trained on, made for this bench only, from fresh seeds.
 *
 * - speech: espeak-ng speaking sentences, men's and women's variants at low and high pitch
 *   (`-p`), two shifted down or up an octave by sox. Its pitch moves, so the truth is aubio's
 *   (bench/voice/aubio.ts: yinfft and mcomb where they agree).
 * - glides: a synthesized voice (a harmonic source with a -12 dB/octave tilt through three vowel
 *   formant resonators) gliding between two notes over MIDI 36-84 at 3-24 semitones per second,
 *   up and down; the truth is the pitch it was made with, at every sample.
 * - breathy: espeak-ng's whisper variants speaking. They are not whisper: their voice files keep
 *   `voicing 17` (a periodic part at 17 % beside the breath noise), so they are judged like
 *   speech, against aubio's agreed pitch.
 * - whisper and breath (should keep the gate shut): noise through the same vowel formants as the
 *   glides (a whispered vowel, no period at all); breath noise (low-passed twice) in
 *   inhale/exhale envelopes of 0.5-1.2 s, at -40 to -12 dBFS.
 *
 * All at 48 kHz, 100 ms of silence first.
 */
export interface GlideSegment {
  /** Seconds from the phrase start. */
  start: number;
  end: number;
  from: number;
  to: number;
}

export interface OtherPhrase {
  name: string;
  kind: 'speech' | 'glide' | 'breathy' | 'whisper' | 'breath';
  sampleRate: number;
  samples: Float32Array;
  /** Glides: where the pitch is known (the truth) and how it moves: linear in semitones from `from` to `to`. */
  glides?: GlideSegment[];
}

const RATE = 48000;

/** Vowel formants (Hz, bandwidth Hz) for the synthesized voice: a, i, u, o, e. */
const FORMANTS: [number, number][][] = [
  [[730, 90], [1090, 110], [2440, 170]],
  [[270, 60], [2290, 100], [3010, 170]],
  [[300, 60], [870, 90], [2240, 150]],
  [[570, 80], [840, 90], [2410, 160]],
  [[530, 70], [1840, 100], [2480, 160]],
];

/** Two-pole resonators in parallel (unit peak gain each), the formant filter of a vowel. */
function formantFilter(x: Float32Array, vowel: [number, number][], fs: number): Float32Array {
  const y = new Float32Array(x.length);
  for (const [f, bw] of vowel) {
    const r = Math.exp((-Math.PI * bw) / fs);
    const a1 = 2 * r * Math.cos((2 * Math.PI * f) / fs);
    const a2 = -r * r;
    const g = 1 - r;
    let y1 = 0;
    let y2 = 0;
    for (let i = 0; i < x.length; i++) {
      const v = g * x[i] + a1 * y1 + a2 * y2;
      y2 = y1;
      y1 = v;
      y[i] += v;
    }
  }
  return y;
}

/** Scales x to an RMS of `db` dBFS with 30-ms raised-cosine fades at both ends. */
function shape(x: Float32Array, db: number, fs: number): Float32Array {
  let e = 0;
  for (const v of x) e += v * v;
  const gain = 10 ** (db / 20) / Math.sqrt(e / x.length + 1e-20);
  const fade = Math.round(0.03 * fs);
  for (let i = 0; i < x.length; i++) {
    const w = Math.min(1, i / fade, (x.length - 1 - i) / fade);
    x[i] *= gain * (w < 1 ? 0.5 - 0.5 * Math.cos(Math.PI * w) : 1);
  }
  return x;
}

/** The synthesized voice: pitch from `midiAt(t)`, harmonics up to 5 kHz with a -12 dB/octave tilt, through a vowel's formants. */
export function formantVoice(seconds: number, midiAt: (t: number) => number, vowel: number, db = -18, fs = RATE): Float32Array {
  const n = Math.round(seconds * fs);
  const src = new Float32Array(n);
  let phase = 0;
  for (let i = 0; i < n; i++) {
    const f = 440 * 2 ** ((midiAt(i / fs) - 69) / 12);
    phase += (2 * Math.PI * f) / fs;
    for (let k = 1; k * f < 5000; k++) src[i] += Math.sin(k * phase) / (k * k);
  }
  return shape(formantFilter(src, FORMANTS[vowel % FORMANTS.length], fs), db, fs);
}

/** White noise from an LCG in [-1, 1). */
function noise(n: number, rand: () => number): Float32Array {
  return Float32Array.from({ length: n }, () => 2 * rand() - 1);
}

/** Breath: noise low-passed twice (one-pole at 1.5 kHz and 4 kHz), under a rise-and-fall envelope. */
function breath(seconds: number, db: number, rand: () => number, fs = RATE): Float32Array {
  const x = noise(Math.round(seconds * fs), rand);
  for (const fc of [1500, 4000]) {
    const a = Math.exp((-2 * Math.PI * fc) / fs);
    let y = 0;
    for (let i = 0; i < x.length; i++) x[i] = y = (1 - a) * x[i] + a * y;
  }
  for (let i = 0; i < x.length; i++) x[i] *= Math.sin((Math.PI * i) / x.length) ** 2;
  return shape(x, db, fs);
}

function espeak(m: VoiceMaker, args: string[], text: string, cents = 0): Float32Array {
  const raw = join(m.dir, 'speech.wav');
  const out = join(m.dir, 'speech48.wav');
  execFileSync('espeak-ng', [...args, '-w', raw, text], { env: { ...process.env, ESPEAK_DATA_PATH: join(m.data, '..') }, stdio: 'pipe' });
  execFileSync('sox', [raw, '-r', String(RATE), out, 'gain', '-6', ...(cents !== 0 ? ['pitch', String(cents)] : []), 'rate', String(RATE), 'gain', '-n', '-6'], { stdio: 'pipe' });
  const w = readWav(out);
  return w.sampleRate === RATE ? w.samples : resample(w.samples, w.sampleRate, RATE);
}

const SENTENCES = [
  'Every singer warms up with a few scales before the show.',
  'The quiet river runs along the valley in the morning.',
  'Please bring the blue notebook back to my desk tomorrow.',
  'We listened to the rain and waited for the music to begin.',
];

const lead = () => new Float32Array(0.1 * RATE);

/**
 * The other held-out voices. `seed` draws the glides' notes, rates and vowels and the breaths'
 * lengths and levels (41 for the reported set, never used to choose anything).
 */
export function makeOtherVoices(seed = 41): OtherPhrase[] {
  const m = newVoiceMaker();
  const rand = lcg(seed);
  const out: OtherPhrase[] = [];
  const speech: [string, string[], number][] = [
    ['speech-m-low', ['-v', 'en+m3', '-p', '20', '-s', '150'], 0],
    ['speech-m-high', ['-v', 'en+m1', '-p', '80', '-s', '150'], 0],
    ['speech-f-low', ['-v', 'en+f2', '-p', '25', '-s', '150'], 0],
    ['speech-f-high', ['-v', 'en+f4', '-p', '75', '-s', '150'], 0],
    ['speech-m-sox-down', ['-v', 'en+m2', '-p', '40', '-s', '150'], -700],
    ['speech-f-sox-up', ['-v', 'en+f1', '-p', '50', '-s', '150'], 1000],
  ];
  speech.forEach(([name, args, cents], i) => out.push({ name, kind: 'speech', sampleRate: RATE, samples: concat([lead(), espeak(m, args, SENTENCES[i % SENTENCES.length], cents), lead()]) }));

  out.push(...makeGlides(rand));
  // breathy: espeak-ng's whisper variants (voicing 17); whisper: noise through vowel formants
  out.push({ name: 'breathy-espeak-m', kind: 'breathy', sampleRate: RATE, samples: concat([lead(), espeak(m, ['-v', 'en+whisper', '-s', '140'], SENTENCES[0]), lead()]) });
  out.push({ name: 'breathy-espeak-f', kind: 'breathy', sampleRate: RATE, samples: concat([lead(), espeak(m, ['-v', 'en+whisperf', '-s', '140'], SENTENCES[1]), lead()]) });
  out.push(...makeWhisperAndBreath(rand));
  return out;
}

/** The glide phrases (no external tool): 6 phrases of 2 glides each over MIDI 36-84. */
export function makeGlides(rand: () => number): OtherPhrase[] {
  const out: OtherPhrase[] = [];
  // glides: 4 per register pair, each 0.6-2 s with 0.2 s held at both ends (the truth covers the whole note)
  const spans: [number, number][] = [[36, 50], [45, 62], [55, 72], [65, 84], [36, 60], [60, 84]];
  spans.forEach(([lo, hi], g) => {
    const parts: Float32Array[] = [lead()];
    const glides: GlideSegment[] = [];
    let at = 0.1;
    for (let k = 0; k < 2; k++) {
      const a = lo + rand() * (hi - lo);
      let b = lo + rand() * (hi - lo);
      if (Math.abs(b - a) < 5) b = a + (a < (lo + hi) / 2 ? 7 : -7);
      const rate = 3 + rand() * 21;
      const move = Math.abs(b - a) / rate;
      const hold = 0.2;
      const seconds = move + 2 * hold;
      const midiAt = (t: number) => (t < hold ? a : t > hold + move ? b : a + ((b - a) * (t - hold)) / move);
      parts.push(formantVoice(seconds, midiAt, Math.floor(rand() * FORMANTS.length), -24 + 12 * rand()), new Float32Array(0.15 * RATE));
      glides.push({ start: at, end: at + seconds, from: a, to: b });
      // the held ends and the move, as one piecewise-linear truth (see glideTruth)
      at += seconds + 0.15;
    }
    parts.push(lead());
    out.push({ name: `glide-${lo}-${hi}-${g + 1}`, kind: 'glide', sampleRate: RATE, samples: concat(parts), glides });
  });

  return out;
}

/** Noise-excited whispered vowels and breaths (no external tool), where the gate should stay shut. */
export function makeWhisperAndBreath(rand: () => number): OtherPhrase[] {
  const out: OtherPhrase[] = [];
  const vowels: Float32Array[] = [lead()];
  for (let v = 0; v < FORMANTS.length; v++) vowels.push(shape(formantFilter(noise(Math.round((0.4 + 0.4 * rand()) * RATE), rand), FORMANTS[v], RATE), -30 + 15 * rand(), RATE), new Float32Array(0.1 * RATE));
  out.push({ name: 'whisper-vowels', kind: 'whisper', sampleRate: RATE, samples: concat(vowels) });

  // breath: inhale/exhale pairs at increasing levels
  const breaths: Float32Array[] = [lead()];
  for (const db of [-40, -30, -22, -16, -12]) breaths.push(breath(0.5 + 0.7 * rand(), db, rand), new Float32Array(0.2 * RATE), breath(0.5 + 0.7 * rand(), db - 3, rand), new Float32Array(0.3 * RATE));
  out.push({ name: 'breath', kind: 'breath', sampleRate: RATE, samples: concat(breaths) });
  return out;
}

/** The pitch a glide phrase was made with at `t`, NaN outside its notes (and within 30 ms of their ends). */
export function glideTruth(p: OtherPhrase, t: number): number {
  for (const g of p.glides ?? []) {
    if (t < g.start + 0.03 || t > g.end - 0.03) continue;
    const seconds = g.end - g.start;
    const hold = 0.2;
    const move = seconds - 2 * hold;
    const u = t - g.start;
    return u < hold ? g.from : u > hold + move ? g.to : g.from + ((g.to - g.from) * (u - hold)) / move;
  }
  return NaN;
}

/** What the fused stream did on one phrase: judged frames and hits (pitch within 0.5 st), and the gate's open frames. */
export interface OtherScore {
  name: string;
  kind: OtherPhrase['kind'];
  frames: number;
  gateOpenFrames: number;
  /** Gate openings (closed -> open). */
  gateOpenings: number;
  judged: number;
  hits: number;
}

/**
 * Scores a stream's track on one phrase: glides against the pitch they were made with, speech
 * and breathy speech against aubio's agreed pitch (`truthAt`, NaN where it has none), whisper and breath by the gate
 * alone (it should stay shut). The note is judged on every frame that has a truth, the gate open
 * or not (a held note is what a synth driven by it would play).
 */
export function scoreOther(p: OtherPhrase, track: { time: number[]; midi: number[]; gate?: number[] }, truthAt?: (t: number) => number): OtherScore {
  const s: OtherScore = { name: p.name, kind: p.kind, frames: track.time.length, gateOpenFrames: 0, gateOpenings: 0, judged: 0, hits: 0 };
  let open = false;
  track.time.forEach((t, k) => {
    const g = (track.gate?.[k] ?? 0) > 0.5;
    if (g) s.gateOpenFrames++;
    if (g && !open) s.gateOpenings++;
    open = g;
    const truth = p.kind === 'glide' ? glideTruth(p, t) : (p.kind === 'speech' || p.kind === 'breathy') && truthAt ? truthAt(t) : NaN;
    if (!Number.isFinite(truth)) return;
    s.judged++;
    if (Math.abs(track.midi[k] - truth) <= 0.5) s.hits++;
  });
  return s;
}

type Track = { time: number[]; midi: number[]; gate?: number[] };

/**
 * The other held-out voices through a stream (`track`), beside [sigmund~] where `sigmundTrack`
 * is given (pitched kinds only; its last pitch held where it finds none), and `truth` (aubio's
 * agreed pitch) for speech: one row per kind, and every phrase's score.
 */
export async function otherVoiceRows(
  track: (p: OtherPhrase) => Promise<Track>,
  truth: ((p: OtherPhrase) => (t: number) => number) | undefined,
  sigmundTrack?: (p: OtherPhrase) => Track,
  seed = 41,
): Promise<{ rows: Record<string, unknown>[]; phrases: OtherScore[] }> {
  const phrases = makeOtherVoices(seed);
  const ours: OtherScore[] = [];
  const theirs: OtherScore[] = [];
  for (const p of phrases) {
    const needsTruth = p.kind === 'speech' || p.kind === 'breathy';
    const at = needsTruth ? truth?.(p) : undefined;
    if (needsTruth && !at) continue;
    ours.push(scoreOther(p, await track(p), at));
    if (sigmundTrack && p.kind !== 'whisper' && p.kind !== 'breath') theirs.push(scoreOther(p, sigmundTrack(p), at));
  }
  const pct = (a: number, b: number) => (b > 0 ? Math.round((1000 * a) / b) / 10 : NaN);
  const sum = (v: OtherScore[], k: keyof OtherScore) => v.reduce((n, s) => n + (s[k] as number), 0);
  const rows: Record<string, unknown>[] = [];
  for (const kind of ['speech', 'glide', 'breathy', 'whisper', 'breath'] as const) {
    const o = ours.filter((s) => s.kind === kind);
    if (o.length === 0) continue;
    const t = theirs.filter((s) => s.kind === kind);
    const pitched = kind !== 'whisper' && kind !== 'breath';
    rows.push({
      set: `others (seed ${seed})`, kind, phrases: o.length, frames: sum(o, 'frames'),
      ...(pitched ? { judged: sum(o, 'judged'), withinHalfSemitonePct: pct(sum(o, 'hits'), sum(o, 'judged')) } : {}),
      ...(pitched && t.length ? { sigmund1024Pct: pct(sum(t, 'hits'), sum(t, 'judged')) } : {}),
      gateOpenPct: pct(sum(o, 'gateOpenFrames'), sum(o, 'frames')), gateOpenings: sum(o, 'gateOpenings'),
      truth: kind === 'glide' ? 'the pitch made' : pitched ? "aubio's agreed pitch" : 'none: the gate should stay shut',
    });
  }
  return { rows, phrases: ours };
}
