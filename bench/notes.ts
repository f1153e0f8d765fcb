import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { MirrorMelody } from '../src/mirror/melody';
import { NoteModel } from '../src/mirror/note-model';
import { inferNotes } from '../src/mirror/notes';
import { fluidAvailable, fluidSet, type SoundfontName } from './notes/fluid';
import { loadBasicPitch, type Peer } from './notes/peer';
import { fmSet, plantSet, type Clip } from './notes/sets';
import { scoreClip, summarize, type ScoredNote, type Scores, type Summary } from './notes/score';

/**
 * Note transcription on held-out melodies, rendered here, never trained on:
 * (a) `plant`: the plant's notes configuration, MIDI 36-96 with cents, any rhythm;
 * (b) `fm`: a 2-op FM synth (test tooling);
 * (c) `timgm6mb`: sampled instruments, fluidsynth + TimGM6mb, MIDI 48-84 (bench/notes/fluid.ts);
 * (c') `fluidr3`: the same melodies' generator with FluidR3_GM, a test-only soundfont never tuned on.
 *
 * Methods, on the same clips in one run: ours, the whole path `mirrorbridge infer` runs (DSP
 * transcription, then the note model per note, one thread, from the WAV's samples); the peer,
 * basic-pitch on tfjs (bench/notes/peer.ts), on the sampled sets; the paper's model as `infer`
 * ran it before (mirrornet-melody, 5 slots per 2 s), with --baseline. Time: compute per
 * second of audio, each method alone, in this process.
 *
 *   npx vite-node bench/notes.ts -- --seed 2 --clips 36 --sets plant,fm,timgm6mb,fluidr3 [--write [--out notes.json]]
 *
 * Development (any tuning of the transcription) uses --seed 101 and TimGM6mb only; the figures
 * in docs/notes.md use --seed 2.
 */
export interface NotesBenchOptions {
  seed: number;
  clips: number;
  sets: string[];
  peer: boolean;
  baseline: boolean;
}

export type NotesRow = Summary & { set: string; method: string; audioSeconds: number; msPerAudioSecond: number; onsetMeanAbsMs: number; offsetMeanAbsMs: number };

const SAMPLED: Record<string, SoundfontName> = { timgm6mb: 'timgm6mb', fluidr3: 'fluidr3' };

function setOf(name: string, seed: number, clips: number): Clip[] {
  if (name === 'plant') return plantSet(seed, clips);
  if (name === 'fm') return fmSet(seed + 1000, clips);
  if (SAMPLED[name]) return fluidSet(seed + 2000, clips, SAMPLED[name]);
  throw new Error(`unknown set ${name} (plant, fm, timgm6mb, fluidr3)`);
}

function meanAbsMs(scores: Scores[], key: 'onsetErrors' | 'offsetErrors'): number {
  const v = scores.flatMap((s) => s[key]);
  return v.length ? Math.round((1000 * v.reduce((a, x) => a + Math.abs(x), 0)) / v.length * 10) / 10 : NaN;
}

async function timed(clips: Clip[], run: (c: Clip) => Promise<ScoredNote[]>): Promise<{ scores: Scores[]; ms: number }> {
  const scores: Scores[] = [];
  let ms = 0;
  for (const c of clips) {
    const t0 = performance.now();
    const est = await run(c);
    ms += performance.now() - t0;
    scores.push(scoreClip(c.truth, est));
  }
  return { scores, ms };
}

export async function runNotesBench(o: NotesBenchOptions): Promise<NotesRow[]> {
  const model = await NoteModel.load(join(__dirname, '..', 'models', 'mirrornet-notes'));
  const melody = o.baseline ? await MirrorMelody.load(join(__dirname, '..', 'models', 'mirrornet-melody')) : null;
  let peer: Peer | null = null;
  const rows: NotesRow[] = [];
  try {
    for (const set of o.sets) {
      if (SAMPLED[set] && !fluidAvailable(SAMPLED[set])) {
        console.warn(`set ${set}: fluidsynth or its soundfont is not installed (scripts/setup.sh installs them); skipped`);
        continue;
      }
      const clips = setOf(set, o.seed, o.clips);
      const audioSeconds = clips.reduce((a, c) => a + c.audio.length / c.sampleRate, 0);
      const row = (method: string, r: { scores: Scores[]; ms: number }): NotesRow => ({
        set,
        method,
        ...summarize(r.scores),
        onsetMeanAbsMs: meanAbsMs(r.scores, 'onsetErrors'),
        offsetMeanAbsMs: meanAbsMs(r.scores, 'offsetErrors'),
        audioSeconds: Math.round(audioSeconds * 10) / 10,
        msPerAudioSecond: Math.round((r.ms / audioSeconds) * 100) / 100,
      });
      rows.push(
        row(
          'ours (transcription + note model)',
          await timed(clips, async (c) => (await inferNotes(c.audio, c.sampleRate, { encoder: model, refine: 0 })).notes.map((n) => ({ onset: n.onset_s, offset: n.offset_s, midi: n.midi }))),
        ),
      );
      if (o.peer && SAMPLED[set]) {
        peer ??= await loadBasicPitch();
        const p = peer;
        rows.push(row(p.name, await timed(clips, (c) => p.transcribe(c.audio, c.sampleRate))));
      }
      if (melody) {
        rows.push(
          row(
            'mirrornet-melody (5 slots / 2 s)',
            await timed(clips, async (c) => (await melody.inferParams(c.audio, c.sampleRate)).notes.map((n) => ({ onset: n.onset_s, offset: n.onset_s + n.duration_s, midi: n.midi }))),
          ),
        );
      }
      const last = rows.filter((r) => r.set === set);
      console.table(last.map(pick));
    }
  } finally {
    await model.dispose();
    await melody?.dispose();
  }
  return rows;
}

function pick(r: NotesRow): Record<string, unknown> {
  const { set, method, reference, estimated, noteF1, notePrecision, noteRecall, onsetF, onsetMedianMs, onsetMeanAbsMs, offsetMedianAbsMs, msPerAudioSecond } = r;
  return { set, method, reference, estimated, noteF1, P: notePrecision, R: noteRecall, onsetF, onsetMedianMs, onsetMeanAbsMs, offsetMedianAbsMs, msPerAudioSecond };
}

/** `npm run bench -- notes`: the test seed over every set, the peer on the sampled ones. */
export async function benchNotes(): Promise<Record<string, unknown>> {
  const o: NotesBenchOptions = { seed: 2, clips: 36, sets: ['plant', 'fm', 'timgm6mb', 'fluidr3'], peer: true, baseline: false };
  return { options: o, rows: await runNotesBench(o) };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      seed: { type: 'string', default: '2' },
      clips: { type: 'string', default: '36' },
      sets: { type: 'string', default: 'plant,fm,timgm6mb,fluidr3' },
      'no-peer': { type: 'boolean' },
      baseline: { type: 'boolean' },
      write: { type: 'boolean' },
      out: { type: 'string', default: 'notes.json' },
    },
    allowPositionals: true,
  });
  const o: NotesBenchOptions = { seed: Number(values.seed), clips: Number(values.clips), sets: String(values.sets).split(','), peer: !values['no-peer'], baseline: Boolean(values.baseline) };
  const rows = await runNotesBench(o);
  console.log('\nall sets:');
  console.table(rows.map(pick));
  if (values.write) {
    const file = join(__dirname, 'results', String(values.out));
    const command = `npx vite-node bench/notes.ts -- --seed ${o.seed} --clips ${o.clips} --sets ${o.sets.join(',')}${o.peer ? '' : ' --no-peer'}${o.baseline ? ' --baseline' : ''} --write${values.out === 'notes.json' ? '' : ` --out ${values.out}`}`;
    writeFileSync(file, `${JSON.stringify({ command, date: new Date().toISOString(), options: o, rows }, null, 2)}\n`);
    console.log(`wrote ${file}`);
  }
}

// Run as a script (node, or vite-node, which keeps its own path in argv[1]); `npm run bench` imports benchNotes.
if (require.main === module || /vite-node$/.test(process.argv[1] ?? '')) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
