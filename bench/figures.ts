/**
 * Regenerates the docs' MirrorNet and VQ figures with src/core/figure (axes in s and Hz, titles,
 * legends, colour bars):
 *
 *   npx vite-node bench/figures.ts          (writes docs/img/mirrornet-exp{1,2,3}.png,
 *                                            mirrornet-stream.png, vq-codebook-pca.png, vq-synth-centroid.png)
 *
 * MirrorNet figures: one 2-s clip per experiment, drawn here from a fixed seed (never a training
 * clip: training draws its melodies in Python from other seeds), shown as the input's auditory
 * spectrogram, the decoder's prediction from the inferred parameters D(E(x)), and the plant's
 * rendering of the inferred parameters, on one colour scale. Exp 1: a set-1 plant melody (the
 * training ranges of src/synth/params); Exp 2: the same with vibrato (set 2), which the model does
 * not output; Exp 3: a 2-operator FM melody on the same note slots (bench/notes/sets.ts's FM voice,
 * test tooling, not the plant);
 * the stream model: a plant rendering in continuous mode.
 * VQ figures: the shipped descriptor table's PCA map, and descriptor synthesis of the docs' centroid
 * curve (vqvae.md's command).
 */
import { join } from 'node:path';
import { writeFigure } from '../src/core/figure';
import { packageRoot, defaultModelsDir } from '../src/core/paths';
import { mulberry32 } from '../src/core/random';
import { auditorySpectrogram, normalizePower, type Spectrogram } from '../src/dsp/auditory';
import { spectrogramSpec, type SpectrogramPanel } from '../src/dsp/picture';
import { MirrorMelody } from '../src/mirror/melody';
import { loadManifest, OnnxModel } from '../src/models';
import * as ort from '../src/models/ort-backend';
import { renderContinuous, renderMelody } from '../src/synth';
import { PARAM_SPECS, SET1, SET2 } from '../src/synth/params';
import { readFileSync } from 'node:fs';
import { codebookSpec, synthSpec, VqRuntime } from '../src/vq';
import { renderFmNote } from './notes/sets';

const RATE = 8000;
const SECONDS = 2;
const NOTES = 5;
const FRAME_RATE = 125;
const IMG = join(packageRoot(), 'docs', 'img');
/** PNG pixels per figure pixel: sharp text at a size the docs can carry. */
const SCALE = 1.25;

/** A melody's normalized rows, each parameter uniform over its training range. */
function drawMelody(rand: () => number, names: readonly string[]): number[][] {
  return Array.from({ length: NOTES }, () =>
    names.map((n) => {
      const [lo, hi] = PARAM_SPECS[n as keyof typeof PARAM_SPECS].trainingRange ?? [0, 1];
      return n === 'note' ? Math.round(12 * (lo + (hi - lo) * rand())) / 12 : lo + (hi - lo) * rand();
    }),
  );
}

function aud(x: Float32Array): Spectrogram {
  const clip = new Float32Array(SECONDS * RATE);
  clip.set(x.subarray(0, clip.length));
  return auditorySpectrogram(normalizePower(clip), { sampleRate: RATE });
}

/** The 99.5th percentile over the panels: the top of the colour bar (as the training figures had it). */
function top(panels: Spectrogram[]): number {
  const all = panels.flatMap((p) => Array.from(p.data)).sort((a, b) => a - b);
  return all[Math.floor(0.995 * (all.length - 1))] || 1;
}

/** Five FM notes on the model's 0.4-s slots (MIDI 62-74, gate 60-90 % of the slot), random FM settings. */
function fmMelody(rand: () => number): Float32Array {
  const out = new Float32Array(SECONDS * RATE);
  const slot = SECONDS / NOTES;
  for (let i = 0; i < NOTES; i++) {
    const note = { onset: i * slot, offset: i * slot + slot * (0.6 + 0.3 * rand()), midi: 62 + Math.round(12 * rand()) };
    renderFmNote(out, RATE, note, { ratio: rand() < 0.5 ? 1 : 2, index: 1 + 3 * rand(), attack: 0.005 + 0.035 * rand(), sustain: 0.3 + 0.6 * rand(), gain: 0.5 });
  }
  return out;
}

async function threePanels(file: string, title: string, subtitle: string, x: Spectrogram, decoded: Spectrogram, plant: Spectrogram): Promise<void> {
  const panels: SpectrogramPanel[] = [
    { title: 'input x', ...x },
    { title: 'decoder D(E(x)): predicted from the inferred parameters', ...decoded },
    { title: 'plant rendering of the inferred parameters E(x)', ...plant },
  ];
  const spec = spectrogramSpec(panels, {
    title: { text: title, subtitle },
    frameRate: FRAME_RATE,
    frequency: { kind: 'auditory', sampleRate: RATE },
    colourTitle: 'response (linear, unit-power input)',
    range: [0, top([x, decoded, plant])],
    height: 150,
  });
  await writeFigure(join(IMG, file), spec, SCALE);
  console.log(`wrote docs/img/${file}`);
}

async function melodyFigure(mirror: MirrorMelody, file: string, title: string, subtitle: string, audio: Float32Array): Promise<void> {
  const x = aud(audio);
  const inferred = await mirror.inferParams(audio.subarray(0, SECONDS * RATE), RATE);
  const params = inferred.raw.subarray(0, NOTES * SET1.length);
  const decoded = await mirror.forward(params);
  const plant = aud(renderMelody(params, { sampleRate: RATE, notes: NOTES, paramCount: 7, totalSeconds: SECONDS }));
  await threePanels(file, title, subtitle, x, decoded, plant);
}

async function mirrorFigures(): Promise<void> {
  const mirror = await MirrorMelody.load(join(defaultModelsDir(), 'mirrornet-melody'));
  try {
    const set1 = drawMelody(mulberry32(101), SET1);
    await melodyFigure(mirror, 'mirrornet-exp1.png', 'MirrorNet, Exp 1: a set-1 plant melody', 'mirrornet-melody on a clip drawn by bench/figures.ts (seed 101), 8 kHz', renderMelody(set1, { sampleRate: RATE, totalSeconds: SECONDS }));
    const set2 = drawMelody(mulberry32(102), SET2);
    await melodyFigure(mirror, 'mirrornet-exp2.png', 'MirrorNet, Exp 2: a set-2 plant melody (with vibrato)', 'mirrornet-melody, which outputs no vibrato; clip drawn by bench/figures.ts (seed 102), 8 kHz', renderMelody(set2, { sampleRate: RATE, totalSeconds: SECONDS, paramCount: 10 }));
    await melodyFigure(mirror, 'mirrornet-exp3.png', 'MirrorNet, Exp 3: an FM synth melody (not the plant)', 'mirrornet-melody on a 2-operator FM melody (bench/notes/sets.ts, seed 103), 8 kHz', fmMelody(mulberry32(103)));
  } finally {
    await mirror.dispose();
  }
}

/** The stream model on a continuous-mode plant rendering: frames of 8 ms, the gate on for 60 % of each note. */
async function streamFigure(): Promise<void> {
  const dir = join(defaultModelsDir(), 'mirrornet-stream');
  const model = await OnnxModel.load(dir, await loadManifest(dir));
  try {
    const rows = drawMelody(mulberry32(104), SET1);
    const perNote = (SECONDS * FRAME_RATE) / NOTES;
    const frames = new Float32Array(SECONDS * FRAME_RATE * SET1.length);
    for (let t = 0; t < SECONDS * FRAME_RATE; t++) {
      const row = [...rows[Math.floor(t / perNote)]];
      row[SET1.indexOf('duration')] = t % perNote < 0.6 * perNote ? 1 : 0;
      frames.set(row, t * SET1.length);
    }
    const x = aud(renderContinuous(frames, SET1.length, { sampleRate: RATE, controlRate: FRAME_RATE }));
    const run = async (graph: string, input: Float32Array, dims: number[]): Promise<ort.OrtModule['Tensor']['prototype']> => {
      const g = model.manifest.graphs[graph];
      const out = await model.run(graph, { [g.inputs[0].name]: new (ort.ortModule().Tensor)('float32', input, dims) });
      return out[g.outputs[0].name];
    };
    const params = (await run('encoder', x.data, [1, x.channels, x.frames])).data as Float32Array;
    const decodedT = await run('decoder', params, [1, x.frames, SET1.length]);
    const decoded = { data: decodedT.data as Float32Array, channels: decodedT.dims[1], frames: decodedT.dims[2] };
    const plant = aud(renderContinuous(params, SET1.length, { sampleRate: RATE, controlRate: FRAME_RATE }));
    await threePanels('mirrornet-stream.png', 'MirrorNet, the live model: a continuous-mode plant rendering', 'mirrornet-stream (whole clip at once) on a clip drawn by bench/figures.ts (seed 104), 8 kHz', x, decoded, plant);
  } finally {
    await model.dispose();
  }
}

async function vqFigures(): Promise<void> {
  const dir = join(defaultModelsDir(), 'vqvae-timbre');
  const table = JSON.parse(readFileSync(join(dir, 'descriptors.json'), 'utf8'));
  await writeFigure(join(IMG, 'vq-codebook-pca.png'), codebookSpec(table), SCALE);
  console.log('wrote docs/img/vq-codebook-pca.png');
  const codec = await VqRuntime.load(dir);
  try {
    const targets = codec.parseTargets(['centroid=bp(0:400,1.5:3000,3:800,4:2000)', 'loudness=const(-20)'], 4);
    const result = await codec.synthesize(targets, { continuity: 0.5 });
    const curves = targets.map((t) => ({ name: t.name, target: t.values, clamped: result.selection.clamped.find((c) => c.name === t.name)?.values, achieved: result.achieved[t.name] }));
    await writeFigure(join(IMG, 'vq-synth-centroid.png'), synthSpec(curves, codec.frameRate, `Descriptor synthesis on ${codec.model.name}: a centroid curve at -20 dBFS, continuity 0.5`), SCALE);
    const target = result.selection.clamped.find((c) => c.name === 'centroid')!.values;
    const got = result.achieved.centroid!;
    const errors = Array.from(got, (v, i) => Math.abs(v - target[i]) / target[i]).sort((a, b) => a - b);
    console.log(`wrote docs/img/vq-synth-centroid.png (median relative centroid error ${(100 * errors[Math.floor(errors.length / 2)]).toFixed(1)} % over ${errors.length} frames)`);
  } finally {
    await codec.dispose();
  }
}

async function main(): Promise<void> {
  await mirrorFigures();
  await streamFigure();
  await vqFigures();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
