import { MbError } from '../core/errors';
import type { Hz, Midi, Seconds } from '../core/units';
import { resample } from '../audio/resample';
import { onsetFeatures, pickPeaks } from '../dsp/onsets';
import { FramePowerSpectrum } from '../dsp/stft';
import { CHORD_OFF_HARMONIC, HARM_FFT, HARM_WINDOW, noteSpectrum, offHarmonicShare, POLYPHONIC_SHARE, TONAL_SHARE, tonalShare } from './note-flags';
import { joinOctaveErrors, median, pieceMedian, pitchTrack, splitByPitch, type PitchTrack } from './pitch-track';
import { FRAME_RATE, HOP, MIN_SPLIT_FRAMES, ONSET_SHIFT_FRAMES, TRANSCRIBE_RATE } from './transcribe-frames';

export { TRANSCRIBE_RATE } from './transcribe-frames';
export { POLYPHONIC_SHARE } from './note-flags';

/**
 * Note segmentation and pitch by DSP, for melodies of any rhythm over MIDI 36-96:
 *
 * - level: the RMS level per 8-ms frame gates rests: a frame sounds while it is within
 *   `rangeDb` of the loudest frame and above `floorDb`;
 * - onsets: peaks of the SuperFlux onset strength (src/dsp/onsets.ts) inside sounding
 *   frames, plus every rise from a rest; and a pitch change of at least `splitSemitones`
 *   held for 40 ms inside a note (a legato note change without a new attack);
 * - a note that follows another without a rest starts at the attack before it when YIN heard
 *   its pitch only later, under the old note's tail (backdateChanges);
 * - offsets: the next onset, or the first frame where the note's level has fallen
 *   `releaseDb` below its peak or the gate closes;
 * - pitch: YIN (src/dsp/yin.ts) per frame on 64-ms windows at 16 kHz (60-2200 Hz), the
 *   median over the note's voiced frames, as MIDI with cents.
 *
 * A note with too few voiced frames is kept with `pitched: false` (drums, noise, chords), and
 * audio that is mostly chords gets `polyphonic` (see Transcription). Audio longer than
 * LONG_SECONDS is analysed in 30-s chunks (bounded working memory, `onProgress` per chunk).
 *
 * @example
 * const { notes } = transcribeNotes(samples, 44100);
 * notes[0]; // { onset: 0.12, offset: 0.48, midi: 60.07, cents: 7, ... }
 */
export interface TranscribeOptions {
  /** Onset threshold, in units of the flux's 99th percentile above its local mean; default 0.12. */
  onsetThreshold?: number;
  /** Frames within this many dB of the loudest sound; default 45. */
  rangeDb?: number;
  /** Absolute level below which a frame is a rest; default -80 dBFS. */
  floorDb?: number;
  /** A note ends when its level falls this far below its own peak; default 40 dB. */
  releaseDb?: number;
  /** Pitch change inside a note that starts a new one; default 0.8 semitone. */
  splitSemitones?: number;
  /**
   * An onset that follows a note of the same pitch without a rest starts a new note only when
   * the level rises by at least this much (a re-struck key); weaker ones (a sampled note's loop,
   * bowing, breath, vibrato) continue the note. Default 6 dB.
   */
  repeatRiseDb?: number;
  /** Called with the share done (0-1) after each chunk of a long file, and with 1 at the end. */
  onProgress?: (fraction: number) => void;
  /** Shortest note kept; default 0.04 s. */
  minNoteSeconds?: Seconds;
}

/**
 * One transcribed note.
 * @example `${n.midi.toFixed(2)} at ${n.onset} s`
 */
export interface TranscribedNote {
  onset: Seconds;
  offset: Seconds;
  /** MIDI with cents (median of the voiced frames); NaN when unpitched. */
  midi: Midi;
  /** Nearest MIDI note. */
  key: number;
  /** Cents from `key`, in [-50, 50]. */
  cents: number;
  /** Fraction of the note's frames YIN found voiced. */
  voiced: number;
  pitched: boolean;
  /** Peak frame level, dBFS. */
  peakDb: number;
  /** Share of the note's spectral peak power on one harmonic series (0 when unpitched): low for a chord. */
  harmonicity: number;
  /** Unpitched but made of tones (a chord YIN found no pitch in), not noise. */
  tonal: boolean;
}

/**
 * The result of transcribeNotes.
 * @example if (t.silent) console.log('no notes');
 */
export interface Transcription {
  notes: TranscribedNote[];
  /** Analysis frames per second (125). */
  frameRate: number;
  silent: boolean;
  /** Some sounding notes have no pitch (noise, drums, chords). */
  unpitched: boolean;
  /**
   * At least POLYPHONIC_SHARE of the notes are chords (off one harmonic series) or unpitched, and
   * some have a pitch or are tonal: the audio is chords or several voices, not a melody. The notes are still
   * listed; inferNotes gives none for such audio.
   */
  polyphonic: boolean;
}


/**
 * Transcribes a monophonic melody (any sample rate, any length) into notes; see TranscribeOptions.
 * Throws MB_ERR_BAD_AUDIO for empty or non-finite audio.
 */
export function transcribeNotes(audio: Float32Array, sampleRate: Hz, options: TranscribeOptions = {}): Transcription {
  if (audio.length === 0) throw new MbError('MB_ERR_BAD_AUDIO', 'audio is empty');
  for (let i = 0; i < audio.length; i++) if (!Number.isFinite(audio[i])) throw new MbError('MB_ERR_BAD_AUDIO', `audio sample ${i} is not finite`);
  const seconds = audio.length / sampleRate;
  if (seconds <= LONG_SECONDS) {
    const t = transcribeWhole(audio, sampleRate, options);
    options.onProgress?.(1);
    return t;
  }
  // Long audio: CHUNK_SECONDS at a time, each analysed with CHUNK_LEAD before and CHUNK_TAIL
  // after it, keeping the notes that begin inside it; the working memory (16-kHz copy, spectra,
  // pitch track) is that of one chunk.
  const notes: TranscribedNote[] = [];
  for (let core = 0; core < seconds; core += CHUNK_SECONDS) {
    const from = Math.max(0, core - CHUNK_LEAD);
    const to = Math.min(seconds, core + CHUNK_SECONDS + CHUNK_TAIL);
    const piece = audio.subarray(Math.floor(from * sampleRate), Math.ceil(to * sampleRate));
    for (const n of transcribeWhole(piece, sampleRate, options).notes) {
      const onset = n.onset + from;
      if (onset >= core && onset < core + CHUNK_SECONDS) notes.push({ ...n, onset: round3(onset), offset: round3(n.offset + from) });
    }
    options.onProgress?.(Math.min(1, (core + CHUNK_SECONDS) / seconds));
  }
  return { notes, frameRate: FRAME_RATE, silent: notes.length === 0, unpitched: notes.some((n) => !n.pitched), polyphonic: isPolyphonic(notes) };
}

/** Audio longer than this is transcribed in chunks (src: transcribeNotes). */
export const LONG_SECONDS: Seconds = 60;
const CHUNK_SECONDS: Seconds = 30;
const CHUNK_LEAD: Seconds = 1;
/** Longer than the plant's longest note (4 s), so a note begun near a chunk's end ends in its tail. */
const CHUNK_TAIL: Seconds = 5;

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/** See Transcription.polyphonic. */
function isPolyphonic(notes: TranscribedNote[]): boolean {
  // Chords: notes off one harmonic series, or without a pitch; but audio with neither a pitched
  // nor a tonal note is noise (unpitched), not chords.
  const chordLike = notes.filter((n) => !n.pitched || n.harmonicity < 1 - CHORD_OFF_HARMONIC).length;
  return notes.length > 0 && chordLike >= POLYPHONIC_SHARE * notes.length && notes.some((n) => n.pitched || n.tonal);
}

function transcribeWhole(audio: Float32Array, sampleRate: Hz, options: TranscribeOptions): Transcription {
  const o = {
    onsetThreshold: options.onsetThreshold ?? 0.12,
    rangeDb: options.rangeDb ?? 45,
    floorDb: options.floorDb ?? -80,
    releaseDb: options.releaseDb ?? 40,
    splitSemitones: options.splitSemitones ?? 0.8,
    repeatRiseDb: options.repeatRiseDb ?? 6,
    minFrames: Math.max(1, Math.round((options.minNoteSeconds ?? 0.04) * FRAME_RATE)),
  };
  const x = sampleRate === TRANSCRIBE_RATE ? audio : resample(audio, sampleRate, TRANSCRIBE_RATE);
  const removeDc = dcRemoved(x);
  const f = onsetFeatures(removeDc, { sampleRate: TRANSCRIBE_RATE, hop: HOP, nFft: 512 });
  const loudest = f.levelDb.reduce((m, v) => Math.max(m, v), -120);
  const gate = Math.max(o.floorDb, loudest - o.rangeDb);
  const sounding = (t: number): boolean => f.levelDb[t] > gate;
  if (loudest <= o.floorDb) return { notes: [], frameRate: FRAME_RATE, silent: true, unpitched: false, polyphonic: false };
  const track = pitchTrack(removeDc, f.frames);
  const starts = new Set<number>();
  for (const p of pickPeaks(f.flux, { threshold: o.onsetThreshold })) {
    const t = Math.max(0, p - ONSET_SHIFT_FRAMES);
    if (sounding(p) || sounding(Math.min(f.frames - 1, p + 2))) starts.add(t);
  }
  for (let t = 0; t < f.frames; t++) {
    if (sounding(t) && (t === 0 || !sounding(t - 1)) && ![...starts].some((s) => Math.abs(s - t) <= 4)) starts.add(t);
  }
  const onsets = [...starts].sort((a, b) => a - b);
  const segments: Array<[number, number]> = [];
  onsets.forEach((a, i) => {
    const limit = i + 1 < onsets.length ? onsets[i + 1] : f.frames;
    let peak = -120;
    let b = a;
    while (b < limit && (b < a + 3 || sounding(b))) {
      peak = Math.max(peak, f.levelDb[b]);
      if (b > a + 3 && f.levelDb[b] < peak - o.releaseDb) break;
      b++;
    }
    segments.push(...splitByPitch(track, f.flux, a, b, o.splitSemitones));
  });
  const kept = backdateChanges(mergeRepeats(joinOctaveErrors(segments.filter(([a, b]) => b - a >= o.minFrames), track), track, f.levelDb, o.repeatRiseDb, o.splitSemitones), f.flux);
  const spec = new FramePowerSpectrum(HARM_FFT, HARM_WINDOW);
  const notes = kept.map(([a, b]) => {
    const n = noteOf(track, f.levelDb, a, b);
    if (n.pitched) n.harmonicity = Math.round(1000 * (1 - offHarmonicShare(noteSpectrum(removeDc, spec, a, b, 0)))) / 1000;
    else n.tonal = tonalShare(noteSpectrum(removeDc, spec, a, b, (HARM_FFT - HARM_WINDOW) / 2)) >= TONAL_SHARE;
    return n;
  });
  return { notes, frameRate: FRAME_RATE, silent: notes.length === 0, unpitched: notes.some((n) => !n.pitched), polyphonic: isPolyphonic(notes) };
}

/** How far back (frames, 200 ms) a note that follows another without a rest may move to an attack YIN did not hear yet. */
const BACKDATE_FRAMES = 25;
/** That attack's onset strength over the larger of the previous note's median strength and the strength at the note's start. */
const BACKDATE_RATIO = 1.5;

/**
 * A note that follows another without a rest often starts where YIN first hears its pitch,
 * which for slow samples (strings, flute) under the previous note's tail comes 100-300 ms after
 * the attack; the attack itself was an onset whose piece had the old pitch and joined the old
 * note. The boundary moves back to the strongest onset strength in the BACKDATE_FRAMES before
 * it when that stands out (BACKDATE_RATIO) from the old note's bowing, breath or loop noise and
 * from the strength at the boundary. Tuned on development seed 2101 (TimGM6mb) only.
 */
function backdateChanges(segs: Array<[number, number]>, flux: Float32Array): Array<[number, number]> {
  for (let i = 1; i < segs.length; i++) {
    const prev = segs[i - 1];
    const cur = segs[i];
    if (cur[0] - prev[1] > 1) continue;
    let best = -1;
    for (let t = Math.max(prev[0] + MIN_SPLIT_FRAMES, cur[0] - BACKDATE_FRAMES); t < cur[0] - 2; t++) if (best < 0 || flux[t] > flux[best]) best = t;
    if (best < 0) continue;
    const body: number[] = [];
    for (let t = prev[0] + 4; t < prev[1]; t++) body.push(flux[t]);
    let atStart = 0;
    for (let t = Math.max(0, cur[0] - 1); t < Math.min(flux.length, cur[0] + 3); t++) atStart = Math.max(atStart, flux[t]);
    if (flux[best] > BACKDATE_RATIO * Math.max(median(body), atStart)) {
      const to = Math.max(prev[0] + 1, best - ONSET_SHIFT_FRAMES);
      prev[1] = to;
      cur[0] = to;
    }
  }
  return segs;
}

/** Level rise at frame a: the mean level (dB) of the next 4 frames over that of the 6 before (means: a chorus or a loop beats by several dB from frame to frame). */
function riseAt(levelDb: Float32Array, a: number): number {
  let before = 0;
  let nb = 0;
  for (let t = Math.max(0, a - 6); t < a; t++, nb++) before += levelDb[t];
  let after = 0;
  let na = 0;
  for (let t = a; t < Math.min(levelDb.length, a + 4); t++, na++) after += levelDb[t];
  return nb && na ? after / na - before / nb : Infinity;
}

/** Joins a segment to the one before it when they touch, share the pitch and the level barely rises between them. */
function mergeRepeats(segments: Array<[number, number]>, track: PitchTrack, levelDb: Float32Array, riseDb: number, semitones: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const [a, b] of segments) {
    const prev = out[out.length - 1];
    if (prev && a - prev[1] <= 1 && riseAt(levelDb, a) < riseDb) {
      const p = pieceMedian(track, prev[0], prev[1]);
      const q = pieceMedian(track, a, b);
      if (Number.isFinite(p) && Number.isFinite(q) && Math.abs(p - q) < semitones) {
        prev[1] = b;
        continue;
      }
    }
    out.push([a, b]);
  }
  return out;
}




function noteOf(track: PitchTrack, levelDb: Float32Array, a: number, b: number): TranscribedNote {
  // Skip the attack's first 24 ms where the note is long enough: its pitch is least stable.
  const from = b - a > 8 ? a + 3 : a;
  const voiced: number[] = [];
  let peakDb = -120;
  for (let t = a; t < b; t++) peakDb = Math.max(peakDb, levelDb[t]);
  for (let t = from; t < b; t++) if (Number.isFinite(track.midi[t]) && levelDb[t] > peakDb - 30) voiced.push(track.midi[t]);
  const share = voiced.length / Math.max(1, b - from);
  const pitched = voiced.length >= 3 && share >= 0.3;
  const midi = pitched ? median(voiced) : NaN;
  const key = pitched ? Math.round(midi) : 0;
  return {
    onset: a / FRAME_RATE,
    offset: b / FRAME_RATE,
    midi,
    key,
    cents: pitched ? Math.round(100 * (midi - key)) : 0,
    voiced: share,
    pitched,
    peakDb,
    harmonicity: 0,
    tonal: false,
  };
}

/** The signal less its mean (a DC offset would otherwise bias YIN and the level gate). */
function dcRemoved(x: Float32Array): Float32Array {
  let mean = 0;
  for (let i = 0; i < x.length; i++) mean += x[i];
  mean /= x.length;
  if (Math.abs(mean) < 1e-9) return x;
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = x[i] - mean;
  return out;
}
