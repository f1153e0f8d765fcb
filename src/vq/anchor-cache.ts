import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import * as path from 'node:path';
import { log } from '../core/log';

/**
 * A disk cache of tables a model builds at load by running its graphs (the VQ decoder's
 * segments of every code at every pitch anchor: 12,288 decoder runs, 0.8 s of CPU here, the
 * largest part of a VQ load). Each table is stored under a key that names everything it
 * depends on (the graphs' sha256, the geometry, the onnxruntime version), so a model that
 * changes misses the cache; the same model loaded again (a server restarted, a model host
 * started, a job worker) reads the file instead (50 MB from the page cache: tens of ms).
 *
 * Files are written whole to a temporary name and renamed, so a reader never sees half of
 * one; one whose size is wrong is ignored and rebuilt. The folder keeps the newest
 * `MAX_ENTRIES` tables. MB_CACHE names the folder (`off`: no cache); else
 * $XDG_CACHE_HOME/mirrorbridge, else ~/.cache/mirrorbridge. A folder that cannot be written
 * only costs the build.
 *
 * @example
 * const key = cacheKey({ decoder: sha, codes: 512, rows: 24 });
 * const table = readCachedTable('vq-anchors', key, expectedLength) ?? writeCachedTable('vq-anchors', key, await build());
 */
const MAX_ENTRIES = 8;

/** The cache folder, or null when MB_CACHE=off. */
export function cacheDir(): string | null {
  const env = process.env.MB_CACHE;
  if (env === 'off') return null;
  if (env) return env;
  const base = process.env.XDG_CACHE_HOME || path.join(homedir(), '.cache');
  return path.join(base, 'mirrorbridge');
}

/** A file-name-safe key for everything a table depends on. */
export function cacheKey(parts: Record<string, unknown>): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 32);
}

function fileOf(kind: string, key: string): string | null {
  const dir = cacheDir();
  return dir ? path.join(dir, kind, `${key}.f32`) : null;
}

/** The cached table of `key`, or null (none, unreadable, or not `length` floats). */
export function readCachedTable(kind: string, key: string, length: number): Float32Array | null {
  const file = fileOf(kind, key);
  if (!file) return null;
  try {
    const buf = readFileSync(file);
    if (buf.byteLength !== length * 4) {
      log.warn(`cache file ${file} has ${buf.byteLength} bytes, expected ${length * 4}: rebuilding it`);
      return null;
    }
    // Marks it used, for the pruning of the oldest.
    const now = new Date();
    utimesSync(file, now, now);
    if (buf.byteOffset % 4 === 0) return new Float32Array(buf.buffer, buf.byteOffset, length);
    return new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
  } catch {
    return null;
  }
}

/** Stores `table` under `key` (best effort: a failure is logged and forgotten); returns `table`. */
export function writeCachedTable(kind: string, key: string, table: Float32Array): Float32Array {
  const file = fileOf(kind, key);
  if (!file) return table;
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(tmp, new Uint8Array(table.buffer, table.byteOffset, table.byteLength));
    renameSync(tmp, file);
    prune(path.dirname(file));
  } catch (err) {
    rmSync(tmp, { force: true });
    log.debug(`cache: could not store ${file}: ${(err as Error).message}`);
  }
  return table;
}

/** Keeps the newest MAX_ENTRIES tables of a folder (temporary files of others are left alone). */
function prune(dir: string): void {
  const tables = readdirSync(dir)
    .filter((f) => f.endsWith('.f32'))
    .map((f) => ({ file: path.join(dir, f), at: statSync(path.join(dir, f)).mtimeMs }))
    .sort((a, b) => b.at - a.at);
  for (const t of tables.slice(MAX_ENTRIES)) rmSync(t.file, { force: true });
}
