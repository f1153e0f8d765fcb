import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { MbError } from '../core/errors';
import { readWav } from '../audio/wav';
import type { Plant } from './plant';
import { batchLayout, pdHostPatch, pdScore } from './pd-host';
import type { PlantSchema } from './schema';

/**
 * A Pd patch as a plant, rendered by real Pd in batch mode: each `render` call runs
 * `pd -nogui -nosound -batch` on a generated host patch (src/plants/pd-host.ts) that plays
 * the vectors through the user's patch and writes one WAV; batches larger than `clipsPerRun`
 * take several runs. The user's patch is the contract of pd-host.ts: `[r plant.<name>]` per
 * parameter (units), `[r plant.gate]`, the sound at its first signal outlet.
 *
 * Failures are coded before anything else happens with the audio:
 * - MB_ERR_TOOL_MISSING: no `pd` on PATH (or `pd` option);
 * - MB_ERR_NOT_FOUND: the patch file is missing, or Pd cannot create it (`couldn't create`);
 * - MB_ERR_BAD_PARAMS: the schema names a parameter the patch does not receive
 *   (Pd's `qlist: plant.<name>: no such object`);
 * - MB_ERR_BAD_AUDIO: no signal outlet (the host's connection fails), no WAV, or an unreadable one.
 *   Pd's [tabwrite~] stores NaN and Inf as 0, so a patch that computes NaN renders silence, which
 *   the probe (src/plants/probe.ts) refuses;
 * - MB_ERR_INTERNAL: Pd ran past `timeoutMs` (it is killed) or exited without writing.
 *
 * @example
 * const plant = new PdPlant('patches/pd/plants/fm.pd', readPlantSchema('patches/pd/plants/fm.json'));
 * const clips = await plant.render([[0.5, 0.5, 0.5, 0.5, 0.5]]);
 */
export interface PdPlantOptions {
  /** The Pd binary; default `pd`. */
  pd?: string;
  /** Clips per Pd run; default 128. */
  clipsPerRun?: number;
  /** Wall-clock limit of one Pd run; default 10 s + 1 s per 10 s of audio. */
  timeoutMs?: number;
}

const SYMBOL_RE = /^[^\s;,$\\{}]+$/;

export class PdPlant implements Plant {
  readonly kind = 'pd' as const;
  readonly source: string;
  readonly schema: PlantSchema;
  /** Pd console lines of the last run that were neither expected nor errors (e.g. [print]). */
  lastConsole: string[] = [];
  private readonly patch: string;
  private readonly options: Required<Omit<PdPlantOptions, 'timeoutMs'>> & { timeoutMs?: number };
  private readonly work: string;

  constructor(patchPath: string, schema: PlantSchema, options: PdPlantOptions = {}) {
    this.patch = path.resolve(patchPath);
    this.source = `pd:${patchPath}`;
    this.schema = schema;
    this.options = { pd: options.pd ?? 'pd', clipsPerRun: options.clipsPerRun ?? 128, timeoutMs: options.timeoutMs };
    if (!existsSync(this.patch) || !this.patch.endsWith('.pd')) throw new MbError('MB_ERR_NOT_FOUND', `Pd patch ${patchPath} does not exist (expected a .pd file)`);
    if (!SYMBOL_RE.test(path.basename(this.patch, '.pd'))) throw new MbError('MB_ERR_BAD_ARGS', `Pd patch name '${path.basename(this.patch)}' must be a Pd symbol (no spaces, ; , $ \\ { })`);
    this.work = mkdtempSync(path.join(tmpdir(), 'mb-pdplant-'));
  }

  async render(vectors: readonly ArrayLike<number>[]): Promise<Float32Array[]> {
    const out: Float32Array[] = [];
    for (let i = 0; i < vectors.length; i += this.options.clipsPerRun) {
      out.push(...(await this.renderRun(vectors.slice(i, i + this.options.clipsPerRun))));
    }
    return out;
  }

  dispose(): void {
    rmSync(this.work, { recursive: true, force: true });
  }

  private async renderRun(vectors: readonly ArrayLike<number>[]): Promise<Float32Array[]> {
    const layout = batchLayout(this.schema, vectors.length);
    const score = path.join(this.work, 'score.txt');
    const wav = path.join(this.work, 'out.wav');
    const host = path.join(this.work, 'host.pd');
    rmSync(wav, { force: true });
    writeFileSync(score, pdScore(this.schema, vectors));
    writeFileSync(host, pdHostPatch(path.basename(this.patch, '.pd'), score, wav, layout.totalSamples));
    const audioSeconds = layout.totalSamples / this.schema.sampleRate;
    const timeoutMs = this.options.timeoutMs ?? 10_000 + audioSeconds * 100;
    const args = ['-nogui', '-nosound', '-nomidi', '-stderr', '-batch', '-r', String(this.schema.sampleRate), '-path', path.dirname(this.patch), '-open', host];
    const console_ = await runPd(this.options.pd, args, timeoutMs);
    this.lastConsole = this.check(console_);
    if (!existsSync(wav)) throw new MbError('MB_ERR_BAD_AUDIO', `${this.source}: Pd wrote no audio (console: ${console_.slice(-3).join(' | ') || 'empty'})`);
    let samples: Float32Array;
    try {
      samples = readWav(wav).samples;
    } catch (err) {
      throw new MbError('MB_ERR_BAD_AUDIO', `${this.source}: the rendered audio is invalid: ${(err as Error).message}`);
    }
    return vectors.map((_, k) => samples.slice(k * layout.periodSamples, k * layout.periodSamples + layout.clipSamples));
  }

  /** Turns Pd's console into coded errors; returns the other lines. */
  private check(lines: string[]): string[] {
    const missing = lines.map((l) => /qlist: plant\.([^:\s]+): no such object/.exec(l)?.[1]).filter((n): n is string => n !== undefined);
    const failed = lines.flatMap((l, i) => (l.includes("couldn't create") ? [`${lines[i - 1] ?? ''} ${l}`.trim()] : []));
    if (failed.length > 0) {
      const bad = failed.join(' | ');
      throw new MbError('MB_ERR_NOT_FOUND', `${this.source}: Pd could not open the patch cleanly: ${bad}`);
    }
    // The host's own line: "host.pd 5 0 6 0 (canvas->tabwrite~) connection failed".
    if (lines.some((l) => /connection failed/.test(l) && l.startsWith('host.pd 5 0 6 0'))) {
      throw new MbError('MB_ERR_BAD_AUDIO', `${this.source}: the patch has no signal outlet for its sound ([outlet~])`);
    }
    if (missing.length > 0) {
      const names = [...new Set(missing)];
      throw new MbError('MB_ERR_BAD_PARAMS', `${this.source}: the schema names parameter(s) the patch does not receive: ${names.map((n) => `[r plant.${n}]`).join(', ')}`);
    }
    return lines.filter((l) => !/biggest amplitude/.test(l) && l.trim() !== '');
  }
}

/** Runs Pd to completion (batch mode) and returns its console lines; coded errors for a missing binary or a hang. */
function runPd(pd: string, args: string[], timeoutMs: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(pd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    child.stdout.on('data', (d: Buffer) => (text += d.toString()));
    child.stderr.on('data', (d: Buffer) => (text += d.toString()));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(err.code === 'ENOENT' ? new MbError('MB_ERR_TOOL_MISSING', `'${pd}' is not installed (Debian: apt install puredata-core)`) : err);
    });
    child.on('close', () => {
      clearTimeout(timer);
      if (timedOut) reject(new MbError('MB_ERR_INTERNAL', `Pd did not finish within ${Math.round(timeoutMs)} ms (does the patch block the scheduler?)`));
      else resolve(text.split('\n'));
    });
  });
}
