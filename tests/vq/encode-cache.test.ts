import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeWav } from '../../src/audio/wav';
import * as cache from '../../src/vq/encode-cache';
import { sharedCodec, SR, tone } from './fixtures';

/** The plane's corner encodings (src/vq/encode-cache.ts): computed once per file content, again when the file changes. */
const dir = mkdtempSync(join(tmpdir(), 'mb-encode-cache-'));
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  (await sharedCodec()).dispose();
});

describe('encodings of corner files', () => {
  it('encodes a file once while it stays the same, as the runtime encodes it, and again when it is rewritten', async () => {
    const vq = await sharedCodec();
    const file = join(dir, 'corner.wav');
    writeWav(file, tone(220, 0.5), SR);
    const before = cache.encodingsComputed;
    const a = await cache.encodedFile(vq, file);
    const b = await cache.encodedFile(vq, file);
    expect(cache.encodingsComputed - before).toBe(1);
    expect(b.series).toBe(a.series);
    expect(a.rate).toBe(SR);
    const direct = await vq.encode(tone(220, 0.5));
    expect(Array.from(a.series.codes)).toEqual(Array.from(direct.codes));
    // Same length, other content: the bytes' hash changes, so it is encoded again.
    writeWav(file, tone(440, 0.5), SR);
    const c = await cache.encodedFile(vq, file);
    expect(cache.encodingsComputed - before).toBe(2);
    expect(Array.from(c.series.codes)).toEqual(Array.from((await vq.encode(tone(440, 0.5))).codes));
    expect(Array.from(c.series.codes)).not.toEqual(Array.from(a.series.codes));
  });

  it('keeps at most MAX_ENTRIES files per runtime', async () => {
    const vq = await sharedCodec();
    const files = Array.from({ length: cache.MAX_ENTRIES + 1 }, (_, k) => join(dir, `f${k}.wav`));
    files.forEach((f, k) => writeWav(f, tone(200 + 10 * k, 0.1), SR));
    for (const f of files) await cache.encodedFile(vq, f);
    const before = cache.encodingsComputed;
    await cache.encodedFile(vq, files[files.length - 1]); // the newest: kept
    expect(cache.encodingsComputed).toBe(before);
    await cache.encodedFile(vq, files[0]); // the oldest: dropped, encoded again
    expect(cache.encodingsComputed).toBe(before + 1);
  });
});
