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
import { freeUdpPort, ROOT, runPd, type PdRun } from '../patches/pd-runner';
import { createEngine } from '../../src/app/create';
import { startServers } from '../../src/net';

/**
 * The mbstream~ external: it builds with the Makefile (and its core's unit test passes),
 * loads in real Pd, streams its input to a running bridge and outputs the frames it gets
 * back; and it plays audio returned to it through its jitter buffer.
 */
const hasPd = requireTool('pd');
const hasCc = process.env.CI === 'true' || spawnSync('cc', ['--version']).status === 0;

const cleanup: (() => unknown)[] = [];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

function make(...args: string[]) {
  return spawnSync('make', ['-s', '-C', path.join(ROOT, 'externals'), ...args], { encoding: 'utf8' });
}

interface PatchOptions {
  /** The message sent at load (before ", latency 30"). */
  open?: string;
  /** More patch lines; their objects are numbered from 10, [mbstream~] is object 2. */
  extra?: string[];
}

/**
 * A patch: a 440 Hz tone into [mbstream~ 3 127.0.0.1 <port> 256], events and output level
 * printed, stats every second.
 */
function patch(port: number, { open = 'open', extra = [] }: PatchOptions = {}): string {
  return [
    '#N canvas 0 50 600 400 12;',
    '#X obj 10 10 osc~ 440;',
    '#X obj 10 40 *~ 0.5;',
    `#X obj 10 80 mbstream~ 3 127.0.0.1 ${port} 256;`,
    '#X obj 250 120 print EV;',
    '#X obj 250 10 loadbang;',
    `#X msg 250 40 ${open} \\, latency 30;`,
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
    ...extra,
    '',
  ].join('\n');
}

function writePatch(port: number, options?: PatchOptions): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'mb-ext-')), 'ext.pd');
  writeFileSync(file, patch(port, options));
  return file;
}

/** The bridge states the object reported, in order ("connected", "missing", "reconnecting"). */
const bridgeStates = (run: PdRun) => run.printed('EV').filter((e) => e.startsWith('bridge ')).map((e) => e.slice(7));

/** Console lines that are errors (Pd prefixes pd_error with "error:"). */
const errorLines = (output: string) => output.split('\n').filter((l) => /(^|\s)error:/.test(l) || l.includes("couldn't create"));

/** Stats counter `name` as the object last reported it. */
const lastStat = (run: PdRun, name: string) => Number(run.printed('EV').filter((e) => e.startsWith(`stats ${name} `)).at(-1)?.split(' ')[2]);

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
    // it pings the bridge but keeps the pongs to itself, and says once that the bridge is there
    expect(events.filter((e) => e.startsWith('pong'))).toEqual([]);
    expect(bridgeStates(run)).toEqual(['connected']);
    expect(run.output).toMatch(/mbstream~ 3: bridge connected at 127\.0\.0\.1:\d+/);
  }, 20_000);

  it('opens a VQ stream by model name ("open vqvae-timbre") and plays the audio it returns', async () => {
    expect(make().status).toBe(0);
    const filesDir = mkdtempSync(path.join(tmpdir(), 'mb-ext-files-'));
    const { engine } = await createEngine({ modelsDir: path.join(ROOT, 'models'), filesDir });
    await engine.loadModel('vqvae-timbre');
    const servers = await startServers(engine, { oscPort: 0, httpPort: 0 });
    cleanup.push(async () => {
      await servers.close();
      await engine.dispose();
    });
    const run = await runPd(['-open', writePatch(servers.oscPort, { open: 'open vqvae-timbre' }), '-send', 'pd dsp 1'], 4000);
    expect(errorLines(run.output), run.output.slice(0, 2000)).toEqual([]);
    expect(run.printed('EV')).toContainEqual(expect.stringMatching(/^stream opened 3 vqvae-timbre \d+ 0$/));
    // the tone comes back re-synthesized from the codebook, at Pd's rate, through the jitter buffer
    expect(lastStat(run, 'returned')).toBeGreaterThan(44100);
    const levels = run.printed('RMS').map(Number);
    expect(Math.max(...levels)).toBeGreaterThan(60);
  }, 20_000);

  it('finds a bridge that starts after it: says missing, then opens its stream there within 2 s', async () => {
    expect(make().status).toBe(0);
    const port = await freeUdpPort();
    const pd = runPd(['-open', writePatch(port), '-send', 'pd dsp 1'], 5000);
    await sleep(2500);
    const server = await startFixtureServer({ oscPort: port });
    const started = Date.now();
    cleanup.push(() => server.close());
    let first = 0;
    server.engine.on('params', (f) => f.streamId === 3 && !first && (first = Date.now()));
    const run = await pd;
    expect(first, run.output.slice(0, 2000)).toBeGreaterThan(0);
    expect(first - started).toBeLessThan(2000);
    const states = bridgeStates(run);
    expect(states[0]).toBe('missing');
    expect(states.at(-1)).toBe('connected');
    expect(run.output).toMatch(/mbstream~ 3: bridge missing: nothing answers at 127\.0\.0\.1:\d+/);
    expect(errorLines(run.output)).toEqual([]);
    expect(lastStat(run, 'reopens')).toBeGreaterThanOrEqual(1);
  }, 20_000);

  it('re-opens its stream after a bridge restart (slow, then quick): frames resume within 2 s each time', async () => {
    expect(make().status).toBe(0);
    const port = await freeUdpPort();
    const resumed: number[] = [];
    const start = async () => {
      const server = await startFixtureServer({ oscPort: port });
      const at = Date.now();
      let first = 0;
      server.engine.on('params', (f) => {
        if (f.streamId !== 3 || first) return;
        first = Date.now();
        resumed.push(first - at);
      });
      return server;
    };
    let server = await start();
    const pd = runPd(['-open', writePatch(port), '-send', 'pd dsp 1'], 8000);
    await sleep(2000);
    await server.close(); // slow restart: longer than the ping timeout
    await sleep(1500);
    server = await start();
    await sleep(2000);
    await server.close(); // quick restart: the new bridge answers the next blocks with MB_ERR_UNKNOWN_STREAM
    server = await start();
    cleanup.push(() => server.close());
    const run = await pd;
    expect(resumed.length, run.output.slice(0, 2000)).toBe(3);
    for (const ms of resumed.slice(1)) expect(ms).toBeLessThan(2000);
    expect(bridgeStates(run).slice(0, 3)).toEqual(['connected', 'reconnecting', 'connected']);
    expect(bridgeStates(run).at(-1)).toBe('connected');
    expect(errorLines(run.output), run.output.slice(0, 2000)).toEqual([]);
    expect(lastStat(run, 'reopens')).toBeGreaterThanOrEqual(2);
  }, 20_000);

  it('posts a repeating server error once (one line per cause) and counts the repeats', async () => {
    expect(make().status).toBe(0);
    const server = await startFixtureServer();
    cleanup.push(() => server.close());
    // 50 requests a second about a stream that is not open: 50 MB_ERR_UNKNOWN_STREAM a second
    const extra = ['#X obj 400 80 metro 20;', '#X msg 400 110 send /mb/stream/smooth 99 0.5;', '#X connect 4 0 10 0;', '#X connect 10 0 11 0;', '#X connect 11 0 2 0;'];
    const run = await runPd(['-open', writePatch(server.servers.oscPort, { extra }), '-send', 'pd dsp 1'], 3000);
    const lines = errorLines(run.output);
    expect(lines, run.output.slice(0, 2000)).toHaveLength(1);
    expect(lines[0]).toMatch(/mbstream~ 3: MB_ERR_UNKNOWN_STREAM: .*stream 99/);
    expect(run.printed('EV').filter((e) => e.startsWith('error '))).toHaveLength(1);
    expect(lastStat(run, 'suppressed')).toBeGreaterThan(50);
    // its own stream is not disturbed by another stream's errors
    expect(run.printed('EV').filter((e) => e.startsWith('params 3 ')).length).toBeGreaterThan(50);
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
