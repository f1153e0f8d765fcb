import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resample } from '../../src/audio/resample';
import { readWav } from '../../src/audio/wav';

/**
 * Held-out voices for the live voice bench (never trained on): sung vowels from espeak-ng at
 * low, middle and high pitch, with male and female formants, some shifted an octave or two by
 * sox. Truth is the pitch asked for: espeak-ng voice variants with a zero pitch range
 * (`pitch P P`, `flutter 0`) sing at a flat P - 9 Hz (espeak-ng's voices.c: pitch_base =
 * (P - 9) << 12), and sox `pitch` multiplies that by 2^(cents / 1200). A second truth that is
 * not ours, aubio's (bench/voice/aubio.ts), checks the trackers where its two methods agree.
 *
 * Each note is one vowel; its truth segment is where the vowel sounds (RMS over 10 ms within
 * 30 dB of the note's loudest), less 30 ms at each end. Notes follow each other with 80 ms of
 * silence. Audio is resampled to 48 kHz.
 */
export interface VoiceNote {
  /** Where the vowel starts sounding (the untrimmed span), seconds from the phrase start. */
  onset: number;
  /** Truth segment, seconds from the phrase start. */
  start: number;
  end: number;
  midi: number;
}

export interface VoicePhrase {
  name: string;
  register: 'low' | 'middle' | 'high';
  sampleRate: number;
  samples: Float32Array;
  notes: VoiceNote[];
}

const RATE = 48000;
const VOWELS = ['A:', 'i:', 'u:', 'O:', 'E:', 'a:'];
const REGISTERS = { low: [36, 47], middle: [48, 64], high: [65, 84] } as const;

/** espeak-ng and sox, or why the bench cannot make voices. */
export function voiceToolsMissing(): string | undefined {
  for (const tool of ['espeak-ng', 'sox']) if (spawnSync('which', [tool]).status !== 0) return `${tool} is not installed (Debian: apt install ${tool})`;
  return undefined;
}

function espeakData(): string {
  for (const d of ['/usr/lib/x86_64-linux-gnu/espeak-ng-data', '/usr/lib/aarch64-linux-gnu/espeak-ng-data', '/usr/share/espeak-ng-data']) if (existsSync(d)) return d;
  throw new Error('espeak-ng-data not found');
}

/** A small deterministic generator, so every run sings the same phrases. */
export function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (1664525 * s + 1013904223) >>> 0) / 2 ** 32);
}

export interface VoiceMaker {
  dir: string;
  data: string;
  variants: Set<string>;
}

/** One sung vowel at `hz` (an integer: espeak-ng sets whole Hz), as 48-kHz samples shifted by `cents`. */
function sing(m: VoiceMaker, vowel: string, hz: number, female: boolean, cents: number): Float32Array {
  const name = `flat${female ? 'f' : 'm'}${hz + 9}`;
  if (!m.variants.has(name)) {
    const formants = female ? 'formant 1 115 80 120\nformant 2 120 80 120\nformant 3 115 80 100\n' : '';
    writeFileSync(join(m.data, 'voices', '!v', name), `language variant\nname ${name}\ngender ${female ? 'female' : 'male'}\npitch ${hz + 9} ${hz + 9}\nflutter 0\n${formants}`);
    m.variants.add(name);
  }
  const raw = join(m.dir, 'raw.wav');
  const out = join(m.dir, 'note.wav');
  execFileSync('espeak-ng', ['-v', `en+${name}`, '-s', '90', '-w', raw, `[[${vowel}:::::::::]]`], { env: { ...process.env, ESPEAK_DATA_PATH: join(m.data, '..') }, stdio: 'pipe' });
  execFileSync('sox', [raw, '-r', String(RATE), out, 'gain', '-6', ...(cents !== 0 ? ['pitch', String(cents)] : []), 'rate', String(RATE), 'gain', '-n', '-6'], { stdio: 'pipe' });
  const w = readWav(out);
  return w.sampleRate === RATE ? w.samples : resample(w.samples, w.sampleRate, RATE);
}

/** Where the vowel sounds: 10-ms RMS within 30 dB of the loudest, trimmed by 30 ms. */
function voicedSpan(x: Float32Array): [number, number] {
  const hop = RATE / 100;
  const rms: number[] = [];
  for (let i = 0; i + hop <= x.length; i += hop) {
    let e = 0;
    for (let j = i; j < i + hop; j++) e += x[j] * x[j];
    rms.push(Math.sqrt(e / hop));
  }
  const peak = Math.max(...rms);
  const on = rms.map((r) => r > peak * 10 ** (-30 / 20));
  const first = on.indexOf(true);
  const last = on.lastIndexOf(true);
  return [(first * hop) / RATE + 0.03, ((last + 1) * hop) / RATE - 0.03];
}

/** A scratch copy of espeak-ng's data where flat-pitch voice variants can be added (voices/!v). */
export function newVoiceMaker(): VoiceMaker {
  const dir = mkdtempSync(join(tmpdir(), 'mb-voices-'));
  const data = join(dir, 'espeak-ng-data');
  // The stock variants are left out: espeak-ng lists at most 349 voices.
  cpSync(espeakData(), data, { recursive: true, filter: (src) => !src.includes(`${join('voices', '!v')}/`) });
  mkdirSync(join(data, 'voices', '!v'), { recursive: true });
  return { dir, data, variants: new Set() };
}

/** Parts (silence, notes, silence...) joined into one buffer. */
export function concat(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/**
 * One sung phrase: a vowel per note (vowels rotated by `vowelShift`), each at the whole Hz nearest
 * its MIDI note and shifted by `cents` through sox, 80 ms of silence between notes, 100 ms before.
 */
export function singPhrase(m: VoiceMaker, name: string, register: VoicePhrase['register'], midis: number[], female: boolean, cents = 0, vowelShift = 0): VoicePhrase {
  const parts: Float32Array[] = [];
  const notes: VoiceNote[] = [];
  let at = 0.1 * RATE;
  parts.push(new Float32Array(at));
  for (const [i, midi] of midis.entries()) {
    const hz = Math.round(440 * 2 ** ((midi - 69) / 12));
    const x = sing(m, VOWELS[(i + vowelShift) % VOWELS.length], hz, female, cents);
    const [s, e] = voicedSpan(x);
    notes.push({ onset: at / RATE + s - 0.03, start: at / RATE + s, end: at / RATE + e, midi: 69 + 12 * Math.log2(hz / 440) + cents / 100 });
    parts.push(x, new Float32Array(0.08 * RATE));
    at += x.length + 0.08 * RATE;
  }
  return { name, register, sampleRate: RATE, samples: concat(parts), notes };
}

/**
 * The 16 phrases of one set: 12 sung directly, 4 shifted by sox. `seed` draws the notes and
 * `vowelShift` rotates the vowels: (17, 0) is the set the voice stream's tracker settings were
 * chosen on, (29, 5) one made after that choice.
 */
export function makePhrases(seed = 29, vowelShift = 5): VoicePhrase[] {
  const m = newVoiceMaker();
  const rand = lcg(seed);
  const phrases: VoicePhrase[] = [];
  const phrase = (name: string, register: VoicePhrase['register'], midis: number[], female: boolean, cents: number) =>
    phrases.push(singPhrase(m, name, register, midis, female, cents, vowelShift));
  const melody = (lo: number, hi: number) => Array.from({ length: 5 }, () => lo + Math.floor(rand() * (hi - lo + 1)));
  for (const [register, [lo, hi]] of Object.entries(REGISTERS) as [VoicePhrase['register'], readonly [number, number]][]) {
    for (const female of [false, true]) for (let k = 0; k < 2; k++) phrase(`${register}-${female ? 'f' : 'm'}${k + 1}`, register, melody(lo, hi), female, 0);
  }
  phrase('low-m-sox', 'low', melody(48, 59), false, -1200);
  phrase('low-f-sox', 'low', melody(50, 59), true, -1400);
  phrase('high-m-sox', 'high', melody(53, 64), false, 1800);
  phrase('high-f-sox', 'high', melody(60, 72), true, 1200);
  return phrases;
}
