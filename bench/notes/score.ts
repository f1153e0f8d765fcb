/**
 * Note transcription scores in mir_eval's onset-only convention (note F1 without offsets): a
 * reference and an estimated note match when their onsets lie within 50 ms and their pitches
 * within 50 cents (for integer MIDI truth: the same MIDI pitch), one-to-one, the largest such
 * matching. Onset F counts onsets alone (no pitch). Onset and offset errors are taken on the
 * note-F1 matches (offset: against the written note-off).
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

/**
 * The largest one-to-one matching of reference and estimated notes whose onsets lie within
 * `tol` seconds (and, when `pitch` is given, whose pitches lie within `pitch` semitones), as
 * mir_eval's transcription metrics count it (a maximum bipartite matching, not a greedy one).
 * Augmenting paths (Kuhn's algorithm), candidates tried closest first; returns [ref, est] pairs.
 */
export function matchNotes(ref: ScoredNote[], est: ScoredNote[], tol: number, pitch?: number): Array<[number, number]> {
  const hits: number[][] = ref.map((r) =>
    est
      .map((e, j) => ({ j, d: Math.abs(r.onset - e.onset) }))
      // 1e-9: an onset exactly 50 ms away counts (floating point would drop it at random).
      .filter(({ j, d }) => d <= tol + 1e-9 && (pitch === undefined || Math.abs(r.midi - est[j].midi) <= pitch + 1e-9))
      .sort((a, b) => a.d - b.d)
      .map(({ j }) => j),
  );
  const estOwner = new Int32Array(est.length).fill(-1);
  const augment = (i: number, seen: Uint8Array): boolean => {
    for (const j of hits[i]) {
      if (seen[j]) continue;
      seen[j] = 1;
      if (estOwner[j] < 0 || augment(estOwner[j], seen)) {
        estOwner[j] = i;
        return true;
      }
    }
    return false;
  };
  for (let i = 0; i < ref.length; i++) augment(i, new Uint8Array(est.length));
  const out: Array<[number, number]> = [];
  estOwner.forEach((i, j) => {
    if (i >= 0) out.push([i, j]);
  });
  return out.sort((a, b) => a[0] - b[0]);
}

export function scoreClip(ref: ScoredNote[], est: ScoredNote[]): Scores {
  const onset = matchNotes(ref, est, ONSET_TOLERANCE);
  const note = matchNotes(ref, est, ONSET_TOLERANCE, PITCH_TOLERANCE);
  return {
    reference: ref.length,
    estimated: est.length,
    onsetMatches: onset.length,
    noteMatches: note.length,
    onsetErrors: note.map(([i, j]) => est[j].onset - ref[i].onset),
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
