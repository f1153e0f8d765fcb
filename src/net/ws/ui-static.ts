import { createReadStream, readFileSync, statSync, type Dirent } from 'node:fs';
import { readdir } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import * as path from 'node:path';
import { packageRoot } from '../../core/paths';
import { DESCRIPTOR_UNITS } from '../../dsp/descriptors';
import type { ModelManifest } from '../../models/manifest';
import { entriesAt } from '../../verbs/table';

/**
 * The browser page at /ui/: the files `npm run build` bundles into dist/ui (scripts/build-ui.cjs),
 * plus /ui/models.json, the loaded models' manifests without their graph files and training
 * record (a VQ model's descriptor table at /ui/models/<name>/descriptors.json, with its units), and /ui/verbs.json, the OSC door's verb table without handlers (every argument's
 * name, type, range, unit and description, which the OSCQuery namespace does not all carry),
 * from which the page builds its views, and /ui/files/<path>, a file of the files folder (what jobs
 * wrote: the page plays and offers them), read-only. Everything else on the HTTP port stays OSCQuery.
 *
 * @example
 * if (isUiPath(url.pathname)) return serveUi(req, res, defaultUiDir(), () => manifests);
 */
export const UI_PREFIX = '/ui';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.wav': 'audio/wav',
  '.mid': 'audio/midi',
};

const FILES_PREFIX = `${UI_PREFIX}/files/`;

export function isFilesPath(pathname: string): boolean {
  return pathname.startsWith(FILES_PREFIX);
}

/** Sound files the page offers (plane corners, melodies): WAVs in the files folder and its subfolders, two levels deep. */
export async function listSounds(root: string, depth = 2): Promise<string[]> {
  const out: string[] = [];
  const walk = async (rel: string, level: number): Promise<void> => {
    let entries: Dirent[];
    try {
      entries = await readdir(path.join(root, rel), { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const name = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory() && level < depth && !e.name.startsWith('.')) await walk(name, level + 1);
      else if (e.isFile() && /\.wav$/i.test(e.name) && !e.name.startsWith('ui-')) out.push(name);
    }
  };
  await walk('', 0);
  return out.sort();
}

/** Sends a short plain-text answer (errors, refusals). */
export function sendText(res: ServerResponse, status: number, body: string, headers: Record<string, string>): void {
  send(res, status, 'text/plain; charset=utf-8', body, headers);
}

/**
 * Answers /ui/files/<path> with that file of the files folder; `resolve` checks the path the way
 * every front door's file argument is checked (inside the folder, no escape), a refusal is a 404
 * with its coded message. /ui/files/ itself answers {"sounds": [...]}, the WAVs listSounds finds
 * (the page's own renders, ui-*.wav, left out).
 */
export async function serveFile(
  req: IncomingMessage,
  res: ServerResponse,
  pathname: string,
  resolve: (rel: string) => Promise<string>,
  resolveRoot: () => Promise<string>,
  headers: Record<string, string>,
): Promise<void> {
  let file: string;
  try {
    if (pathname === FILES_PREFIX) {
      send(res, 200, TYPES['.json'], JSON.stringify({ sounds: await listSounds(await resolveRoot()) }), headers);
      return;
    }
    file = await resolve(decodeURIComponent(pathname.slice(FILES_PREFIX.length)));
  } catch (err) {
    const e = err as { code?: string; message?: string };
    sendText(res, 404, `${e.code ?? 'MB_ERR_PATH'}: ${e.message ?? String(err)}\n`, headers);
    return;
  }
  sendFile(req, res, file, headers);
}

/** Where the built page lies: dist/ui at the package root, from src/ (vitest) and from dist/src/ alike. */
export function defaultUiDir(): string {
  return path.join(packageRoot(), 'dist', 'ui');
}

export function isUiPath(pathname: string): boolean {
  return pathname === UI_PREFIX || pathname.startsWith(`${UI_PREFIX}/`);
}

/** A loaded model as the page sees it: its manifest and its folder. */
export interface PageModelSource {
  readonly manifest: ModelManifest;
  readonly dir: string;
}

const descriptorsUrl = (name: string) => `${UI_PREFIX}/models/${encodeURIComponent(name)}/descriptors.json`;

/** What the page needs of a manifest: no file names, hashes or training record. */
export function pageManifest(m: ModelManifest): Record<string, unknown> {
  const { graphs: _graphs, training: _training, codebook, ...rest } = m;
  return { ...rest, ...(codebook ? { codebook: { size: codebook.size, latentDim: codebook.latentDim, descriptors: descriptorsUrl(m.name) } } : {}) };
}

function send(res: ServerResponse, status: number, type: string, body: string, headers: Record<string, string>): void {
  res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body), 'Cache-Control': 'no-cache', ...headers });
  res.end(body);
}

/** The OSC door's entries as data: address, direction, group, description, argument lists. */
export function pageVerbs(): Record<string, unknown>[] {
  return entriesAt('osc').map((e) => ({ address: e.address, direction: e.direction, group: e.group, description: e.description, signatures: e.signatures }));
}

/** The file under `dir` that `pathname` (below /ui/) names, or undefined when it leaves `dir`. */
function fileOf(dir: string, pathname: string): string | undefined {
  const rel = pathname.slice(UI_PREFIX.length + 1) || 'index.html';
  const full = path.resolve(dir, rel);
  return full.startsWith(path.resolve(dir) + path.sep) ? full : undefined;
}

/** Answers one GET/HEAD below /ui; `models` gives the loaded models. */
export function serveUi(req: IncomingMessage, res: ServerResponse, pathname: string, dir: string, models: () => readonly PageModelSource[], headers: Record<string, string>): void {
  if (pathname === UI_PREFIX) {
    res.writeHead(301, { Location: `${UI_PREFIX}/`, 'Content-Length': 0, ...headers });
    res.end();
    return;
  }
  if (pathname === `${UI_PREFIX}/models.json`) {
    send(res, 200, TYPES['.json'], JSON.stringify(models().map((m) => pageManifest(m.manifest))), headers);
    return;
  }
  const table = models().find((m) => m.manifest.codebook && pathname === descriptorsUrl(m.manifest.name));
  if (table) {
    sendDescriptorTable(res, path.join(table.dir, table.manifest.codebook!.descriptorTable), headers);
    return;
  }
  if (pathname === `${UI_PREFIX}/verbs.json`) {
    send(res, 200, TYPES['.json'], JSON.stringify(pageVerbs()), headers);
    return;
  }
  const file = fileOf(dir, pathname);
  const stat = file ? statSync(file, { throwIfNoEntry: false }) : undefined;
  if (!file || !stat?.isFile()) {
    const built = statSync(path.join(dir, 'index.html'), { throwIfNoEntry: false });
    if (!built) send(res, 503, 'text/plain; charset=utf-8', `the page is not built (no ${dir}/index.html): run npm run build\n`, headers);
    else send(res, 404, 'text/plain; charset=utf-8', `no file ${pathname}\n`, headers);
    return;
  }
  sendFile(req, res, file, headers);
}

/** A descriptor table with each descriptor's unit beside its name (the file itself carries names only). */
function sendDescriptorTable(res: ServerResponse, file: string, headers: Record<string, string>): void {
  let table: { names?: string[] };
  try {
    table = JSON.parse(readFileSync(file, 'utf8')) as { names?: string[] };
  } catch {
    send(res, 404, 'text/plain; charset=utf-8', `no descriptor table ${path.basename(file)}\n`, headers);
    return;
  }
  const units = (table.names ?? []).map((n) => (DESCRIPTOR_UNITS as Record<string, string>)[n] ?? '');
  send(res, 200, TYPES['.json'], JSON.stringify({ ...table, units }), headers);
}

function sendFile(req: IncomingMessage, res: ServerResponse, file: string, headers: Record<string, string>): void {
  const stat = statSync(file, { throwIfNoEntry: false });
  if (!stat?.isFile()) {
    send(res, 404, 'text/plain; charset=utf-8', `no file ${path.basename(file)}\n`, headers);
    return;
  }
  res.writeHead(200, { 'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream', 'Content-Length': stat.size, 'Cache-Control': 'no-cache', ...headers });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  createReadStream(file).on('error', () => res.destroy()).pipe(res);
}
