import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine';
import { encodeBundle, encodeMessage } from '../../src/net/osc/wire';
import { OscRouter } from '../../src/net/osc/router';
import { tempModelsDir, writeFixtureModel } from '../models/onnx-fixture';
import { featureProcessor } from '../engine/test-processor';
import { f, floatBlob, memoryClient, until } from './helpers';

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

async function setup(options: Partial<ConstructorParameters<typeof OscRouter>[1]> = {}) {
  const modelsDir = tempModelsDir();
  writeFixtureModel(modelsDir, 'fx');
  writeFixtureModel(modelsDir, 'vq1', { kind: 'vqvae' });
  const filesDir = mkdtempSync(path.join(tmpdir(), 'mb-files-'));
  writeFileSync(path.join(filesDir, 'in.wav'), 'RIFF');
  const engine = new Engine({ modelsDir, filesDir });
  engine.registerStreamProcessor('mirrornet-stream', featureProcessor);
  const router = new OscRouter(engine, options);
  cleanup.push(() => engine.dispose(), () => router.close());
  return { engine, router, client: memoryClient(router), filesDir };
}

const lastError = (c: ReturnType<typeof memoryClient>) => c.inbox.values('/mb/error').at(-1);

describe('OSC handlers', () => {
  it('answers ping, hello and status', async () => {
    const { client } = await setup();
    client.send('/mb/ping', 42);
    client.send('/mb/hello');
    client.send('/mb/status');
    expect(client.inbox.values('/mb/pong')).toEqual([[42]]);
    expect(client.inbox.values('/mb/welcome')[0].slice(0, 2)).toEqual(['mirrorbridge', '0.1.0']);
    expect(client.inbox.values('/mb/status/summary')).toEqual([[0, 0, 0, 0, 0, 1]]);
    const json = JSON.parse(client.inbox.values('/mb/status/json')[0][0] as string);
    expect(json.streamKinds).toEqual(['mirrornet-stream']);
    expect(json.net.clients[0].id).toBe('mem:1');
  });

  it('sends every reply as a bundle with a time tag', async () => {
    const { client } = await setup();
    const before = Date.now();
    client.send('/mb/ping', 1);
    const [m] = client.inbox.of('/mb/pong');
    expect(client.inbox.bundles).toBe(client.inbox.packets);
    expect(m.timeTag).toBeGreaterThanOrEqual(before - 1);
    expect(m.timeTag).toBeLessThan(Date.now() + 1);
  });

  it('lists, loads and unloads models by name', async () => {
    const { client } = await setup();
    client.send('/mb/models/list');
    await until(() => client.inbox.of('/mb/models/end').length === 1);
    expect(client.inbox.values('/mb/models/entry')).toEqual([['fx', 'mirrornet-stream', 0], ['vq1', 'vqvae', 0]]);
    client.send('/mb/models/load', 'fx');
    expect(await client.inbox.first('/mb/models/loaded')).toEqual(['fx', 'mirrornet-stream', '0.0.1']);
    client.send('/mb/models/unload', 'fx');
    expect(await client.inbox.first('/mb/models/unloaded')).toEqual(['fx']);
  });

  it.each([
    ['/mb/models/load', 'MB_ERR_BAD_ARGS', ['../../etc']],
    ['/mb/models/load', 'MB_ERR_UNKNOWN_MODEL', ['nothere']],
    ['/mb/models/load', 'MB_ERR_BAD_ARGS', [3]],
    ['/mb/models/unload', 'MB_ERR_UNKNOWN_MODEL', ['fx']],
    ['/mb/stream/open', 'MB_ERR_BAD_ARGS', [1, 16000]],
    ['/mb/stream/open', 'MB_ERR_BAD_ARGS', [1, 16000, 64, 'fx', 'extra']],
    ['/mb/stream/open', 'MB_ERR_BAD_ARGS', [1, 100, 64]],
    ['/mb/stream/open', 'MB_ERR_BAD_ARGS', [1, f(16000.5), 64]],
    ['/mb/stream/open', 'MB_ERR_UNKNOWN_MODEL', [1, 16000, 64]],
    ['/mb/stream/open', 'MB_ERR_UNSUPPORTED', [1, 16000, 64, 'vq1']],
    ['/mb/stream/close', 'MB_ERR_UNKNOWN_STREAM', [9]],
    ['/mb/stream/audio', 'MB_ERR_UNKNOWN_STREAM', [9, f(0.1), f(0.2)]],
    ['/mb/stream/audio', 'MB_ERR_BAD_ARGS', [9, f(Number.NaN)]],
    ['/mb/stream/audio', 'MB_ERR_BAD_ARGS', [9, f(Number.POSITIVE_INFINITY)]],
    ['/mb/stream/audio', 'MB_ERR_BAD_ARGS', [9]],
    ['/mb/stream/audio', 'MB_ERR_BAD_ARGS', [9, new Uint8Array(3)]],
    ['/mb/stream/audio', 'MB_ERR_TOO_LARGE', [9, new Uint8Array(8192 * 4 + 4)]],
    ['/mb/stream/audio', 'MB_ERR_BAD_ARGS', [9, floatBlob([0, Number.NaN])]],
    ['/mb/stream/audio', 'MB_ERR_TOO_LARGE', [9, ...new Array(8193).fill(f(0.5))]],
    ['/mb/stream/smooth', 'MB_ERR_UNKNOWN_STREAM', [9, f(0.5)]],
    ['/mb/stream/latency', 'MB_ERR_UNKNOWN_STREAM', [9]],
    ['/mb/stream/wekinator', 'MB_ERR_UNKNOWN_STREAM', [9, '127.0.0.1', 6448]],
    ['/mb/vq/deform', 'MB_ERR_BAD_ARGS', ['melt', f(1)]],
    ['/mb/vq/plane', 'MB_ERR_BAD_ARGS', [f(0.5)]],
    ['/mb/vq/plane', 'MB_ERR_BAD_ARGS', [f(0.5), f(1.5)]],
    ['/mb/vq/target', 'MB_ERR_BAD_ARGS', ['a b', f(1)]],
    ['/mb/job/infer', 'MB_ERR_UNSUPPORTED', ['in.wav']],
    ['/mb/job/cancel', 'MB_ERR_NOT_FOUND', [5]],
    ['/mb/listen', 'MB_ERR_UNKNOWN_ADDRESS', ['/mb/stream/open']],
    ['/mb/nothing', 'MB_ERR_UNKNOWN_ADDRESS', []],
    ['/mb/error', 'MB_ERR_UNKNOWN_ADDRESS', ['x', 'y']],
    ['/mb/ping', 'MB_ERR_BAD_ARGS', ['x']],
    ['/mb/ping', 'MB_ERR_BAD_ARGS', [f(1.5)]],
    ['/mb/hello', 'MB_ERR_BAD_ARGS', [70000]],
  ] as const)('%s → %s (case %#)', async (address, code, a) => {
    const { client } = await setup();
    client.send(address, ...(a as unknown as (number | string)[]));
    await until(() => client.inbox.of('/mb/error').length > 0, 3000, '/mb/error');
    expect(lastError(client)?.[0]).toBe(code);
    expect(String(lastError(client)?.[1]).length).toBeGreaterThan(10);
  });

  it('refuses paths outside the files folder for jobs', async () => {
    const { engine, client } = await setup();
    engine.registerJob('resynth', async () => 'ok', { in: 'read', out: 'write' });
    client.send('/mb/job/resynth', 'in.wav', '../../escape.wav');
    await until(() => client.inbox.of('/mb/error').length > 0);
    expect(lastError(client)?.[0]).toBe('MB_ERR_PATH');
  });

  it('runs a job and reports queued then done', async () => {
    const { engine, client } = await setup();
    engine.registerJob('infer', async (a) => ({ frames: 3, file: path.basename(String(a.file)) }));
    client.send('/mb/job/infer', 'in.wav');
    const done = await client.inbox.first('/mb/job/done');
    expect(client.inbox.values('/mb/job/queued')[0]).toEqual([1, 'infer', 0]);
    expect(done.slice(0, 2)).toEqual([1, 'infer']);
    expect(JSON.parse(done[2] as string)).toEqual({ frames: 3, file: 'in.wav' });
  });

  it('reports a failed job as /mb/error naming the job', async () => {
    const { engine, client } = await setup();
    engine.registerJob('infer', async () => {
      throw new Error('decoder exploded');
    });
    client.send('/mb/job/infer', 'in.wav');
    const err = await client.inbox.first('/mb/error');
    expect(err[0]).toBe('MB_ERR_INTERNAL');
    expect(err[1]).toMatch(/^job 1 \(infer\): decoder exploded/);
  });

  it('streams: open, audio as floats and as a blob, ordered frames with all addresses', async () => {
    const { client } = await setup();
    client.send('/mb/stream/open', 3, f(16000), f(64), 'fx');
    expect(await client.inbox.first('/mb/stream/opened')).toEqual([3, 'fx', 128, 4]);
    const block = Array.from({ length: 64 }, (_, i) => (i === 0 ? 0.25 : 0));
    client.send('/mb/stream/audio', 3, ...block.map(f));
    client.send('/mb/stream/audio', 3, floatBlob(block.map((v, i) => (i === 0 ? 0.75 : v))));
    await until(() => client.inbox.of('/mb/params').length === 2);
    const params = client.inbox.values('/mb/params');
    expect(params.map((p) => p.slice(0, 2))).toEqual([[3, 0], [3, 1]]);
    expect(params.map((p) => p[4])).toEqual([0.25, 0.75]);
    // Per-parameter addresses are opt-in, for the owner too.
    expect(client.inbox.of('/mb/param/bright')).toEqual([]);
    expect(client.inbox.values('/mb/params/units')[0].length).toBe(6);
    const [p0] = client.inbox.of('/mb/params');
    expect(client.inbox.messages.filter((m) => m.packet === p0.packet).map((m) => m.address)).toEqual(['/mb/params', '/mb/params/units']);
    client.send('/mb/listen', '/mb/param/bright');
    client.send('/mb/stream/audio', 3, ...block.map(f));
    await until(() => client.inbox.of('/mb/params').length === 3);
    expect(client.inbox.values('/mb/param/bright')).toEqual([[3, 0.25]]);
    expect(client.inbox.of('/mb/param/bright/units')).toEqual([]);
    const p2 = client.inbox.of('/mb/params')[2];
    expect(client.inbox.messages.filter((m) => m.packet === p2.packet).map((m) => m.address)).toEqual(['/mb/params', '/mb/params/units', '/mb/param/bright']);
    // the latency in ms: 128 samples algorithmic at 16 kHz, nothing queued, the client's 64-sample block
    client.send('/mb/stream/latency', 3);
    expect(await client.inbox.first('/mb/stream/latencysplit')).toEqual([3, 8, 8, 0, 4]);
    client.send('/mb/stream/close', 3);
    expect(await client.inbox.first('/mb/stream/closed')).toEqual([3, 'closed']);
  });

  it('handles one client\'s messages in order even when a handler is async', async () => {
    const { client } = await setup();
    const bundle = encodeBundle([
      { address: '/mb/stream/open', args: [{ type: 'i', value: 1 }, { type: 'i', value: 16000 }, { type: 'i', value: 64 }, { type: 's', value: 'fx' }] },
      { address: '/mb/stream/audio', args: [{ type: 'i', value: 1 }, { type: 'b', value: floatBlob(new Float32Array(64)) }] },
    ]);
    client.raw(bundle);
    await until(() => client.inbox.of('/mb/params').length === 1);
    expect(client.inbox.of('/mb/error')).toEqual([]);
  });

  it('delivers frames to listeners of other clients, exactly or by container', async () => {
    const { router, client } = await setup();
    const exact = memoryClient(router, 'mem:exact');
    const container = memoryClient(router, 'mem:container');
    exact.send('/mb/listen', '/mb/params');
    container.send('/mb/listen', '/mb/param/');
    client.send('/mb/stream/open', 1, 16000, 64, 'fx');
    await client.inbox.first('/mb/stream/opened');
    client.send('/mb/stream/audio', 1, floatBlob(new Float32Array(64)));
    await until(() => exact.inbox.of('/mb/params').length === 1 && container.inbox.of('/mb/param/note').length === 1);
    expect(new Set(exact.inbox.messages.map((m) => m.address))).toEqual(new Set(['/mb/params']));
    expect(container.inbox.messages.every((m) => m.address.startsWith('/mb/param/'))).toBe(true);
    expect(container.inbox.messages).toHaveLength(8);
    exact.send('/mb/ignore', '/mb/params');
    client.send('/mb/stream/audio', 1, floatBlob(new Float32Array(64)));
    await until(() => container.inbox.of('/mb/param/note').length === 2);
    expect(exact.inbox.of('/mb/params')).toHaveLength(1);
  });

  it('shares every client\'s frames with their client on /mb/session/params, to listeners only', async () => {
    const { router, client } = await setup();
    const watcher = memoryClient(router, 'mem:watcher');
    watcher.send('/mb/listen', '/mb/session/params');
    client.send('/mb/stream/open', 1, 16000, 64, 'fx');
    await client.inbox.first('/mb/stream/opened');
    client.send('/mb/stream/audio', 1, floatBlob(new Float32Array(64)));
    await until(() => watcher.inbox.of('/mb/session/params').length === 1);
    const [owner, id, seq, ...units] = watcher.inbox.values('/mb/session/params')[0];
    const own = client.inbox.values('/mb/params/units')[0];
    expect([id, seq, ...units]).toEqual(own);
    expect(typeof owner).toBe('string');
    // The owner does not get it unless it listens too.
    expect(client.inbox.of('/mb/session/params')).toEqual([]);
    client.send('/mb/status');
    const status = JSON.parse(String((await client.inbox.first('/mb/status/json'))[0]));
    expect(status.streams.map((st: { clientId: string }) => st.clientId)).toEqual([owner]);
    expect(status.you).toBe(owner);
    expect(status.cpu).toMatchObject({ cores: expect.any(Number), processPercent: expect.any(Number), loadAverage: expect.any(Number) });
  });

  it('answers malformed packets with /mb/error and keeps going', async () => {
    const { client, router } = await setup();
    client.raw(Uint8Array.from([1, 2, 3]));
    client.raw(new TextEncoder().encode('/mb/ping\0\0\0\0,i\0\0'));
    client.raw(encodeMessage({ address: '/mb/ping', args: [{ type: 'i', value: 5 }] }));
    expect(client.inbox.values('/mb/error').map((e) => e[0])).toEqual(['MB_ERR_BAD_ARGS', 'MB_ERR_BAD_ARGS']);
    expect(client.inbox.values('/mb/pong')).toEqual([[5]]);
    expect(router.stats.malformed).toBe(2);
  });

  it('drops the oldest outgoing packets when a client cannot keep up, and counts them', async () => {
    const { router } = await setup({ clientQueue: 4 });
    const sent: Uint8Array[] = [];
    const session = router.attach('slow', 'udp', { ready: () => false, send: (b, done) => { sent.push(b); done(); } }, { remoteHost: '127.0.0.1' })!;
    for (let i = 0; i < 10; i++) router.receive(session, encodeMessage({ address: '/mb/ping', args: [{ type: 'i', value: i }] }));
    expect(session.outbox.length).toBe(4);
    expect(session.dropped).toBe(6);
    expect(router.droppedOut).toBe(6);
    const probe = memoryClient(router, 'probe');
    probe.send('/mb/status');
    expect(probe.inbox.values('/mb/status/summary')[0][2]).toBe(6);
  });

  it('reclaims the streams of a silent UDP client', async () => {
    const { engine, router, client } = await setup({ silenceTimeoutMs: 200 });
    client.send('/mb/stream/open', 1, 16000, 64, 'fx');
    await client.inbox.first('/mb/stream/opened');
    expect(engine.status().streams).toHaveLength(1);
    await until(() => engine.status().streams.length === 0, 3000, 'reclaim');
    expect(client.inbox.values('/mb/stream/closed')).toEqual([[1, 'timeout']]);
    expect(router.clients.has('mem:1')).toBe(false);
  });

  it('bye closes the client\'s streams', async () => {
    const { engine, client } = await setup();
    client.send('/mb/stream/open', 1, 16000, 64, 'fx');
    await client.inbox.first('/mb/stream/opened');
    client.send('/mb/bye');
    expect(engine.status().streams).toHaveLength(0);
    expect(client.inbox.values('/mb/stream/closed')).toEqual([[1, 'bye']]);
  });

  it('sends processor errors to the stream owner', async () => {
    const { engine, client } = await setup();
    engine.registerStreamProcessor('mirrornet-stream', () => ({ latencySamples: 0, process: () => { throw new Error('kaput'); } }));
    client.send('/mb/stream/open', 1, 16000, 64, 'fx');
    await client.inbox.first('/mb/stream/opened');
    client.send('/mb/stream/audio', 1, f(0.1));
    expect((await client.inbox.first('/mb/error'))[0]).toBe('MB_ERR_INTERNAL');
  });
});

describe('OSC handlers, client leaving mid-request', () => {
  it('closes a stream whose open finished after its client left', async () => {
    const modelsDir = tempModelsDir();
    writeFixtureModel(modelsDir, 'fx');
    const engine = new Engine({ modelsDir });
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    engine.registerStreamProcessor('mirrornet-stream', async (ctx) => {
      await gate;
      return featureProcessor(ctx);
    });
    const router = new OscRouter(engine);
    cleanup.push(() => engine.dispose(), () => router.close());
    const client = memoryClient(router);
    client.send('/mb/stream/open', 1, 16000, 64, 'fx');
    await until(() => engine.registry.loaded().length === 1);
    router.detach(client.session.id, 'disconnected');
    release();
    await new Promise((r) => setTimeout(r, 20));
    expect(engine.status().streams).toEqual([]);
  });
});
