import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { JobPathSpec } from '../engine/types';
import { codesJson, writeCodesJson } from '../vq/codes-file';
import { jobFiles, runCliJob } from './job-runner';
import { verbCommand, type CliOption, type CliValues, type VerbCall, type VerbCommandSpec } from './verb-command';
import { encodeFile, modelDir, print, withCodec } from './vq';

/**
 * The `vq` sub-commands that are the engine's `vq` job (src/vq/job.ts) from the shell:
 * `encode` and `decode` take the verb /mb/job/vq's arguments and run the job in an in-process
 * engine, so the codes JSON and the WAV are the job's. The other sub-commands (synth with
 * curves, deform with any op list, plane from four WAVs, lerp, analyze) offer more than the
 * job and stay in vq.ts.
 */

/** The job's file arguments, as src/vq/register.ts registers the job. */
const VQ_JOB_FILES: Readonly<JobPathSpec> = { in: 'read', out: 'write' };

const MODEL_OPTION: CliOption = { type: 'string', value: 'DIR', description: 'VQ-VAE model folder (named after the model). Default: models/vqvae-timbre of the package.' };

/** The verb's model name and the CLI's models folder, from --model DIR. */
const modelOf = (options: CliValues) => path.basename(modelDir(options.model as string | undefined));
const modelsDirOf = (call: VerbCall) => path.dirname(modelDir(call.options.model as string | undefined));

function vqJobCommand(op: 'encode' | 'decode', spec: Omit<VerbCommandSpec, 'address' | 'parent' | 'name' | 'filled'> & { filled?: VerbCommandSpec['filled'] }) {
  return verbCommand({
    ...spec,
    name: op,
    parent: 'mirrorbridge vq',
    address: '/mb/job/vq',
    filled: { op, model: modelOf, ...spec.filled },
    options: { ...spec.options, model: MODEL_OPTION },
  });
}

const runJob = (call: VerbCall) =>
  runCliJob({ modelsDir: modelsDirOf(call), model: call.args.str('model'), files: jobFiles(call.args, VQ_JOB_FILES), submit: call.submit });

/** Where encode writes when no --out is given: a file of its own, printed and removed. */
const scratchCodes = () => path.join(os.tmpdir(), `mirrorbridge-codes-${process.pid}-${Date.now()}.json`);

export const encodeCommand = vqJobCommand('encode', {
  summary: 'encode a WAV to codes and gains',
  positionals: ['in'],
  filled: { out: (o) => (o.out as string | undefined) ?? scratchCodes(), rate: () => undefined }, // codes have no rate
  descriptions: { in: 'Input WAV.' },
  options: {
    out: { type: 'string', value: 'FILE', description: 'Codes JSON to write (without it the JSON is printed).' },
    json: { type: 'boolean', description: 'Print the codes JSON (also when --out is given).' },
    latents: { type: 'boolean', description: 'Also write the latents (not part of the job: this encodes directly).' },
    search: { type: 'boolean', description: 'Choose each frame\'s code by analysis by synthesis (docs/vqvae.md, code search; offline, slower; not part of the job: this encodes directly).' },
  },
  async run(call) {
    const toFile = call.options.out !== undefined;
    if (call.options.latents || call.options.search) return encodeDirectly(call, toFile);
    const out = call.args.str('out');
    try {
      await runJob(call);
      if (call.options.json || !toFile) process.stdout.write(await fs.readFile(out, 'utf8'));
    } finally {
      if (!toFile) await fs.rm(out, { force: true });
    }
    return 0;
  },
});

/** `encode --latents` / `--search`: the job has neither, so this one encodes here, with the same writer. */
async function encodeDirectly(call: VerbCall, toFile: boolean): Promise<number> {
  return withCodec(call.options.model as string | undefined, async (codec) => {
    const series = await encodeFile(codec, call.args.str('in'), { search: Boolean(call.options.search) });
    const json = codesJson(codec.model, series, { latents: Boolean(call.options.latents) });
    if (toFile) await writeCodesJson(call.args.str('out'), json);
    if (call.options.json || !toFile) print(json);
    return 0;
  });
}

export const decodeCommand = vqJobCommand('decode', {
  summary: 'decode a codes JSON (from encode --json) to a WAV',
  positionals: ['in'],
  descriptions: { in: 'Codes JSON (from vq encode).', out: 'Output WAV (24-bit, at the model\'s rate).' },
  async run(call) {
    await runJob(call);
    return 0;
  },
});
