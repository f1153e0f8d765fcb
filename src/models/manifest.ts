/**
 * The model contract (DESIGN.md): every model is models/<name>/ with one ONNX file per graph
 * and <name>.json, this manifest. The export scripts in training/ write it; src/models
 * validates it against the graphs at load time.
 */
import type { PlantSchema } from '../plants/schema';
export type ModelKind = 'mirrornet-melody' | 'mirrornet-stream' | 'mirrornet-notes' | 'mirrornet-plant' | 'vqvae';
export type TensorDtype = 'float32' | 'int64' | 'int32';

export interface TensorSpec {
  name: string;
  dtype: TensorDtype;
  /** Fixed sizes as numbers, dynamic axes as names (e.g. "batch", "frames"). */
  shape: (number | string)[];
}

export interface GraphSpec {
  /** File name relative to the model folder, e.g. "encoder.onnx". */
  file: string;
  sha256: string;
  inputs: TensorSpec[];
  outputs: TensorSpec[];
}

export interface AudioSpec {
  sampleRate: number;
  /** 'auditory' | 'mel' | 'waveform' */
  feature: string;
  /** Every setting the runtime needs to compute exactly what training saw. */
  settings: AudioSettings;
}

export interface AudioSettings {
  [key: string]: number | string | boolean | undefined;
  /**
   * The pitch tracker training measured f0 with ('yin': src/dsp/yin.ts), on frames of
   * `frameLength` samples; with it, all of pitchFmin, pitchFmax (Hz) and pitchThreshold
   * (src/models/pitch-tracker.ts checks them; the runtime builds its tracker from them).
   */
  pitch?: 'yin';
  pitchFmin?: number;
  pitchFmax?: number;
  pitchThreshold?: number;
}

/** A model's pitch tracker as its manifest declares it: the options of src/dsp/yin.ts Yin. */
export interface PitchTrackerSettings {
  tracker: 'yin';
  sampleRate: number;
  frameLength: number;
  fmin: number;
  fmax: number;
  threshold: number;
}

export interface ParamEntry {
  name: string;
  /** Normalized range the model outputs, usually [0, 1]. */
  range: [number, number];
  unit: string;
  /** Discrete grid in units (e.g. MIDI notes), when the parameter is quantized. */
  grid?: number[];
  /** Value in `unit` at the low and high end of `range`; without it units equal the normalized value. */
  unitRange?: [number, number];
  /** How `range` maps onto `unitRange`; 'log' needs a positive unitRange (e.g. Hz). Default 'linear'. */
  scale?: 'linear' | 'log';
}

/**
 * Where a learned plant model (kind mirrornet-plant, `mirrorbridge learn`) came from: the plant's
 * kind and source (`pd:patches/pd/plants/fm.pd`) and its declared schema, which the manifest's
 * `params` repeat in model order (src/models/plant-manifest.ts checks that they agree).
 */
export interface PlantProvenance {
  kind: 'builtin' | 'pd' | 'osc';
  source: string;
  /** The schema file it was read from, relative to the checkout (informative). */
  schemaFile?: string;
  schema: PlantSchema;
}

export interface ModelManifest {
  name: string;
  kind: ModelKind;
  version: string;
  opset: number;
  graphs: Record<string, GraphSpec>;
  audio: AudioSpec;
  params?: ParamEntry[];
  /** pitchHz: each code's typical pitch in its training frames (0 = unvoiced), for models that carry pitch beside the code. */
  codebook?: { size: number; latentDim: number; descriptorTable: string; tensorGraph?: string; pitchHz?: number[] };
  /** mirrornet-plant only (required there): the plant the model was learned from. */
  plant?: PlantProvenance;
  latency: { samples: number; lookaheadSamples: number };
  training: Record<string, unknown>;
  /** Free-form, kind-specific facts (notes per clip, frames per second, ...). */
  extra?: Record<string, unknown>;
}
