import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine } from '../../src/app/create';
import type { Engine } from '../../src/engine/engine';
import { startServers, type ServerHandles } from '../../src/net';
import { requireTool } from '../helpers';
import { freeUdpPort, ROOT, runPd } from '../patches/pd-runner';

/**
 * Every Pd help patch opens in real headless Pd, DSP on, against a running server (their
 * [mb.bridge] pointed at it with pd -send): every object is created and nothing is printed as
 * an error. mbstream~-help needs the external built (make -C externals).
 */
const hasPd = requireTool('pd');
const hasCc = process.env.CI === 'true' || spawnSync('cc', ['--version']).status === 0;
const HELP = [
  ...readdirSync(path.join(ROOT, 'patches/pd')).filter((f) => f.endsWith('-help.pd')).map((f) => path.join('patches/pd', f)),
  ...(hasCc ? ['externals/mbstream~-help.pd'] : []),
];

let engine: Engine;
let servers: ServerHandles;
beforeAll(async () => {
  if (hasCc) expect(spawnSync('make', ['-s', '-C', path.join(ROOT, 'externals')], { encoding: 'utf8' }).status).toBe(0);
  ({ engine } = await createEngine({ modelsDir: path.join(ROOT, 'models'), filesDir: mkdtempSync(path.join(tmpdir(), 'mb-pd-help-')), loadBundled: true }));
  servers = await startServers(engine, { oscPort: 0, httpPort: 0 });
}, 60_000);
afterAll(async () => {
  await servers?.close();
  await engine?.dispose();
});

const errorLines = (output: string) => output.split('\n').filter((l) => l.startsWith('mb.error:') || /(^|\s)error:/.test(l) || l.includes("couldn't create"));

describe.runIf(hasPd)('Pd help patches', () => {
  it('lists the help of every abstraction and of the external', () => {
    expect(HELP).toEqual(expect.arrayContaining(['patches/pd/mb.play~-help.pd', 'patches/pd/mb.job-help.pd', 'patches/pd/mb.bridge-help.pd']));
  });

  it.each(HELP)('%s opens with every object created and no error', async (file) => {
    const hasBridge = / mb\.bridge /.test(readFileSync(path.join(ROOT, file), 'utf8'));
    const connect = hasBridge ? ['-send', `mb.bridge listen ${await freeUdpPort()}`, '-send', `mb.bridge connect 127.0.0.1 ${servers.oscPort}`] : [];
    const run = await runPd(['-open', path.join(ROOT, file), ...connect, '-send', 'pd dsp 1'], 2000);
    expect(errorLines(run.output), run.output.slice(0, 2000)).toEqual([]);
  }, 15_000);
});
