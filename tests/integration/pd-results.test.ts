import * as dgram from 'node:dgram';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { readWav, writeWav } from '../../src/audio/wav';
import { PdCanvas } from '../../patchgen/pd/canvas';
import { JOB_TIMEOUT_S } from '../../patchgen/pd/play';
import { sine } from '../audio/signals';
import { requireTool } from '../helpers';
import { startFixtureServer } from '../net/server-fixture';
import { freeUdpPort, ROOT, runPd } from '../patches/pd-runner';

/**
 * Real Pd (headless, 44.1 kHz) runs the abstractions the examples use for job results:
 * [mb.play~] plays a file at the file's own rate (recorded back at Pd's rate: same length in
 * seconds and same pitch whatever the file's rate), and [mb.job] in example 4 gives up on a
 * job that never answers, says so once, and lets the button ask again.
 */
const hasPd = requireTool('pd');
const EXAMPLES = path.join(ROOT, 'patches/pd/examples');
const PD_RATE = 44100;

const cleanup: (() => void)[] = [];
afterEach(() => {
  for (const fn of cleanup.splice(0)) fn();
});

const errorLines = (output: string) => output.split('\n').filter((l) => /(^|\s)error:/.test(l) || l.includes("couldn't create"));

/** Frequency from rising zero crossings over the sounding part. */
function zeroCrossingHz(x: Float32Array, rate: number): number {
  const sounding = Array.from(x.keys()).filter((i) => Math.abs(x[i]) > 0.05);
  const from = sounding[0];
  const to = sounding[sounding.length - 1];
  const rising: number[] = [];
  for (let i = from + 1; i <= to; i++) if (x[i - 1] < 0 && x[i] >= 0) rising.push(i);
  return ((rising.length - 1) * rate) / (rising[rising.length - 1] - rising[0]);
}

/** Seconds between the first and the last sample above the threshold. */
function soundingSeconds(x: Float32Array, rate: number): number {
  let first = -1;
  let last = -1;
  x.forEach((v, i) => {
    if (Math.abs(v) > 0.05) {
      if (first < 0) first = i;
      last = i;
    }
  });
  return (last - first) / rate;
}

/**
 * A patch that reads `file` with [soundfiler], gives [mb.play~] its rate, plays it and records
 * the output at Pd's rate, and writes the recording to `recording` when the player says it ended.
 */
function recorderPatch(dir: string, file: string, recording: string): string {
  const p = new PdCanvas({ width: 600, height: 500 });
  p.array(400, 20, 'src', 10);
  p.array(400, 150, 'rec', 3 * PD_RATE);
  const lb = p.obj(20, 20, 'loadbang');
  const dsp = p.msg(120, 20, '; pd dsp 1');
  const read = p.msg(20, 50, `read -resize ${file} src`);
  const sf = p.obj(20, 80, 'soundfiler');
  const start = p.obj(20, 110, 't b b');
  const player = p.obj(20, 170, 'mb.play~ src');
  const rec = p.obj(20, 200, 'tabwrite~ rec');
  const status = p.obj(200, 200, 'route bang');
  const print = p.obj(300, 230, 'print PLAY');
  const settle = p.obj(200, 230, 'delay 50');
  const write = p.msg(200, 260, `write -wave -bytes 4 ${recording} rec`);
  const writer = p.obj(200, 290, 'soundfiler');
  const wrote = p.obj(200, 320, 'print WROTE');
  p.connect(lb, 0, dsp, 0).connect(lb, 0, read, 0).connect(read, 0, sf, 0).connect(sf, 1, player, 1).connect(sf, 0, start, 0);
  p.connect(start, 1, rec, 0).connect(start, 0, player, 0).connect(player, 0, rec, 0);
  p.connect(player, 1, status, 0).connect(status, 1, print, 0).connect(status, 0, print, 0).connect(status, 0, settle, 0);
  p.connect(settle, 0, write, 0).connect(write, 0, writer, 0).connect(writer, 0, wrote, 0);
  const patch = path.join(dir, 'record.pd');
  writeFileSync(patch, p.toString());
  return patch;
}

/** A UDP socket that takes every packet and answers none: a server that never answers jobs. */
async function silentServer(): Promise<{ port: number; addresses: string[] }> {
  const socket = dgram.createSocket('udp4');
  const addresses: string[] = [];
  socket.on('message', (m) => addresses.push(m.subarray(0, m.indexOf(0)).toString()));
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  cleanup.push(() => socket.close());
  return { port: (socket.address() as AddressInfo).port, addresses };
}

describe.runIf(hasPd)('Pd plays job results at their own rate and gives up on silent jobs', () => {
  it.each([8000, 16000, 48000])('[mb.play~] plays a %i-Hz file as long and at the pitch it has, in 44.1-kHz Pd', async (rate) => {
    const dir = mkdtempSync(path.join(tmpdir(), 'mb-pd-play-'));
    const file = path.join(dir, 'tone.wav');
    writeWav(file, sine(440, rate, rate, 0.5), rate); // 1 s of 440 Hz
    const recording = path.join(dir, 'rec.wav');
    const run = await runPd(['-r', String(PD_RATE), '-open', recorderPatch(dir, file, recording)], 3500);
    expect(errorLines(run.output), run.output).toEqual([]);
    expect(run.printed('PLAY')).toEqual([`1 ${rate}`, 'bang']);
    expect(run.printed('WROTE')).toHaveLength(1);
    const rec = readWav(recording);
    expect(rec.sampleRate).toBe(PD_RATE);
    // [tabplay~] would give 440 * 44100 / rate Hz for 1 s * rate / 44100.
    expect(Math.abs(zeroCrossingHz(rec.samples, PD_RATE) - 440)).toBeLessThan(2);
    expect(Math.abs(soundingSeconds(rec.samples, PD_RATE) - 1)).toBeLessThan(0.01);
  }, 20_000);

  it(`example 4: a job that never answers times out (here after 1 s, default ${JOB_TIMEOUT_S} s), says so once, and the button asks again`, async () => {
    const server = await silentServer();
    const dir = mkdtempSync(path.join(tmpdir(), 'mb-pd-timeout-'));
    // clicks: at once, while waiting (refused), after the timeout (sent)
    const clicks = new PdCanvas({ width: 300, height: 200 });
    const lb = clicks.obj(20, 20, 'loadbang');
    const first = clicks.obj(220, 50, 'delay 100'); // after the -send messages (connect, timeout)
    const again = clicks.obj(20, 50, 'delay 500');
    const later = clicks.obj(120, 50, 'delay 1800');
    const go = clicks.msg(20, 80, '; ex4.go bang');
    clicks.connect(lb, 0, first, 0).connect(first, 0, go, 0).connect(lb, 0, again, 0).connect(lb, 0, later, 0).connect(again, 0, go, 0).connect(later, 0, go, 0);
    writeFileSync(path.join(dir, 'clicks.pd'), clicks.toString());
    const run = await runPd(
      ['-send', `mb.bridge connect 127.0.0.1 ${server.port}`, '-send', `mb.files set ${dir}`, '-send', 'ex4.timeout 1', '-open', path.join(EXAMPLES, '04-latent-deformation.pd'), '-open', path.join(dir, 'clicks.pd')],
      3600,
    );
    expect(errorLines(run.output), run.output).toEqual([]);
    // two requests went out (the second click was refused while the first waited), none answered
    expect(server.addresses.filter((a) => a === '/mb/job/vq')).toHaveLength(2);
    const lines = run.printed('mb.job-vq');
    expect(lines.filter((l) => l.startsWith('still waiting'))).toHaveLength(1);
    expect(lines.filter((l) => l.startsWith('no answer from the server for 1 s'))).toHaveLength(2);
    expect(run.printed('ex4-done')).toEqual([]);
  }, 20_000);

  it('example 4: a job the server refuses ends the wait at once: the next click is sent', async () => {
    const server = await startFixtureServer({ oscPort: 0 }); // it has no vq job: every request is refused
    cleanup.push(() => void server.close());
    let asked = 0;
    const submit = server.engine.submitJob.bind(server.engine);
    server.engine.submitJob = (...args: Parameters<typeof submit>) => {
      asked++;
      return submit(...args);
    };
    const dir = mkdtempSync(path.join(tmpdir(), 'mb-pd-refused-'));
    const clicks = new PdCanvas({ width: 300, height: 200 });
    const lb = clicks.obj(20, 20, 'loadbang');
    const first = clicks.obj(20, 50, 'delay 300');
    const second = clicks.obj(120, 50, 'delay 1000');
    const go = clicks.msg(20, 80, '; ex4.go bang');
    clicks.connect(lb, 0, first, 0).connect(lb, 0, second, 0).connect(first, 0, go, 0).connect(second, 0, go, 0);
    writeFileSync(path.join(dir, 'clicks.pd'), clicks.toString());
    const run = await runPd(
      ['-send', `mb.bridge listen ${await freeUdpPort()}`, '-send', `mb.bridge connect 127.0.0.1 ${server.servers.oscPort}`, '-send', `mb.files set ${dir}`, '-open', path.join(EXAMPLES, '04-latent-deformation.pd'), '-open', path.join(dir, 'clicks.pd')],
      2000,
    );
    // both requests reached the server and were refused; none was held back as "still waiting"
    expect(asked, run.output.slice(0, 2000)).toBe(2);
    expect(run.printed('mb.error')).toHaveLength(1); // the same refusal twice: printed once
    expect(run.printed('mb.job-vq')).toEqual([]);
  }, 20_000);
});
