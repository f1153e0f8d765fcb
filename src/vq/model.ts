import * as ort from '../models/ort-backend';
import { MbError } from '../core/errors';
import { loadManifest, OnnxModel, requirePitchTracker, type ModelManifest } from '../models';
import { frameGain, FramePowerSpectrum, powerToNormalizedMagnitude } from '../dsp/stft';
import { Yin } from '../dsp/yin';
import { cacheKey, readCachedTable, writeCachedTable } from './anchor-cache';
import { Codebook } from './codebook';
import { geometryOf, type VqGeometry } from './geometry';
import { clampDecoderPitch, PitchAnchors } from './pitch-anchors';

export type { VqGeometry } from './geometry';

/** What the encoder gives for a run of frames. */
export interface EncodedFrames {
  codes: Int32Array;
  /** Continuous (pre-quantization) latents, frames x latentDim. */
  latents: Float32Array;
  gains: Float32Array;
  /** Pitch per frame in Hz (0: unvoiced), for models that carry it (geometry.pitch). */
  f0?: Float32Array;
}

/**
 * A loaded VQ-VAE (models/vqvae-timbre): its encoder, decoder and codebook graphs run by
 * onnxruntime-node through OnnxModel (sha256 and shape checks at load time), the encoder's
 * front end (gains, spectra and, for pitch models, YIN), the segments decoded ahead at load
 * time (unit gain, pitch anchors), and the codebook as plain numbers (src/vq/codebook.ts).
 *
 * Why past 300 lines: it is one concept, the model's graphs and what feeds them; the codebook
 * search is already out, and the encoder front end shares the model's buffers and its YIN
 * (built from the manifest's pitch settings), so splitting it off would pass them around.
 *
 * @example
 * const model = await VqModel.load('models/vqvae-timbre');
 * const { codes, gains } = await model.encodeFrames(frames, 10);
 * await model.dispose();
 */
export class VqModel {
  private constructor(
    readonly dir: string,
    readonly manifest: ModelManifest,
    readonly geometry: VqGeometry,
    private readonly onnx: OnnxModel,
    /** K x latentDim, row-major. */
    readonly codebook: Float32Array,
    /** The codebook search over `codebook` (src/vq/codebook.ts). */
    private readonly book: Codebook,
    /** Each code decoded at unit gain (K x segmentLength), when the decoder is linear in gain. */
    private readonly unitSegments: Float32Array | null,
    /** The same at pitch anchors, for a decoder that also takes f0 (geometry.decoderPitch). */
    private readonly anchors: PitchAnchors | null = null,
  ) {
    if (geometry.spectrumGraph) {
      this.spectrum = new FramePowerSpectrum(geometry.frameLength);
      this.spectra = new Float32Array(16 * this.spectrum.bins);
    }
    if (geometry.pitch) {
      // The tracker training measured f0 with, as the manifest states it (src/models/pitch-tracker.ts).
      this.yin = new Yin(requirePitchTracker(manifest, `${geometry.synthesis} synthesis`));
      this.codePitch = Float32Array.from(manifest.codebook?.pitchHz ?? []);
    }
  }

  private readonly yin: Yin | null = null;
  /** Each code's typical pitch (Hz, 0 = unvoiced), for pitch models. */
  private readonly codePitch: Float32Array = new Float32Array(0);
  private readonly spectrum: FramePowerSpectrum | null = null;
  private spectra: Float32Array = new Float32Array(0);

  /**
   * Loads and checks a model folder. Throws MB_ERR_MODEL_MANIFEST / MB_ERR_MODEL_LOAD /
   * MB_ERR_MODEL_SHAPE; nothing stays open after a failure, so a caller's current model is
   * untouched.
   */
  static async load(dir: string, options: { intraOpThreads?: number } = {}): Promise<VqModel> {
    const manifest = await loadManifest(dir);
    const geometry = geometryOf(manifest);
    // The spectrum encoder runs once per hop of a live stream: synchronously (src/models/native-session.ts).
    const syncGraphs = geometry.spectrumGraph ? [geometry.spectrumGraph] : [];
    const onnx = await OnnxModel.load(dir, manifest, { intraOpThreads: options.intraOpThreads ?? 1, syncGraphs });
    try {
      const codebook = await readCodebook(onnx, manifest, geometry);
      const book = new Codebook(codebook, geometry.codes, geometry.latentDim);
      if (geometry.linearGain && geometry.decoderPitch) {
        const anchors = await decodeAnchors(onnx, manifest, codebook, geometry);
        return new VqModel(dir, manifest, geometry, onnx, codebook, book, null, anchors);
      }
      const unit = geometry.linearGain ? await decodeUnitSegments(onnx, codebook, geometry) : null;
      return new VqModel(dir, manifest, geometry, onnx, codebook, book, unit);
    } catch (err) {
      await onnx.dispose();
      throw err;
    }
  }

  get name(): string {
    return this.manifest.name;
  }

  /**
   * Runs the encoder on `count` frames stored back to back (count x frameLength). With a
   * spectrum graph in the manifest, the runtime computes gains and spectra (FFT) and runs that
   * graph (the default: the frames graph spends most of its time on a fixed DFT matrix);
   * `graph: 'frames'` forces the frames graph.
   */
  async encodeFrames(frames: Float32Array, count: number, options: { graph?: 'frames' | 'spectrum' } = {}): Promise<EncodedFrames> {
    const { frameLength, latentDim } = this.geometry;
    if (count === 0) return { codes: new Int32Array(0), latents: new Float32Array(0), gains: new Float32Array(0) };
    const useSpectrum = options.graph === 'spectrum' || (options.graph === undefined && this.spectrum !== null);
    if (useSpectrum) return this.encodeSpectra(frames, count);
    const input = new ort.Tensor('float32', frames.subarray(0, count * frameLength), [count, frameLength]);
    const out = await this.onnx.run('encoder', { frames: input });
    const codes = codesOf(out.codes.data as BigInt64Array, count);
    const latents = (out.latents.data as Float32Array).slice(0, count * latentDim);
    return withPitch({ codes, latents, gains: (out.gains.data as Float32Array).slice(0, count) }, this.pitchOfFrames(frames, count));
  }

  /** The pitch of each frame (YIN) for models that carry it, else null. */
  private pitchOfFrames(frames: Float32Array, count: number): Float32Array | null {
    const yin = this.yin;
    if (!yin) return null;
    const w = this.geometry.frameLength;
    const f0 = new Float32Array(count);
    for (let t = 0; t < count; t++) f0[t] = yin.estimate(frames.subarray(t * w, (t + 1) * w)).f0;
    return f0;
  }

  /** The typical pitch of code k in Hz (0: unvoiced); 0 for models without pitch. */
  pitchOfCode(k: number): number {
    if (!this.geometry.pitch) return 0;
    this.book.check(k, 0);
    return this.codePitch[k];
  }

  /**
   * The pitch series to decode with: `f0` when given (checked), else each frame's code's
   * typical pitch (the nearest code of each latent when there are no codes). Empty for
   * models without pitch.
   */
  pitchSeries(frames: number, f0?: ArrayLike<number>, codes?: ArrayLike<number>, latents?: Float32Array): Float32Array {
    if (!this.geometry.pitch) return new Float32Array(0);
    if (f0 && f0.length !== frames) throw new MbError('MB_ERR_BAD_ARGS', `f0 (${f0.length}) and gains (${frames}) differ in length`);
    return this.pitchInto(new Float32Array(frames), frames, f0, codes, latents);
  }

  /**
   * `pitchSeries` written into the first `frames` values of `out` (a stream's own buffer),
   * reading the first `frames` values of `f0` or `codes`; returns `out`. For pitch models.
   */
  pitchInto(out: Float32Array, frames: number, f0?: ArrayLike<number>, codes?: ArrayLike<number>, latents?: Float32Array): Float32Array {
    if (f0) {
      if (f0.length < frames) throw new MbError('MB_ERR_BAD_ARGS', `f0 has ${f0.length} values, ${frames} frames need one each`);
      const nyquist = this.geometry.sampleRate / 2;
      for (let t = 0; t < frames; t++) {
        const v = f0[t];
        if (!(v >= 0 && v <= nyquist)) throw new MbError('MB_ERR_BAD_ARGS', `f0 ${t} must be a number in [0, ${nyquist}] Hz (0 = unvoiced), got ${v}`);
        out[t] = v;
      }
      return out;
    }
    const d = this.geometry.latentDim;
    for (let t = 0; t < frames; t++) {
      const k = codes ? codes[t] : latents ? this.nearestCode(latents, t * d) : 0;
      out[t] = this.pitchOfCode(k);
    }
    return out;
  }

  private async encodeSpectra(frames: Float32Array, count: number): Promise<EncodedFrames> {
    const { frameLength, latentDim, gainFloor, spectrumGraph } = this.geometry;
    const fps = this.spectrum;
    if (!fps || !spectrumGraph) throw new MbError('MB_ERR_BAD_ARGS', `model ${this.name} has no spectrum encoder graph`);
    const bins = fps.bins;
    if (this.spectra.length < count * bins) this.spectra = new Float32Array(count * bins);
    const spectra = this.spectra;
    const gains = new Float32Array(count);
    // Models that carry pitch: YIN's transform of the frame also gives its Hann spectrum (a
    // spectrum graph implies a power-of-two frameLength: geometryOf checks it).
    const yin = this.yin;
    const f0 = yin ? new Float32Array(count) : null;
    for (let t = 0; t < count; t++) {
      const base = t * frameLength;
      if (yin) {
        const r = yin.frameSpectrum(frames, base, gainFloor, spectra, t * bins);
        gains[t] = r.gain;
        f0![t] = r.f0;
      } else {
        gains[t] = frameGain(frames, base, frameLength, gainFloor);
        const row = spectra.subarray(t * bins, (t + 1) * bins);
        fps.compute(frames, base, row);
        powerToNormalizedMagnitude(row, gains[t], frameLength);
      }
    }
    const out = await this.onnx.run(spectrumGraph, { spectra: new ort.Tensor('float32', spectra.subarray(0, count * bins), [count, bins]) });
    const codes = codesOf(out.codes.data as BigInt64Array, count);
    // The output tensor is the run's own (a fresh array of exactly count x latentDim): no copy.
    const latents = out.latents.data as Float32Array;
    const encoded = { codes, latents: latents.length === count * latentDim ? latents : latents.slice(0, count * latentDim), gains };
    return withPitch(encoded, f0);
  }

  /**
   * The unit-gain segment of code k (a view; for a decoder that takes pitch, code k at `f0`
   * Hz, valid until the next call), or null when the decoder is not linear in gain.
   */
  unitSegment(k: number, f0 = 0): Float32Array | null {
    if (!this.unitSegments && !this.anchors) return null;
    this.book.check(k, 0);
    if (this.anchors) return this.anchors.segment(k, f0);
    const s = this.geometry.segmentLength;
    return this.unitSegments!.subarray(k * s, (k + 1) * s);
  }

  /**
   * Runs the decoder: latents (count x latentDim) and gains -> segments (count x segmentLength).
   * A decoder that takes pitch (geometry.decoderPitch) needs `f0` (Hz per frame, 0 = unvoiced;
   * clamped to the model's pitch range as the anchors are).
   */
  async decodeLatents(latents: Float32Array, gains: Float32Array, count: number, f0?: ArrayLike<number>): Promise<Float32Array> {
    const range = this.geometry.decoderPitch;
    if (count === 0) return new Float32Array(0);
    let pitch: Float32Array | undefined;
    if (range) {
      if (!f0 || f0.length < count) throw new MbError('MB_ERR_BAD_ARGS', `model ${this.name} decodes with a pitch per frame: f0 needs ${count} values`);
      pitch = Float32Array.from({ length: count }, (_, t) => clampDecoderPitch(f0[t], range));
    }
    return runDecoder(this.onnx, this.geometry, latents, gains, count, pitch);
  }

  /**
   * Segments of a code series (count x segmentLength). With a gain-linear decoder this scales
   * the cached unit-gain segment of each code (no inference; at the frame's `f0` for a decoder
   * that takes pitch); otherwise it runs the decoder.
   */
  async decodeCodes(codes: ArrayLike<number>, gains: Float32Array, count = codes.length, f0?: ArrayLike<number>): Promise<Float32Array> {
    if (!this.unitSegments && !this.anchors) {
      return this.decodeLatents(this.latentsOf(Array.from({ length: count }, (_, t) => codes[t])), gains, count, f0);
    }
    const s = this.geometry.segmentLength;
    const out = new Float32Array(count * s);
    this.book.checkAll(codes, count);
    for (let t = 0; t < count; t++) {
      const unit = this.unitSegment(codes[t], f0 ? f0[t] : 0)!;
      const g = gains[t];
      for (let i = 0; i < s; i++) out[t * s + i] = unit[i] * g;
    }
    return out;
  }

  /** The latent of code `k` (a view into the codebook). */
  codeLatent(k: number): Float32Array {
    return this.book.latent(k);
  }

  /** Index of the code nearest (Euclidean) to the latent at `latents[offset ..]`. */
  nearestCode(latents: ArrayLike<number>, offset = 0): number {
    return this.book.nearest(latents, offset);
  }

  /** Replaces each latent of a series by its nearest code; returns the codes and the code latents. */
  quantize(latents: Float32Array): { codes: Int32Array; latents: Float32Array } {
    return this.book.quantize(latents);
  }

  /** Latents of a code series (frames x latentDim). Throws MB_ERR_BAD_ARGS for an index outside [0, K). */
  latentsOf(codes: ArrayLike<number>): Float32Array {
    return this.book.latentsOf(codes);
  }

  async dispose(): Promise<void> {
    await this.onnx.dispose();
  }
}

/** The graph's int64 code indices as an Int32Array (a plain loop: Int32Array.from with a map function takes the slow iterator path). */
function codesOf(data: BigInt64Array, count: number): Int32Array {
  const codes = new Int32Array(count);
  for (let t = 0; t < count; t++) codes[t] = Number(data[t]);
  return codes;
}

function withPitch(encoded: EncodedFrames, f0: Float32Array | null): EncodedFrames {
  // A literal, not a spread: this runs once per hop in a live stream.
  return f0 ? { codes: encoded.codes, latents: encoded.latents, gains: encoded.gains, f0 } : encoded;
}

/** The decoder graph on `count` latents and gains (and f0 for a decoder that takes pitch) -> count x segmentLength. */
async function runDecoder(onnx: OnnxModel, g: VqGeometry, latents: Float32Array, gains: Float32Array, count: number, f0?: Float32Array): Promise<Float32Array> {
  const feeds: Record<string, ort.Tensor> = {
    latents: new ort.Tensor('float32', latents.subarray(0, count * g.latentDim), [count, g.latentDim]),
    gains: new ort.Tensor('float32', gains.subarray(0, count), [count, 1]),
  };
  if (f0) feeds.f0 = new ort.Tensor('float32', f0.subarray(0, count), [count]);
  const out = await onnx.run('decoder', feeds);
  return (out.segments.data as Float32Array).slice(0, count * g.segmentLength);
}

async function decodeUnitSegments(onnx: OnnxModel, codebook: Float32Array, g: VqGeometry): Promise<Float32Array> {
  return runDecoder(onnx, g, codebook, new Float32Array(g.codes).fill(1), g.codes);
}

/**
 * Every code decoded at unit gain at each pitch anchor (src/vq/pitch-anchors.ts), in chunks;
 * read from the disk cache when this decoder, codebook and geometry were decoded before
 * (src/vq/anchor-cache.ts: the decoding is most of a VQ model's load).
 */
async function decodeAnchors(onnx: OnnxModel, manifest: ModelManifest, codebook: Float32Array, g: VqGeometry): Promise<PitchAnchors> {
  const anchors = new PitchAnchors(g);
  const pitches = anchors.inputPitches();
  const n = pitches.length;
  const key = cacheKey({
    table: 'pitch-anchors-1',
    decoder: manifest.graphs.decoder?.sha256,
    codebook: manifest.graphs.codebook?.sha256,
    codes: g.codes,
    latentDim: g.latentDim,
    segmentLength: g.segmentLength,
    decoderPitch: g.decoderPitch,
    rows: anchors.rows,
    onnxruntime: ortVersion(),
  });
  const cached = readCachedTable('vq-anchors', key, n * g.segmentLength);
  if (cached) {
    anchors.fill(cached);
    return anchors;
  }
  const d = g.latentDim;
  const table = new Float32Array(n * g.segmentLength);
  const chunk = 2048;
  for (let start = 0; start < n; start += chunk) {
    const m = Math.min(chunk, n - start);
    const latents = new Float32Array(m * d);
    for (let i = 0; i < m; i++) {
      const k = Math.floor((start + i) / anchors.rows);
      latents.set(codebook.subarray(k * d, (k + 1) * d), i * d);
    }
    const segments = await runDecoder(onnx, g, latents, new Float32Array(m).fill(1), m, pitches.subarray(start, start + m));
    table.set(segments, start * g.segmentLength);
  }
  anchors.fill(writeCachedTable('vq-anchors', key, table));
  return anchors;
}

/** The onnxruntime backend and version that computed a cached table. */
function ortVersion(): string {
  const status = ort.ortStatus();
  return 'version' in status ? `${status.backend} ${status.version}` : status.backend;
}

async function readCodebook(onnx: OnnxModel, manifest: ModelManifest, g: VqGeometry): Promise<Float32Array> {
  const all = BigInt64Array.from({ length: g.codes }, (_, k) => BigInt(k));
  const out = await onnx.run('codebook', { codes: new ort.Tensor('int64', all, [g.codes]) });
  const table = out.latents;
  if (table.dims.length !== 2 || table.dims[0] !== g.codes || table.dims[1] !== g.latentDim) {
    throw new MbError('MB_ERR_MODEL_SHAPE', `codebook graph gives [${table.dims.join(', ')}], manifest says [${g.codes}, ${g.latentDim}] (${manifest.name})`);
  }
  return (table.data as Float32Array).slice();
}
