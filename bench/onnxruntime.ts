import { existsSync } from 'node:fs';
import * as path from 'node:path';
import FFT from 'fft.js';
import { auditorySpectrogram, normalizePower } from '../src/dsp/auditory';
import { loadManifest, nativeAvailable, OnnxModel, Tensor, type Fetches, type Feeds, type OrtBackend } from '../src/models';

/**
 * onnxruntime's two backends side by side (issue 19 item 2): every graph of the shipped
 * models (models/mirrornet-melody, mirrornet-stream, vqvae-timbre) on onnxruntime-node's
 * native backend and on onnxruntime-web's WebAssembly backend, one thread each, on the same
 * inputs made from a synthetic sung glide (real auditory spectrograms, frames and spectra,
 * not noise): median and best time per run (runs alternating between the backends), the
 * wasm/native ratio of the medians, the real-time factor, and the outputs' largest
 * difference relative to the largest native value (codes: the share that agree).
 * tests/models/backend-parity.test.ts checks the same figures against tolerances.
 *
 * Native is skipped (and says why) where onnxruntime-node's binding cannot load.
 *
 * @example
 * npm run bench -- onnxruntime
 */
const ROOT = (() => {
  let dir = __dirname;
  while (!existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return dir;
})();
export const SHIPPED_MODELS_DIR = path.join(ROOT, 'models');

/** One graph run on given feeds: what the parity test and the bench both use. */
export interface BackendCase {
  model: string;
  graph: string;
  /** What the feeds stand for (shape and the audio they hold). */
  label: string;
  feeds: Feeds;
  /** Seconds of audio one run covers (for the real-time factor), when it is a batch of audio. */
  audioSeconds?: number;
}

/** A sung glide: f0 180 → 320 Hz with 5.5-Hz vibrato, 10 harmonics at 1/k, a breath of seeded noise. */
export function glide(sampleRate: number, seconds: number, f0From = 180, f0To = 320): Float32Array {
  const n = Math.round(sampleRate * seconds);
  const out = new Float32Array(n);
  let phase = 0;
  let seed = 12345;
  for (let i = 0; i < n; i++) {
    const t = i / sampleRate;
    const f0 = f0From * Math.pow(f0To / f0From, t / seconds) * (1 + 0.01 * Math.sin(2 * Math.PI * 5.5 * t));
    phase += (2 * Math.PI * f0) / sampleRate;
    let v = 0;
    for (let k = 1; k <= 10 && k * f0 < sampleRate / 2; k++) v += Math.sin(k * phase) / k;
    seed = (seed * 1664525 + 1013904223) >>> 0;
    const env = Math.min(1, t / 0.05) * Math.min(1, (seconds - t) / 0.05);
    out[i] = env * (0.3 * v + 0.003 * (seed / 2 ** 32 - 0.5));
  }
  return out;
}

function stack(parts: Float32Array[], dims: number[]): Tensor {
  const data = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) (data.set(p, at), (at += p.length));
  return new Tensor('float32', data, dims);
}

/** Auditory spectrograms [batch, 128, frames] of two glides, as src/mirror builds them. */
function auditoryBatch(sampleRate: number, frames: number, frameLength: number): Tensor {
  const seconds = (frames * frameLength) / sampleRate;
  const specs = [glide(sampleRate, seconds), glide(sampleRate, seconds, 300, 140)].map((x) => {
    const s = auditorySpectrogram(normalizePower(x), { sampleRate });
    if (s.frames !== frames) throw new Error(`auditory spectrogram has ${s.frames} frames, want ${frames}`);
    return s.data;
  });
  return stack(specs, [specs.length, 128, frames]);
}

/** Frames [count, 1024] at hop 256 of a 16-kHz glide, and their spectra [count, 513] as the vq runtime feeds them. */
function vqFrames(count: number): { frames: Tensor; spectra: Tensor } {
  const L = 1024;
  const hop = 256;
  const x = glide(16000, ((count - 1) * hop + L) / 16000 + 0.01);
  const frames = new Float32Array(count * L);
  const spectra = new Float32Array(count * (L / 2 + 1));
  const fft = new FFT(L);
  const input = new Array<number>(L);
  const out = fft.createComplexArray() as number[];
  for (let f = 0; f < count; f++) {
    const frame = x.subarray(f * hop, f * hop + L);
    frames.set(frame, f * L);
    let acc = 0;
    for (let i = 0; i < L; i++) acc += frame[i] * frame[i];
    const gain = Math.max(Math.sqrt(acc / L), 1e-5);
    for (let i = 0; i < L; i++) input[i] = (0.5 - 0.5 * Math.cos((2 * Math.PI * i) / L)) * (frame[i] / gain);
    fft.realTransform(out, input);
    for (let k = 0; k <= L / 2; k++) spectra[f * (L / 2 + 1) + k] = Math.hypot(out[2 * k], out[2 * k + 1]) / Math.sqrt(L);
  }
  return { frames: new Tensor('float32', frames, [count, L]), spectra: new Tensor('float32', spectra, [count, L / 2 + 1]) };
}

/**
 * The cases: every graph of every shipped model, at a batch shape and (for the graphs a live
 * stream runs per block) at the live shape. Decoder feeds are the native encoder's outputs
 * where that exists (else the wasm encoder's), so both decoders see the same inputs.
 */
export async function backendCases(root = SHIPPED_MODELS_DIR): Promise<BackendCase[]> {
  const cases: BackendCase[] = [];
  const encoderOf = async (dir: string, graph: string, feeds: Feeds): Promise<Fetches> => {
    const model = await OnnxModel.load(dir, await loadManifest(dir), { backend: nativeAvailable() ? 'native' : 'wasm' });
    try {
      return await model.run(graph, feeds);
    } finally {
      await model.dispose();
    }
  };
  const melody = path.join(root, 'mirrornet-melody');
  if (existsSync(melody)) {
    const aud = auditoryBatch(8000, 250, 64);
    cases.push({ model: 'mirrornet-melody', graph: 'encoder', label: 'aud [2,128,250] (2 x 2 s)', feeds: { aud }, audioSeconds: 4 });
    const { params } = await encoderOf(melody, 'encoder', { aud });
    cases.push({ model: 'mirrornet-melody', graph: 'decoder', label: 'params [2,5,7]', feeds: { params } });
  }
  const stream = path.join(root, 'mirrornet-stream');
  if (existsSync(stream)) {
    const aud = auditoryBatch(8000, 250, 64);
    cases.push({ model: 'mirrornet-stream', graph: 'encoder', label: 'aud [2,128,250] (2 x 2 s)', feeds: { aud }, audioSeconds: 4 });
    const { params } = await encoderOf(stream, 'encoder', { aud });
    cases.push({ model: 'mirrornet-stream', graph: 'decoder', label: 'params [2,250,7]', feeds: { params } });
    // A live block as src/mirror/stream.ts runs it: the receptive field (129 frames) plus the 4 of one 256-sample block.
    const width = 133;
    const all = aud.data as Float32Array;
    const block = new Float32Array(128 * width).map((_, i) => all[Math.floor(i / width) * 250 + 110 + (i % width)]);
    cases.push({ model: 'mirrornet-stream', graph: 'encoder', label: 'aud [1,128,133] (one 256-sample block, live)', feeds: { aud: new Tensor('float32', block, [1, 128, width]) }, audioSeconds: 256 / 8000 });
  }
  const vq = path.join(root, 'vqvae-timbre');
  if (existsSync(vq)) {
    const { frames, spectra } = vqFrames(625);
    cases.push({ model: 'vqvae-timbre', graph: 'encoder', label: 'frames [625,1024] (10 s)', feeds: { frames }, audioSeconds: 10 });
    cases.push({ model: 'vqvae-timbre', graph: 'encoderSpectrum', label: 'spectra [625,513] (10 s)', feeds: { spectra }, audioSeconds: 10 });
    const one = new Tensor('float32', (spectra.data as Float32Array).slice(200 * 513, 201 * 513), [1, 513]);
    cases.push({ model: 'vqvae-timbre', graph: 'encoderSpectrum', label: 'spectra [1,513] (one 256-sample hop, live)', feeds: { spectra: one }, audioSeconds: 256 / 16000 });
    const enc = await encoderOf(vq, 'encoder', { frames });
    const f0 = new Float32Array(625).map((_, i) => (i % 50 < 40 ? 180 * Math.pow(320 / 180, i / 625) : 0));
    cases.push({
      model: 'vqvae-timbre', graph: 'decoder', label: 'latents [625,32] + gains + f0 (10 s)', audioSeconds: 10,
      feeds: { latents: enc.latents, gains: enc.gains, f0: new Tensor('float32', f0, [625]) },
    });
    const codes = new Tensor('int64', BigInt64Array.from({ length: 512 }, (_, i) => BigInt(i)), [512]);
    cases.push({ model: 'vqvae-timbre', graph: 'codebook', label: 'codes [512] (the whole codebook)', feeds: { codes } });
  }
  return cases;
}

/** How far one output of the wasm backend lies from the native one. */
export interface OutputDiff {
  output: string;
  dims: string;
  /** Largest |wasm - native| over the largest |native| (float outputs). */
  relMaxDiff?: number;
  maxAbsDiff?: number;
  maxAbs?: number;
  /** Share of equal elements (integer outputs: codes). */
  agreement?: number;
}

export function compareOutputs(native: Fetches, wasm: Fetches): OutputDiff[] {
  return Object.keys(native).sort().map((name) => {
    const a = native[name];
    const b = wasm[name];
    const dims = `[${a.dims.join(',')}]`;
    if (!b || b.dims.join(',') !== a.dims.join(',')) return { output: name, dims, relMaxDiff: Infinity, agreement: 0 };
    if (a.type === 'int64' || a.type === 'int32') {
      const x = a.data as ArrayLike<bigint | number>;
      const y = b.data as ArrayLike<bigint | number>;
      let same = 0;
      for (let i = 0; i < x.length; i++) if (x[i] === y[i]) same++;
      return { output: name, dims, agreement: x.length ? same / x.length : 1 };
    }
    const x = a.data as Float32Array;
    const y = b.data as Float32Array;
    let maxAbs = 0;
    let maxAbsDiff = 0;
    for (let i = 0; i < x.length; i++) {
      maxAbs = Math.max(maxAbs, Math.abs(x[i]));
      const d = Math.abs(x[i] - y[i]);
      maxAbsDiff = Number.isNaN(d) ? Infinity : Math.max(maxAbsDiff, d);
    }
    return { output: name, dims, maxAbs, maxAbsDiff, relMaxDiff: maxAbs > 0 ? maxAbsDiff / maxAbs : maxAbsDiff };
  });
}

function median(v: number[]): number {
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * Ms per run of each backend on one case: one warm-up each, then runs alternating between
 * the backends (so a busy neighbour on a shared machine slows both alike) until each has at
 * least `runs` and ~0.5 s has passed (at most 200). Median and best.
 */
async function timeBackends(pair: Partial<Record<OrtBackend, OnnxModel>>, c: BackendCase, runs: number): Promise<Partial<Record<OrtBackend, { median: number; best: number }>>> {
  const backends = Object.keys(pair) as OrtBackend[];
  const times: Partial<Record<OrtBackend, number[]>> = {};
  for (const b of backends) (await pair[b]!.run(c.graph, c.feeds), (times[b] = []));
  const started = performance.now();
  while (times[backends[0]]!.length < runs || (performance.now() - started < 500 && times[backends[0]]!.length < 200)) {
    for (const b of backends) {
      const t0 = performance.now();
      await pair[b]!.run(c.graph, c.feeds);
      times[b]!.push(performance.now() - t0);
    }
  }
  const out: Partial<Record<OrtBackend, { median: number; best: number }>> = {};
  for (const b of backends) out[b] = { median: median(times[b]!), best: Math.min(...times[b]!) };
  return out;
}

const round = (x: number, digits = 3) => Number(x.toPrecision(digits));

/** Native vs wasm, one thread each, per graph: ms per run, ratio, real-time factor, largest difference. */
export async function benchOnnxruntime(): Promise<Record<string, unknown>> {
  const native = nativeAvailable();
  const backends: OrtBackend[] = native ? ['native', 'wasm'] : ['wasm'];
  const cases = await backendCases();
  const models = new Map<string, Partial<Record<OrtBackend, OnnxModel>>>();
  const loadMs: Record<string, Partial<Record<OrtBackend, number>>> = {};
  for (const name of new Set(cases.map((c) => c.model))) {
    const dir = path.join(SHIPPED_MODELS_DIR, name);
    const manifest = await loadManifest(dir);
    const pair: Partial<Record<OrtBackend, OnnxModel>> = {};
    loadMs[name] = {};
    for (const b of backends) {
      const t0 = performance.now();
      pair[b] = await OnnxModel.load(dir, manifest, { backend: b, intraOpThreads: 1 });
      loadMs[name][b] = round(performance.now() - t0);
    }
    models.set(name, pair);
  }
  const rows: Record<string, unknown>[] = [];
  try {
    for (const c of cases) {
      const pair = models.get(c.model)!;
      const t = await timeBackends(pair, c, 5);
      const ms = { native: t.native?.median, wasm: t.wasm!.median };
      const row: Record<string, unknown> = { graph: `${c.model}/${c.graph}`, input: c.label };
      if (native) row.nativeMs = round(ms.native!);
      row.wasmMs = round(ms.wasm);
      if (native) row.wasmOverNative = round(ms.wasm / ms.native!);
      if (native) row.nativeBestMs = round(t.native!.best);
      row.wasmBestMs = round(t.wasm!.best);
      if (c.audioSeconds) {
        if (native) row.nativeRtf = round((c.audioSeconds * 1000) / ms.native!);
        row.wasmRtf = round((c.audioSeconds * 1000) / ms.wasm);
      }
      if (native) {
        const diffs = compareOutputs(await pair.native!.run(c.graph, c.feeds), await pair.wasm!.run(c.graph, c.feeds));
        row.diff = diffs.map((d) => `${d.output} ${d.agreement !== undefined ? `agree ${round(d.agreement * 100, 4)}%` : `rel ${d.relMaxDiff!.toExponential(1)}`}`).join('; ');
      }
      rows.push(row);
    }
  } finally {
    for (const pair of models.values()) await Promise.all(Object.values(pair).map((m) => m!.dispose()));
  }
  console.table(rows);
  console.table(Object.entries(loadMs).map(([model, ms]) => ({ model, loadNativeMs: ms.native, loadWasmMs: ms.wasm })));
  return { threads: 1, native: native ? 'onnxruntime-node' : 'skipped: the native binding cannot load here', wasm: 'onnxruntime-web', rows, loadMs };
}
