import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { PdCanvas } from '../patchgen/pd/canvas';

/**
 * A bridge restart as a performer lives it (issue 18, "after a kill -9 and restart, the
 * shipped Pd abstraction is streaming again within 2 s, with no user action"): the real
 * `mirrorbridge serve` as a child process, real headless Pd running the shipped example
 * 01-vocal-sketch.pd (its test voice into [mb.send~]) against it over UDP. Once frames flow,
 * the server is killed with SIGKILL and started again at once on the same port; timed from
 * the kill: when Pd's [mb.bridge] is answered again, when the new server says it is ready
 * (all models loaded; it listens before), and when Pd prints the next frame (a probe
 * patch prints each /mb/params line [mb.bridge] hands to [r mb.from-bridge]; its lines are
 * timed as they arrive on Pd's stderr). Three restarts each with model hosts (the default)
 * and without (`--no-model-hosts`), side by side. Needs `pd` on the PATH.
 */
const ROOT = path.join(__dirname, '..', '..');
const MAIN = path.join(ROOT, 'dist', 'src', 'cli', 'main.js');
const RESTARTS = 3;
const SETTLE_MS = 200;

function freeUdpPort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createSocket('udp4');
    s.bind(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A patch that prints "frame" for each parameter frame the bridge receives. */
function probePatch(): string {
  const p = new PdCanvas({ width: 300, height: 160 });
  const r = p.obj(20, 20, 'r mb.from-bridge');
  const route = p.obj(20, 50, 'route mb');
  const params = p.obj(20, 80, 'route params');
  const bang = p.obj(20, 110, 'bang');
  const print = p.obj(20, 140, 'print frame');
  p.chain(r, route, params, bang, print);
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'mb-bench-restart-')), 'probe.pd');
  writeFileSync(file, p.toString());
  return file;
}

/** `serve` on `port`; resolves with the child and when it said it serves (ms since `from`). */
function serve(port: number, args: string[], from: number, files: string): Promise<{ child: ChildProcess; readyMs: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN, 'serve', '--osc-port', String(port), '--http-port', '0', '--files', files, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('mirrorbridge serving') && process.env.MB_BENCH_DEBUG) console.log(`${Date.now() % 100000} serving`);
      if (out.includes('mirrorbridge serving')) resolve({ child, readyMs: Date.now() - from });
    });
    child.on('exit', (code) => reject(new Error(`serve exited (${code}) before it served: ${out}`)));
  });
}

interface Restart {
  /** Pd's [mb.bridge] says connected: the new server answered its ping. */
  answeredMs: number;
  /** The new server said it serves (every model loaded and warm). */
  readyMs: number;
  /** Pd's next parameter frame. */
  framesMs: number;
}

async function restarts(args: string[]): Promise<Restart[]> {
  const port = await freeUdpPort();
  const reply = await freeUdpPort();
  const files = mkdtempSync(path.join(tmpdir(), 'mb-bench-restart-files-'));
  /** When Pd printed each frame and each "connected" (the bridge answered again), newest last. */
  const frames: number[] = [];
  const connects: number[] = [];
  const pd = spawn('pd', ['-nogui', '-nosound', '-nomidi', '-stderr', '-path', path.join(ROOT, 'patches/pd'), '-path', path.join(ROOT, 'externals'),
    '-open', path.join(ROOT, 'patches/pd/examples/01-vocal-sketch.pd'), '-open', probePatch(),
    '-send', `mb.bridge listen ${reply}`, '-send', `mb.bridge connect 127.0.0.1 ${port}`, '-send', 'vs.source 1', '-send', 'pd dsp 1'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let pending = '';
  pd.stderr.on('data', (d: Buffer) => {
    pending += d.toString();
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    if (lines.some((l) => l.startsWith('frame: bang'))) frames.push(Date.now());
    if (lines.some((l) => l === 'mb.bridge: connected')) connects.push(Date.now());
    if (frames.length > 20_000) frames.splice(0, 10_000);
    if (process.env.MB_BENCH_DEBUG) for (const l of lines) if (!l.startsWith('frame:')) console.log(`${Date.now() % 100000} pd ${l}`);
  });
  const out: Restart[] = [];
  let server = await serve(port, args, Date.now(), files);
  try {
    const first = (list: number[], after: number) => list.find((t) => t > after);
    const waitFrames = async (after: number, ms: number) => {
      const until = Date.now() + ms;
      while (first(frames, after) === undefined && Date.now() < until) await sleep(2);
      const at = first(frames, after);
      return at === undefined ? -1 : at - after;
    };
    if ((await waitFrames(0, 15_000)) < 0) throw new Error('Pd got no frame from the first server');
    for (let i = 0; i < RESTARTS; i++) {
      await sleep(1500);
      const killed = Date.now();
      if (process.env.MB_BENCH_DEBUG) console.log(`${killed % 100000} kill`);
      server.child.kill('SIGKILL');
      await new Promise((r) => server.child.once('exit', r));
      server = await serve(port, args, killed, files);
      // Lines Pd printed before the kill may still be on their way: the old server's frames end
      // within a few ms of it, so only a frame 200 ms after the kill counts.
      const framesMs = await waitFrames(killed + SETTLE_MS, 15_000);
      const answered = first(connects, killed);
      out.push({ answeredMs: answered === undefined ? -1 : answered - killed, readyMs: server.readyMs, framesMs: framesMs < 0 ? -1 : framesMs + SETTLE_MS });
    }
  } finally {
    server.child.kill('SIGKILL');
    pd.kill('SIGKILL');
  }
  return out;
}

export async function benchRestart(): Promise<Record<string, unknown>> {
  const result: Record<string, Restart[]> = {};
  for (const [label, args] of [['model hosts (default)', []], ['no model hosts', ['--no-model-hosts']]] as const) {
    result[label] = await restarts([...args]);
  }
  console.log('kill -9 of `serve`, started again at once; ms from the kill (target: Pd streaming again within 2000):');
  for (const [label, runs] of Object.entries(result)) {
    const row = (k: keyof Restart) => runs.map((r) => r[k]).join(' / ');
    console.log(`  ${label.padEnd(22)} Pd connected again ${row('answeredMs')}   server ready ${row('readyMs')}   Pd's next frame ${row('framesMs')}`);
  }
  return result;
}
