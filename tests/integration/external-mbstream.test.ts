import { spawnSync } from 'node:child_process';
import * as dgram from 'node:dgram';
import { mkdtempSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { decodePacket, encodeMessage, oscBlob, oscInt } from '../../src/net/osc/wire';
import { requireTool } from '../helpers';
import { startFixtureServer } from '../net/server-fixture';
import { ROOT, runPd } from '../patches/pd-runner';

/**
 * The mbstream~ external: it builds with the Makefile (and its core's unit test passes),
 * loads in real Pd, streams its input to a running bridge and outputs the frames it gets
 * back; and it plays audio returned to it through its jitter buffer.
 */
const hasPd = requireTool('pd');
const hasCc = process.env.CI === 'true' || spawnSync('cc', ['--version']).status === 0;

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

function make(...args: string[]) {
  return spawnSync('make', ['-s', '-C', path.join(ROOT, 'externals'), ...args], { encoding: 'utf8' });
}

/** A patch: a 440 Hz tone into [mbstream~ 3 127.0.0.1 <port> 256], events and output level printed. */
function patch(port: number): string {
  return [
    '#N canvas 0 50 600 400 12;',
    '#X obj 10 10 osc~ 440;',
    '#X obj 10 40 *~ 0.5;',
    `#X obj 10 80 mbstream~ 3 127.0.0.1 ${port} 256;`,
    '#X obj 250 120 print EV;',
    '#X obj 250 10 loadbang;',
    '#X msg 250 40 open \\, latency 30;',
    '#X obj 10 120 env~ 4096;',
    '#X obj 10 150 print RMS;',
    '#X obj 400 10 metro 1000;',
    '#X msg 400 40 stats;',
    '#X connect 0 0 1 0;',
    '#X connect 1 0 2 0;',
    '#X connect 2 1 3 0;',
    '#X connect 4 0 5 0;',
    '#X connect 5 0 2 0;',
    '#X connect 2 0 6 0;',
    '#X connect 6 0 7 0;',
    '#X connect 4 0 8 0;',
    '#X connect 8 0 9 0;',
    '#X connect 9 0 2 0;',
    '',
  ].join('\n');
}

function writePatch(port: number): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'mb-ext-')), 'ext.pd');
  writeFileSync(file, patch(port));
  return file;
}

describe('mbstream~ builds', () => {
  it.runIf(hasCc)('with make (pd-lib-builder conventions) and passes its core unit test', () => {
    const build = make();
    expect(build.status, build.stderr).toBe(0);
    const check = make('check');
    expect(check.status, check.stderr + check.stdout).toBe(0);
    expect(check.stdout).toMatch(/mb_core: all checks passed/);
    const vars = make('vars');
    expect(vars.stdout).toMatch(/lib\.name=mbstream extension=pd_linux PDINCLUDEDIR=\/usr\/include\/pd/);
  });
});

describe.runIf(hasPd && hasCc)('mbstream~ in Pd', () => {
  it('streams to a running bridge and outputs its parameter frames', async () => {
    expect(make().status).toBe(0);
    const server = await startFixtureServer();
    cleanup.push(() => server.close());
    const frames: number[] = [];
    server.engine.on('params', (f) => f.streamId === 3 && frames.push(f.seq));
    const run = await runPd(['-open', writePatch(server.servers.oscPort), '-send', 'pd dsp 1'], 3000);
    const events = run.printed('EV');
    expect(run.output).toMatch(/mbstream~: mirrorbridge audio streaming/);
    expect(events.filter((e) => e.startsWith('error')), run.output.slice(0, 2000)).toEqual([]);
    expect(events).toContainEqual(expect.stringMatching(/^welcome mirrorbridge /));
    expect(events).toContainEqual(expect.stringMatching(/^stream opened 3 fx \d+ 4$/));
    expect(events.filter((e) => e.startsWith('params 3 ')).length).toBeGreaterThan(50);
    expect(frames.length).toBeGreaterThan(50);
    const sent = events.filter((e) => e.startsWith('stats sent ')).map((e) => Number(e.split(' ')[2]));
    expect(Math.max(...sent)).toBeGreaterThan(100);
  }, 20_000);

  it('plays audio returned for its stream through the jitter buffer', async () => {
    expect(make().status).toBe(0);
    // A fake server: answers every audio block with the same samples on /mb/stream/return.
    const socket = dgram.createSocket('udp4');
    cleanup.push(() => socket.close());
    let returned = 0;
    socket.on('message', (buf, rinfo) => {
      const { messages } = decodePacket(buf);
      for (const m of messages) {
        if (m.address !== '/mb/stream/audio') continue;
        const samples = new Float32Array(m.args.length - 1);
        m.args.slice(1).forEach((a, i) => (samples[i] = Number(a.value)));
        const reply = encodeMessage({ address: '/mb/stream/return', args: [oscInt(3), oscBlob(new Uint8Array(samples.buffer))] });
        socket.send(reply, rinfo.port, rinfo.address);
        returned++;
      }
    });
    await new Promise<void>((r) => socket.bind(0, '127.0.0.1', () => r()));
    const port = (socket.address() as AddressInfo).port;
    const run = await runPd(['-open', writePatch(port), '-send', 'pd dsp 1'], 2500);
    expect(returned).toBeGreaterThan(50);
    // 0.5-amplitude sine: RMS 0.354, i.e. 91 dB in Pd's units (100 = 1).
    const levels = run.printed('RMS').map(Number);
    expect(Math.max(...levels), run.output.slice(0, 2000)).toBeGreaterThan(85);
    const stats = run.printed('EV').filter((e) => e.startsWith('stats returned ')).map((e) => Number(e.split(' ')[2]));
    expect(Math.max(...stats)).toBeGreaterThan(256 * 50);
  }, 20_000);
});
