import { promises as fs } from 'node:fs';
import { MbError } from '../core/errors';
import type { Hz, Samples } from '../core/units';

/**
 * The codes JSON: one shape, written by `vq encode` (the CLI) and by the engine's `vq` job
 * (op encode), read back by `vq decode` and the job's decode.
 *
 *   { model, sampleRate, hop, frameRate, frames, codes, gains, f0?, latents? }
 *
 * Gains, f0 and latents are written with the fewest digits that read back to the same
 * float32 value, so decoding the file gives the samples of decoding the series in memory.
 * `codes` is absent for a series without codes (a deformation heard unquantized).
 *
 * @example
 * await writeCodesJson('codes.json', codesJson(vq.model, await vq.encode(samples)));
 * const series = await readCodesJson('codes.json'); await vq.decode(series);
 */
export interface CodesJson {
  model: string;
  sampleRate: Hz;
  hop: Samples;
  frameRate: Hz;
  frames: number;
  codes?: number[];
  gains: number[];
  f0?: number[];
  latents?: number[];
}

/** What the JSON says about the model it came from. */
export interface CodesJsonSource {
  readonly name: string;
  readonly geometry: { readonly sampleRate: Hz; readonly hop: Samples };
}

/** A series as the codes JSON holds it; `latents: true` also writes the latents. */
export function codesJson(
  source: CodesJsonSource,
  series: { codes?: ArrayLike<number>; gains: ArrayLike<number>; f0?: ArrayLike<number>; latents?: ArrayLike<number> },
  options: { latents?: boolean } = {},
): CodesJson {
  const { sampleRate, hop } = source.geometry;
  return {
    model: source.name,
    sampleRate,
    hop,
    frameRate: sampleRate / hop,
    frames: series.gains.length,
    ...(series.codes ? { codes: Array.from(series.codes) } : {}),
    gains: float32Values(series.gains),
    ...(series.f0 ? { f0: float32Values(series.f0) } : {}),
    ...(options.latents && series.latents ? { latents: float32Values(series.latents) } : {}),
  };
}

/** Writes a codes JSON (one line). */
export async function writeCodesJson(file: string, json: CodesJson): Promise<void> {
  await fs.writeFile(file, `${JSON.stringify(json)}\n`);
}

/**
 * Reads a codes JSON: gains plus codes (or latents), and f0 for models that carry pitch.
 * A missing file is MB_ERR_NOT_FOUND, anything unreadable MB_ERR_BAD_ARGS.
 */
export async function readCodesJson(file: string): Promise<{ codes?: number[]; latents?: Float32Array; gains: number[]; f0?: number[] }> {
  let parsed: { codes?: number[]; latents?: number[]; gains?: number[]; f0?: number[] };
  try {
    parsed = JSON.parse(await fs.readFile(file, 'utf8'));
  } catch (err) {
    throw new MbError((err as NodeJS.ErrnoException).code === 'ENOENT' ? 'MB_ERR_NOT_FOUND' : 'MB_ERR_BAD_ARGS', `cannot read codes from ${file}: ${(err as Error).message}`);
  }
  if (!Array.isArray(parsed?.gains)) throw new MbError('MB_ERR_BAD_ARGS', `${file} must hold "gains" and "codes" (or "latents") arrays`);
  if (parsed.f0 !== undefined && !Array.isArray(parsed.f0)) throw new MbError('MB_ERR_BAD_ARGS', `${file}: "f0" must be an array of Hz values (0 = unvoiced)`);
  return { codes: parsed.codes, latents: parsed.latents ? Float32Array.from(parsed.latents) : undefined, gains: parsed.gains, f0: parsed.f0 };
}

/** Each value as the shortest decimal that reads back to the same float32. */
function float32Values(values: ArrayLike<number>): number[] {
  const out = new Array<number>(values.length);
  for (let i = 0; i < values.length; i++) out[i] = shortestFloat32(values[i]);
  return out;
}

function shortestFloat32(v: number): number {
  const f = Math.fround(v);
  if (!Number.isFinite(f) || f === 0) return f;
  for (let digits = 1; digits < 9; digits++) {
    const d = Number(f.toPrecision(digits));
    if (Math.fround(d) === f) return d;
  }
  return Number(f.toPrecision(9));
}
