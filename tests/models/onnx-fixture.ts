import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { ModelKind, ModelManifest, ParamEntry } from '../../src/models/manifest';

/**
 * Hand-written ONNX protobuf for tiny test graphs (y = x + bias, or Identity), so the model
 * tests need no Python. Field numbers follow onnx.proto (ModelProto, GraphProto, NodeProto,
 * TensorProto, ValueInfoProto, TypeProto).
 */
type Field = Uint8Array;

function varint(n: number): number[] {
  const out: number[] = [];
  let v = BigInt(n);
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) byte |= 0x80;
    out.push(byte);
  } while (v > 0n);
  return out;
}

const key = (field: number, wire: number) => varint((field << 3) | wire);
const intField = (field: number, n: number): Field => Uint8Array.from([...key(field, 0), ...varint(n)]);
function bytesField(field: number, body: Uint8Array): Field {
  return Uint8Array.from([...key(field, 2), ...varint(body.length), ...body]);
}
const strField = (field: number, s: string) => bytesField(field, new TextEncoder().encode(s));
const msg = (...parts: Field[]) => Uint8Array.from(parts.flatMap((p) => [...p]));

export interface FixtureTensor {
  name: string;
  shape: (number | string)[];
}

function valueInfo(t: FixtureTensor): Field {
  const dims = t.shape.map((d) => bytesField(1, typeof d === 'number' ? intField(1, d) : strField(2, d)));
  const tensorType = msg(intField(1, 1 /* FLOAT */), bytesField(2, msg(...dims)));
  return msg(strField(1, t.name), bytesField(2, bytesField(1, tensorType)));
}

function floatTensor(name: string, values: number[]): Field {
  const raw = new Uint8Array(new Float32Array(values).buffer);
  return msg(intField(1, values.length), intField(2, 1), strField(8, name), bytesField(9, raw));
}

export interface FixtureGraph {
  input: FixtureTensor;
  output: FixtureTensor;
  /** y = x + bias (bias broadcast over the last axis); Identity when absent. */
  bias?: number[];
  /** y = op(x) instead: a one-input operator, of `domain` (default the ONNX domain) at opset 1 there. */
  op?: { type: string; domain?: string };
}

/** Serialized ModelProto (ir_version 8, opset 13) for `spec`. */
export function buildOnnx(spec: FixtureGraph): Uint8Array {
  const nodes: Field[] = [];
  const inits: Field[] = [];
  const domains = [msg(strField(1, ''), intField(2, 13))];
  if (spec.op) {
    const domain = spec.op.domain ?? '';
    nodes.push(bytesField(1, msg(strField(1, spec.input.name), strField(2, spec.output.name), strField(3, 'op'), strField(4, spec.op.type), ...(domain ? [strField(7, domain)] : []))));
    if (domain) domains.push(msg(strField(1, domain), intField(2, 1)));
  } else if (spec.bias) {
    inits.push(bytesField(5, floatTensor('bias', spec.bias)));
    nodes.push(bytesField(1, msg(strField(1, spec.input.name), strField(1, 'bias'), strField(2, spec.output.name), strField(3, 'add'), strField(4, 'Add'))));
  } else {
    nodes.push(bytesField(1, msg(strField(1, spec.input.name), strField(2, spec.output.name), strField(3, 'id'), strField(4, 'Identity'))));
  }
  const graph = msg(...nodes, strField(2, 'fixture'), ...inits, bytesField(11, valueInfo(spec.input)), bytesField(12, valueInfo(spec.output)));
  return msg(intField(1, 8), strField(2, 'mirrorbridge-tests'), bytesField(7, graph), ...domains.map((d) => bytesField(8, d)));
}

export interface FixtureModelOptions {
  kind?: ModelKind;
  /** Graph name → graph; default one 'encoder' graph: features [1, 4] + bias → params [1, 4]. */
  graphs?: Record<string, FixtureGraph>;
  params?: ParamEntry[];
  /** Edits applied to the manifest after it is built (to make it wrong on purpose). */
  patch?: (m: ModelManifest) => void;
}

export const FIXTURE_PARAMS: ParamEntry[] = [
  { name: 'level', range: [0, 1], unit: 'dB', unitRange: [-60, 0] },
  { name: 'pitch', range: [0, 1], unit: 'Hz', unitRange: [50, 5000], scale: 'log' },
  { name: 'bright', range: [0, 1], unit: '' },
  { name: 'note', range: [0, 1], unit: 'midi', unitRange: [36, 84], grid: [36, 48, 60, 72, 84] },
];

export const DEFAULT_GRAPH: FixtureGraph = {
  input: { name: 'features', shape: [1, 4] },
  output: { name: 'params', shape: [1, 4] },
  bias: [0, 0, 0, 0],
};

/** Writes models/<name>/ (graphs + manifest with real sha256) under `root`; returns the folder. */
export function writeFixtureModel(root: string, name: string, options: FixtureModelOptions = {}): string {
  const dir = path.join(root, name);
  mkdirSync(dir, { recursive: true });
  const graphs: ModelManifest['graphs'] = {};
  for (const [g, spec] of Object.entries(options.graphs ?? { encoder: DEFAULT_GRAPH })) {
    const bytes = buildOnnx(spec);
    writeFileSync(path.join(dir, `${g}.onnx`), bytes);
    graphs[g] = {
      file: `${g}.onnx`,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      inputs: [{ name: spec.input.name, dtype: 'float32', shape: spec.input.shape }],
      outputs: [{ name: spec.output.name, dtype: 'float32', shape: spec.output.shape }],
    };
  }
  const kind = options.kind ?? 'mirrornet-stream';
  const manifest: ModelManifest = {
    name,
    kind,
    version: '0.0.1',
    opset: 13,
    graphs,
    audio: { sampleRate: 16000, feature: 'waveform', settings: { hop: 256 } },
    params: kind === 'vqvae' ? undefined : (options.params ?? FIXTURE_PARAMS),
    codebook: kind === 'vqvae' ? { size: 8, latentDim: 4, descriptorTable: 'descriptors.json' } : undefined,
    latency: { samples: 256, lookaheadSamples: 0 },
    training: { fixture: true },
  };
  options.patch?.(manifest);
  writeFileSync(path.join(dir, `${name}.json`), JSON.stringify(manifest, null, 2));
  return dir;
}

/** A fresh temporary models folder. */
export function tempModelsDir(): string {
  return mkdtempSync(path.join(tmpdir(), 'mb-models-'));
}
