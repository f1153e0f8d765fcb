import { existsSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { readWav } from '../src/audio/wav';
import { nativeStatus } from '../src/native';
import { resample } from '../src/audio/resample';
import { vqTestFiles } from './eval/vq-corpus';
import { logSpectralDistance, parseOp, spectralConvergence, spectralConvergenceAt, METRIC_FFT_SIZES, overlapAddSegments, StreamDecoder, VqRuntime, VqStreamProcessor } from '../src/vq';

/**
 * VQ-VAE timbre codec benchmarks (one core: intraOpThreads 1):
 * - decode real-time factor (cached code envelopes, harmonics, phase reconstruction, overlap-add), target >= 100x;
 * - streaming real-time factor of the live chain the engine runs (VqStreamProcessor) at 256-,
 *   512- and 2048-sample blocks (median of three passes over 10 s after a warm-up pass), target
 *   >= 50x, and at 1024-sample blocks of a 44.1 kHz stream (`_at44100`, resampled to the model
 *   rate and back); YIN and the phase reconstruction
 *   run on the native addon when it is built (nativeKernels), and the `_tsKernels` figures time
 *   the TypeScript fallback;
 * - descriptor selection with continuity (Viterbi, beam 32) for a 10-s target, target <= 20 ms,
 *   beside the exact trellis (beam = K) and nearest-code selection;
 * - held-out reconstruction: multi-resolution spectral convergence of batch decode (target <= 0.35;
 *   also of the causal stream decoder, spectralConvergenceCausal) and
 *   log-spectral distance, on the corpus's test split (heldOutFiles; `npm run eval -- vq`
 *   gives the same figures with intervals and a baseline);
 * - descriptor synthesis: median relative error of the centroid measured on the decoded audio
 *   against the target, over the codebook's centroid range (2nd-98th percentile of the codes'
 *   centroids): 16 constant targets of 1 s log-spaced across it (nearest code), and a 10-s
 *   exponential ramp across it with continuity 0.5 and without (target <= 10%).
 *
 * @example
 * npm run bench -- vq
 */
/** The repository root: the nearest folder above this file holding package.json (source or dist). */
const ROOT = (() => {
  let dir = __dirname;
  while (!existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return dir;
})();
/** The shipped model, or a candidate export (MB_VQ_MODEL_DIR, a folder named vqvae-timbre) before it replaces it. */
const MODEL_DIR = process.env.MB_VQ_MODEL_DIR ? path.resolve(process.env.MB_VQ_MODEL_DIR) : path.join(ROOT, 'models', 'vqvae-timbre');
const SECONDS = 10;

function time<T>(f: () => T): [T, number] {
  const t0 = performance.now();
  const r = f();
  return [r, performance.now() - t0];
}

async function timeAsync<T>(f: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const r = await f();
  return [r, performance.now() - t0];
}

function median(v: number[]): number {
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * The test split (bench/eval/vq-corpus.ts: built into build/eval/vq-test when missing), or, where
 * it cannot be built (no python3, sox, espeak-ng or fluidsynth), the 8 files shipped in
 * tests/vq/heldout, saying so.
 */
export function heldOutFiles(): string[] {
  try {
    return vqTestFiles().map((f) => f.path);
  } catch (err) {
    console.warn(`bench vq: ${(err as Error).message}; using tests/vq/heldout`);
  }
  const dir = path.join(ROOT, 'tests', 'vq', 'heldout');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.wav'))
    .sort()
    .map((f) => path.join(dir, f));
}

/** Timed passes of the streaming codec per block size (after one warm-up pass); the figure is their median. */
const STREAM_PASSES = 3;

/**
 * The live chain the engine runs (VqStreamProcessor: resampling when `audio` is not at the
 * model rate, encode, decode) over `audio` at `sampleRate` in blocks of `block` samples:
 * real-time factors and the p99 block time.
 */
async function streamSpeed(codec: VqRuntime, audio: Float32Array, block: number, graph: 'frames' | 'spectrum', suffix: string, sampleRate = codec.sampleRate): Promise<Record<string, number>> {
  const stream = VqStreamProcessor.create(codec, sampleRate, undefined, { encoderGraph: graph });
  const seconds = audio.length / sampleRate;
  const blockMs: number[] = [];
  const pass = async (record: boolean) => {
    for (let i = 0; i < audio.length; i += block) {
      const t0 = performance.now();
      await stream.process(audio.subarray(i, i + block));
      if (record) blockMs.push(performance.now() - t0);
    }
    await stream.flush();
  };
  // One warm-up pass (JIT), then the median of STREAM_PASSES timed passes over the 10 s.
  await pass(false);
  const cpu0 = process.cpuUsage();
  const passMs: number[] = [];
  for (let p = 0; p < STREAM_PASSES; p++) passMs.push((await timeAsync(() => pass(true)))[1]);
  const cpu = process.cpuUsage(cpu0);
  // Also from this process's CPU time, and from the median time of one block against the
  // block's duration: on a shared machine the wall clock also counts the time the process
  // waits for a core (a few blocks take milliseconds), which these leave out.
  return {
    [`streamRtFactor_block${block}${suffix}`]: (seconds * 1000) / median(passMs),
    [`streamRtFactorCpuTime_block${block}${suffix}`]: (STREAM_PASSES * seconds * 1e6) / (cpu.user + cpu.system),
    [`streamRtFactorMedianBlock_block${block}${suffix}`]: ((block / sampleRate) * 1000) / median(blockMs),
    [`streamBlockP99Ms_block${block}${suffix}`]: [...blockMs].sort((a, b) => a - b)[Math.floor(0.99 * (blockMs.length - 1))],
  };
}

async function speed(codec: VqRuntime, audio: Float32Array): Promise<Record<string, number>> {
  const series = await codec.encode(audio);
  await codec.decode(series);
  const [, decodeMs] = await timeAsync(() => codec.decode(series));
  const [, encodeMs] = await timeAsync(() => codec.encode(audio));
  const out: Record<string, number> = {
    decodeRtFactor: (SECONDS * 1000) / decodeMs,
    encodeRtFactor: (SECONDS * 1000) / encodeMs,
  };
  const g = codec.model.geometry;
  const graphs: ('frames' | 'spectrum')[] = g.spectrumGraph ? ['spectrum', 'frames'] : ['frames'];
  for (const graph of graphs) {
    const suffix = graph === graphs[0] ? '' : `_${graph}Graph`;
    for (const block of [256, 512, 2048]) Object.assign(out, await streamSpeed(codec, audio, block, graph, suffix));
  }
  // The same chain on a 44.1 kHz stream: resampled to the model rate and back.
  Object.assign(out, await streamSpeed(codec, resample(audio, codec.sampleRate, 44100), 1024, graphs[0], '_at44100', 44100));
  // The same stream on the TypeScript kernels (YIN, phase reconstruction): what runs where the
  // native addon is not built. MB_NATIVE=0 is read when the model and the stream are made.
  if (nativeStatus().available) {
    const saved = process.env.MB_NATIVE;
    process.env.MB_NATIVE = '0';
    const fallback = await VqRuntime.load(MODEL_DIR);
    try {
      for (const block of [256, 2048]) Object.assign(out, await streamSpeed(fallback, audio, block, graphs[0], '_tsKernels'));
    } finally {
      if (saved === undefined) delete process.env.MB_NATIVE;
      else process.env.MB_NATIVE = saved;
      await fallback.dispose();
    }
  }
  // Per-frame costs of one streaming step (one frame per call), microseconds, median of 400.
  const frame = audio.subarray(0, g.frameLength);
  const perCall = async (f: () => Promise<unknown>) => {
    for (let r = 0; r < 50; r++) await f();
    const t: number[] = [];
    for (let r = 0; r < 400; r++) t.push((await timeAsync(f))[1] * 1000);
    return median(t);
  };
  for (const graph of graphs) out[`encodeOneFrameUs_${graph}Graph`] = await perCall(() => codec.model.encodeFrames(frame, 1, { graph }));
  const dec = new StreamDecoder(codec.model);
  const [code, gain, hopOut] = [Int32Array.of(7), Float32Array.of(0.1), new Float32Array(g.hop)];
  out.decodeOneFrameUs = await perCall(() => dec.pushCodes(code, gain, 1, undefined, hopOut));
  return out;
}

function selection(codec: VqRuntime): Record<string, number> {
  const [lo, hi] = centroidSpan(codec);
  const targets = codec.parseTargets([`centroid=exp(${lo},${hi})`, 'flatness=sine(0.05,0.03,0.5)', 'loudness=const(-20)'], SECONDS);
  codec.selector.select(targets, { continuity: 0.5 });
  const runs = 5;
  const ms = (opts: object) => median(Array.from({ length: runs }, () => time(() => codec.selector.select(targets, opts))[1]));
  return {
    targetFrames: targets[0].values.length,
    viterbiBeam32Ms: ms({ continuity: 0.5 }),
    viterbiExactMs: ms({ continuity: 0.5, beam: codec.model.geometry.codes }),
    nearestMs: ms({ continuity: 0 }),
  };
}

async function reconstruction(codec: VqRuntime): Promise<Record<string, unknown>> {
  const files = heldOutFiles();
  const sc: number[] = [];
  const scStream: number[] = [];
  const scExactPitch: number[] = [];
  const g = codec.model.geometry;
  const lsd: number[] = [];
  const perSize = METRIC_FFT_SIZES.map(() => [] as number[]);
  const perSource = new Map<string, number[]>();
  /** Per source: [SC at the smallest FFT size, log-spectral distance] per file. */
  const perSourceDetail = new Map<string, [number, number][]>();
  for (const f of files) {
    const wav = readWav(f);
    const x = wav.sampleRate === codec.sampleRate ? wav.samples : resample(wav.samples, wav.sampleRate, codec.sampleRate);
    const series = await codec.encode(x);
    const y = await codec.decode(series);
    sc.push(spectralConvergence(x, y));
    // The streaming decoder's samples: the causal phase reconstruction (no look-ahead).
    scStream.push(spectralConvergence(x, await codec.decode(series, { lookahead: 0 })));
    // A decoder that sees the pitch: the decoder graph run at each frame's exact pitch instead
    // of the blend of pitch anchors decoded at load (src/vq/pitch-anchors.ts).
    if (g.decoderPitch) {
      const segments = await codec.model.decodeLatents(codec.model.latentsOf(series.codes), series.gains, series.frames, series.f0);
      const exact = overlapAddSegments(segments, series.frames, g.frameLength, g.hop, g.segmentLength, g.synthesis, { f0: series.f0!, sampleRate: g.sampleRate }, 1);
      scExactPitch.push(spectralConvergence(x, exact));
    }
    const source = path.basename(f).split('-')[0];
    perSource.set(source, [...(perSource.get(source) ?? []), sc[sc.length - 1]]);
    lsd.push(logSpectralDistance(x, y));
    METRIC_FFT_SIZES.forEach((n, i) => perSize[i].push(spectralConvergenceAt(x, y, n)));
    perSourceDetail.set(source, [...(perSourceDetail.get(source) ?? []), [perSize[3][perSize[3].length - 1], lsd[lsd.length - 1]]]);
  }
  const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
  return {
    heldOutFiles: files.length,
    heldOutDir: path.relative(ROOT, path.dirname(files[0])),
    spectralConvergence: mean(sc),
    spectralConvergenceMedian: median(sc),
    spectralConvergenceCausal: mean(scStream),
    ...(scExactPitch.length ? { spectralConvergenceExactPitchDecoder: mean(scExactPitch) } : {}),
    ...Object.fromEntries(METRIC_FFT_SIZES.map((n, i) => [`sc_${n}`, mean(perSize[i])])),
    ...Object.fromEntries([...perSource].map(([source, v]) => [`sc_${source}`, mean(v)])),
    ...Object.fromEntries([...perSource].map(([source, v]) => [`files_${source}`, v.length])),
    ...Object.fromEntries([...perSourceDetail].map(([source, v]) => [`sc_${METRIC_FFT_SIZES[3]}_${source}`, mean(v.map((r) => r[0]))])),
    ...Object.fromEntries([...perSourceDetail].map(([source, v]) => [`lsdDb_${source}`, mean(v.map((r) => r[1]))])),
    logSpectralDistanceDb: mean(lsd),
  };
}

/** Relative centroid errors of a synthesis, measured on the decoded audio (interior frames). */
async function centroidErrors(codec: VqRuntime, spec: string, seconds: number, continuity: number): Promise<number[]> {
  const targets = codec.parseTargets([spec, 'loudness=const(-20)'], seconds);
  const { achieved } = await codec.synthesize(targets, { continuity });
  const want = targets[0].values;
  const got = achieved.centroid!;
  const errors: number[] = [];
  for (let t = 3; t < got.length - 3; t++) errors.push(Math.abs(got[t] - want[t]) / want[t]);
  return errors;
}

/** The centroid range most codes cover: 2nd to 98th percentile (a few DC/rumble codes sit far below). */
function centroidSpan(codec: VqRuntime): [number, number] {
  const c = Array.from(codec.table.column('centroid')).sort((a, b) => a - b);
  return [c[Math.floor(0.02 * (c.length - 1))], c[Math.ceil(0.98 * (c.length - 1))]];
}

async function descriptorSynthesis(codec: VqRuntime): Promise<Record<string, number>> {
  const [lo, hi] = centroidSpan(codec);
  const grid: number[] = [];
  const steps = 16;
  for (let i = 0; i < steps; i++) grid.push(...(await centroidErrors(codec, `centroid=const(${lo * Math.pow(hi / lo, (i + 0.5) / steps)})`, 1, 0)));
  const ramp = await centroidErrors(codec, `centroid=exp(${lo},${hi})`, SECONDS, 0.5);
  const rampFree = await centroidErrors(codec, `centroid=exp(${lo},${hi})`, SECONDS, 0);
  return {
    centroidRangeLoHz: lo,
    centroidRangeHiHz: hi,
    medianRelErrorConstGrid: median(grid),
    medianRelErrorRampContinuity05: median(ramp),
    medianRelErrorRampNearest: median(rampFree),
  };
}

/**
 * Nanoseconds per element of a plain Float32Array sum: a yardstick printed beside the
 * timings, so figures from a loaded or slow machine can be scaled (about 1 ns on an idle
 * x86 core).
 */
function referenceLoopNs(): number {
  const a = new Float32Array(1 << 20).fill(0.5);
  let s = 0;
  const t0 = performance.now();
  for (let r = 0; r < 20; r++) for (let i = 0; i < a.length; i++) s += a[i];
  const ns = ((performance.now() - t0) * 1e6) / (20 * a.length);
  return s > 0 ? ns : NaN;
}

const DEFORM_EXAMPLES: string[][] = [[], ['scale=1.5'], ['scale=0.5'], ['bias=1'], ['randomize=0.5:1'], ['reverse'], ['stretch=2'], ['freeze=0.3'], ['smooth=9'], ['transpose=7']];

/** Median of a descriptor over frames louder than -50 dBFS (and voiced frames for f0). */
function voicedMedian(codec: VqRuntime, audio: Float32Array): Record<string, number> {
  const d = codec.measure(audio, ['loudness', 'centroid', 'f0', 'voicing']);
  const loud = [...d.loudness!.keys()].filter((t) => d.loudness![t] > -50);
  const voiced = loud.filter((t) => d.voicing![t] >= 0.5 && d.f0![t] > 0);
  return {
    centroidHz: median(loud.map((t) => d.centroid![t])),
    f0Hz: voiced.length ? median(voiced.map((t) => d.f0![t])) : 0,
    voicedShare: loud.length ? voiced.length / loud.length : 0,
  };
}

/**
 * Deformation examples for docs/vqvae.md: each op on two held-out sounds (a sung/spoken
 * voice and a synth voice), with the decoded result's duration, median centroid and f0.
 */
export async function benchVqDeformation(): Promise<Record<string, unknown>> {
  const codec = await VqRuntime.load(MODEL_DIR);
  try {
    const shipped = path.join(ROOT, 'tests', 'vq', 'heldout');
    const files = readdirSync(shipped).filter((f) => f.startsWith('espeak') || f.startsWith('sox')).sort();
    const sounds = [files.find((f) => f.startsWith('espeak'))!, files.find((f) => f.startsWith('sox'))!];
    const rows: Record<string, unknown>[] = [];
    for (const file of sounds) {
      const x = readWav(path.join(shipped, file)).samples;
      rows.push({ sound: file, ops: 'original (no codec)', seconds: x.length / codec.sampleRate, ...voicedMedian(codec, x) });
      const series = await codec.encode(x);
      for (const ops of DEFORM_EXAMPLES) {
        const y = await codec.decode(ops.length ? codec.deform(series, ops.map(parseOp)) : series);
        rows.push({ sound: file, ops: ops.length ? ops.join(' ') : 'codec only', seconds: y.length / codec.sampleRate, ...voicedMedian(codec, y) });
      }
    }
    console.table(rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'number' ? Number(v.toPrecision(4)) : v]))));
    return { rows };
  } finally {
    await codec.dispose();
  }
}

export async function benchVq(): Promise<Record<string, unknown>> {
  const codec = await VqRuntime.load(MODEL_DIR);
  try {
    const x = readWav(heldOutFiles()[0]).samples;
    const audio = new Float32Array(SECONDS * codec.sampleRate);
    for (let i = 0; i < audio.length; i++) audio[i] = x[i % x.length];
    const figures = {
      model: codec.model.name,
      codes: codec.model.geometry.codes,
      latencySamples: codec.model.geometry.latencySamples,
      nativeKernels: nativeStatus().available,
      referenceLoopNsPerElement: referenceLoopNs(),
      ...(await speed(codec, audio)),
      ...selection(codec),
      ...(await reconstruction(codec)),
      ...(await descriptorSynthesis(codec)),
    };
    const targets: Record<string, string> = {
      decodeRtFactor: '>= 100',
      streamRtFactor_block256: '>= 50',
      streamRtFactor_block512: '>= 50',
      streamRtFactor_block2048: '>= 50',
      viterbiBeam32Ms: '<= 20',
      spectralConvergence: '<= 0.35',
      medianRelErrorConstGrid: '<= 0.10',
      medianRelErrorRampContinuity05: '<= 0.10',
    };
    console.table(
      Object.entries(figures).map(([name, value]) => ({
        figure: name,
        value: typeof value === 'number' ? Number(value.toPrecision(4)) : value,
        target: targets[name] ?? '',
      })),
    );
    return figures;
  } finally {
    await codec.dispose();
  }
}
