import * as ort from '../models/ort-backend';
import { MbError } from '../core/errors';
import type { OnnxModel } from '../models';
import type { PlantSchema } from '../plants/schema';
import { plantFeatures } from '../plants/features';
import type { Spectrogram } from '../dsp/auditory';
import { frameToUnits } from '../models/param-units';

/**
 * A learned plant model (kind `mirrornet-plant`, `mirrorbridge learn`): the encoder hears one
 * render's worth of sound (the plant's `seconds`, auditory spectrogram at 8 kHz, unit power:
 * src/plants/features.ts) and gives the plant's parameters, normalized in schema order; in units
 * through the manifest's mapping (the plant's own: ranges, log scales, grids).
 *
 * @example
 * const m = PlantModel.fromModel(lease.model);
 * const { names, units } = await m.inferClip(samples, 44100); // names: note ratio index attack decay
 */
export interface PlantInference {
  names: string[];
  normalized: Float32Array;
  units: Float32Array;
}

export class PlantModel {
  readonly schema: PlantSchema;
  /** Frames of one render the encoder reads (125 for a 1-s render). */
  readonly frames: number;

  private constructor(readonly model: OnnxModel) {
    const m = model.manifest;
    if (m.kind !== 'mirrornet-plant' || !m.plant) throw new MbError('MB_ERR_MODEL_MANIFEST', `model ${m.name} is a ${m.kind}, not a mirrornet-plant`);
    this.schema = m.plant.schema;
    this.frames = Number(m.audio.settings.frames);
  }

  /** Wraps a loaded model (an engine lease); dispose stays with its owner. */
  static fromModel(model: OnnxModel): PlantModel {
    return new PlantModel(model);
  }

  get name(): string {
    return this.model.name;
  }

  get names(): string[] {
    return this.schema.params.map((p) => p.name);
  }

  /** Samples of one render at `rate`: what the encoder hears at once. */
  windowSamples(rate: number): number {
    return Math.round(this.schema.seconds * rate);
  }

  /** Pads (with silence) or cuts a spectrogram to the encoder's frames. */
  fit(spec: Spectrogram): Float32Array {
    const { channels, frames } = spec;
    const out = new Float32Array(channels * this.frames);
    const n = Math.min(frames, this.frames);
    for (let c = 0; c < channels; c++) out.set(spec.data.subarray(c * frames, c * frames + n), c * this.frames);
    return out;
  }

  /** Normalized parameters for each spectrogram (already fitted to `frames`), one encoder run. */
  async encode(inputs: Float32Array[], channels = 128): Promise<Float32Array[]> {
    if (inputs.length === 0) return [];
    const graph = this.model.manifest.graphs.encoder;
    const data = new Float32Array(inputs.length * channels * this.frames);
    inputs.forEach((x, b) => data.set(x, b * channels * this.frames));
    const out = await this.model.run('encoder', { [graph.inputs[0].name]: new ort.Tensor('float32', data, [inputs.length, channels, this.frames]) });
    const y = out[graph.outputs[0].name].data as Float32Array;
    const P = this.schema.params.length;
    return inputs.map((_, b) => y.slice(b * P, (b + 1) * P));
  }

  /** The parameters of one sound heard as one render of the plant (its first `seconds`). */
  async inferClip(samples: Float32Array, rate: number): Promise<PlantInference> {
    const [normalized] = await this.encode([this.fit(plantFeatures(samples.subarray(0, this.windowSamples(rate)), rate))]);
    return { names: this.names, normalized, units: this.units(normalized) };
  }

  units(normalized: ArrayLike<number>): Float32Array {
    const entries = this.model.manifest.params ?? [];
    return frameToUnits(entries, normalized, new Float32Array(entries.length));
  }
}
