import { MbError } from '../core/errors';
import { manifestParamsOf, parsePlantSchema } from '../plants/schema';
import type { ModelManifest, PlantProvenance, TensorSpec } from './manifest';

/**
 * The part of the model contract a learned plant model (kind `mirrornet-plant`, written by
 * training/learn/export.py) adds: a `plant` block (kind, source, the declared schema) whose
 * schema the manifest's `params` repeat in order (names, units, unit ranges, scales, grids),
 * an encoder graph `aud [batch, 128, frames] -> params [batch, P]` and a decoder graph the other
 * way, and the features every learned plant model hears (src/plants/features.ts: auditory
 * spectrogram at 8 kHz, `audio.settings.frames` frames of one render). Any mismatch is
 * MB_ERR_MODEL_MANIFEST naming the field.
 *
 * @example
 * checkPlantManifest(manifest, raw.plant); // returns the typed plant block
 */
const PLANT_KINDS = ['builtin', 'pd', 'osc'] as const;
export const PLANT_FEATURE_CHANNELS = 128;
export const PLANT_MODEL_RATE = 8000;

function fail(field: string, expected: string, got: unknown): never {
  throw new MbError('MB_ERR_MODEL_MANIFEST', `manifest field ${field} must be ${expected}, got ${JSON.stringify(got)?.slice(0, 120)}`);
}

function shapeIs(t: TensorSpec | undefined, field: string, dims: (number | null)[]): void {
  const ok = t !== undefined && t.shape.length === dims.length && dims.every((d, i) => d === null || t.shape[i] === d);
  if (!ok) fail(field, `a tensor of shape [${dims.map((d) => d ?? 'batch').join(', ')}]`, t?.shape);
}

/** Checks the plant-specific fields of a validated manifest; returns the typed `plant` block. */
export function checkPlantManifest(m: ModelManifest, raw: unknown): PlantProvenance {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) fail('plant', 'an object (required for mirrornet-plant)', raw);
  const r = raw as Record<string, unknown>;
  if (!PLANT_KINDS.includes(r.kind as (typeof PLANT_KINDS)[number])) fail('plant.kind', `one of ${PLANT_KINDS.join(', ')}`, r.kind);
  if (typeof r.source !== 'string' || r.source.length === 0) fail('plant.source', 'a non-empty string', r.source);
  if (r.schemaFile !== undefined && r.schemaFile !== null && typeof r.schemaFile !== 'string') fail('plant.schemaFile', 'a string', r.schemaFile);
  let schema;
  try {
    schema = parsePlantSchema(r.schema, 'plant.schema');
  } catch (err) {
    throw new MbError('MB_ERR_MODEL_MANIFEST', `manifest field ${(err as Error).message}`);
  }
  const want = manifestParamsOf(schema);
  const have = m.params ?? [];
  if (have.length !== want.length) fail('params', `the ${want.length} parameters of plant.schema (${want.map((p) => p.name).join(', ')})`, have.map((p) => p.name));
  want.forEach((w, i) => {
    const h = have[i];
    const same = h.name === w.name && h.unit === w.unit && h.range[0] === 0 && h.range[1] === 1 && h.unitRange?.[0] === w.unitRange[0]
      && h.unitRange?.[1] === w.unitRange[1] && (h.scale ?? 'linear') === w.scale && JSON.stringify(h.grid ?? null) === JSON.stringify(w.grid ?? null);
    if (!same) fail(`params[${i}]`, `plant.schema's ${JSON.stringify(w)}`, h);
  });
  if (m.audio.sampleRate !== PLANT_MODEL_RATE || m.audio.feature !== 'auditory') fail('audio', `auditory features at ${PLANT_MODEL_RATE} Hz`, { sampleRate: m.audio.sampleRate, feature: m.audio.feature });
  const frames = m.audio.settings.frames;
  if (typeof frames !== 'number' || !Number.isInteger(frames) || frames < 1) fail('audio.settings.frames', 'a positive integer (frames of one render)', frames);
  const enc = m.graphs.encoder;
  const dec = m.graphs.decoder;
  if (!enc) fail('graphs.encoder', 'a graph (aud -> params)', undefined);
  shapeIs(enc.inputs[0], 'graphs.encoder.inputs[0]', [null, PLANT_FEATURE_CHANNELS, frames]);
  shapeIs(enc.outputs[0], 'graphs.encoder.outputs[0]', [null, want.length]);
  if (dec) {
    shapeIs(dec.inputs[0], 'graphs.decoder.inputs[0]', [null, want.length]);
    shapeIs(dec.outputs[0], 'graphs.decoder.outputs[0]', [null, PLANT_FEATURE_CHANNELS, frames]);
  }
  return { kind: r.kind as PlantProvenance['kind'], source: r.source, ...(typeof r.schemaFile === 'string' ? { schemaFile: r.schemaFile } : {}), schema };
}
