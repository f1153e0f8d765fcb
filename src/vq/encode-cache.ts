import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resample } from '../audio/resample';
import { readWav } from '../audio/wav';
import type { VqRuntime } from './runtime';

/**
 * Encodings of WAV files, kept per VQ runtime and keyed by the file's path and the SHA-1 of its
 * bytes: the four-corner plane encodes its corners once, not on every point, and a corner file
 * rewritten (any change to its bytes) is encoded again. Reading and hashing a file costs far
 * less than encoding it. At most MAX_ENTRIES per runtime (the least recently used go first).
 * The series returned is shared: callers read it (mixes build new arrays), never write it.
 *
 * @example
 * const { series, rate } = await encodedFile(vq, '/files/corner-a.wav');
 */
export const MAX_ENTRIES = 32;

type Encoded = Awaited<ReturnType<VqRuntime['encode']>>;
interface Entry {
  hash: string;
  series: Promise<Encoded>;
  rate: number;
}

const caches = new WeakMap<VqRuntime, Map<string, Entry>>();

/** How many encodings were computed (not taken from the cache) since the process started: for tests and status. */
export let encodingsComputed = 0;

export async function encodedFile(vq: VqRuntime, file: string): Promise<{ series: Encoded; rate: number }> {
  let cache = caches.get(vq);
  if (!cache) caches.set(vq, (cache = new Map()));
  const bytes = readFileSync(file);
  const hash = createHash('sha1').update(bytes).digest('hex');
  let entry = cache.get(file);
  if (!entry || entry.hash !== hash) {
    const wav = readWav(bytes);
    const samples = wav.sampleRate === vq.sampleRate ? wav.samples : resample(wav.samples, wav.sampleRate, vq.sampleRate);
    encodingsComputed++;
    entry = { hash, series: vq.encode(samples), rate: wav.sampleRate };
    const failed = entry;
    entry.series.catch(() => cache.get(file) === failed && cache.delete(file));
  }
  cache.delete(file);
  cache.set(file, entry);
  while (cache.size > MAX_ENTRIES) cache.delete(cache.keys().next().value as string);
  return { series: await entry.series, rate: entry.rate };
}
