import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { mulberry32 } from '../../src/core/random';
import type { ArgSpec, TableEntry as AddressEntry } from '../../src/verbs/spec';
import { entriesAt } from '../../src/verbs/table';

const OSC_TABLE = entriesAt('osc');
import { encodeBundle, encodeMessage, type OscArg, type OscMessage } from '../../src/net/osc/wire';
import { floatBlob, UdpClient, until } from '../net/helpers';
import { startFixtureServer } from '../net/server-fixture';

/**
 * Fuzz: ≥ 10,000 random and mutated packets over UDP (plus WebSocket frames), then the
 * server must still answer /mb/status consistently and serve a fresh stream end to end.
 * Deterministic (seeded); the seed is in the test name.
 */
const SEED = 0x5eed1234;
const UDP_PACKETS = 10_500;
const WS_FRAMES = 1_500;

function rng(seed: number) {
  const next = mulberry32(seed);
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)];
  return { next, int, pick };
}

const r = rng(SEED);
const NASTY_NUMBERS = [0, -1, 1, 0.5, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 2 ** 31 - 1, -(2 ** 31), 1e30, -1e-30, 65536, 48000, 8192, 8193];
const NASTY_STRINGS = ['', 'fx', 'nothere', '../../etc/passwd', '/etc/passwd', 'in.wav', '..', 'x'.repeat(2000), 'a/b', 'Ünïcode', '/mb/params', '/mb/param', 'scale', 'encode', '\u0001'];
// Addresses that would make the server send datagrams to arbitrary local ports on a shared machine.
const AIMING = new Set(['/mb/hello', '/mb/stream/wekinator']);

function randomArg(spec?: ArgSpec): OscArg {
  const roll = r.int(10);
  if (spec && roll < 6) {
    if (spec.type === 'i') return { type: r.pick(['i', 'f']), value: r.pick([...NASTY_NUMBERS.filter(Number.isFinite), r.int(8), spec.min ?? 0, spec.max ?? 1]) };
    if (spec.type === 'f') return { type: 'f', value: r.pick([...NASTY_NUMBERS, r.next()]) };
    if (spec.type === 's') return { type: 's', value: r.pick([...(spec.values ?? []), ...NASTY_STRINGS]) };
    return { type: 'b', value: r.pick([floatBlob(Float32Array.from({ length: r.int(300) }, () => r.next() - 0.5)), new Uint8Array(r.int(40)), new Uint8Array(33000)]) };
  }
  switch (r.int(5)) {
    case 0: return { type: 'i', value: r.int(1 << 30) - (1 << 29) };
    case 1: return { type: 'f', value: r.pick(NASTY_NUMBERS) };
    case 2: return { type: 's', value: r.pick(NASTY_STRINGS) };
    case 3: return { type: 'b', value: new Uint8Array(r.int(64)) };
    default: return { type: r.pick(['T', 'F', 'N', 'I']), value: r.pick([true, false, null, 1]) };
  }
}

function plausibleMessage(): OscMessage {
  const inputs = (OSC_TABLE as readonly AddressEntry[]).filter((e) => e.direction === 'in' && !AIMING.has(e.address));
  const entry = r.pick(inputs);
  const sig = r.pick(entry.signatures);
  const count = Math.max(0, sig.length + r.pick([0, 0, 0, -1, 1, 5, 100]));
  const args = Array.from({ length: count }, (_, i) => randomArg(sig[Math.min(i, sig.length - 1)]));
  return { address: r.next() < 0.05 ? `${entry.address}x` : entry.address, args };
}

function mutate(bytes: Uint8Array): Uint8Array {
  const b = Uint8Array.from(bytes);
  switch (r.int(5)) {
    case 0:
      for (let i = 0, n = 1 + r.int(4); i < n && b.length; i++) b[r.int(b.length)] = r.int(256);
      return b;
    case 1:
      return b.subarray(0, r.int(b.length + 1));
    case 2: {
      const at = r.int(b.length + 1);
      return Uint8Array.from([...b.subarray(0, at), ...Array.from({ length: 1 + r.int(8) }, () => r.int(256)), ...b.subarray(at)]);
    }
    case 3: {
      if (b.length >= 4) new DataView(b.buffer).setInt32(4 * r.int(b.length >> 2), r.pick([0x7fffffff, -1, -4, 1 << 20, 3]));
      return b;
    }
    default:
      return Uint8Array.from([...b, ...b.subarray(0, r.int(b.length + 1))]);
  }
}

/** A packet for one datagram (UDP carries at most 65,507 bytes; longer ones are cut, which is a mutation too). */
function nextPacket(): Uint8Array {
  const bytes = anyPacket();
  return bytes.length > 60_000 ? bytes.subarray(0, 60_000) : bytes;
}

function anyPacket(): Uint8Array {
  const kind = r.int(10);
  if (kind < 2) return Uint8Array.from({ length: r.int(200) }, () => r.int(256));
  const messages = Array.from({ length: kind === 9 ? 1 + r.int(4) : 1 }, plausibleMessage);
  let bytes: Uint8Array;
  try {
    bytes = kind === 9 ? encodeBundle(messages) : encodeMessage(messages[0]);
  } catch {
    return Uint8Array.from({ length: 1 + r.int(40) }, () => r.int(256));
  }
  return kind >= 6 && kind < 9 ? mutate(bytes) : bytes;
}

describe(`fuzz (seed ${SEED.toString(16)})`, () => {
  let s: Awaited<ReturnType<typeof startFixtureServer>>;
  const clients: UdpClient[] = [];
  const unhandled: unknown[] = [];
  const onUnhandled = (e: unknown) => unhandled.push(e);

  beforeAll(async () => {
    process.on('uncaughtException', onUnhandled);
    process.on('unhandledRejection', onUnhandled);
    s = await startFixtureServer();
    s.engine.registerJob('infer', async () => 'ok');
    s.engine.registerJob('resynth', async () => 'ok');
    for (let i = 0; i < 4; i++) clients.push(await UdpClient.open(s.servers.oscPort));
  });

  afterAll(async () => {
    process.off('uncaughtException', onUnhandled);
    process.off('unhandledRejection', onUnhandled);
    clients.forEach((c) => c.close());
    await s?.close();
  });

  it(`survives ${UDP_PACKETS} random and mutated UDP packets and ${WS_FRAMES} WebSocket frames`, async () => {
    const control = await UdpClient.open(s.servers.oscPort);
    clients.push(control);
    await control.hello();
    for (let sent = 0; sent < UDP_PACKETS; ) {
      const batch = Math.min(100, UDP_PACKETS - sent);
      await Promise.all(Array.from({ length: batch }, () => r.pick(clients.slice(0, 4)).sendBytes(nextPacket())));
      sent += batch;
      // Pace on a round trip so the kernel's socket buffer never overflows (re-ping if one is lost).
      for (let attempt = 0; !control.inbox.values('/mb/pong').some((v) => v[0] === sent); attempt++) {
        if (attempt === 20) throw new Error(`no pong after ${sent} packets`);
        await control.send('/mb/ping', sent);
        await until(() => control.inbox.values('/mb/pong').some((v) => v[0] === sent), 500, `pong ${sent}`).catch(() => undefined);
      }
    }
    expect(s.servers.router.stats.packetsIn).toBeGreaterThanOrEqual(UDP_PACKETS);
    expect(s.servers.router.stats.malformed).toBeGreaterThan(1000);
    expect(s.servers.router.stats.errorsOut).toBeGreaterThan(5000);

    const ws = new WebSocket(`ws://127.0.0.1:${s.servers.httpPort}/`);
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    for (let i = 0; i < WS_FRAMES; i++) {
      if (r.int(5) === 0) ws.send(r.pick(['{', '{"COMMAND":"LISTEN"}', '{"COMMAND":"LISTEN","DATA":"/mb/params"}', '{"COMMAND":"NUKE","DATA":1}', 'null', '[]', '"x"']));
      else ws.send(nextPacket());
    }
    await new Promise((r2) => setTimeout(r2, 300));
    ws.terminate();
    expect(unhandled).toEqual([]);
  });

  it('still answers /mb/status consistently with the engine', async () => {
    await new Promise((r2) => setTimeout(r2, 100));
    const probe = await UdpClient.open(s.servers.oscPort);
    clients.push(probe);
    await probe.hello();
    await probe.send('/mb/status');
    const summary = (await probe.inbox.first('/mb/status/summary')) as number[];
    const engine = s.engine.status();
    expect(summary[0]).toBe(engine.models.length);
    expect(summary[1]).toBe(engine.streams.length);
    expect(summary[2]).toBe(engine.droppedFrames + s.servers.router.droppedOut);
    expect(summary[5]).toBe(s.servers.router.clients.size);
    const json = JSON.parse((await probe.inbox.first('/mb/status/json'))[0] as string);
    expect(json.net.packetsIn).toBeGreaterThanOrEqual(UDP_PACKETS);
  });

  it('still serves a fresh stream end to end', async () => {
    const c = await UdpClient.open(s.servers.oscPort);
    clients.push(c);
    await c.hello();
    await c.send('/mb/models/load', 'fx');
    await c.inbox.first('/mb/models/loaded');
    await c.send('/mb/stream/open', 1, 16000, 64, 'fx');
    expect(await c.inbox.first('/mb/stream/opened')).toEqual([1, 'fx', 128, 4]);
    await c.send('/mb/stream/audio', 1, floatBlob(new Float32Array(64).fill(0.2)));
    expect((await c.inbox.first('/mb/params')).slice(0, 2)).toEqual([1, 0]);
    expect(unhandled).toEqual([]);
  });
});
