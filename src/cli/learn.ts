import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { MbError } from '../core/errors';
import { packageRoot } from '../core/paths';
import { hasTorch, TORCH_PYTHON } from '../core/tools';
import { MODEL_NAME_RE } from '../models/names';
import { openPlant } from '../plants';
import { formatProbe, probePlant } from '../plants/probe';
import { numberOption, parseCommandArgs, type RunnableCommand } from './command';

/**
 * `mirrorbridge learn --plant pd:synth.pd --schema synth.json --out models/NAME`: learns the
 * controls of a synth with MirrorNet, no labels (docs/learn.md).
 *
 * 1. checks the arguments, the output folder and the Python with torch;
 * 2. probes the plant (src/plants/probe.ts): prints a table of what each parameter does, warns
 *    about dead, weak and redundant ones; a plant that does not open, gives no output, silence
 *    or NaN, or lacks a schema parameter is refused with a coded error (exit 2) before any
 *    training time, and nothing is written to models/;
 * 3. trains (training/learn/train.py: babbling, then MirrorNet rounds with the plant in the
 *    loop), with a progress line per epoch and a log in <run>/train.log; `--resume` continues
 *    an interrupted run;
 * 4. measures held-out figures (training/learn/evaluate.py) and exports the model
 *    (training/learn/export.py), renamed into --out only when every check passed.
 */
const SCHEDULES = ['smoke', 'default', 'realtime'] as const;

interface LearnPlan {
  plant: string;
  schema?: string;
  out: string;
  name: string;
  run: string;
  schedule: string;
  extra: string[];
  heldout: number;
  force: boolean;
  resume: boolean;
}

/** A path as Python (run from the package root) should see it: repository-relative when inside. */
function forPython(root: string, p: string): string {
  const abs = path.resolve(p);
  const rel = path.relative(root, abs);
  return rel.startsWith('..') || path.isAbsolute(rel) ? abs : rel;
}

function plan(argv: string[], root: string): LearnPlan & { probeOnly: boolean } {
  const { values, positionals } = parseCommandArgs(argv, {
    plant: { type: 'string' },
    schema: { type: 'string' },
    out: { type: 'string' },
    run: { type: 'string' },
    schedule: { type: 'string' },
    rounds: { type: 'string' },
    threads: { type: 'string' },
    heldout: { type: 'string' },
    resume: { type: 'boolean' },
    force: { type: 'boolean' },
    'probe-only': { type: 'boolean' },
  });
  if (positionals.length > 0) throw new MbError('MB_ERR_BAD_ARGS', `learn takes options only, got '${positionals.join(' ')}'`);
  if (!values.plant) throw new MbError('MB_ERR_BAD_ARGS', '--plant is required: builtin, pd:path/to/synth.pd or osc:host:port');
  const probeOnly = values['probe-only'] === true;
  if (!values.out && !probeOnly) throw new MbError('MB_ERR_BAD_ARGS', '--out models/NAME is required');
  const out = path.resolve(values.out ?? 'models/probe');
  const name = path.basename(out);
  if (!MODEL_NAME_RE.test(name)) throw new MbError('MB_ERR_BAD_ARGS', `--out must end in a model name matching ${MODEL_NAME_RE}, got '${name}'`);
  const schedule = values.schedule ?? 'default';
  if (!(SCHEDULES as readonly string[]).includes(schedule)) throw new MbError('MB_ERR_BAD_ARGS', `--schedule must be one of ${SCHEDULES.join(', ')}, got '${schedule}'`);
  const extra: string[] = [];
  if (values.rounds !== undefined) extra.push('--rounds', String(numberOption('rounds', values.rounds, 0, 1, 1000)));
  extra.push('--threads', String(numberOption('threads', values.threads, 1, 1, 64)));
  // a plant recorded in real time renders each held-out sound and preset in real time too
  const heldout = numberOption('heldout', values.heldout, schedule === 'default' ? 200 : schedule === 'realtime' ? 40 : 32, 8, 10000);
  const plant = values.plant.startsWith('pd:') ? `pd:${forPython(root, values.plant.slice(3))}` : values.plant;
  return {
    plant,
    schema: values.schema ? forPython(root, values.schema) : undefined,
    out,
    name,
    run: forPython(root, values.run ?? path.join(root, 'training', 'runs', `learn-${name}`)),
    schedule,
    extra,
    heldout,
    force: values.force === true,
    resume: values.resume === true,
    probeOnly,
  };
}

/** Runs one Python module from the package root, forwarding its output line by line. */
function python(root: string, args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(TORCH_PYTHON, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PYTHONUNBUFFERED: '1' } });
    child.stdout.on('data', (d: Buffer) => process.stdout.write(d.toString()));
    child.stderr.on('data', (d: Buffer) => process.stderr.write(d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve(code ?? 1));
  });
}

async function learn(argv: string[]): Promise<number> {
  const root = packageRoot();
  const p = plan(argv, root);
  if (!p.probeOnly && existsSync(p.out) && !p.force) throw new MbError('MB_ERR_BAD_ARGS', `${p.out} exists; pass --force to replace it when the new model is ready`);
  const plant = openPlant(p.plant.startsWith('pd:') ? `pd:${path.resolve(root, p.plant.slice(3))}` : p.plant, p.schema ? path.resolve(root, p.schema) : undefined);
  let report;
  try {
    report = await probePlant(plant);
  } finally {
    plant.dispose();
  }
  process.stdout.write(formatProbe({ ...report, plant: p.plant }));
  if (p.probeOnly) return 0;
  if (!hasTorch()) throw new MbError('MB_ERR_TOOL_MISSING', `${TORCH_PYTHON} cannot import torch (Debian: apt install python3-torch, or set MB_PYTHON)`);
  const run = path.resolve(root, p.run);
  mkdirSync(run, { recursive: true });
  writeFileSync(path.join(run, 'probe.json'), `${JSON.stringify({ ...report, plant: p.plant }, null, 2)}\n`);
  const plantArgs = ['--plant', p.plant, ...(p.schema ? ['--schema', p.schema] : [])];
  const steps: [string, string[]][] = [
    ['training', ['-m', 'training.learn.train', ...plantArgs, '--run', p.run, '--schedule', p.schedule, ...p.extra, ...(p.resume ? ['--resume'] : [])]],
    ['held-out evaluation', ['-m', 'training.learn.evaluate', '--run', p.run, '--heldout', String(p.heldout), ...(p.schedule === 'realtime' ? ['--presets', '32'] : [])]],
    ['export', ['-m', 'training.learn.export', '--run', p.run, '--name', p.name, '--out', p.out, '--eval', path.join(p.run, 'results.json'), ...(p.force ? ['--force'] : [])]],
  ];
  for (const [what, args] of steps) {
    const code = await python(root, args);
    if (code !== 0) throw new MbError('MB_ERR_INTERNAL', `${what} failed (exit ${code}); the log is ${path.join(run, 'train.log')}${what === 'training' ? '; continue with --resume' : ''}`);
  }
  const res = JSON.parse(readFileSync(path.join(run, 'results.json'), 'utf8')) as Record<string, unknown>;
  process.stdout.write(`${summary(res)}\nmodel: ${p.out}\n`);
  return 0;
}

function summary(res: Record<string, unknown>): string {
  const pct = (v: unknown) => `${(100 * Number(v)).toFixed(1)} %`;
  const mae = Object.entries(res.maePerParam as Record<string, number>).map(([k, v]) => `${k} ${v.toFixed(3)}`).join(', ');
  const lines = [
    `held-out (${String(res.heldout)} renders, seed ${String(res.heldoutSeed)}): MAE ${mae}; median over audible ${Number(res.medianMaeAudible).toFixed(3)}`,
    `re-rendering ${pct(res.closerThanPreset)} closer than the best fixed preset (${Number(res.plantDistance).toFixed(3)} vs ${Number(res.bestPresetDistance).toFixed(3)})`,
  ];
  if (res.noteAccuracy !== undefined) lines.push(`note accuracy ${pct(res.noteAccuracy)} (within a semitone ${pct(res.noteWithinSemitone)})`);
  return lines.join('\n');
}

/** `mirrorbridge learn`: probe a synth, then learn its controls (MirrorNet with the plant in the loop). */
export const learnCommand: RunnableCommand = {
  name: 'learn',
  summary: 'learn the controls of a synth (the built-in one, a Pd patch, or one over OSC in real time) with MirrorNet: probe, babble, train, export',
  usage:
    'mirrorbridge learn --plant builtin|pd:path/to/synth.pd|osc:host:port [--schema synth.json] --out models/NAME [--run DIR] [--schedule default|smoke|realtime] [--rounds N] [--threads N] [--heldout N] [--resume] [--force] [--probe-only]   (docs/learn.md)',
  run: learn,
};
