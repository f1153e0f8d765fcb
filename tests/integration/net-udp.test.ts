import * as dgram from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeBundle } from '../../src/net/osc/wire';
import { startServers } from '../../src/net';
import { Engine } from '../../src/engine/engine';
import { f, floatBlob, UdpClient, until } from '../net/helpers';
import { startFixtureServer } from '../net/server-fixture';

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

async function serverAndClient() {
  const server = await startFixtureServer();
  const client = await UdpClient.open(server.servers.oscPort);
  cleanup.push(() => server.close(), () => client.close());
  return { server, client };
}

function tone(freq: number, n: number, sr: number, phase = 0): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => 0.5 * Math.sin(phase + (2 * Math.PI * freq * i) / sr));
}

describe('OSC over UDP (loopback)', () => {
  it('binds 127.0.0.1 by default and refuses a LAN host without the flag', async () => {
    const { server } = await serverAndClient();
    expect(server.servers.host).toBe('127.0.0.1');
    expect(server.servers.udp.host).toBe('127.0.0.1');
    const engine = new Engine({ modelsDir: '/nonexistent' });
    cleanup.push(() => engine.dispose());
    await expect(startServers(engine, { host: '0.0.0.0', oscPort: 0, httpPort: 0 })).rejects.toMatchObject({ code: 'MB_ERR_BAD_ARGS', message: /allowLan/ });
  });

  it('replies to the port registered with /mb/hello, not the sending socket', async () => {
    const { client } = await serverAndClient();
    const onTx: Buffer[] = [];
    client.tx.on('message', (b) => onTx.push(b));
    await client.hello();
    expect((await client.inbox.first('/mb/welcome'))[2]).toBe(client.rxPort);
    await client.send('/mb/ping', 9);
    expect(await client.inbox.first('/mb/pong')).toEqual([9]);
    expect(onTx).toHaveLength(0);
  });

  it('replies to the sending port without /mb/hello', async () => {
    const { server } = await serverAndClient();
    const sock = dgram.createSocket('udp4');
    cleanup.push(() => sock.close());
    const got = new Promise<Buffer>((resolve) => sock.on('message', resolve));
    await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
    const { encodeMessage, decodePacket } = await import('../../src/net/osc/wire');
    sock.send(encodeMessage({ address: '/mb/ping', args: [{ type: 'i', value: 3 }] }), server.servers.oscPort, '127.0.0.1');
    expect(decodePacket(await got).messages[0]).toMatchObject({ address: '/mb/pong', args: [{ type: 'i', value: 3 }] });
  });

  it('streams audio blocks (floats, as Pd sends them) into ordered, time-tagged parameter frames that track the input', async () => {
    const { client } = await serverAndClient();
    await client.hello();
    await client.send('/mb/stream/open', f(1), f(16000), f(256), 'fx');
    expect(await client.inbox.first('/mb/stream/opened')).toEqual([1, 'fx', 128, 4]);
    const freqs = [200, 400, 800, 1600, 3200];
    for (const freq of freqs) await client.send('/mb/stream/audio', f(1), ...Array.from(tone(freq, 256, 16000), f));
    await until(() => client.inbox.of('/mb/params').length === freqs.length, 5000, 'frames');
    const frames = client.inbox.of('/mb/params');
    expect(frames.map((m) => m.args[1].value)).toEqual([0, 1, 2, 3, 4]);
    const pitch = client.inbox.values('/mb/param/pitch').map((v) => v[1] as number);
    for (let i = 1; i < pitch.length; i++) expect(pitch[i]).toBeGreaterThan(pitch[i - 1]);
    for (const m of frames) expect(m.timeTag).toBeGreaterThan(Date.now() - 10_000);
    const times = frames.map((m) => m.timeTag!);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
  });

  it('accepts the float32 blob form on the same address', async () => {
    const { client } = await serverAndClient();
    await client.hello();
    await client.sendBytes(encodeBundle([
      { address: '/mb/stream/open', args: [{ type: 'i', value: 2 }, { type: 'i', value: 48000 }, { type: 'i', value: 512 }] },
      { address: '/mb/stream/audio', args: [{ type: 'i', value: 2 }, { type: 'b', value: floatBlob(tone(440, 512, 48000)) }] },
    ]));
    const p = await client.inbox.first('/mb/params');
    expect(p.slice(0, 2)).toEqual([2, 0]);
    expect(p).toHaveLength(6);
  });

  it('sends Wekinator /wek/outputs as plain messages to a loopback port', async () => {
    const { client } = await serverAndClient();
    const wek = dgram.createSocket('udp4');
    cleanup.push(() => wek.close());
    const got = new Promise<Buffer>((resolve) => wek.on('message', resolve));
    await new Promise<void>((r) => wek.bind(0, '127.0.0.1', () => r()));
    await client.hello();
    await client.send('/mb/stream/open', 1, 16000, 256, 'fx');
    await client.inbox.first('/mb/stream/opened');
    await client.send('/mb/stream/wekinator', 1, '127.0.0.1', (wek.address() as { port: number }).port);
    await client.send('/mb/stream/wekinator', 1, '192.168.1.20', 6448);
    expect((await client.inbox.first('/mb/error'))[1]).toMatch(/not loopback/);
    await client.send('/mb/stream/audio', 1, floatBlob(tone(440, 256, 16000)));
    const bytes = await got;
    expect(bytes.subarray(0, 12).toString()).toBe('/wek/outputs');
    const { decodePacket } = await import('../../src/net/osc/wire');
    expect(decodePacket(bytes).messages[0].args).toHaveLength(4);
  });

  it('answers /mb/status with models, streams, dropped frames and latency', async () => {
    const { client } = await serverAndClient();
    await client.hello();
    await client.send('/mb/stream/open', 5, 16000, 256, 'fx');
    await client.inbox.first('/mb/stream/opened');
    await client.send('/mb/status');
    const summary = await client.inbox.first('/mb/status/summary');
    expect(summary).toEqual([1, 1, 0, 128, 0, 1]);
    expect(client.inbox.values('/mb/status/model')).toEqual([['fx', 'mirrornet-stream', '0.0.1', 'warm']]);
    expect(client.inbox.values('/mb/status/stream')).toEqual([[5, 'fx', 16000, 128, 0, 0]]);
  });
});
