import { hzToMidi } from '../core/units';
import { Yin } from '../dsp/yin';
import { MIN_SPLIT_FRAMES, ONSET_SHIFT_FRAMES, HOP, TRANSCRIBE_RATE, YIN_FRAME } from './transcribe-frames';

/**
 * The transcription's pitch (src/mirror/transcribe.ts): YIN per frame, the cuts where a note's
 * pitch changes, and the joins of YIN's octave errors.
 * @example const track = pitchTrack(x16k, frames); pieceMedian(track, 10, 40) // 64.02
 */
const HOLD_FRAMES = 5;

export interface PitchTrack {
  midi: Float32Array;
  confidence: Float32Array;
}

export function pitchTrack(x: Float32Array, frames: number): PitchTrack {
  const yin = new Yin({ sampleRate: TRANSCRIBE_RATE, frameLength: YIN_FRAME, fmin: 60, fmax: 2200, threshold: 0.2 });
  const padded = new Float32Array(x.length + YIN_FRAME);
  padded.set(x, YIN_FRAME / 2);
  const midi = new Float32Array(frames).fill(NaN);
  const confidence = new Float32Array(frames);
  for (let t = 0; t < frames; t++) {
    const { f0, confidence: c } = yin.estimate(padded.subarray(t * HOP, t * HOP + YIN_FRAME));
    confidence[t] = c;
    if (f0 > 0) midi[t] = hzToMidi(f0);
  }
  return { midi, confidence };
}

export function median(values: number[]): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : 0.5 * (s[m - 1] + s[m]);
}

/** Frames (within [a, b)) where the pitch leaves the running note by splitSemitones for HOLD_FRAMES. */
function pitchSplits(track: PitchTrack, a: number, b: number, semitones: number): number[] {
  const splits: number[] = [];
  const recent: number[] = [];
  let away = 0;
  // The last frame heard at the running pitch: the change starts after it (unvoiced frames between count to the new note).
  let lastNear = a;
  for (let t = a; t < b; t++) {
    const m = track.midi[t];
    if (!Number.isFinite(m)) continue;
    const ref = median(recent.slice(-HOLD_FRAMES * 2));
    if (recent.length >= HOLD_FRAMES && Math.abs(m - ref) >= semitones) {
      away++;
      if (away >= HOLD_FRAMES) {
        const start = t - HOLD_FRAMES + 1;
        splits.push(Math.min(start, lastNear + 1));
        recent.length = 0;
        for (let u = start; u <= t; u++) if (Number.isFinite(track.midi[u])) recent.push(track.midi[u]);
        away = 0;
      }
      continue;
    }
    away = 0;
    lastNear = t;
    recent.push(m);
  }
  return splits;
}

/**
 * The note [a, b) cut where its pitch changes. The search starts half a YIN window after the
 * onset (before that the window still hears the previous note), and a piece shorter than
 * MIN_SPLIT_FRAMES, or with the pitch of the piece before it, joins that piece: a transient
 * pitch error is not a note.
 */
export function splitByPitch(track: PitchTrack, flux: Float32Array, a: number, b: number, semitones: number): Array<[number, number]> {
  const from = a + YIN_FRAME / 2 / HOP;
  const cuts = snapToFlux(from < b ? pitchSplits(track, from, b, semitones) : [], flux, a);
  const pieces: Array<[number, number]> = [];
  let start = a;
  for (const c of [...cuts, b]) {
    if (c - start < MIN_SPLIT_FRAMES && pieces.length > 0 && c !== b) continue;
    if (pieces.length > 0 && (c - start < MIN_SPLIT_FRAMES || Math.abs(pieceMedian(track, start, c) - pieceMedian(track, ...pieces[pieces.length - 1])) < semitones)) {
      pieces[pieces.length - 1][1] = c;
    } else pieces.push([start, c]);
    start = c;
  }
  return pieces;
}

/** How far back (frames, 96 ms) a pitch change's cut may move to the strongest onset strength: the new note's attack, which YIN hears only once it outgrows the old note's tail. */
const SNAP_BACK_FRAMES = 12;

function snapToFlux(cuts: number[], flux: Float32Array, a: number): number[] {
  let floor = a + MIN_SPLIT_FRAMES;
  return cuts.map((c) => {
    let best = c;
    for (let t = Math.max(floor, c - SNAP_BACK_FRAMES); t <= c; t++) if (flux[t] > flux[best]) best = t;
    floor = best + MIN_SPLIT_FRAMES;
    return Math.max(0, best - ONSET_SHIFT_FRAMES);
  });
}

export function pieceMedian(track: PitchTrack, a: number, b: number): number {
  const v: number[] = [];
  for (let t = a; t < b; t++) if (Number.isFinite(track.midi[t])) v.push(track.midi[t]);
  return median(v);
}

/** Shortest piece that may be a note of its own when its pitch is an octave or a twelfth from its neighbour's (120 ms). */
const OCTAVE_ERROR_FRAMES = 15;
const OCTAVE_INTERVALS = [12, 19, 24, 28, 31];

/**
 * YIN's octave errors at attacks and note changes: a short piece whose pitch lies an octave, a
 * twelfth or two octaves from the touching piece after it (or else before it) is that note's
 * attack or tail, not a note; it joins that piece (keeping the earlier onset).
 */
export function joinOctaveErrors(segments: Array<[number, number]>, track: PitchTrack): Array<[number, number]> {
  const segs = segments.map(([a, b]) => [a, b] as [number, number]);
  const related = (x: [number, number], y: [number, number]): boolean => {
    const d = Math.abs(pieceMedian(track, x[0], x[1]) - pieceMedian(track, y[0], y[1]));
    return OCTAVE_INTERVALS.some((k) => Math.abs(d - k) < 0.6);
  };
  const out: Array<[number, number]> = [];
  for (let i = 0; i < segs.length; i++) {
    const s = segs[i];
    const next = segs[i + 1];
    const prev = out[out.length - 1];
    if (s[1] - s[0] < OCTAVE_ERROR_FRAMES) {
      if (next && next[0] - s[1] <= 1 && next[1] - next[0] > s[1] - s[0] && related(s, next)) {
        next[0] = s[0];
        continue;
      }
      if (prev && s[0] - prev[1] <= 1 && prev[1] - prev[0] > s[1] - s[0] && related(s, prev)) {
        prev[1] = s[1];
        continue;
      }
    }
    out.push(s);
  }
  return out;
}
