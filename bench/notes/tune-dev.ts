import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { transcribeNotes, type TranscribeOptions } from '../../src/mirror/transcribe';
import { fluidSet } from './fluid';
import { plantSet, type Clip } from './sets';
import { scoreClip, summarize } from './score';

// Development only (not a figure): caches the development clips (set (c) TimGM6mb seed 2101, plant seed 101) and scores the DSP transcription alone, per instrument.
const which = process.argv.filter((a) => a !== '--')[2] ?? 'timgm6mb';
const opts = JSON.parse(process.argv.filter((a) => a !== '--')[3] ?? '{}') as TranscribeOptions;
const cache = `/tmp/h16/${which}.json`;
let clips: Clip[];
if (existsSync(cache)) {
  clips = (JSON.parse(readFileSync(cache, 'utf8')) as (Omit<Clip, 'audio'> & { audio: string })[]).map((c) => ({ ...c, audio: new Float32Array(new Uint8Array(Buffer.from(c.audio, 'base64')).buffer) }));
} else {
  clips = which === 'plant' ? plantSet(101, 24) : fluidSet(2101, 24, 'timgm6mb');
  writeFileSync(cache, JSON.stringify(clips.map((c) => ({ ...c, audio: Buffer.from(c.audio.buffer, c.audio.byteOffset, c.audio.byteLength).toString('base64') }))));
}
const by = new Map<string, ReturnType<typeof scoreClip>[]>();
const all: ReturnType<typeof scoreClip>[] = [];
for (const c of clips) {
  const t = transcribeNotes(c.audio, c.sampleRate, opts);
  const est = t.polyphonic ? [] : t.notes.filter((n) => n.pitched).map((n) => ({ onset: n.onset, offset: n.offset, midi: n.midi }));
  const s = scoreClip(c.truth, est);
  all.push(s);
  const inst = which === 'plant' ? 'plant' : c.name.split('-')[1];
  by.set(inst, [...(by.get(inst) ?? []), s]);
  if (process.env.VERBOSE) console.log(c.name, s.noteMatches, s.reference, s.estimated, JSON.stringify(c.truth.map((n) => [n.onset.toFixed(3), n.midi])), JSON.stringify(est.map((n) => [n.onset.toFixed(3), n.midi.toFixed(1)])));
}
const f = (s: ReturnType<typeof summarize>) => `F1 ${s.noteF1} P ${s.notePrecision} R ${s.noteRecall}`;
console.log(`${which} ${JSON.stringify(opts)} all: ${f(summarize(all))}`);
for (const [k, v] of by) console.log(`  ${k}: ${f(summarize(v))}`);
