import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { encodeMessage } from '../../src/net/osc/wire';
import { args, floatBlob, Inbox, UdpClient, until } from '../net/helpers';
import { startFixtureServer } from '../net/server-fixture';

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

async function server(options: Parameters<typeof startFixtureServer>[0] = {}) {
  const s = await startFixtureServer(options);
  cleanup.push(() => s.close());
  return s;
}

function connect(port: number, opts: WebSocket.ClientOptions & { query?: string } = {}): Promise<{ ws: WebSocket; inbox: Inbox }> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/${opts.query ?? ''}`, opts);
  const inbox = new Inbox();
  ws.on('message', (data, isBinary) => isBinary && inbox.push(data as Buffer));
  cleanup.push(() => ws.terminate());
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve({ ws, inbox }));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

const osc = (address: string, ...a: Parameters<typeof args>) => encodeMessage({ address, args: args(...a) });

describe('HTTP: OSCQuery namespace', () => {
  it('serves the namespace at / built from the address table and the loaded models', async () => {
    const s = await server();
    const res = await fetch(`http://127.0.0.1:${s.servers.httpPort}/`);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    const ns = (await res.json()) as any;
    expect(ns.FULL_PATH).toBe('/');
    const mb = ns.CONTENTS.mb;
    expect(mb.CONTENTS.stream.CONTENTS.open).toMatchObject({ FULL_PATH: '/mb/stream/open', TYPE: 'iiis', ACCESS: 2 });
    expect(Object.keys(mb.CONTENTS.param.CONTENTS)).toEqual(['level', 'pitch', 'bright', 'note']);
    expect(mb.CONTENTS.param.CONTENTS.pitch.CONTENTS.units.FULL_PATH).toBe('/mb/param/pitch/units');
  });

  it('serves HOST_INFO, sub-nodes and single attributes', async () => {
    const s = await server();
    const base = `http://127.0.0.1:${s.servers.httpPort}`;
    const info = (await (await fetch(`${base}/?HOST_INFO`)).json()) as any;
    expect(info).toMatchObject({ NAME: 'mirrorbridge', OSC_PORT: s.servers.oscPort, OSC_TRANSPORT: 'UDP', OSC_IP: '127.0.0.1' });
    expect(info.EXTENSIONS).toMatchObject({ LISTEN: true, ACCESS: true, RANGE: true, DESCRIPTION: true });
    expect(await (await fetch(`${base}/mb/stream/open?TYPE`)).json()).toEqual({ TYPE: 'iiis' });
    expect(((await (await fetch(`${base}/mb/vq`)).json()) as any).CONTENTS.plane.RANGE).toEqual([{ MIN: 0, MAX: 1 }, { MIN: 0, MAX: 1 }]);
    expect((await fetch(`${base}/mb/nothing`)).status).toBe(404);
    expect((await fetch(`${base}/`, { method: 'POST' })).status).toBe(405);
  });
});

describe('WebSocket', () => {
  it('carries OSC packets both ways in binary frames', async () => {
    const s = await server();
    const { ws, inbox } = await connect(s.servers.httpPort);
    ws.send(osc('/mb/ping', 77));
    expect(await inbox.first('/mb/pong')).toEqual([77]);
    expect(inbox.bundles).toBe(inbox.packets);
  });

  it('streams audio over WebSocket and closes the stream when the socket goes', async () => {
    const s = await server();
    const { ws, inbox } = await connect(s.servers.httpPort);
    ws.send(osc('/mb/stream/open', 1, 16000, 128, 'fx'));
    await inbox.first('/mb/stream/opened');
    ws.send(osc('/mb/stream/audio', 1, floatBlob(new Float32Array(128).fill(0.25))));
    expect((await inbox.first('/mb/params')).slice(0, 2)).toEqual([1, 0]);
    ws.close();
    await until(() => s.engine.status().streams.length === 0, 3000, 'stream reclaimed');
  });

  it('LISTEN and IGNORE text frames subscribe to frames of other clients', async () => {
    const s = await server();
    const { ws, inbox } = await connect(s.servers.httpPort);
    ws.send(JSON.stringify({ COMMAND: 'LISTEN', DATA: '/mb/params' }));
    ws.send(JSON.stringify({ COMMAND: 'LISTEN', DATA: '/mb/param/pitch' }));
    const pd = await UdpClient.open(s.servers.oscPort);
    cleanup.push(() => pd.close());
    await pd.hello();
    await pd.send('/mb/stream/open', 4, 16000, 64, 'fx');
    await pd.inbox.first('/mb/stream/opened');
    await pd.send('/mb/stream/audio', 4, floatBlob(new Float32Array(64).fill(0.1)));
    expect((await inbox.first('/mb/params')).slice(0, 2)).toEqual([4, 0]);
    await until(() => inbox.of('/mb/param/pitch').length === 1);
    expect(new Set(inbox.messages.map((m) => m.address))).toEqual(new Set(['/mb/params', '/mb/param/pitch']));
    ws.send(JSON.stringify({ COMMAND: 'IGNORE', DATA: '/mb/params' }));
    await new Promise((r) => setTimeout(r, 20));
    await pd.send('/mb/stream/audio', 4, floatBlob(new Float32Array(64).fill(0.1)));
    await until(() => inbox.of('/mb/param/pitch').length === 2);
    expect(inbox.of('/mb/params')).toHaveLength(1);
  });

  it('answers a bad text frame with /mb/error', async () => {
    const s = await server();
    const { ws, inbox } = await connect(s.servers.httpPort);
    ws.send('not json');
    expect((await inbox.first('/mb/error'))[0]).toBe('MB_ERR_BAD_ARGS');
    ws.send(JSON.stringify({ COMMAND: 'LISTEN', DATA: '/mb/stream/open' }));
    await until(() => inbox.of('/mb/error').length === 2);
    expect(inbox.values('/mb/error')[1][0]).toBe('MB_ERR_UNKNOWN_ADDRESS');
  });

  it.each([
    [undefined, true],
    ['http://localhost:3000', true],
    ['http://127.0.0.1', true],
    ['https://evil.example', false],
    ['null', false],
  ])('checks the Origin on upgrade (%s → %s)', async (origin, ok) => {
    const s = await server();
    const attempt = connect(s.servers.httpPort, origin ? { origin } : {});
    if (ok) await expect(attempt).resolves.toBeDefined();
    else await expect(attempt).rejects.toThrow(/HTTP 403/);
  });

  it('allows configured extra origins', async () => {
    const s = await server({ allowedOrigins: ['http://studio.example:8080'] });
    await expect(connect(s.servers.httpPort, { origin: 'http://studio.example:8080' })).resolves.toBeDefined();
  });

  it('requires the shared token when one is set', async () => {
    const s = await server({ token: 'sekrit-token-1' });
    await expect(connect(s.servers.httpPort)).rejects.toThrow(/HTTP 401/);
    await expect(connect(s.servers.httpPort, { query: '?token=wrong-token-1' })).rejects.toThrow(/HTTP 401/);
    await expect(connect(s.servers.httpPort, { query: '?token=sekrit-token-1' })).resolves.toBeDefined();
    await expect(connect(s.servers.httpPort, { headers: { 'x-mb-token': 'sekrit-token-1' } })).resolves.toBeDefined();
  });

  it('closes a connection whose frame exceeds maxPayload (1009) and keeps serving others', async () => {
    const s = await server({ maxPayload: 1024 });
    const { ws } = await connect(s.servers.httpPort);
    const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
    ws.send(new Uint8Array(4096));
    expect(await closed).toBe(1009);
    const other = await connect(s.servers.httpPort);
    other.ws.send(osc('/mb/ping', 1));
    expect(await other.inbox.first('/mb/pong')).toEqual([1]);
  });

  it('drops a peer that stops answering pings', async () => {
    const s = await server({ heartbeatMs: 100 });
    const { ws } = await connect(s.servers.httpPort, { autoPong: false });
    const alive = await connect(s.servers.httpPort);
    const closed = new Promise<void>((resolve) => ws.on('close', () => resolve()));
    await closed;
    await until(() => s.servers.ws.connections === 1, 2000, 'server forgets the dead peer');
    alive.ws.send(osc('/mb/ping', 2));
    expect(await alive.inbox.first('/mb/pong')).toEqual([2]);
  });
});
