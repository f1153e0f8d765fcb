import { frameDescriptors } from '../../src/dsp/descriptors';
import type { VoicePhrase } from './phrases';

/**
 * What the voice does against what the synth's timbre controls do, on held-out phrases (issue 17:
 * brightness or vowel to cutoff, loudness to volume, onsets to the gate), each beside a trivial
 * baseline that uses nothing of the voice's timbre:
 * - brightness → cutoff: per sung note, the voice's mean spectral centroid (src/dsp descriptors,
 *   2048-sample frames, offline) against the stream's median cutoff; rank correlation across
 *   the set's notes and within each phrase. Baselines: a constant cutoff (no ranking: 0), and the
 *   cutoff following the note the stream plays (the centroid of a voice rises with its pitch).
 * - loudness → volume: per 8-ms frame inside a note, the voice's RMS level over the 10 ms centred
 *   on what the frame covers (offline) against the stream's volume in dB; rank correlation.
 *   Baseline: a constant volume (0).
 * - onsets → gate: share of notes whose gate opens within 30 ms of the onset, and frame
 *   accuracy of the gate against where the voice sounds (onset to the end of the vowel);
 *   baseline: an always-open gate (no onset at all; accurate on the sounding share of frames).
 * Truth is computed offline from the phrase's audio and from what espeak-ng was asked for (the
 * note spans). The fused stream's volume and cutoff are the input level and a causal spectral
 * centroid (src/mirror/voice-stream.ts): the same quantities as their truth, measured over other
 * windows, so their figures say how well a causal 16-ms estimate agrees with the offline one; the
 * model's (the old stream's) are the learned controls against the same truth.
 */
export interface TimbreTrack {
  /** Seconds from the phrase start to the centre of what frame k covers. */
  time: number[];
  /** When frame k was complete (seconds of input). */
  emitted: number[];
  midi: number[];
  gate: number[];
  cutoffHz: number[];
  volumeDb: number[];
}

export interface TimbreTally {
  /** Per note: [voice centroid Hz, stream cutoff Hz, stream note MIDI]. */
  notes: [number, number, number][];
  withinPhrase: { cutoff: number[]; note: number[] };
  /** Per frame inside a note: [voice level dB, stream volume dB]. */
  loudness: [number, number][];
  onsetsMs: number[];
  noteCount: number;
  gateFrames: { judged: number; right: number; sounding: number };
}

export const emptyTally = (): TimbreTally => ({ notes: [], withinPhrase: { cutoff: [], note: [] }, loudness: [], onsetsMs: [], noteCount: 0, gateFrames: { judged: 0, right: 0, sounding: 0 } });

const median = (v: number[]) => [...v].sort((a, b) => a - b)[v.length >> 1];
const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;

/** Spearman's rank correlation (average ranks for ties); NaN when either side is constant. */
export function spearman(pairs: [number, number][]): number {
  const rank = (v: number[]) => {
    const order = v.map((x, i) => [x, i] as const).sort((a, b) => a[0] - b[0]);
    const r = new Array<number>(v.length);
    for (let i = 0; i < order.length; ) {
      let j = i;
      while (j + 1 < order.length && order[j + 1][0] === order[i][0]) j++;
      for (let k = i; k <= j; k++) r[order[k][1]] = (i + j) / 2;
      i = j + 1;
    }
    return r;
  };
  const a = rank(pairs.map((p) => p[0]));
  const b = rank(pairs.map((p) => p[1]));
  const ma = mean(a);
  const mb = mean(b);
  let num = 0;
  let da = 0;
  let db = 0;
  for (let i = 0; i < a.length; i++) {
    num += (a[i] - ma) * (b[i] - mb);
    da += (a[i] - ma) ** 2;
    db += (b[i] - mb) ** 2;
  }
  return da > 0 && db > 0 ? num / Math.sqrt(da * db) : NaN;
}

/** RMS level in dB of `x` over `[t - 5 ms, t + 5 ms]`. */
function levelAt(x: Float32Array, fs: number, t: number): number {
  const from = Math.max(0, Math.round((t - 0.005) * fs));
  const to = Math.min(x.length, Math.round((t + 0.005) * fs));
  let e = 0;
  for (let i = from; i < to; i++) e += x[i] * x[i];
  return 10 * Math.log10(e / Math.max(1, to - from) + 1e-12);
}

/** Adds one phrase's frames to the tally. */
export function addTimbre(t: TimbreTally, track: TimbreTrack, phrase: VoicePhrase): void {
  const fs = phrase.sampleRate;
  const d = frameDescriptors(phrase.samples, { sampleRate: fs, frameLength: 2048, hop: 480 });
  const inNote = (time: number, n: VoicePhrase['notes'][number]) => time >= n.start && time <= n.end;
  const pairs: [number, number, number][] = phrase.notes.map((n) => {
    const c: number[] = [];
    for (let k = 0; k < d.centroid.length; k++) if (inNote((k * 480 + 1024) / fs, n)) c.push(d.centroid[k]);
    const ks = track.time.map((_, k) => k).filter((k) => inNote(track.time[k], n));
    return [mean(c), median(ks.map((k) => track.cutoffHz[k])), median(ks.map((k) => track.midi[k]))];
  });
  t.notes.push(...pairs);
  t.withinPhrase.cutoff.push(spearman(pairs.map((p) => [p[0], p[1]])));
  t.withinPhrase.note.push(spearman(pairs.map((p) => [p[0], p[2]])));
  track.time.forEach((time, k) => {
    if (phrase.notes.some((n) => inNote(time, n))) t.loudness.push([levelAt(phrase.samples, fs, time), track.volumeDb[k]]);
  });
  t.noteCount += phrase.notes.length;
  for (const n of phrase.notes) {
    const k = track.emitted.findIndex((e, i) => e >= n.onset - 0.05 && track.gate[i] > 0.5);
    if (k >= 0 && track.emitted[k] <= n.end) t.onsetsMs.push(1000 * (track.emitted[k] - n.onset));
  }
  // sounding: from the onset to the vowel's end (the truth segment's end plus its 30-ms trim)
  track.time.forEach((time, k) => {
    const sounding = phrase.notes.some((n) => time >= n.onset && time <= n.end + 0.03);
    t.gateFrames.judged++;
    if (sounding) t.gateFrames.sounding++;
    if (sounding === track.gate[k] > 0.5) t.gateFrames.right++;
  });
}

const round = (v: number, k = 2) => Math.round(v * 10 ** k) / 10 ** k;
const finiteMean = (v: number[]) => round(mean(v.filter(Number.isFinite)));

/** The tally as bench rows: each control, its figure and its trivial baselines side by side. */
export function timbreRows(set: string, source: string, t: TimbreTally): Record<string, unknown>[] {
  const onsets = [...t.onsetsMs].sort((a, b) => a - b);
  const g = t.gateFrames;
  return [
    {
      set, source, control: 'cutoff <- brightness (per note)', notes: t.notes.length,
      streamSpearman: round(spearman(t.notes.map((p) => [p[0], p[1]]))),
      streamWithinPhraseMean: finiteMean(t.withinPhrase.cutoff),
      constantBaseline: 0,
      noteBaselineSpearman: round(spearman(t.notes.map((p) => [p[0], p[2]]))),
      noteBaselineWithinPhraseMean: finiteMean(t.withinPhrase.note),
      target: 0.6,
    },
    { set, source, control: 'volume <- loudness (per frame in notes)', frames: t.loudness.length, streamSpearman: round(spearman(t.loudness)), constantBaseline: 0 },
    {
      set, source, control: 'gate <- onsets', notes: t.noteCount,
      onsetsWithin30msPct: round((100 * onsets.filter((v) => v <= 30).length) / t.noteCount, 1),
      onsetP50ms: round(onsets[onsets.length >> 1] ?? NaN, 1),
      gateFrameAccuracyPct: round((100 * g.right) / g.judged, 1),
      alwaysOnOnsetsWithin30msPct: 0,
      alwaysOnFrameAccuracyPct: round((100 * g.sounding) / g.judged, 1),
      target: 'onsets within 30 ms',
    },
  ];
}
