import * as ort from '../models/ort-backend';
import { MbError } from '../core/errors';
import type { Hz, Seconds } from '../core/units';
import { resample } from '../audio/resample';
import { auditorySpectrogram, normalizePower, type Spectrogram } from '../dsp/auditory';
import { loadManifest, OnnxModel, toUnits, type ModelManifest, type ParamEntry } from '../models';
import { renderMelody } from '../synth';
import { refineMelody, refineMelodyAsync } from './refine';
import { rmsDb, segment } from './segments';

export interface InferOptions {
  /**
   * Passes of plant-in-the-loop refinement after the encoder (0 or absent: the encoder's answer).
   * Each pass moves every non-note parameter of every note by a step (halved per pass) when the
   * plant's rendering gets closer to the input; it may leave the training ranges. About 60
   * plant renderings per pass and 2-s segment.
   */
  refine?: number;
  /** Awaited between plant renderings during refinement (offline jobs pass their checkpoint). */
  checkpoint?: () => Promise<void>;
}

export interface Refinement {
  passes: number;
  /** Auditory-spectrogram L1 (unit-RMS audio) of the plant's rendering, per live segment. */
  l1Before: number[];
  l1After: number[];
}

/** Segments quieter than this (RMS dBFS) are reported silent instead of getting parameters. */
export const SILENCE_DB = -60;

export interface InferredNote {
  midi: number;
  onset_s: Seconds;
  duration_s: Seconds;
  params: Record<string, number>;
  units: Record<string, number>;
}

export interface InferResult {
  model: string;
  sampleRate: Hz;
  notes: InferredNote[];
  /** True when every segment was silent. */
  silent: boolean;
  /** Per-segment silence flags (one per 2-s segment). */
  silentSegments: boolean[];
  /** Things the caller should know (resampled, padded, segmented). */
  notices: string[];
  /** Normalized parameters (after refinement when asked): segments x notes x params. */
  raw: Float32Array;
  /** Present when refinement ran. */
  refinement?: Refinement;
}

/**
 * MirrorNet melody model at run time: audio → per-note synth parameters (the encoder),
 * parameters → predicted auditory spectrogram (the decoder), and resynthesis through the plant.
 * Inputs of any length and sample rate are resampled and cut into the model's 2-s segments.
 *
 * @example
 * const mirror = await MirrorMelody.load('models/mirrornet-melody');
 * const { notes } = await mirror.inferParams(samples, 44100);
 */
export class MirrorMelody {
  readonly sampleRate: Hz;
  readonly clipSamples: number;
  readonly notesPerClip: number;
  readonly params: ParamEntry[];

  constructor(readonly model: OnnxModel) {
    const m = model.manifest;
    if (m.kind !== 'mirrornet-melody') throw new MbError('MB_ERR_MODEL_MANIFEST', `model ${m.name} is a ${m.kind}, not a mirrornet-melody`);
    if (!m.params || m.params.length === 0) throw new MbError('MB_ERR_MODEL_MANIFEST', `model ${m.name} lists no params`);
    this.sampleRate = m.audio.sampleRate;
    const seconds = Number(m.extra?.seconds ?? 2);
    this.clipSamples = Math.round(seconds * this.sampleRate);
    this.notesPerClip = Number(m.extra?.notes ?? 5);
    this.params = m.params;
  }

  static async load(dir: string): Promise<MirrorMelody> {
    const manifest: ModelManifest = await loadManifest(dir);
    return new MirrorMelody(await OnnxModel.load(dir, manifest));
  }

  get name(): string {
    return this.model.name;
  }

  get clipSeconds(): Seconds {
    return this.clipSamples / this.sampleRate;
  }

  /** Infers per-note parameters for audio at any rate and length. */
  async inferParams(audio: Float32Array, sampleRate: Hz, options: InferOptions = {}): Promise<InferResult> {
    const passes = options.refine ?? 0;
    if (!Number.isInteger(passes) || passes < 0 || passes > 32) throw new MbError('MB_ERR_BAD_ARGS', `refine must be an integer number of passes in [0, 32], got ${passes}`);
    const notices: string[] = [];
    const x = this.toModelRate(audio, sampleRate, notices);
    const { segments, padded } = segment(x, this.clipSamples);
    if (segments.length > 1) notices.push(`segmented into ${segments.length} consecutive ${this.clipSeconds}-s segments`);
    if (padded > 0) notices.push(`padded ${(padded / this.sampleRate).toFixed(3)} s of silence at the end`);
    const silentSegments = segments.map((s) => rmsDb(s) < SILENCE_DB);
    const live = segments.filter((_, i) => !silentSegments[i]);
    const raw = new Float32Array(segments.length * this.notesPerClip * this.params.length);
    const notes: InferredNote[] = [];
    let refinement: Refinement | undefined;
    if (live.length > 0) {
      const specs = live.map((s) => auditorySpectrogram(normalizePower(s), { sampleRate: this.sampleRate }));
      const out = await this.encode(specs);
      const perClip = this.notesPerClip * this.params.length;
      if (passes > 0) {
        refinement = { passes, l1Before: [], l1After: [] };
        const layout = { notes: this.notesPerClip, paramCount: this.params.length as 7 | 10, totalSeconds: this.clipSeconds, sampleRate: this.sampleRate };
        for (let k = 0; k < live.length; k++) {
          const init = out.subarray(k * perClip, (k + 1) * perClip);
          const r = options.checkpoint
            ? await refineMelodyAsync([specs[k]], init, layout, { passes }, options.checkpoint)
            : refineMelody([specs[k]], init, layout, { passes });
          out.set(r.params, k * perClip);
          refinement.l1Before.push(r.l1Before);
          refinement.l1After.push(r.l1After);
        }
      }
      let k = 0;
      segments.forEach((_, s) => {
        if (silentSegments[s]) return;
        const clip = out.subarray(k * perClip, (k + 1) * perClip);
        raw.set(clip, s * perClip);
        notes.push(...this.notesOf(clip, s * this.clipSeconds));
        k++;
      });
    }
    if (live.length < segments.length) notices.push(`${segments.length - live.length} silent segment(s) below ${SILENCE_DB} dBFS got no parameters`);
    return { model: this.name, sampleRate, notes, silent: live.length === 0, silentSegments, notices, raw, ...(refinement ? { refinement } : {}) };
  }

  /** Runs the encoder on a batch of auditory spectrograms; returns batch x notes x params. */
  async encode(specs: Spectrogram[]): Promise<Float32Array> {
    const input = this.model.manifest.graphs.encoder.inputs[0];
    const [channels, frames] = [input.shape[1] as number, input.shape[2] as number];
    const data = new Float32Array(specs.length * channels * frames);
    specs.forEach((s, b) => {
      if (s.channels !== channels || s.frames !== frames) {
        throw new MbError('MB_ERR_MODEL_SHAPE', `spectrogram ${s.channels}x${s.frames} does not match the encoder's ${channels}x${frames}`);
      }
      data.set(s.data, b * channels * frames);
    });
    const out = await this.model.run('encoder', { [input.name]: new ort.Tensor('float32', data, [specs.length, channels, frames]) });
    return out[this.model.manifest.graphs.encoder.outputs[0].name].data as Float32Array;
  }

  /** The decoder's predicted auditory spectrogram for one clip's notes x params (normalized). */
  async forward(params: Float32Array): Promise<Spectrogram> {
    const spec = this.model.manifest.graphs.decoder;
    const need = this.notesPerClip * this.params.length;
    if (params.length !== need) throw new MbError('MB_ERR_BAD_PARAMS', `forward needs ${this.notesPerClip}x${this.params.length} = ${need} parameters, got ${params.length}`);
    for (const v of params) if (!(v >= 0 && v <= 1)) throw new MbError('MB_ERR_BAD_PARAMS', `normalized parameters must be in [0, 1], got ${v}`);
    const out = await this.model.run('decoder', { [spec.inputs[0].name]: new ort.Tensor('float32', params, [1, this.notesPerClip, this.params.length]) });
    const t = out[spec.outputs[0].name];
    return { data: t.data as Float32Array, channels: t.dims[1], frames: t.dims[2] };
  }

  /** Infers the parameters, then renders them with the plant at the model's rate (silent segments stay silent). */
  async resynthesize(audio: Float32Array, sampleRate: Hz, options: InferOptions = {}): Promise<{ audio: Float32Array; sampleRate: Hz; result: InferResult }> {
    const result = await this.inferParams(audio, sampleRate, options);
    const perClip = this.notesPerClip * this.params.length;
    const out = new Float32Array(result.silentSegments.length * this.clipSamples);
    result.silentSegments.forEach((silent, s) => {
      if (silent) return;
      const clip = renderMelody(result.raw.subarray(s * perClip, (s + 1) * perClip), {
        sampleRate: this.sampleRate,
        notes: this.notesPerClip,
        paramCount: this.params.length as 7 | 10,
        totalSeconds: this.clipSeconds,
      });
      out.set(clip, s * this.clipSamples);
    });
    return { audio: out, sampleRate: this.sampleRate, result };
  }

  dispose(): Promise<void> {
    return this.model.dispose();
  }

  private toModelRate(audio: Float32Array, sampleRate: Hz, notices: string[]): Float32Array {
    if (audio.length === 0) throw new MbError('MB_ERR_BAD_AUDIO', 'audio is empty');
    for (let i = 0; i < audio.length; i++) {
      if (!Number.isFinite(audio[i])) throw new MbError('MB_ERR_BAD_AUDIO', `audio sample ${i} is not finite`);
    }
    if (sampleRate === this.sampleRate) return audio;
    notices.push(`resampled from ${sampleRate} Hz to ${this.sampleRate} Hz`);
    return resample(audio, sampleRate, this.sampleRate);
  }

  private notesOf(clip: Float32Array, offset: Seconds): InferredNote[] {
    const slot = this.clipSeconds / this.notesPerClip;
    const notes: InferredNote[] = [];
    for (let n = 0; n < this.notesPerClip; n++) {
      const params: Record<string, number> = {};
      const units: Record<string, number> = {};
      this.params.forEach((entry, p) => {
        const v = clip[n * this.params.length + p];
        params[entry.name] = v;
        units[entry.name] = toUnits(entry, v);
      });
      notes.push({ midi: units.note ?? 0, onset_s: offset + n * slot, duration_s: units.duration ?? slot, params, units });
    }
    return notes;
  }
}
