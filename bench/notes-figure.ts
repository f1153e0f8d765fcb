import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { resample } from '../src/audio/resample';
import { analyzeSignal } from '../src/cli/analyze';
import { writeFigure, type FigureSpec } from '../src/core/figure';
import { midiToHz } from '../src/core/units';
import { hzToMel } from '../src/dsp/mel';
import { spectrogramSpec } from '../src/dsp/picture';
import { NoteModel } from '../src/mirror/note-model';
import { inferNotes, renderInferred } from '../src/mirror/notes';
import { fluidSet, INSTRUMENTS, type SoundfontName } from './notes/fluid';

/**
 * The picture of docs/notes.md: one held-out clip of set (c) (test seed, as bench/notes.ts draws
 * it), its log-mel spectrogram with the MIDI file's notes and ours drawn over it, and the plant's
 * re-rendering of our notes on the same axes and colour scale.
 *
 *   npx vite-node bench/notes-figure.ts -- --seed 2 --clip 0 --font timgm6mb --out docs/img/notes-c.png
 */
const { values } = parseArgs({
  options: {
    seed: { type: 'string', default: '2' },
    clip: { type: 'string', default: '0' },
    font: { type: 'string', default: 'timgm6mb' },
    out: { type: 'string', default: 'docs/img/notes-c.png' },
  },
  allowPositionals: true,
});

const FS = 16000;

async function main(): Promise<void> {
  const index = Number(values.clip);
  const font = values.font as SoundfontName;
  const clip = fluidSet(Number(values.seed) + 2000, index + 1, font)[index];
  const model = await NoteModel.load(join(__dirname, '..', 'models', 'mirrornet-notes'));
  const result = await inferNotes(clip.audio, clip.sampleRate, { encoder: model, refine: 0 });
  await model.dispose();
  const seconds = clip.audio.length / clip.sampleRate;
  const input = analyzeSignal(resample(clip.audio, clip.sampleRate, FS), FS, 'mel', 128);
  const replay = analyzeSignal(renderInferred(result.notes, FS, seconds), FS, 'mel', 128);
  const instrument = INSTRUMENTS[index % INSTRUMENTS.length].name;
  const spec = spectrogramSpec(
    [
      { title: `input: ${instrument}, fluidsynth + ${font} (held out), with the notes`, data: input.data, channels: input.channels, frames: input.frames },
      { title: 'the plant re-rendering our notes with their inferred settings', data: replay.data, channels: replay.channels, frames: replay.frames },
    ],
    {
      title: { text: `Notes of ${clip.name}`, subtitle: `log-mel spectrogram, 128 bands, ${FS / 1000} kHz, ${input.frameRate} frames/s; lines at each note's fundamental` },
      frameRate: input.frameRate,
      frequency: { kind: 'mel', fmin: 0, fmax: FS / 2 },
      colourTitle: 'ln(mel power)',
      height: 220,
    },
  ) as unknown as { vconcat: Array<{ layer: unknown[] }> };
  const rows = [
    ...clip.truth.map((n) => ({ source: 'MIDI file (truth)', t: n.onset, t2: n.offset, f: hzToMel(midiToHz(n.midi)) })),
    ...result.notes.map((n) => ({ source: 'ours', t: n.onset_s, t2: n.offset_s, f: hzToMel(midiToHz(n.midi)) })),
  ];
  const notesLayer = (source: string, colour: string, width: number): Record<string, unknown> => ({
    data: { values: rows.filter((r) => r.source === source) },
    mark: { type: 'rule', strokeWidth: width, ...(source === 'ours' ? {} : { strokeDash: [6, 3] }) },
    encoding: {
      x: { field: 't', type: 'quantitative' },
      x2: { field: 't2' },
      y: { field: 'f', type: 'quantitative' },
      stroke: { field: 'source', type: 'nominal', title: 'notes at their pitch', scale: { domain: ['MIDI file (truth)', 'ours'], range: ['#bbbbbb', '#e8384f'] } },
    },
  });
  spec.vconcat[0].layer.push(notesLayer('MIDI file (truth)', '#bbbbbb', 4), notesLayer('ours', '#e8384f', 2));
  await writeFigure(String(values.out), spec as unknown as FigureSpec);
  console.log(`wrote ${values.out}: ${clip.truth.length} notes in the MIDI file, ${result.notes.length} found`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
