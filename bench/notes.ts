import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { MirrorMelody } from '../src/mirror/melody';
import { transcribeNotes } from '../src/mirror/transcribe';
import { fmSet, plantSet, type Clip } from './notes/sets';
import { scoreClip, summarize, type ScoredNote, type Summary } from './notes/score';

/**
 * Note transcription on held-out melodies of any rhythm over MIDI 36-96, rendered here:
 * (a) the plant's notes configuration, (b) a 2-op FM synth. Ours (src/mirror/transcribe.ts:
 * onsets, rests, YIN pitch, all DSP) against the paper's model as `mirrorbridge infer` ran it
 * until now (mirrornet-melody: 5 slots per 2 s, 8-note grid), on the same clips in one run.
 *
 *   npx vite-node bench/notes.ts -- --seed 2 --clips 40 [--write]
 */
const { values } = parseArgs({
  options: {
    seed: { type: 'string', default: '2' },
    clips: { type: 'string', default: '40' },
    sets: { type: 'string', default: 'plant,fm' },
    baseline: { type: 'boolean', default: true },
    'no-baseline': { type: 'boolean' },
    write: { type: 'boolean' },
  },
  allowPositionals: true,
});

async function main(): Promise<void> {
  const seed = Number(values.seed);
  const clipsPer = Number(values.clips);
  const sets: Record<string, Clip[]> = {};
  for (const name of String(values.sets).split(',')) sets[name] = name === 'fm' ? fmSet(seed + 1000, clipsPer) : plantSet(seed, clipsPer);
  const melody = values['no-baseline'] ? null : await MirrorMelody.load(join(__dirname, '..', 'models', 'mirrornet-melody'));
  const rows: Array<Summary & { set: string; method: string; msPerAudioSecond: number }> = [];
  for (const [set, clips] of Object.entries(sets)) {
    const audioSeconds = clips.reduce((a, c) => a + c.audio.length / c.sampleRate, 0);
    let t0 = performance.now();
    const ours = clips.map((c) => scoreClip(c.truth, transcribeNotes(c.audio, c.sampleRate).notes.filter((n) => n.pitched)));
    rows.push({ set, method: 'transcribe (DSP)', ...summarize(ours), msPerAudioSecond: round((performance.now() - t0) / audioSeconds) });
    if (!melody) continue;
    t0 = performance.now();
    const paper: ReturnType<typeof scoreClip>[] = [];
    for (const c of clips) {
      const r = await melody.inferParams(c.audio, c.sampleRate);
      const est: ScoredNote[] = r.notes.map((n) => ({ onset: n.onset_s, offset: n.onset_s + n.duration_s, midi: n.midi }));
      paper.push(scoreClip(c.truth, est));
    }
    rows.push({ set, method: 'mirrornet-melody (5 slots / 2 s)', ...summarize(paper), msPerAudioSecond: round((performance.now() - t0) / audioSeconds) });
  }
  console.table(rows.map(({ set, method, reference, estimated, onsetF, noteF1, pitchAccuracy, onsetMedianMs, offsetMedianAbsMs, msPerAudioSecond }) => ({ set, method, reference, estimated, onsetF, noteF1, pitchAccuracy, onsetMedianMs, offsetMedianAbsMs, msPerAudioSecond })));
  if (values.write) {
    const file = join(__dirname, 'results', 'notes.json');
    writeFileSync(file, `${JSON.stringify({ command: `npx vite-node bench/notes.ts -- --seed ${seed} --clips ${clipsPer} --write`, seed, clipsPerSet: clipsPer, rows }, null, 2)}\n`);
    console.log(`wrote ${file}`);
  }
  await melody?.dispose();
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
