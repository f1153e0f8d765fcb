import type { Hz } from '../core/units';
import { loadManifest, OnnxModel, toUnits } from '../models';
import { VoiceStreamProcessor, type VoiceStreamOptions } from './voice-stream';

export interface StreamFrames {
  model: string;
  sampleRate: Hz;
  frameRate: number;
  latencyMs: number;
  names: string[];
  /** Unit of each parameter (manifest order). */
  unitNames: string[];
  frames: { index: number; time_s: number; params: number[]; units: number[] }[];
}

/**
 * Runs the live MirrorNet voice stream (model fused with the causal pitch tracker, default
 * mapping) over a whole signal in blocks, exactly as a stream would see it, and returns every
 * parameter frame with its time (frame centre, latency removed). Notes span MIDI 36-96.
 * `options.controls` gives the mapping (voice-controls.ts) as a live client's controls would.
 *
 * @example
 * const out = await inferStreamFile('models/mirrornet-stream', samples, 16000);
 */
export async function inferStreamFile(dir: string, samples: Float32Array, sampleRate: Hz, blockSize = 256, options: VoiceStreamOptions = {}): Promise<StreamFrames> {
  const model = await OnnxModel.load(dir, await loadManifest(dir));
  try {
    const proc = await VoiceStreamProcessor.create(model, sampleRate, options);
    const entries = model.manifest.params ?? [];
    const frames: StreamFrames['frames'] = [];
    for (let i = 0; i < samples.length; i += blockSize) {
      for (const out of await proc.process(samples.subarray(i, i + blockSize))) {
        const p = Array.from(out.params ?? []);
        const index = frames.length;
        const units = out.units ? Array.from(out.units) : p.map((v, k) => toUnits(entries[k], v));
        frames.push({ index, time_s: index / proc.frameRate, params: p, units });
      }
    }
    return { model: model.name, sampleRate, frameRate: proc.frameRate, latencyMs: proc.latencyMs, names: entries.map((e) => e.name), unitNames: entries.map((e) => e.unit), frames };
  } finally {
    await model.dispose();
  }
}
