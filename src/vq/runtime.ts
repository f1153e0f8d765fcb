import * as path from 'node:path';
import { defaultModelsDir } from '../core/paths';
import { MbError } from '../core/errors';
import type { Hz, Seconds } from '../core/units';
import { frameDescriptors, type DescriptorName } from '../dsp/descriptors';
import { decode, encode, type CodeSeries, type DecodableSeries, type DecodeOptions, type EncodeOptions } from './batch';
import { applyOp, checkOp, latentStats, type DeformOp, type LatentSeries, type LatentStats } from './deform';
import { DescriptorTable, loadDescriptorTable } from './descriptor-table';
import { paddedFrameCount } from './geometry';
import { lerpSeries, planeMix } from './interpolate';
import { VqModel } from './model';
import { CodeSelector, type Selection, type SelectionOptions } from './select';
import { StreamSelector, type StreamSelectorOptions } from './select-stream';
import { parseTarget, targetsFromAudio, type Target } from './targets';

export interface SynthesisResult {
  audio: Float32Array;
  selection: Selection;
  /** Descriptors of the decoded audio, frame-aligned with the targets. */
  achieved: Partial<Record<DescriptorName, Float32Array>>;
}

/**
 * The VQ plug-in's user-facing facade: one loaded model (VqModel, the graphs) with its
 * descriptor table, code selector and latent statistics, and everything built on them:
 * batch encode/decode (src/vq/batch.ts), descriptor-based synthesis, deformation and
 * interpolation. The engine shares one per loaded model (src/vq/runtime-cache.ts) between
 * jobs and live streams (src/vq/live-processor.ts). `dispose()` frees the ONNX sessions.
 *
 * @example
 * const vq = await VqRuntime.load('models/vqvae-timbre');
 * const targets = vq.parseTargets(['centroid=linear(800,2400)'], 3);
 * const { audio, selection } = await vq.synthesize(targets, { continuity: 0.5 });
 * await vq.dispose();
 */
export class VqRuntime {
  readonly stats: LatentStats;
  private selectorCache?: CodeSelector;

  private constructor(
    readonly model: VqModel,
    readonly table: DescriptorTable,
  ) {
    this.stats = latentStats(model.codebook, model.geometry.latentDim);
  }

  /** Loads model and descriptor table; a failure leaves nothing open. */
  static async load(dir: string): Promise<VqRuntime> {
    const model = await VqModel.load(dir);
    try {
      const table = await loadDescriptorTable(dir, model.manifest.codebook!.descriptorTable, model.geometry.codes);
      return new VqRuntime(model, table);
    } catch (err) {
      await model.dispose();
      throw err;
    }
  }

  /** Default model folder: vqvae-timbre in the bundled models folder (MB_MODELS overrides it). */
  static defaultDir(): string {
    return path.join(defaultModelsDir(), 'vqvae-timbre');
  }

  get frameRate(): Hz {
    return this.model.geometry.sampleRate / this.model.geometry.hop;
  }

  get sampleRate(): Hz {
    return this.model.geometry.sampleRate;
  }

  /** The selector (K x K path costs), built on first use. */
  get selector(): CodeSelector {
    this.selectorCache ??= new CodeSelector(this.table, this.model.codebook, this.model.geometry.latentDim);
    return this.selectorCache;
  }

  encode(audio: Float32Array, sampleRate?: Hz, options: EncodeOptions = {}): Promise<CodeSeries> {
    return encode(this.model, audio, sampleRate, options);
  }

  /** Batch decode (phase look-ahead 1 unless `options.lookahead` is 0: see `decode` in batch.ts). */
  decode(series: DecodableSeries, options?: DecodeOptions): Promise<Float32Array> {
    return decode(this.model, series, options);
  }

  /** Frames a synthesis of `seconds` needs so that the output lasts at least that long. */
  framesFor(seconds: Seconds): number {
    const g = this.model.geometry;
    if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 3600) {
      throw new MbError('MB_ERR_BAD_ARGS', `duration must be a number of seconds in (0, 3600], got ${seconds}`);
    }
    return paddedFrameCount(seconds * g.sampleRate, g.frameLength, g.hop);
  }

  parseTargets(specs: string[], seconds: Seconds): Target[] {
    const frames = this.framesFor(seconds);
    return specs.map((s) => parseTarget(s, frames, this.frameRate));
  }

  /** Descriptor targets from a reference sound (at the model rate). */
  targetsFromAudio(audio: Float32Array, names: DescriptorName[], source?: string): Target[] {
    const g = this.model.geometry;
    return targetsFromAudio(audio, { sampleRate: g.sampleRate, frameLength: g.frameLength, hop: g.hop, names, source });
  }

  async synthesize(targets: Target[], options: SelectionOptions = {}): Promise<SynthesisResult> {
    const selection = this.selector.select(targets, options);
    // A model that carries pitch plays an f0 target as given (the codes' typical pitch otherwise).
    const f0Target = this.model.geometry.pitch ? targets.find((t) => t.name === 'f0') : undefined;
    const nyquist = this.sampleRate / 2;
    const f0 = f0Target ? Float32Array.from(selection.gains, (_, i) => Math.min(nyquist, Math.max(0, f0Target.values[Math.min(i, f0Target.values.length - 1)]))) : undefined;
    const audio = await this.decode({ ...selection, f0 });
    return { audio, selection, achieved: this.measure(audio, targets.map((t) => t.name)) };
  }

  /** A live selector for streaming targets. */
  streamSelector(options: StreamSelectorOptions = {}): StreamSelector {
    return new StreamSelector(this.selector, options);
  }

  /** Descriptors of audio at the codec's framing (frame t of a decoded series = frame t here). */
  measure(audio: Float32Array, names: DescriptorName[]): Partial<Record<DescriptorName, Float32Array>> {
    const g = this.model.geometry;
    const d = frameDescriptors(audio, { sampleRate: g.sampleRate, frameLength: g.frameLength, hop: g.hop });
    return Object.fromEntries(names.map((n) => [n, d[n]]));
  }

  /**
   * Applies deformation ops (typed; `parseOp` reads the text form) in order, each checked
   * (MB_ERR_BAD_ARGS out of range); with `requantize`, snaps every frame to its nearest code.
   */
  deform(series: LatentSeries, ops: readonly DeformOp[], requantize = true): LatentSeries {
    let s = series;
    for (const op of ops) s = applyOp(s, checkOp(op), this.stats);
    return requantize ? this.requantize(s) : s;
  }

  requantize(s: LatentSeries): LatentSeries {
    const q = this.model.quantize(s.latents);
    return { ...s, codes: q.codes, latents: q.latents };
  }

  plane(corners: LatentSeries[], x: number, y: number, requantize = true): LatentSeries {
    const s = planeMix(corners, x, y);
    return requantize ? this.requantize(s) : s;
  }

  interpolate(a: LatentSeries, b: LatentSeries, t: number | Float32Array, requantize = true): LatentSeries {
    const s = lerpSeries(a, b, t);
    return requantize ? this.requantize(s) : s;
  }

  async dispose(): Promise<void> {
    await this.model.dispose();
  }
}
