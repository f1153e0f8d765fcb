import { spawn } from 'node:child_process';
import * as dgram from 'node:dgram';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { manifestParams } from '../../src/synth/params';
import type { ParamEntry } from '../../src/models/manifest';
import type { StreamOutput, StreamProcessor, StreamProcessorContext } from '../../src/engine/types';

/**
 * Helpers for the integration tests that run real Pd on our patches: a headless Pd run that
 * collects its console, a free UDP port, and a stand-in MirrorNet stream processor with the
 * plant's set-1 parameters, so frames fit [mb.plant~].
 */
export const ROOT = path.join(__dirname, '..', '..');
export const PD_PATH = ['-path', path.join(ROOT, 'patches/pd'), '-path', path.join(ROOT, 'externals')];

export function freeUdpPort(): Promise<number> {
  return new Promise((resolve) => {
    const s = dgram.createSocket('udp4');
    s.bind(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

export interface PdRun {
  /** Everything Pd printed (with -stderr, [print] goes there too). */
  output: string;
  /** Lines printed by [print <name>], without the "name: " prefix. */
  printed(name: string): string[];
}

/**
 * Runs `pd -nogui -nosound -stderr` with `args` for `ms` milliseconds (real time) and
 * returns its console. `-batch` runs finish by themselves instead.
 */
export function runPd(args: string[], ms: number, options: { until?: () => boolean; after?: number; maxMs?: number } = {}): Promise<PdRun> {
  return new Promise((resolve, reject) => {
    const pd = spawn('pd', ['-nogui', '-nosound', '-nomidi', '-stderr', ...PD_PATH, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    pd.stdout.on('data', (d: Buffer) => (output += d.toString()));
    pd.stderr.on('data', (d: Buffer) => (output += d.toString()));
    pd.on('error', reject);
    // With `until` (e.g. "the job is done"), the run lasts `after` ms past the moment it first
    // holds, and at least `ms`: a loaded machine or a slow job does not cut it short; `maxMs`
    // bounds it all the same.
    const { until, after = 500, maxMs = Math.max(ms, 30_000) } = options;
    const started = Date.now();
    let timer: NodeJS.Timeout;
    const poll = () => {
      const now = Date.now() - started;
      if (until?.()) {
        timer = setTimeout(() => pd.kill('SIGTERM'), Math.max(0, Math.max(ms, now + after) - now));
        return;
      }
      if (now >= maxMs) pd.kill('SIGTERM');
      else timer = setTimeout(poll, 100);
    };
    timer = until ? setTimeout(poll, 100) : setTimeout(() => pd.kill('SIGTERM'), ms);
    pd.on('close', () => {
      clearTimeout(timer);
      resolve({
        output,
        printed: (name) =>
          output
            .split('\n')
            .filter((l) => l.startsWith(`${name}: `) || l === `${name}: bang`)
            .map((l) => l.slice(name.length + 2)),
      });
    });
  });
}

/** The plant's set-1 parameters (note duration volume cutoff resonance attack decay) as manifest entries. */
export const SET1_PARAMS = manifestParams(7) as unknown as ParamEntry[];

/**
 * A stand-in for MirrorNet's stream processor with the plant's set-1 parameters: per block,
 * note follows the zero-crossing pitch (MIDI 62..74 -> 0..1), duration is the gate (loud
 * enough), volume follows the level; the timbre values stay at their defaults.
 */
export function set1Processor(ctx: StreamProcessorContext): StreamProcessor {
  const out = new Float32Array(7);
  return {
    latencySamples: 0,
    process(block: Float32Array): StreamOutput[] {
      let energy = 0;
      let crossings = 0;
      for (let i = 0; i < block.length; i++) {
        energy += block[i] * block[i];
        if (i > 0 && block[i - 1] < 0 && block[i] >= 0) crossings++;
      }
      const rms = Math.sqrt(energy / block.length);
      const hz = (crossings * ctx.sampleRate) / block.length;
      const midi = hz > 0 ? 69 + 12 * Math.log2(hz / 440) : 62;
      const clamp = (v: number) => Math.min(1, Math.max(0, v));
      out.set([clamp((midi - 62) / 12), rms > 0.01 ? 1 : 0, clamp(1 + (20 * Math.log10(rms + 1e-9)) / 40), 0.45, 0.25, 0.3, 0.4]);
      return [{ params: Float32Array.from(out) }];
    },
  };
}
