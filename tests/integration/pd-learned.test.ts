import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readWav } from '../../src/audio/wav';
import { readPlantSchema } from '../../src/plants';
import { PdCanvas } from '../../patchgen/pd/canvas';
import { requireTool } from '../helpers';
import { PLANT_MODEL_DIR } from '../shipped-models';
import { freeUdpPort, ROOT, runPd } from '../patches/pd-runner';

/**
 * Issue 21's "done when", end to end with real parts: `mirrorbridge serve` (the CLI, a child
 * process, real UDP) lists and serves the learned model models/fm; real Pd runs the example
 * patches/pd/examples/05-learned-synth.pd headless, which streams a recorded voice (espeak-ng)
 * to the model, receives its frames in fm's own units and drives the user's own synth
 * patches/pd/plants/fm.pd with them ([s plant.<name>], then a gate). Checked: the model is
 * listed, the stream opens on it with fm's 5 parameters, every frame Pd printed is in fm's
 * schema, fm.pd received each parameter (a fixture prints [r plant.<name>]), and the synth's
 * recording is silent until the first frame can have arrived (a window of 1 s) and sounds after.
 */
const hasTools = requireTool('pd') && requireTool('espeak-ng');
const EXAMPLE = path.join(ROOT, 'patches/pd/examples/05-learned-synth.pd');
const MONITOR = path.join(ROOT, 'tests/patches/fixtures/monitor.pd');
const SCHEMA = readPlantSchema(path.join(ROOT, 'patches/pd/plants/fm.json'));
/** The models folder serve starts with (MB_PLANT_MODEL: another learned fm model folder's parent). */
const MODELS = path.dirname(PLANT_MODEL_DIR);

const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) c.kill('SIGINT');
});

/** Starts `mirrorbridge serve` on free ports; resolves with its OSC port and the models it printed. */
function serve(filesDir: string): Promise<{ port: number; models: string; output: () => string }> {
  const child = spawn(process.execPath, [path.join(ROOT, 'node_modules/vite-node/vite-node.mjs'), path.join(__dirname, 'fixtures/serve.ts'), '--', 'serve', '--osc-port', '0', '--http-port', '0', '--models', MODELS, '--files', filesDir, '--job-workers', '0'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start:\n${out}`)), 120_000);
    const onData = (d: Buffer) => {
      out += d.toString();
      const port = /udp:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      const models = /\n\s+models\s+(.*)\n/.exec(out);
      if (port && models) {
        clearTimeout(timer);
        resolve({ port: Number(port[1]), models: models[1], output: () => out });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => reject(new Error(`serve exited with ${code}:\n${out}`)));
  });
}

/** A patch that prints what fm.pd receives, and writes the synth's recording after `ms`. */
function fixture(wav: string, ms: number): string {
  const p = new PdCanvas({ width: 600, height: 300 });
  SCHEMA.params.forEach((q, i) => p.connect(p.obj(20 + 100 * i, 20, `r plant.${q.name}`), 0, p.obj(20 + 100 * i, 50, `print got-${q.name}`), 0));
  p.connect(p.obj(20, 90, 'r plant.gate'), 0, p.obj(20, 120, 'print got-gate'), 0);
  const lb = p.obj(200, 90, 'loadbang');
  const wait = p.obj(200, 120, `delay ${ms}`);
  const write = p.msg(200, 150, `; ex5.write symbol ${wav}`);
  p.chain(lb, wait, write);
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'mb-pd-learned-')), 'fixture.pd');
  writeFileSync(file, p.toString());
  return file;
}

const pdErrors = (output: string) => output.split('\n').filter((l) => l.startsWith('mb.error:') || /(^|\s)error:/.test(l) || l.includes("couldn't create"));

describe.runIf(hasTools)('a voice drives the learned Pd synth (serve + Pd example 5)', () => {
  it('serve lists fm; Pd streams a spoken voice to it and plays fm.pd with its frames', async () => {
    const filesDir = mkdtempSync(path.join(tmpdir(), 'mb-pd-learned-files-'));
    const voice = path.join(filesDir, 'voice.wav');
    const made = spawnSync('espeak-ng', ['-w', voice, '-s', '90', '-p', '60', 'ahhh, ohhh, eeee, ahhh'], { encoding: 'utf8' });
    expect(made.status, made.stderr).toBe(0);
    const server = await serve(filesDir);
    expect(server.models.split(/[ ,]+/)).toContain('fm');
    const reply = await freeUdpPort();
    const recording = path.join(filesDir, 'synth.wav');
    const run = await runPd([
      '-open', EXAMPLE, '-open', MONITOR, '-open', fixture(recording, 4500),
      '-send', `mb.bridge listen ${reply}`, '-send', `mb.bridge connect 127.0.0.1 ${server.port}`,
      '-send', `ex5.file symbol ${voice}`, '-send', 'pd dsp 1', '-send', 'ex5.record bang',
    ], 5500, { until: () => existsSync(recording), after: 300 });
    expect(pdErrors(run.output), run.output.slice(0, 3000)).toEqual([]);
    // the stream opened on the learned model, with fm's 5 parameters
    expect(run.printed('ex5-stream')).toContainEqual(expect.stringMatching(/^opened fm \d+ 5$/));
    expect(run.printed('FROM')).toContainEqual(`mb stream paramnames 1 ${SCHEMA.params.map((q) => q.name).join(' ')}`);
    // frames in fm's own units: in range, the note on its grid
    const frames = run.printed('ex5-units').map((l) => l.split(' ').map(Number));
    expect(frames.length, run.output.slice(0, 3000)).toBeGreaterThanOrEqual(4);
    for (const f of frames) {
      expect(f).toHaveLength(SCHEMA.params.length);
      SCHEMA.params.forEach((q, i) => {
        expect(f[i]).toBeGreaterThanOrEqual(q.min - 1e-3);
        expect(f[i]).toBeLessThanOrEqual(q.max + 1e-3);
      });
      expect(SCHEMA.params[0].grid).toContain(f[0]);
    }
    // fm.pd heard every parameter of every frame, then the gate
    for (const q of SCHEMA.params) expect(run.printed(`got-${q.name}`).length).toBe(frames.length);
    expect(run.printed('got-note').map(Number)).toEqual(frames.map((f) => f[0]));
    expect(run.printed('got-gate').filter((g) => g === '1').length).toBe(frames.length);
    // the synth: silent before any frame can have come (a 1-s window), sounding after
    const wav = readWav(recording);
    const rms = (a: number, b: number) => {
      const x = wav.samples.subarray(Math.round(a * wav.sampleRate), Math.round(b * wav.sampleRate));
      return Math.sqrt(x.reduce((s, v) => s + v * v, 0) / Math.max(1, x.length));
    };
    expect(rms(0, 0.9)).toBeLessThan(1e-6);
    expect(rms(1, 4.4)).toBeGreaterThan(0.01);
  }, 180_000);
});
