import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { checkArgValue, type ArgSpec } from '../core/arg-spec';
import { MbError } from '../core/errors';
import { writeFigure } from '../core/figure';
import { readWav, writeWav } from '../audio/wav';
import { resample } from '../audio/resample';
import type { DescriptorName } from '../dsp/descriptors';
import { analyzeCodebook, codebookSpec, synthSpec, checkDescriptorName, DEFAULT_BEAM, parseOp, parseTarget, VqRuntime, VqModel, type DecodableSeries, type EncodeOptions, type LatentSeries, type Target } from '../vq';
import { codesJson } from '../vq/codes-file';
import { PLANE_X, PLANE_Y } from '../vq/controls';
import { atomOfText } from '../verbs/text-atoms';
import { numberOption, parseCommandArgs, type RunnableCommand } from './command';

/**
 * `mirrorbridge vq <sub-command>`: the VQ-VAE timbre codec from the shell. encode and decode
 * run the engine's `vq` job (vq-jobs.ts); the sub-commands here offer more than the job does
 * (synth with target curves and weights, deform with any list of ops, plane from four WAVs and
 * unquantized, lerp, analyze) and call the VQ runtime directly. The table of sub-commands is
 * external.ts's; the one dispatcher (main.ts) walks it.
 *
 * @example
 * mirrorbridge vq encode voice.wav --json
 * mirrorbridge vq synth --target 'centroid=linear(800,2400)' --continuity 0.5 --duration 3 --out s.wav
 */
const MODEL_OPTION = { model: { type: 'string' } } as const;

/** The VQ model folder of --model DIR (default: the package's). */
export function modelDir(raw: string | undefined): string {
  return raw ? path.resolve(raw) : VqRuntime.defaultDir();
}

function requireOut(out: string | undefined): string {
  if (!out) throw new MbError('MB_ERR_BAD_ARGS', '--out <file.wav> is required');
  return out;
}

function onePositional(positionals: string[], what: string, count = 1): string[] {
  if (positionals.length !== count) throw new MbError('MB_ERR_BAD_ARGS', `expected ${what}, got ${positionals.length} argument(s)`);
  return positionals;
}

export async function withCodec<T>(dir: string | undefined, f: (codec: VqRuntime) => Promise<T>): Promise<T> {
  const codec = await VqRuntime.load(modelDir(dir));
  try {
    return await f(codec);
  } finally {
    await codec.dispose();
  }
}

export async function encodeFile(codec: VqRuntime, file: string, options: EncodeOptions = {}): Promise<LatentSeries & { codes: Int32Array }> {
  const wav = readWav(file);
  const s = await codec.encode(wav.samples, wav.sampleRate, options);
  return { latents: s.latents, gains: s.gains, codes: s.codes, latentDim: s.latentDim, frameRate: s.frameRate, f0: s.f0 };
}

function round(values: ArrayLike<number>, digits = 5): number[] {
  return Array.from(values, (v) => Number(v.toPrecision(digits)));
}

export function print(json: unknown): void {
  process.stdout.write(`${JSON.stringify(json)}\n`);
}

async function writeAudio(codec: VqRuntime, out: string, series: DecodableSeries): Promise<Float32Array> {
  const audio = await codec.decode(series);
  writeWav(out, audio, codec.sampleRate, { bitDepth: '24' });
  return audio;
}

function parseWeights(list: string[] | undefined): Partial<Record<DescriptorName, number>> {
  const weights: Partial<Record<DescriptorName, number>> = {};
  for (const w of list ?? []) {
    const [name, value] = w.split('=');
    weights[checkDescriptorName(name)] = numberOption(`weight ${name}`, value, 1, 0, 1000);
  }
  return weights;
}

export const synthCommand: RunnableCommand = {
  name: 'synth',
  summary: 'descriptor-based synthesis: pick codes matching target curves',
  usage:
    "mirrorbridge vq synth --target 'centroid=linear(800,2400)' [--target 'loudness=const(-20)'] [--target-audio ref.wav]\n" +
    '       [--target-descriptors loudness,centroid,flatness] [--weight centroid=2] [--continuity 0.5] [--beam 32]\n' +
    '       [--duration 3] --out s.wav [--json] [--plot target-vs-achieved.png] [--model dir]\n' +
    'curves: const(v) linear(a,b) exp(a,b) log(a,b) sine(centre,depth,hz[,phaseDeg]) bp(t0:v0,t1:v1,...)',
  async run(argv) {
    const { values } = parseCommandArgs(
      argv,
      {
        ...MODEL_OPTION,
        target: { type: 'string', multiple: true },
        'target-audio': { type: 'string' },
        'target-descriptors': { type: 'string' },
        weight: { type: 'string', multiple: true },
        continuity: { type: 'string' },
        beam: { type: 'string' },
        duration: { type: 'string' },
        out: { type: 'string' },
        json: { type: 'boolean' },
        plot: { type: 'string' },
      },
      false,
    );
    const out = requireOut(values.out);
    const continuity = numberOption('continuity', values.continuity, 0, 0, 1000);
    const beam = Math.round(numberOption('beam', values.beam, DEFAULT_BEAM, 1, 4096));
    const weights = parseWeights(values.weight);
    if (!values.target?.length && !values['target-audio']) throw new MbError('MB_ERR_BAD_TARGET', 'give at least one --target or --target-audio');
    return withCodec(values.model, async (codec) => {
      let targets: Target[];
      if (values['target-audio']) {
        // The reference sets the length; --target curves given too replace its descriptors.
        const wav = readWav(values['target-audio']);
        const names = (values['target-descriptors'] ?? 'loudness,centroid,flatness').split(',').map((n) => checkDescriptorName(n.trim()));
        const x = wav.sampleRate === codec.sampleRate ? wav.samples : resample(wav.samples, wav.sampleRate, codec.sampleRate);
        const reference = codec.targetsFromAudio(x, names, values['target-audio']);
        const frames = reference[0].values.length;
        const curves = (values.target ?? []).map((spec) => parseTarget(spec, frames, codec.frameRate));
        targets = [...reference.filter((t) => !curves.some((c) => c.name === t.name)), ...curves];
      } else {
        const seconds = numberOption('duration', values.duration, 3, 0.01, 3600);
        targets = codec.parseTargets(values.target!, seconds);
      }
      const result = await codec.synthesize(targets, { continuity, beam, weights });
      writeWav(out, result.audio, codec.sampleRate, { bitDepth: '24' });
      if (values.plot) {
        const curves = targets.map((t) => ({ name: t.name, target: t.values, clamped: result.selection.clamped.find((c) => c.name === t.name)?.values, achieved: result.achieved[t.name] }));
        await writeFigure(values.plot, synthSpec(curves, codec.frameRate, `Descriptor synthesis on ${codec.model.name}: ${result.selection.frames} frames, continuity ${continuity}`));
      }
      if (values.json) {
        print({
          model: codec.model.name,
          out,
          frameRate: codec.frameRate,
          frames: result.selection.frames,
          continuity,
          coverage: result.selection.coverage,
          codes: Array.from(result.selection.codes),
          targets: Object.fromEntries(targets.map((t) => [t.name, { source: t.source, values: round(t.values) }])),
          clamped: Object.fromEntries(result.selection.clamped.map((t) => [t.name, round(t.values)])),
          achieved: Object.fromEntries(Object.entries(result.achieved).map(([n, v]) => [n, round(v!)])),
        });
      }
      return 0;
    });
  },
};

export const deformCommand: RunnableCommand = {
  name: 'deform',
  summary: 'deform a sound in latent space (scale, bias, randomize, reverse, stretch, freeze, smooth)',
  usage:
    'mirrorbridge vq deform <in.wav> --op scale=1.5 [--op reverse] ... --out <out.wav> [--no-quantize] [--json] [--model dir]\n' +
    'ops: scale=s bias=b randomize=amount[:seed] reverse stretch=f freeze=t0[:t1] smooth=frames transpose=semitones (models that carry pitch)',
  async run(argv) {
    const { values, positionals } = parseCommandArgs(argv, { ...MODEL_OPTION, op: { type: 'string', multiple: true }, out: { type: 'string' }, 'no-quantize': { type: 'boolean' }, json: { type: 'boolean' } });
    const [file] = onePositional(positionals, 'one input WAV');
    const out = requireOut(values.out);
    if (!values.op?.length) throw new MbError('MB_ERR_BAD_ARGS', 'give at least one --op');
    const ops = values.op.map(parseOp);
    return withCodec(values.model, async (codec) => {
      const series = await encodeFile(codec, file);
      const deformed = codec.deform(series, ops, !values['no-quantize']);
      await writeAudio(codec, out, deformed);
      if (values.json) print({ ...codesJson(codec.model, deformed), ops: values.op, out });
      return 0;
    });
  },
};

function planeCoordinate(spec: ArgSpec, text: string | undefined): number {
  return text === undefined ? 0.5 : checkArgValue(spec, atomOfText(spec, text, `--${spec.name}`).value as number, `--${spec.name}`);
}

export const planeCommand: RunnableCommand = {
  name: 'plane',
  summary: 'interpolation plane: bilinear mix of four sounds at (x, y)',
  usage: 'mirrorbridge vq plane <a.wav> <b.wav> <c.wav> <d.wav> --x 0.3 --y 0.7 --out <out.wav> [--no-quantize] [--model dir]\n' + 'corners: a (0,0), b (1,0), c (0,1), d (1,1)',
  async run(argv) {
    const { values, positionals } = parseCommandArgs(argv, { ...MODEL_OPTION, x: { type: 'string' }, y: { type: 'string' }, out: { type: 'string' }, 'no-quantize': { type: 'boolean' } });
    const files = onePositional(positionals, 'four corner WAVs (a b c d)', 4);
    const out = requireOut(values.out);
    // The plane's ranges are the live control's (/mb/vq/plane), declared once in src/vq/controls.ts.
    const x = planeCoordinate(PLANE_X, values.x);
    const y = planeCoordinate(PLANE_Y, values.y);
    return withCodec(values.model, async (codec) => {
      const corners = [];
      for (const f of files) corners.push(await encodeFile(codec, f));
      await writeAudio(codec, out, codec.plane(corners, x, y, !values['no-quantize']));
      return 0;
    });
  },
};

export const lerpCommand: RunnableCommand = {
  name: 'lerp',
  summary: 'linear interpolation between two sounds (fixed --t, or --morph from a to b)',
  usage: 'mirrorbridge vq lerp <a.wav> <b.wav> (--t 0.5 | --morph) --out <out.wav> [--no-quantize] [--model dir]',
  async run(argv) {
    const { values, positionals } = parseCommandArgs(argv, { ...MODEL_OPTION, t: { type: 'string' }, morph: { type: 'boolean' }, out: { type: 'string' }, 'no-quantize': { type: 'boolean' } });
    const [a, b] = onePositional(positionals, 'two WAVs', 2);
    const out = requireOut(values.out);
    return withCodec(values.model, async (codec) => {
      const sa = await encodeFile(codec, a);
      const sb = await encodeFile(codec, b);
      const frames = Math.min(sa.gains.length, sb.gains.length);
      const t = values.morph ? Float32Array.from({ length: frames }, (_, i) => (frames > 1 ? i / (frames - 1) : 0)) : numberOption('t', values.t, 0.5, 0, 1);
      await writeAudio(codec, out, codec.interpolate(sa, sb, t, !values['no-quantize']));
      return 0;
    });
  },
};

export const analyzeCommand: RunnableCommand = {
  name: 'analyze',
  summary: "compute the codebook's descriptor table (and optionally its PCA picture)",
  usage: 'mirrorbridge vq analyze [--model dir] [--png docs/img/vq-codebook-pca.png]',
  async run(argv) {
    const { values } = parseCommandArgs(argv, { ...MODEL_OPTION, png: { type: 'string' } }, false);
    const dir = modelDir(values.model);
    const model = await VqModel.load(dir);
    try {
      const table = await analyzeCodebook(model);
      const file = path.join(dir, model.manifest.codebook!.descriptorTable);
      await fs.writeFile(file, `${JSON.stringify(table)}\n`);
      if (values.png) await writeFigure(values.png, codebookSpec(table));
      process.stderr.write(`vq analyze: wrote ${file}${values.png ? ` and ${values.png}` : ''}\n`);
      return 0;
    } finally {
      await model.dispose();
    }
  },
};
