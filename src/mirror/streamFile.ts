import type { Hz } from '../core/units';
import { loadManifest, OnnxModel, toUnits } from '../models';
import { MirrorStreamProcessor } from './stream';

export interface StreamFrames {
  model: string;
  sampleRate: Hz;
  frameRate: number;
  latencyMs: number;
  names: string[];
  frames: { index: number; time_s: number; params: number[]; units: number[] }[];
}

/**
 * Runs the live MirrorNet inferer over a whole signal in blocks, exactly as a stream would
 * see it, and returns every parameter frame with its time (frame centre, latency removed).
 *
 * @example
 * const out = await inferStreamFile('models/mirrornet-stream', samples, 16000);
 */
export async function inferStreamFile(dir: string, samples: Float32Array, sampleRate: Hz, blockSize = 256): Promise<StreamFrames> {
  const model = await OnnxModel.load(dir, await loadManifest(dir));
  try {
    const proc = await MirrorStreamProcessor.create(model, sampleRate);
    const entries = model.manifest.params ?? [];
    const frames: StreamFrames['frames'] = [];
    for (let i = 0; i < samples.length; i += blockSize) {
      for (const out of await proc.process(samples.subarray(i, i + blockSize))) {
        const p = Array.from(out.params ?? []);
        const index = frames.length;
        frames.push({ index, time_s: index / proc.frameRate, params: p, units: p.map((v, k) => toUnits(entries[k], v)) });
      }
    }
    return { model: model.name, sampleRate, frameRate: proc.frameRate, latencyMs: proc.latencyMs, names: entries.map((e) => e.name), frames };
  } finally {
    await model.dispose();
  }
}
