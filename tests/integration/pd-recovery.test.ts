import * as dgram from 'node:dgram';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PdCanvas } from '../../patchgen/pd/canvas';
import { encodeMessage } from '../../src/net/osc/wire';
import { requireTool } from '../helpers';
import { startFixtureServer } from '../net/server-fixture';
import { freeUdpPort, runPd } from '../patches/pd-runner';

/**
 * [mb.bridge] and [mb.send~] recover by themselves, in real headless Pd against a real server
 * on explicit ports: a server started after the patch, a server stopped and started again on
 * the same port (slowly, then quickly), and a stream the server says it does not know. The
 * bridge's state outlet must say what happened (missing, reconnecting, connected), frames must
 * resume within 2 s of the server coming up, and the Pd window must not fill with errors.
 */
const hasPd = requireTool('pd');
const STREAM = 1;

const cleanup: (() => unknown)[] = [];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

/** A 440 Hz tone into [mb.send~ 1 256], opened at load; the bridge's outlets printed. */
function clientPatch(serverPort: number, replyPort: number): string {
  const p = new PdCanvas();
  const bridge = p.obj(20, 20, `mb.bridge ${serverPort} ${replyPort}`);
  const flag = p.obj(20, 60, 'print FLAG');
  const state = p.obj(120, 60, 'print STATE');
  p.connect(bridge, 1, flag, 0).connect(bridge, 2, state, 0);
  const tone = p.obj(20, 120, 'osc~ 440');
  const amp = p.obj(20, 145, '*~ 0.5');
  const send = p.obj(20, 200, `mb.send~ ${STREAM} 256`);
  const lb = p.obj(200, 120, 'loadbang');
  const on = p.msg(200, 145, '1');
  const replies = p.obj(20, 240, 'print STREAM');
  p.chain(tone, amp, send).connect(lb, 0, on, 0).connect(on, 0, send, 1).connect(send, 0, replies, 0);
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'mb-recovery-')), 'client.pd');
  writeFileSync(file, p.toString());
  return file;
}

/** Console lines Pd marks as errors, and objects it could not create. */
const errorLines = (output: string) => output.split('\n').filter((l) => /(^|\s)error:/.test(l) || l.includes("couldn't create"));

/** A fixture server on `port` that records when the first frame of our stream arrived, relative to its start. */
async function serverOn(port: number) {
  const server = await startFixtureServer({ oscPort: port });
  const startedAt = Date.now();
  const opens: number[] = [];
  let firstFrameMs = -1;
  server.engine.on('params', (f) => {
    if (f.streamId === STREAM && firstFrameMs < 0) firstFrameMs = Date.now() - startedAt;
  });
  server.engine.on('stream', (e) => e.streamId === STREAM && e.state === 'opened' && opens.push(Date.now() - startedAt));
  return { server, opens, firstFrameMs: () => firstFrameMs };
}

async function ports() {
  return { server: await freeUdpPort(), reply: await freeUdpPort() };
}

describe.runIf(hasPd)('Pd abstractions recover from a missing or restarted bridge', () => {
  it('a server started after the patch: missing, then connected, and frames within 2 s, no user action', async () => {
    const port = await ports();
    const pd = runPd(['-open', clientPatch(port.server, port.reply), '-send', 'pd dsp 1'], 6000);
    await sleep(2500);
    const late = await serverOn(port.server);
    cleanup.push(() => late.server.close());
    const run = await pd;
    expect(late.firstFrameMs(), run.output.slice(0, 2000)).toBeGreaterThanOrEqual(0);
    expect(late.firstFrameMs()).toBeLessThan(2000);
    expect(run.printed('STATE')).toEqual(['symbol missing', 'symbol connected']);
    expect(run.printed('FLAG')).toEqual(['1']);
    expect(run.printed('mb.bridge')).toEqual(['missing', 'connected']);
    expect(run.printed('STREAM')).toContainEqual(expect.stringMatching(/^opened fx \d+ \d+$/));
    expect(errorLines(run.output), run.output.slice(0, 2000)).toEqual([]);
    // nothing the server sent was an error: the open that went nowhere is simply sent again
    expect(run.printed('mb.error')).toEqual([]);
  }, 30_000);

  it('a server restarted (down 7 s, then a quick restart): reconnecting, missing, connected; frames resume within 2 s each time', async () => {
    const port = await ports();
    let up = await serverOn(port.server);
    const pd = runPd(['-open', clientPatch(port.server, port.reply), '-send', 'pd dsp 1'], 15_000);
    await sleep(2000);
    expect(up.firstFrameMs()).toBeGreaterThanOrEqual(0);
    await up.server.close();
    await sleep(7000); // longer than the pong timeout and the 5 s after it
    up = await serverOn(port.server);
    const slow = up;
    await sleep(3000);
    await up.server.close(); // quick: the new server forgets the reply port and the stream at once
    up = await serverOn(port.server);
    const quick = up;
    cleanup.push(() => quick.server.close());
    const run = await pd;
    const head = run.output.slice(0, 3000);
    expect(slow.firstFrameMs(), head).toBeGreaterThanOrEqual(0);
    expect(slow.firstFrameMs()).toBeLessThan(2000);
    expect(quick.firstFrameMs(), head).toBeGreaterThanOrEqual(0);
    expect(quick.firstFrameMs()).toBeLessThan(2000);
    expect(run.printed('mb.bridge'), head).toEqual(['connected', 'reconnecting', 'missing', 'connected', 'reconnecting', 'connected']);
    expect(run.printed('STATE')).toEqual(['symbol connected', 'symbol reconnecting', 'symbol missing', 'symbol connected', 'symbol reconnecting', 'symbol connected']);
    expect(run.printed('FLAG')).toEqual(['1', '0', '1', '0', '1']);
    expect(errorLines(run.output), head).toEqual([]);
    // blocks that reach the new server before the re-open are refused: one line per cause per
    // 5-s window, not one per block. Two restarts 3 s apart may fall in two windows, so the same
    // cause may print once for each restart (a clean-clone run here printed it twice), never more.
    const printedErrors = run.printed('mb.error');
    expect(printedErrors.length).toBeLessThanOrEqual(2);
  }, 40_000);

  it('re-opens when the server says it has no such stream, at most once a second, and prints each error once', async () => {
    const port = await ports();
    const up = await serverOn(port.server);
    cleanup.push(() => up.server.close());
    const pd = runPd(['-open', clientPatch(port.server, port.reply), '-send', 'pd dsp 1'], 5000);
    await sleep(2000);
    const opensBefore = up.opens.length;
    // 30 errors for our stream and 30 for another id within 600 ms, straight to the reply port
    const socket = dgram.createSocket('udp4');
    cleanup.push(() => socket.close());
    const error = (id: number) =>
      encodeMessage({
        address: '/mb/error',
        args: [
          { type: 's', value: 'MB_ERR_UNKNOWN_STREAM' },
          { type: 's', value: `no open stream ${id} for this client; open it with /mb/stream/open` },
        ],
      });
    for (let i = 0; i < 30; i++) {
      for (const id of [STREAM, 7]) socket.send(error(id), port.reply, '127.0.0.1');
      await sleep(20);
    }
    const run = await pd;
    expect(opensBefore, run.output.slice(0, 2000)).toBeGreaterThanOrEqual(1);
    expect(up.opens.length - opensBefore).toBe(1);
    // Pd's [print] escapes the spaces and the semicolon inside the one symbol
    const printed = run.printed('mb.error').map((l) => l.replace(/\\(.)/g, '$1'));
    expect(printed).toEqual([
      `MB_ERR_UNKNOWN_STREAM no open stream ${STREAM} for this client; open it with /mb/stream/open`,
      'MB_ERR_UNKNOWN_STREAM no open stream 7 for this client; open it with /mb/stream/open',
    ]);
    expect(errorLines(run.output)).toEqual([]);
  }, 30_000);
});

