import { existsSync, mkdtempSync, readdirSync, statSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { VqModel, VqRuntime } from '../../src/vq';

/**
 * The pitch-anchor table a VQ model decodes at load (most of its load) is cached on disk under
 * a key of its graphs and geometry: a second load reads it and decodes exactly as the first; a
 * file of the wrong size is rebuilt; MB_CACHE=off keeps nothing.
 */
const saved = process.env.MB_CACHE;
afterEach(() => {
  if (saved === undefined) delete process.env.MB_CACHE;
  else process.env.MB_CACHE = saved;
});

const codes = [0, 5, 17, 300, 511, 42];
const gains = new Float32Array([0.5, 1, 0.25, 2, 1, 0.1]);
const f0 = [0, 110, 220.5, 440, 1500, 0];

async function decodeWith(): Promise<{ audio: Float32Array; ms: number }> {
  const start = performance.now();
  const model = await VqModel.load(VqRuntime.defaultDir());
  const ms = performance.now() - start;
  try {
    return { audio: await model.decodeCodes(codes, gains, codes.length, f0), ms };
  } finally {
    await model.dispose();
  }
}

const tables = (dir: string) => (existsSync(path.join(dir, 'vq-anchors')) ? readdirSync(path.join(dir, 'vq-anchors')).filter((f) => f.endsWith('.f32')) : []);

describe('the VQ pitch-anchor cache', () => {
  it('a second load reads the table the first wrote and decodes the same samples; a truncated file is rebuilt', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'mb-cache-'));
    process.env.MB_CACHE = dir;
    const first = await decodeWith();
    expect(tables(dir)).toHaveLength(1);
    const file = path.join(dir, 'vq-anchors', tables(dir)[0]);
    const size = statSync(file).size;
    const second = await decodeWith();
    expect(second.audio).toEqual(first.audio);
    expect(second.audio.some((v) => v !== 0)).toBe(true);
    console.log(`VQ model load: ${first.ms.toFixed(0)} ms building the anchors, ${second.ms.toFixed(0)} ms from the cache`);
    truncateSync(file, 1000);
    const third = await decodeWith();
    expect(third.audio).toEqual(first.audio);
    expect(statSync(file).size).toBe(size);
    expect(readdirSync(path.join(dir, 'vq-anchors'))).toEqual([path.basename(file)]);
  }, 60_000);

  it('MB_CACHE=off writes nothing, not even in the default folder', async () => {
    const xdg = mkdtempSync(path.join(tmpdir(), 'mb-xdg-'));
    const savedXdg = process.env.XDG_CACHE_HOME;
    process.env.XDG_CACHE_HOME = xdg;
    process.env.MB_CACHE = 'off';
    try {
      const { audio } = await decodeWith();
      expect(audio.some((v) => v !== 0)).toBe(true);
      expect(readdirSync(xdg)).toEqual([]);
      delete process.env.MB_CACHE;
      await decodeWith();
      expect(tables(path.join(xdg, 'mirrorbridge'))).toHaveLength(1);
    } finally {
      if (savedXdg === undefined) delete process.env.XDG_CACHE_HOME;
      else process.env.XDG_CACHE_HOME = savedXdg;
    }
  }, 60_000);
});
