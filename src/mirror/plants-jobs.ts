import { MbError } from '../core/errors';
import type { OnnxModel } from '../models';
import { plantFeatures } from '../plants/features';
import { SILENCE_RMS } from './plant-stream';
import { PlantModel } from './plant-model';

/**
 * `infer` on a learned plant model (kind mirrornet-plant, named in the job: `model fm`): the
 * sound is cut into consecutive windows of one render (the plant's `seconds`), each heard as one
 * note of the plant; every window that is not silence gives the plant's parameters in its schema's
 * order, normalized and in its units. A last window shorter than half a render is left out.
 *
 * @example
 * const r = await inferPlant(model, samples, 44100, () => ctx.checkpoint());
 * r.frames[0].units; // [note, ratio, index, attack, decay] of the first second
 */
export interface PlantInferResult {
  model: string;
  kind: 'mirrornet-plant';
  /** The plant it was learned from (`pd:patches/pd/plants/fm.pd`). */
  plant: string;
  names: string[];
  windowSeconds: number;
  frames: { time_s: number; normalized: number[]; units: number[] }[];
}

export async function inferPlant(model: OnnxModel, samples: Float32Array, rate: number, checkpoint: () => Promise<void>): Promise<PlantInferResult> {
  const plant = PlantModel.fromModel(model);
  const n = plant.windowSamples(rate);
  const frames: PlantInferResult['frames'] = [];
  for (let start = 0; start + n / 2 <= samples.length; start += n) {
    const window = new Float32Array(n);
    window.set(samples.subarray(start, start + n));
    let acc = 0;
    for (const v of window) acc += v * v;
    if (Math.sqrt(acc / n) < SILENCE_RMS) continue;
    const [normalized] = await plant.encode([plant.fit(plantFeatures(window, rate))]);
    frames.push({ time_s: start / rate, normalized: Array.from(normalized), units: Array.from(plant.units(normalized)) });
    await checkpoint();
  }
  if (!model.manifest.plant) throw new MbError('MB_ERR_MODEL_MANIFEST', `model ${model.name} has no plant block`);
  return { model: model.name, kind: 'mirrornet-plant', plant: model.manifest.plant.source, names: plant.names, windowSeconds: plant.schema.seconds, frames };
}
