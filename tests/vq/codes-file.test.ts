import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { codesJson, readCodesJson, writeCodesJson } from '../../src/vq';
import { sharedCodec, tone } from './fixtures';

describe('the codes JSON (one writer, one reader)', () => {
  afterAll(async () => (await sharedCodec()).dispose());

  it('has one shape and reads back to the float32 values written: decoding the file gives the samples of the series', async () => {
    const vq = await sharedCodec();
    const series = await vq.encode(tone(247, 0.8));
    const json = codesJson(vq.model, series, { latents: true });
    expect(Object.keys(json)).toEqual(['model', 'sampleRate', 'hop', 'frameRate', 'frames', 'codes', 'gains', 'f0', 'latents']);
    expect(json).toMatchObject({ model: vq.model.name, sampleRate: 16000, hop: 256, frameRate: 62.5, frames: series.frames });
    // Each value is the shortest decimal of its float32, never longer than 9 digits.
    expect(json.gains.every((g) => String(g).replace(/^0\.0*|\.|e.*$/g, '').length <= 9)).toBe(true);
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'mb-codes-'));
    try {
      const file = path.join(dir, 'codes.json');
      await writeCodesJson(file, json);
      const back = await readCodesJson(file);
      expect(Array.from(Float32Array.from(back.gains))).toEqual(Array.from(series.gains));
      expect(Array.from(Float32Array.from(back.f0!))).toEqual(Array.from(series.f0!));
      expect(Array.from(back.latents!)).toEqual(Array.from(series.latents));
      expect(Array.from(await vq.decode(back))).toEqual(Array.from(await vq.decode(series)));
      // Without codes (a series heard unquantized) the field is left out.
      expect('codes' in codesJson(vq.model, { gains: series.gains })).toBe(false);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
