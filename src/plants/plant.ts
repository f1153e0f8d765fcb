import type { PlantSchema } from './schema';

/**
 * A plant: anything that renders a normalized parameter vector (schema order, each in [0, 1])
 * to mono audio of `schema.seconds` at `schema.sampleRate`: the built-in synth, a Pd patch
 * rendered by real Pd, a synth over OSC recorded in real time (src/plants/index.ts `openPlant`).
 *
 * @example
 * const plant = openPlant('pd:patches/pd/plants/fm.pd', 'patches/pd/plants/fm.json');
 * const [clip] = await plant.render([new Float32Array(plant.schema.params.length).fill(0.5)]);
 * plant.dispose();
 */
export interface Plant {
  /** `builtin`, `pd` or `osc`. */
  readonly kind: PlantKind;
  /** Where it came from, as `learn --plant` names it (`builtin`, `pd:path/to/synth.pd`). */
  readonly source: string;
  readonly schema: PlantSchema;
  /** One clip per vector, in order; every clip has round(seconds x sampleRate) samples. */
  render(vectors: readonly ArrayLike<number>[]): Promise<Float32Array[]>;
  dispose(): void;
}

export type PlantKind = 'builtin' | 'pd' | 'osc';

/** Samples per clip of a schema. */
export function clipSamples(schema: PlantSchema): number {
  return Math.round(schema.seconds * schema.sampleRate);
}
