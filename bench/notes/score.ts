/**
 * Note transcription scores in mir_eval's onset-only convention: a reference and an estimated
 * note match when their onsets lie within 50 ms (one-to-one, closest pairs first); a note
 * counts for note F1 when it also has the same pitch within 50 cents.
 */
export interface ScoredNote {
  onset: number;
  offset: number;
  midi: number;
}

export interface Scores {
  reference: number;
  estimated: number;
  /** Onset-only matches. */
  onsetMatches: number;
  /** Matches with the pitch within 50 cents. */
  noteMatches: number;
  onsetErrors: number[];
  offsetErrors: number[];
}

export const ONSET_TOLERANCE = 0.05;
export const PITCH_TOLERANCE = 0.5;

/** Greedy closest-first one-to-one matching within `tol` seconds; returns [ref, est] index pairs. */
function matchOnsets(ref: ScoredNote[], est: ScoredNote[], tol: number, pitch?: number): Array<[number, number]> {
  const pairs: Array<[number, number, number]> = [];
  ref.forEach((r, i) => est.forEach((e, j) => {
    const d = Math.abs(r.onset - e.onset);
    if (d <= tol && (pitch === undefined || Math.abs(r.midi - e.midi) <= pitch)) pairs.push([d, i, j]);
  }));
  pairs.sort((a, b) => a[0] - b[0]);
  const usedR = new Set<number>();
  const usedE = new Set<number>();
  const out: Array<[number, number]> = [];
  for (const [, i, j] of pairs) {
    if (usedR.has(i) || usedE.has(j)) continue;
    usedR.add(i);
    usedE.add(j);
    out.push([i, j]);
  }
  return out;
}

export function scoreClip(ref: ScoredNote[], est: ScoredNote[]): Scores {
  const onset = matchOnsets(ref, est, ONSET_TOLERANCE);
  const note = matchOnsets(ref, est, ONSET_TOLERANCE, PITCH_TOLERANCE);
  return {
    reference: ref.length,
    estimated: est.length,
    onsetMatches: onset.length,
    noteMatches: note.length,
    onsetErrors: onset.map(([i, j]) => est[j].onset - ref[i].onset),
    offsetErrors: note.map(([i, j]) => est[j].offset - ref[i].offset),
  };
}

export interface Summary {
  clips: number;
  reference: number;
  estimated: number;
  onsetF: number;
  noteF1: number;
  notePrecision: number;
  noteRecall: number;
  /** Share of onset-matched notes whose pitch is within 50 cents. */
  pitchAccuracy: number;
  onsetMedianMs: number;
  onsetMedianAbsMs: number;
  offsetMedianAbsMs: number;
}

function f(matches: number, ref: number, est: number): number {
  return ref + est === 0 ? 1 : (2 * matches) / (ref + est);
}

function medianOf(v: number[]): number {
  if (v.length === 0) return NaN;
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : 0.5 * (s[m - 1] + s[m]);
}

export function summarize(scores: Scores[]): Summary {
  const sum = (k: 'reference' | 'estimated' | 'onsetMatches' | 'noteMatches'): number => scores.reduce((a, s) => a + s[k], 0);
  const [ref, est, om, nm] = [sum('reference'), sum('estimated'), sum('onsetMatches'), sum('noteMatches')];
  const onsetErrors = scores.flatMap((s) => s.onsetErrors);
  const offsetErrors = scores.flatMap((s) => s.offsetErrors);
  const r3 = (x: number): number => Math.round(x * 1000) / 1000;
  return {
    clips: scores.length,
    reference: ref,
    estimated: est,
    onsetF: r3(f(om, ref, est)),
    noteF1: r3(f(nm, ref, est)),
    notePrecision: r3(est ? nm / est : 0),
    noteRecall: r3(ref ? nm / ref : 0),
    pitchAccuracy: r3(om ? nm / om : 0),
    onsetMedianMs: r3(1000 * medianOf(onsetErrors)),
    onsetMedianAbsMs: r3(1000 * medianOf(onsetErrors.map(Math.abs))),
    offsetMedianAbsMs: r3(1000 * medianOf(offsetErrors.map(Math.abs))),
  };
}
