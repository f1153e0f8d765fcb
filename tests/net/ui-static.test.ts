import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startFixtureServer } from './server-fixture';

/**
 * The page below /ui/ beside the OSCQuery namespace (src/net/ws/ui-static.ts): the built
 * files with their types, the loaded models' manifests as /ui/models.json, nothing outside the
 * page's folder, a clear answer when the page is not built; / stays the namespace.
 */
const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

function builtPage(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'mb-ui-static-'));
  const ui = path.join(dir, 'ui');
  mkdirSync(ui);
  writeFileSync(path.join(ui, 'index.html'), '<!doctype html><title>mb</title>');
  writeFileSync(path.join(ui, 'main.js'), 'console.log(1)');
  writeFileSync(path.join(dir, 'secret.txt'), 'outside');
  return ui;
}

async function serve(uiDir: string, token?: string) {
  const s = await startFixtureServer({ uiDir, ...(token ? { token } : {}) });
  cleanup.push(() => s.close());
  return { base: `http://127.0.0.1:${s.servers.httpPort}`, url: s.servers.uiUrl, filesDir: s.filesDir };
}

describe('HTTP: the page at /ui/', () => {
  it('serves the files folder read-only below /ui/files/ (what jobs wrote), nothing outside it', async () => {
    const { base, filesDir } = await serve(builtPage());
    mkdirSync(path.join(filesDir, 'takes'));
    writeFileSync(path.join(filesDir, 'takes', 'out put.wav'), 'RIFF....WAVE');
    const wav = await fetch(`${base}/ui/files/takes/out%20put.wav`);
    expect(wav.status).toBe(200);
    expect(wav.headers.get('content-type')).toBe('audio/wav');
    expect(await wav.text()).toBe('RIFF....WAVE');
    const missing = await fetch(`${base}/ui/files/nope.wav`);
    expect(missing.status).toBe(404);
    expect(await missing.text()).toMatch(/^MB_ERR_NOT_FOUND/);
    writeFileSync(path.join(path.dirname(filesDir), 'beside.txt'), 'outside');
    const escape = await fetch(`${base}/ui/files/..%2Fbeside.txt`);
    expect(escape.status).toBe(404);
    expect(await escape.text()).toMatch(/^MB_ERR_PATH/);
    expect((await fetch(`${base}/ui/files/%E0%A4%A`)).status).toBe(404);
    // The listing: the WAVs (the page's own ui-* renders left out), for the page's sound menus.
    writeFileSync(path.join(filesDir, 'ui-draw-x.wav'), 'RIFF');
    writeFileSync(path.join(filesDir, 'notes.txt'), 'not a sound');
    expect(await (await fetch(`${base}/ui/files/`)).json()).toEqual({ sounds: ['in.wav', 'takes/out put.wav'] });
  });

  it('asks for the token before it serves a file when the server has one', async () => {
    const { base, filesDir } = await serve(builtPage(), 'sekrit-token');
    writeFileSync(path.join(filesDir, 'a.wav'), 'RIFF');
    expect((await fetch(`${base}/ui/files/a.wav`)).status).toBe(401);
    expect((await fetch(`${base}/ui/files/a.wav?token=wrong`)).status).toBe(401);
    const ok = await fetch(`${base}/ui/files/a.wav?token=sekrit-token`);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe('RIFF');
  });

  it('serves the built files with their types, and / stays the OSCQuery namespace', async () => {
    const { base, url } = await serve(builtPage());
    expect(url).toBe(`${base}/ui/`);
    const index = await fetch(url);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await index.text()).toContain('<title>mb</title>');
    const js = await fetch(`${base}/ui/main.js`);
    expect(js.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(await js.text()).toBe('console.log(1)');
    const head = await fetch(`${base}/ui/main.js`, { method: 'HEAD' });
    expect(head.headers.get('content-length')).toBe('14');
    const redirect = await fetch(`${base}/ui`, { redirect: 'manual' });
    expect(redirect.status).toBe(301);
    expect(redirect.headers.get('location')).toBe('/ui/');
    expect(((await (await fetch(`${base}/`)).json()) as { FULL_PATH: string }).FULL_PATH).toBe('/');
  });

  it('answers the loaded models\' manifests without graph files or training record', async () => {
    const { base } = await serve(builtPage());
    const res = await fetch(`${base}/ui/models.json`);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const models = (await res.json()) as Record<string, unknown>[];
    expect(models.map((m) => m.name)).toEqual(['fx']);
    expect((models[0].params as { name: string }[]).map((p) => p.name)).toEqual(['level', 'pitch', 'bright', 'note']);
    expect(models[0]).toHaveProperty('audio.sampleRate');
    expect(models[0]).not.toHaveProperty('graphs');
    expect(models[0]).not.toHaveProperty('training');
  });

  it('answers the verb table as data: every argument with its range and unit, no handler', async () => {
    const { base } = await serve(builtPage());
    const verbs = (await (await fetch(`${base}/ui/verbs.json`)).json()) as { address: string; direction: string; signatures: Record<string, unknown>[][] }[];
    const open = verbs.find((v) => v.address === '/mb/stream/open');
    expect(open?.direction).toBe('in');
    expect(open?.signatures[0][1]).toMatchObject({ name: 'sampleRate', type: 'i', min: 8000, max: 192000, unit: 'Hz' });
    expect(verbs.find((v) => v.address === '/mb/params')?.direction).toBe('out');
    expect(verbs.every((v) => !('handler' in v))).toBe(true);
  });

  it('serves nothing outside the page folder and says 404 for a missing file', async () => {
    const { base } = await serve(builtPage());
    for (const p of ['/ui/../secret.txt', '/ui/%2e%2e/secret.txt', '/ui/..%2fsecret.txt']) {
      const res = await fetch(`${base}${p}`);
      expect(res.status, p).not.toBe(200);
      expect(await res.text(), p).not.toContain('outside');
    }
    expect((await fetch(`${base}/ui/nothing.js`)).status).toBe(404);
  });

  it('says how to build the page when it is not built', async () => {
    const { base } = await serve(path.join(mkdtempSync(path.join(tmpdir(), 'mb-ui-none-')), 'ui'));
    const res = await fetch(`${base}/ui/`);
    expect(res.status).toBe(503);
    expect(await res.text()).toMatch(/npm run build/);
  });
});
