import { copyFileSync, existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { writeWav } from '../../src/audio/wav';
import { Engine } from '../../src/engine/engine';
import type { JobEvent, ParamsFrame, StreamEvent } from '../../src/engine/types';
import { startServers, type ServerHandles } from '../../src/net';
import { requireTool } from '../helpers';
import { tempModelsDir, writeFixtureModel } from '../models/onnx-fixture';
import { freeUdpPort, ROOT, runPd, set1Processor, SET1_PARAMS } from '../patches/pd-runner';

/**
 * Real Pd runs each Pd example headless for a few seconds against a running bridge (on
 * ephemeral loopback ports, passed to [mb.bridge] with pd -send), with a stand-in stream
 * model whose frames have the plant's set-1 parameters and a stand-in resynthesis job.
 * Checked: the expected traffic arrived at the server and back in Pd, and no /mb/error.
 */
const hasPd = requireTool('pd');
const EXAMPLES = path.join(ROOT, 'patches/pd/examples');
const MONITOR = path.join(ROOT, 'tests/patches/fixtures/monitor.pd');

interface Bridge {
  engine: Engine;
  servers: ServerHandles;
  filesDir: string;
  frames: ParamsFrame[];
  streams: StreamEvent[];
  jobs: JobEvent[];
}

const cleanup: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

async function startBridge(): Promise<Bridge> {
  const modelsDir = tempModelsDir();
  writeFixtureModel(modelsDir, 'vs', { params: SET1_PARAMS });
  const filesDir = mkdtempSync(path.join(tmpdir(), 'mb-pd-files-'));
  const engine = new Engine({ modelsDir, filesDir });
  engine.registerStreamProcessor('mirrornet-stream', set1Processor);
  engine.registerJob('resynth', async (args) => {
    copyFileSync(String(args.in), String(args.out));
    return { out: args.out };
  });
  await engine.loadModel('vs');
  const servers = await startServers(engine, { oscPort: 0, httpPort: 0 });
  const bridge: Bridge = { engine, servers, filesDir, frames: [], streams: [], jobs: [] };
  engine.on('params', (f) => bridge.frames.push(f));
  engine.on('stream', (e) => bridge.streams.push(e));
  engine.on('job', (e) => bridge.jobs.push(e));
  cleanup.push(async () => {
    await servers.close();
    await engine.dispose();
  });
  return bridge;
}

/** pd -send arguments that point every [mb.bridge] at the test server. */
async function connectArgs(b: Bridge): Promise<string[]> {
  const reply = await freeUdpPort();
  return ['-send', `mb.bridge listen ${reply}`, '-send', `mb.bridge connect 127.0.0.1 ${b.servers.oscPort}`, '-send', `mb.files set ${b.filesDir}`];
}

const mbErrors = (output: string) => output.split('\n').filter((l) => l.startsWith('mb.error:') || / error: /.test(l) || l.includes("couldn't create"));

describe.runIf(hasPd)('Pd examples against a running bridge', () => {
  it('01 vocal sketch: streams the test hum, gets parameter frames back, plays them', async () => {
    const b = await startBridge();
    const run = await runPd(['-open', path.join(EXAMPLES, '01-vocal-sketch.pd'), '-open', MONITOR, ...(await connectArgs(b)), '-send', 'vs.source 1', '-send', 'pd dsp 1'], 4000);
    expect(mbErrors(run.output), run.output.slice(0, 3000)).toEqual([]);
    expect(b.streams.some((e) => e.state === 'opened' && e.streamId === 1 && e.model === 'vs')).toBe(true);
    const fromPd = b.frames.filter((f) => f.streamId === 1 && f.clientId.startsWith('udp:'));
    expect(fromPd.length).toBeGreaterThan(50);
    expect(run.printed('vocal-sketch')).toContainEqual(expect.stringMatching(/^opened vs \d+ 7$/));
    const back = run.printed('FROM').filter((l) => l.startsWith('mb params 1 '));
    expect(back.length).toBeGreaterThan(50);
    // The hum sings notes 62..74: the note parameter moves across the range, the gate is on.
    const notes = fromPd.map((f) => f.normalized[0]);
    expect(Math.max(...notes) - Math.min(...notes)).toBeGreaterThan(0.3);
    expect(fromPd.filter((f) => f.normalized[1] === 1).length).toBeGreaterThan(fromPd.length / 2);
  }, 30_000);

  it('02 melody resynthesis: copies the sound to the files folder, asks for resynth, loads the result', async () => {
    const b = await startBridge();
    const source = path.join(mkdtempSync(path.join(tmpdir(), 'mb-pd-src-')), 'melody.wav');
    writeWav(source, Float32Array.from({ length: 16000 }, (_, i) => 0.3 * Math.sin((2 * Math.PI * 330 * i) / 16000)), 16000);
    const run = await runPd(['-open', path.join(EXAMPLES, '02-melody-resynthesis.pd'), '-open', MONITOR, ...(await connectArgs(b)), '-send', `ex2.open symbol ${source}`], 4000);
    expect(mbErrors(run.output), run.output.slice(0, 3000)).toEqual([]);
    const done = b.jobs.find((j) => j.name === 'resynth' && j.state === 'done');
    expect(done, JSON.stringify(b.jobs)).toBeDefined();
    expect(existsSync(path.join(b.filesDir, 'pd-melody-in.wav'))).toBe(true);
    expect(existsSync(path.join(b.filesDir, 'pd-melody-out.wav'))).toBe(true);
    expect(run.printed('FROM')).toContainEqual(expect.stringMatching(/^mb job done \d+ resynth /));
    expect(run.printed('ex2-done').length).toBe(1);
  }, 30_000);
});
