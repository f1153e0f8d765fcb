import { existsSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { readWav } from '../../src/audio/wav';
import { packageRoot } from '../../src/core/paths';
import { nativeStatus } from '../../src/native';
import { VqRuntime, VqStreamProcessor } from '../../src/vq';
import { bootstrap, type Figure, type Table } from './figures';
import type { EvalEntry } from './registry';
import { vqModelDir } from './vq';
import { centroidSpan } from './vq-synth';

/**
 * The VQ codec's speed on one core (onnxruntime-node with one intra-op thread), as
 * `npm run bench -- vq` times it, with PASSES timed passes after a warm-up: the figure is the
 * median pass, its interval a bootstrap of the median over the passes (the spread of this run on
 * this machine, not across machines or loads: the table says the machine's load). Baselines: real
 * time for decoding; the same stream on the TypeScript kernels (no native addon) for streaming;
 * the exact trellis (beam = K) for selection with continuity.
 */
const PASSES = 7;
const SECONDS = 10;

const median = (v: number[]) => {
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** Per-pass figures of `f` (after one warm-up call), higher or lower is better as `better` says. */
async function passes(f: () => Promise<number>): Promise<number[]> {
  await f();
  const out: number[] = [];
  for (let p = 0; p < PASSES; p++) out.push(await f());
  return out;
}

/** One pass of the live chain over `audio` in `block`-sample blocks: [wall, CPU] real-time factors. */
async function streamPass(codec: VqRuntime, audio: Float32Array, block: number): Promise<[number, number]> {
  const stream = VqStreamProcessor.create(codec, codec.sampleRate);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < audio.length; i += block) await stream.process(audio.subarray(i, i + block));
  await stream.flush();
  const wall = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const seconds = audio.length / codec.sampleRate;
  return [(seconds * 1000) / wall, (seconds * 1e6) / (cpu.user + cpu.system)];
}

async function streamFigures(codec: VqRuntime, audio: Float32Array, block: number): Promise<{ wall: number[]; cpu: number[] }> {
  await streamPass(codec, audio, block);
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let p = 0; p < PASSES; p++) {
    const [w, c] = await streamPass(codec, audio, block);
    wall.push(w);
    cpu.push(c);
  }
  return { wall, cpu };
}

function fig(id: string, label: string, ours: number[], base: { label: string; values: number[] | number }, better: 'higher' | 'lower', extra: Partial<Figure> = {}): Figure {
  const b = base.values;
  return {
    id, label, value: median(ours), interval: bootstrap(ours, median), n: ours.length, unit: 'passes', better, digits: 1,
    baseline: { label: base.label, value: typeof b === 'number' ? b : median(b), interval: typeof b === 'number' ? null : bootstrap(b, median) }, ...extra,
  };
}

async function evaluate(): Promise<Table[]> {
  const load = loadavg()[0];
  const codec = await VqRuntime.load(vqModelDir());
  const fallback = await (async () => {
    const saved = process.env.MB_NATIVE;
    process.env.MB_NATIVE = '0';
    try {
      return await VqRuntime.load(vqModelDir());
    } finally {
      if (saved === undefined) delete process.env.MB_NATIVE;
      else process.env.MB_NATIVE = saved;
    }
  })();
  try {
    const x = readWav(join(packageRoot(), 'tests', 'vq', 'heldout', 'espeak-0000.wav')).samples;
    const audio = new Float32Array(SECONDS * codec.sampleRate);
    for (let i = 0; i < audio.length; i++) audio[i] = x[i % x.length];
    const series = await codec.encode(audio);
    const decode = await passes(async () => {
      const t0 = performance.now();
      await codec.decode(series);
      return (SECONDS * 1000) / (performance.now() - t0);
    });
    const native = nativeStatus().available;
    const s256 = await streamFigures(codec, audio, 256);
    const t256 = await streamFigures(fallback, audio, 256);
    const s2048 = await streamFigures(codec, audio, 2048);
    const t2048 = await streamFigures(fallback, audio, 2048);
    const [lo, hi] = centroidSpan(codec);
    const targets = codec.parseTargets([`centroid=exp(${lo},${hi})`, 'flatness=sine(0.05,0.03,0.5)', 'loudness=const(-20)'], SECONDS);
    const ms = (opts: object) => passes(async () => {
      const t0 = performance.now();
      codec.selector.select(targets, opts);
      return performance.now() - t0;
    });
    const beam = await ms({ continuity: 0.5 });
    const exact = await ms({ continuity: 0.5, beam: codec.model.geometry.codes });
    const ts = 'the same stream on the TypeScript kernels (no native addon)';
    const figures: Figure[] = [
      fig('decode', `decode, ${SECONDS} s of codes, wall clock at load ${load.toFixed(1)}, x real time`, decode, { label: 'real time (1x)', values: 1 }, 'higher', { target: { op: '>=', value: 100 }, headline: 'vqvae-timbre speed' }),
      fig('stream256', `streaming encode + decode, 256-sample blocks, wall clock at load ${load.toFixed(1)}, x real time`, s256.wall, { label: ts, values: t256.wall }, 'higher', { target: { op: '>=', value: 50 }, headline: 'vqvae-timbre speed' }),
      fig('stream256cpu', 'the same, by this process\'s CPU time', s256.cpu, { label: ts, values: t256.cpu }, 'higher', { headline: 'vqvae-timbre speed' }),
      fig('stream2048', `streaming, 2048-sample blocks, wall clock at load ${load.toFixed(1)}, x real time`, s2048.wall, { label: ts, values: t2048.wall }, 'higher', { target: { op: '>=', value: 50 } }),
      fig('viterbi', `selection with continuity, ${SECONDS}-s target, Viterbi beam 32, ms`, beam, { label: `the exact trellis (beam ${codec.model.geometry.codes})`, values: exact }, 'lower', { target: { op: '<=', value: 20 } }),
    ];
    return [{
      id: 'vq-speed', set: 'VQ-VAE speed, one core', command: 'npm run eval -- vq-speed', figures,
      notes: [
        `This run: ${cpus()[0]?.model} x${cpus().length}, load average ${load.toFixed(1)} when it started${native ? '' : ', native addon not built (both stream rows on the TypeScript kernels)'}; `
          + 'wall-clock figures fall with the machine\'s load (other processes take the cores), CPU-time figures much less. The ten idle runs of docs/vqvae.md *Speed* are `npm run bench -- vq`.',
        `Audio: a held-out espeak-ng voice (tests/vq/heldout/espeak-0000.wav) looped to ${SECONDS} s; ${PASSES} timed passes after one warm-up; interval: bootstrap of the median over the passes.`,
      ],
    }];
  } finally {
    await codec.dispose();
    await fallback.dispose();
  }
}

export const vqSpeedEntry: EvalEntry = {
  name: 'vq-speed',
  what: 'VQ-VAE speed on one core: decode, streaming, selection',
  available: () => (existsSync(join(vqModelDir(), 'vqvae-timbre.json')) ? null : `no model in ${vqModelDir()}`),
  run: evaluate,
};
