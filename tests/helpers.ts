import { spawn } from 'node:child_process';
import { hasTool, hasTorch } from '../src/core/tools';
import { Yin } from '../src/dsp/yin';

/**
 * Decides whether a test that needs an external tool runs. Under CI=true a missing tool is
 * a failure (the setup script should have installed it); elsewhere the test is skipped with
 * a message saying what to install.
 */
export function requireTool(name: 'pd' | 'sox' | 'espeak-ng' | 'fluidsynth' | 'torch'): boolean {
  const present = name === 'torch' ? hasTorch() : hasTool(name, name === 'pd' ? ['-version'] : ['--version']);
  if (present) return true;
  if (process.env.CI === 'true') {
    throw new Error(`${name} is required under CI=true; run ./scripts/setup.sh`);
  }
  console.warn(`skipping: ${name} not installed (run ./scripts/setup.sh)`);
  return false;
}

/** Median YIN f0 (Hz) over the 1024-sample frames of x[from, to), hop 256 (60-1500 Hz): a plant render's pitch. */
export function medianF0(x: Float32Array, rate: number, from: number, to: number): number {
  const yin = new Yin({ sampleRate: rate, frameLength: 1024, fmin: 60, fmax: 1500 });
  const f0s: number[] = [];
  for (let s = from; s + 1024 <= to; s += 256) f0s.push(yin.estimate(x.subarray(s, s + 1024)).f0);
  f0s.sort((a, b) => a - b);
  return f0s[Math.floor(f0s.length / 2)];
}

export interface ProcessResult { status: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string; error?: Error }

/**
 * Runs a command without blocking this test worker's event loop, with the result shape of
 * spawnSync. Long subprocesses (training, Pd, make) must not use spawnSync: vitest 3's worker
 * answers its runner over an RPC with a fixed 60-s timeout, and a worker blocked past it fails
 * the whole run with "Timeout calling onTaskUpdate" although every test passed
 * (vitest-dev/vitest#6479, fixed upstream in vitest 4 by #8297).
 */
export function runProcess(
  cmd: string,
  args: string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeout?: number; input?: string } = {},
): Promise<ProcessResult> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let error: Error | undefined;
    child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
    child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    const timer = opts.timeout ? setTimeout(() => child.kill('SIGTERM'), opts.timeout) : undefined;
    child.on('error', (e) => { error = e; });
    child.on('close', (status, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ status, signal, stdout, stderr, error });
    });
    child.stdin.on('error', () => {});
    child.stdin.end(opts.input ?? '');
  });
}
