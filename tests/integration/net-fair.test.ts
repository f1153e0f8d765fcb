import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createEngine } from '../../src/app/create';
import { startServers } from '../../src/net';
import { f, floatBlob, UdpClient } from '../net/helpers';

/**
 * Live scheduling is fair across streams (issue 18): over real UDP sockets against the real
 * server with the shipped models, four performers send in bursts past real time (32 blocks at
 * once every 128 ms each: twice their audio's duration) while another sends one block per 8 ms.
 * The bursty ones lose their own oldest blocks when the bridge falls behind; the steady one
 * loses none and gets every frame its audio makes, as many as when it streams alone, with
 * sequence numbers without a hole (streams are served round-robin, a block each per turn,
 * each with its own bounded queue: src/engine/stream-set.ts, in the hosts too).
 */
const RATE = 16000;
const BLOCK = 128;
const SECONDS = 3;
const BURST = 32;
const LOUD = 4;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

const tone = (n: number, start: number, freq: number) => Float32Array.from({ length: n }, (_, i) => 0.4 * Math.sin((2 * Math.PI * freq * (start + i)) / RATE));

/** Streams SECONDS of a tone in real time, one block every 8 ms on a drift-free clock. */
async function steady(client: UdpClient, id: number): Promise<void> {
  const blocks = (SECONDS * RATE) / BLOCK;
  const t0 = performance.now();
  for (let b = 0; b < blocks; b++) {
    await client.send('/mb/stream/audio', f(id), floatBlob(tone(BLOCK, b * BLOCK, 330)));
    const wait = t0 + ((b + 1) * BLOCK * 1000) / RATE - performance.now();
    if (wait > 0) await sleep(wait);
  }
}

async function bursty(client: UdpClient, id: number, stop: () => boolean): Promise<void> {
  let b = 0;
  while (!stop()) {
    for (let i = 0; i < BURST; i++, b++) void client.send('/mb/stream/audio', f(id), floatBlob(tone(BLOCK, b * BLOCK, 220)));
    await sleep(128);
  }
}

async function framesOf(client: UdpClient, id: number): Promise<number[]> {
  // the last frames are on their way for a moment after the last block
  const count = () => client.inbox.values('/mb/params').filter((v) => v[0] === id).length;
  for (let n = -1, tries = 0; count() !== n || n === 0; tries++) {
    if (tries > 30) throw new Error(`frames of stream ${id} still arriving after 9 s`);
    n = count();
    await sleep(300);
  }
  return client.inbox.values('/mb/params').filter((v) => v[0] === id).map((v) => v[1] as number);
}

describe.each([['model hosts', true], ['main thread', false]] as const)('fair live scheduling over UDP (%s)', (_label, modelHosts) => {
  it('a bursty sender does not starve a steady one: every frame of the steady stream, none of its blocks dropped', async () => {
    const { engine } = await createEngine({ filesDir: mkdtempSync(path.join(tmpdir(), 'mb-files-')), loadBundled: true, modelHosts });
    const servers = await startServers(engine, { oscPort: 0, httpPort: 0 });
    cleanup.push(async () => {
      await servers.close();
      await engine.dispose();
    });
    const open = async (id: number) => {
      const c = await UdpClient.open(servers.oscPort);
      cleanup.push(() => c.close());
      await c.hello();
      await c.send('/mb/stream/open', f(id), f(RATE), f(BLOCK), 'mirrornet-stream');
      await c.inbox.first('/mb/stream/opened');
      return c;
    };
    // alone first: how many frames this audio makes
    const solo = await open(1);
    await steady(solo, 1);
    const alone = await framesOf(solo, 1);

    const louds = [];
    for (let i = 0; i < LOUD; i++) louds.push(await open(10 + i));
    const loud = louds[0];
    const calm = await open(3);
    let done = false;
    const burst = Promise.all(louds.map((c, i) => bursty(c, 10 + i, () => done)));
    await steady(calm, 3);
    done = true;
    await burst;
    const seqs = await framesOf(calm, 3);
    const status = engine.status().streams;
    const of = (id: number) => status.find((s) => s.id === id);
    console.log(`${_label}: steady stream ${seqs.length} frames (alone ${alone.length}), dropped ${of(3)?.dropped}; bursty stream dropped ${of(10)?.dropped}, ${loud.inbox.values('/mb/params').length} frames`);
    expect(of(3)?.dropped).toBe(0);
    expect(seqs.length).toBe(alone.length);
    expect(seqs).toEqual(seqs.map((_, i) => seqs[0] + i));
  }, 60_000);
});
