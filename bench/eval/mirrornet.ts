import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../../src/core/paths';
import { hasTorch, TORCH_PYTHON } from '../../src/core/tools';
import { meanWithInterval, ratioWithInterval, type Figure, type Table } from './figures';
import type { EvalEntry } from './registry';

/**
 * MirrorNet's experiments (training/mirrornet/evaluate.py) on the test set (seed 2027; dev is
 * 7919, training 1; the script refuses overlapping seeds or melodies), run on the shipped ONNX
 * graphs through onnxruntime-node, with the per-clip values it writes: every figure gets its
 * bootstrap interval over clips and its trivial baseline.
 */
const CLIPS = 100;
const PRESETS = 60;
const ARGS = ['--melody', 'models/mirrornet-melody', '--stream', 'models/mirrornet-stream', '--split', 'test', '--n', String(CLIPS), '--presets', String(PRESETS), '--refine', '0'];
const COMMAND = `/usr/bin/python3 -m training.mirrornet.evaluate ${ARGS.join(' ')} --per-clip clips.json`;

type Melody = { note_correct: number[]; notes: number[]; plant_l1: number[]; preset_l1: number[]; notes_only_preset_l1: number[]; constant_note_correct: number[]; abs_err?: Record<string, number[]>; abs_err_mid_range?: Record<string, number[]> };
type Stream = {
  note_correct: Record<string, number[]>; note_frames: Record<string, number[]>; constant_note_correct: Record<string, number[]>;
  gate_correct: number[]; gate_always_on_correct: number[]; frames: number[]; gate_on_frames: number[];
  abs_err_sum: Record<string, number[]>; abs_err_mid_range_sum: Record<string, number[]>;
};
type PerClip = { split: string; seed: number; thresholds: number[]; exp1: Melody; exp2: Melody; exp3: Melody; stream: Stream };

const zip = (a: number[], b: number[]): [number, number][] => a.map((v, i) => [v, b[i]]);

function ratioFigure(id: string, label: string, num: number[], den: number[], baseNum: number[], baseLabel: string, extra: Partial<Figure> = {}): Figure {
  const m = ratioWithInterval(zip(num, den));
  const b = ratioWithInterval(zip(baseNum, den));
  return { id, label, ...m, unit: 'clips', better: 'higher', baseline: { label: baseLabel, value: b.value, interval: b.interval }, ...extra };
}

/** 1 - sum(a) / sum(ref) over clips ("closer than the best fixed preset"), interval by clip. */
export function closer(a: number[], ref: number[]): { value: number; interval: [number, number]; n: number } {
  const r = ratioWithInterval(zip(a, ref));
  return { value: 1 - r.value, interval: [1 - r.interval[1], 1 - r.interval[0]], n: r.n };
}

function melodyTable(id: string, set: string, e: Melody, target: { note: number; mae?: number }, headline: string): Table {
  const c = closer(e.plant_l1, e.preset_l1);
  const b = closer(e.notes_only_preset_l1, e.preset_l1);
  const figures: Figure[] = [
    ratioFigure('note', 'note accuracy (5 notes per clip)', e.note_correct, e.notes, e.constant_note_correct, 'constant note (MIDI 67)', { target: { op: '>=', value: target.note }, percent: true, digits: 3, headline }),
  ];
  if (e.abs_err && e.abs_err_mid_range) {
    const names = Object.keys(e.abs_err);
    const per = (src: Record<string, number[]>) => src[names[0]].map((_, k) => names.reduce((a, n) => a + src[n][k], 0) / names.length);
    const m = meanWithInterval(per(e.abs_err));
    const mb = meanWithInterval(per(e.abs_err_mid_range));
    figures.push({ id: 'mae6', label: 'MAE, 6 other parameters (normalized)', ...m, unit: 'clips', better: 'lower', baseline: { label: 'middle of each training range', value: mb.value, interval: mb.interval }, headline, ...(target.mae ? { target: { op: '<=' as const, value: target.mae } } : {}) });
    for (const n of names) {
      const p = meanWithInterval(e.abs_err[n]);
      const q = meanWithInterval(e.abs_err_mid_range[n]);
      figures.push({ id: `mae.${n}`, label: `MAE ${n}`, ...p, unit: 'clips', better: 'lower', baseline: { label: 'middle of its training range', value: q.value, interval: q.interval } });
    }
  }
  figures.push({
    id: 'closer', label: 'plant re-rendering closer than the best fixed preset (auditory-spectrogram L1)', ...c, unit: 'clips', better: 'higher', percent: true, digits: 3,
    baseline: { label: 'the best fixed preset played on the true notes', value: b.value, interval: b.interval }, target: { op: '>=', value: 0.3 }, headline,
  });
  return {
    id, set, command: COMMAND, figures,
    notes: [
      `The best fixed preset: one parameter vector for every note and clip (note included), the best of ${2 * PRESETS + 1} candidates on these clips. `
        + 'Its baseline row gives the preset the true notes: what knowing the notes alone earns of the figure.',
      'No refinement (`--refine 0`): the network alone. `--refine N` (docs/mirrornet.md) tunes 30 free values per clip (6 parameters x 5 notes) against the input, so its figures are analysis by synthesis, not the network.',
    ],
  };
}

function streamTable(s: Stream, thresholds: number[]): Table {
  const at = (t: number) => String(t);
  const figures: Figure[] = thresholds.map((t) => ratioFigure(
    `note.${t}`, t === 0 ? 'frame note accuracy, all gate-on frames' : `frame note accuracy, gate-on frames above ${100 * t} % of the clip's loudest frame energy${t === 0.1 ? ' (the published figure)' : ''}`,
    s.note_correct[at(t)], s.note_frames[at(t)], s.constant_note_correct[at(t)], 'constant note (MIDI 67)', { percent: true, digits: 3, ...(t === 0.1 || t === 0 ? { headline: 'mirrornet-stream' } : {}) }));
  figures.push(ratioFigure('gate', 'gate accuracy (all frames)', s.gate_correct, s.frames, s.gate_always_on_correct, 'gate always on', { percent: true, digits: 3, headline: 'mirrornet-stream' }));
  for (const n of Object.keys(s.abs_err_sum)) {
    const m = ratioWithInterval(zip(s.abs_err_sum[n], s.gate_on_frames));
    const b = ratioWithInterval(zip(s.abs_err_mid_range_sum[n], s.gate_on_frames));
    figures.push({ id: `mae.${n}`, label: `MAE ${n}, gate-on frames`, ...m, unit: 'clips', better: 'lower', baseline: { label: 'middle of its training range', value: b.value, interval: b.interval } });
  }
  return {
    id: 'mirrornet-stream-test', set: 'mirrornet-stream, test set (seed 2028)', command: COMMAND, figures,
    notes: ['Energy threshold: a frame counts at threshold t when its auditory-spectrogram energy exceeds t x the clip\'s loudest frame; the README prints t = 10 %. '
      + 'The gate is unobservable once a note has decayed (the training melodies fade in 0.1-0.3 s, the gates hold 50-100 % of a slot).'],
  };
}

/** Runs evaluate.py with `args` (plus a private --out and --per-clip) and returns its per-clip values. */
export function perClip<T>(args: string[]): T {
  const work = mkdtempSync(join(tmpdir(), 'mb-eval-mirrornet-'));
  try {
    const clips = join(work, 'clips.json');
    const r = spawnSync(TORCH_PYTHON, ['-m', 'training.mirrornet.evaluate', ...args, '--out', work, '--per-clip', clips], { cwd: packageRoot(), encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`evaluate.py failed: ${(r.stderr || r.stdout).trim().split('\n').pop()}`);
    return JSON.parse(readFileSync(clips, 'utf8')) as T;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

async function evaluate(): Promise<Table[]> {
  const d = perClip<PerClip>(ARGS);
  return [
    melodyTable('mirrornet-exp1-test', `mirrornet-melody exp 1 (set 1), test set (seed ${d.seed})`, d.exp1, { note: 0.95, mae: 0.06 }, 'mirrornet-melody exp 1'),
    melodyTable('mirrornet-exp2-test', `mirrornet-melody exp 2 (set 2, vibrato), test set (seed ${d.seed})`, d.exp2, { note: 0.9 }, 'mirrornet-melody exp 2'),
    melodyTable('mirrornet-exp3-test', `mirrornet-melody exp 3 (unseen FM synth), test set (seed ${d.seed})`, d.exp3, { note: 0.85 }, 'mirrornet-melody exp 3 (FM)'),
    streamTable(d.stream, d.thresholds),
  ];
}

/** Null when evaluate.py can run on the shipped melody model here, else why not. */
export const mirrornetMissing = (): string | null =>
  (!existsSync(join(packageRoot(), 'models', 'mirrornet-melody')) ? 'no models/mirrornet-melody' : hasTorch() ? null : `${TORCH_PYTHON} has no torch (./scripts/setup.sh)`);

export const mirrornetEntry: EvalEntry = {
  name: 'mirrornet',
  what: 'MirrorNet melody experiments 1-3 and the stream model on the test set (shipped ONNX graphs)',
  available: mirrornetMissing,
  run: evaluate,
};
