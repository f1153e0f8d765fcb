import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../src/core/paths';
import { MirrorMelody } from '../../src/mirror/melody';
import { transcribeNotes } from '../../src/mirror/transcribe';
import { fmSet, plantSet, type Clip } from '../notes/sets';
import { scoreClip, type ScoredNote, type Scores } from '../notes/score';
import { ratioWithInterval, type Figure, type Table } from './figures';
import type { EvalEntry } from './registry';

/**
 * Note transcription (src/mirror/transcribe.ts, what `infer` runs) on bench/notes.ts's sets, per
 * clip, with intervals over clips; the baseline is how `infer` found notes before it: the
 * paper's model, 5 slots per 2 s (mirrornet-melody). Same sets and scoring as
 * `npx vite-node bench/notes.ts -- --seed 2 --clips 40`.
 */
const SEED = 2;
const CLIPS = 40;

type Parts = [number, number][];

function fig(id: string, label: string, ours: Parts, base: Parts, headline?: string): Figure {
  const m = ratioWithInterval(ours);
  const b = ratioWithInterval(base);
  return { id, label, ...m, unit: 'clips', better: 'higher', percent: true, digits: 3, baseline: { label: 'mirrornet-melody (5 slots / 2 s)', value: b.value, interval: b.interval }, ...(headline ? { headline } : {}) };
}

const f1 = (s: Scores[]): Parts => s.map((c) => [2 * c.noteMatches, c.reference + c.estimated]);
const onsetF = (s: Scores[]): Parts => s.map((c) => [2 * c.onsetMatches, c.reference + c.estimated]);
const pitch = (s: Scores[]): Parts => s.map((c) => [c.noteMatches, c.onsetMatches]);

async function evaluate(): Promise<Table[]> {
  const melody = await MirrorMelody.load(join(packageRoot(), 'models', 'mirrornet-melody'));
  const sets: [string, string, Clip[]][] = [['plant', 'plant melodies (notes configuration)', plantSet(SEED, CLIPS)], ['fm', 'a 2-op FM synth', fmSet(SEED + 1000, CLIPS)]];
  const figures: Figure[] = [];
  try {
    for (const [name, label, clips] of sets) {
      const ours = clips.map((c) => scoreClip(c.truth, transcribeNotes(c.audio, c.sampleRate).notes.filter((n) => n.pitched)));
      const paper: Scores[] = [];
      for (const c of clips) {
        const r = await melody.inferParams(c.audio, c.sampleRate);
        const est: ScoredNote[] = r.notes.map((n) => ({ onset: n.onset_s, offset: n.onset_s + n.duration_s, midi: n.midi }));
        paper.push(scoreClip(c.truth, est));
      }
      figures.push(
        fig(`f1.${name}`, `note F1 (onset within 50 ms, pitch within 50 cents): ${label}`, f1(ours), f1(paper), name === 'plant' ? 'transcription (infer)' : undefined),
        fig(`onsetF.${name}`, `onset F: ${label}`, onsetF(ours), onsetF(paper)),
        fig(`pitch.${name}`, `pitch within 50 cents of onset-matched notes: ${label}`, pitch(ours), pitch(paper)),
      );
    }
  } finally {
    await melody.dispose();
  }
  return [{
    id: 'notes-transcription', set: `note transcription, bench/notes sets (seed ${SEED} / ${SEED + 1000}, ${CLIPS} clips each)`,
    command: `npx vite-node bench/notes.ts -- --seed ${SEED} --clips ${CLIPS}; npm run eval -- notes`, figures,
    notes: [`Melodies of any rhythm over MIDI 36-96. Seed ${SEED} is the notes benches' test seed; the transcriber's later changes were tuned on development seeds 101 / 1101 / 2101, its first versions on seed ${SEED} itself (before those existed), so this set is not untouched.`],
  }];
}

export const notesEntry: EvalEntry = {
  name: 'notes',
  what: 'note transcription (infer) on the notes bench sets, against the paper model',
  available: () => (existsSync(join(packageRoot(), 'models', 'mirrornet-melody')) ? null : 'no models/mirrornet-melody'),
  run: evaluate,
};
