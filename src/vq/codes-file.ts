import { promises as fs } from 'node:fs';
import { MbError } from '../core/errors';

/**
 * Reads a codes JSON as `vq encode` writes it: gains plus codes (or latents), and f0 for models
 * that carry pitch. A missing file is
 * MB_ERR_NOT_FOUND, anything unreadable MB_ERR_BAD_ARGS.
 *
 * @example
 * const series = await readCodesJson('codes.json'); await codec.decode(series);
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
