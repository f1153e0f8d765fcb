import { renderMelody } from '../synth/melody';
import { PARAM_SPECS, SET1 } from '../synth/params';
import type { Plant } from './plant';
import { parsePlantSchema, type PlantParam, type PlantSchema } from './schema';

/**
 * The built-in synth (src/synth) as a plant: one note of set 1 (note, duration, volume, cutoff,
 * resonance, attack, decay) per render, played by the melody renderer with one slot of
 * `seconds`. The schema is derived from PARAM_SPECS, never re-typed.
 *
 * @example
 * const plant = new BuiltinPlant();
 * const [clip] = await plant.render([[0.5, 0.5, 0.8, 0.45, 0.25, 0.3, 0.4]]);
 */
export class BuiltinPlant implements Plant {
  readonly kind = 'builtin' as const;
  readonly source = 'builtin';
  readonly schema: PlantSchema;

  constructor(options: { sampleRate?: number; seconds?: number } = {}) {
    this.schema = builtinSchema(options.sampleRate ?? 16000, options.seconds ?? 1);
  }

  render(vectors: readonly ArrayLike<number>[]): Promise<Float32Array[]> {
    const { sampleRate, seconds } = this.schema;
    return Promise.resolve(vectors.map((v) => renderMelody([Array.from(v)], { sampleRate, totalSeconds: seconds, notes: 1, paramCount: 7 })));
  }

  dispose(): void {}
}

function builtinParam(name: (typeof SET1)[number], seconds: number): Record<string, unknown> {
  const s = PARAM_SPECS[name];
  const base = { name, unit: s.unit, default: s.defaultValue };
  if (s.curve === 'slotFraction') return { ...base, min: seconds * s.min, max: seconds * s.max, scale: 'linear' };
  return { ...base, min: s.min, max: s.max, scale: s.curve === 'exponential' ? 'log' : 'linear', ...(s.grid ? { grid: [...s.grid] } : {}) };
}

/** The built-in synth's set-1 schema for one note of `seconds`. */
export function builtinSchema(sampleRate: number, seconds: number): PlantSchema {
  const params = SET1.map((n) => builtinParam(n, seconds)) as unknown as PlantParam[];
  return parsePlantSchema({ name: 'builtin', mode: 'note', sampleRate, seconds, gateSeconds: seconds, pitch: 'note', params, description: 'the built-in subtractive synth (src/synth), set 1' }, 'builtin');
}
