import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { MbError } from '../core/errors';
import type { GraphSpec, ModelKind, ModelManifest, ParamEntry, TensorSpec } from './manifest';
import { MODEL_NAME_RE, PARAM_NAME_RE } from './names';
import { pitchTrackerOf, requirePitchTracker } from './pitch-tracker';
import { checkPlantManifest } from './plant-manifest';

/**
 * Manifest validation: every field a runtime relies on is checked where the manifest
 * enters, and a failure names the field, the value received and what was expected.
 *
 * @example
 * const manifest = await loadManifest('models/mirror-small'); // reads mirror-small.json
 */
export const MODEL_KINDS: readonly ModelKind[] = ['mirrornet-melody', 'mirrornet-stream', 'mirrornet-notes', 'mirrornet-plant', 'vqvae'];
/** A file inside the model folder: a plain name, never a path. */
const FILE_NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const DTYPES = ['float32', 'int64', 'int32'] as const;

type Json = Record<string, unknown>;

function fail(field: string, expected: string, got: unknown): never {
  const shown = typeof got === 'string' ? JSON.stringify(got) : JSON.stringify(got) ?? String(got);
  throw new MbError('MB_ERR_MODEL_MANIFEST', `manifest field ${field} must be ${expected}, got ${shown?.slice(0, 80)}`);
}

function obj(v: unknown, field: string): Json {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(field, 'an object', v);
  return v as Json;
}

function str(v: unknown, field: string, re?: RegExp): string {
  if (typeof v !== 'string' || v.length === 0 || (re && !re.test(v))) fail(field, re ? `a string matching ${re}` : 'a non-empty string', v);
  return v;
}

function int(v: unknown, field: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) fail(field, `an integer in [${min}, ${max}]`, v);
  return v;
}

function finite(v: unknown, field: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) fail(field, 'a finite number', v);
  return v;
}

function pair(v: unknown, field: string): [number, number] {
  if (!Array.isArray(v) || v.length !== 2) fail(field, 'a [low, high] pair', v);
  const lo = finite(v[0], `${field}[0]`);
  const hi = finite(v[1], `${field}[1]`);
  if (!(lo < hi)) fail(field, 'a pair with low < high', v);
  return [lo, hi];
}

function tensor(v: unknown, field: string): TensorSpec {
  const t = obj(v, field);
  const dtype = t.dtype;
  if (!DTYPES.includes(dtype as (typeof DTYPES)[number])) fail(`${field}.dtype`, `one of ${DTYPES.join(', ')}`, dtype);
  if (!Array.isArray(t.shape)) fail(`${field}.shape`, 'an array', t.shape);
  const shape = t.shape.map((d, i) => (typeof d === 'string' ? str(d, `${field}.shape[${i}]`) : int(d, `${field}.shape[${i}]`, 1)));
  return { name: str(t.name, `${field}.name`), dtype: dtype as TensorSpec['dtype'], shape };
}

function tensors(v: unknown, field: string): TensorSpec[] {
  if (!Array.isArray(v) || v.length === 0) fail(field, 'a non-empty array', v);
  const list = v.map((t, i) => tensor(t, `${field}[${i}]`));
  const names = new Set(list.map((t) => t.name));
  if (names.size !== list.length) fail(field, 'tensors with unique names', list.map((t) => t.name));
  return list;
}

function graph(v: unknown, field: string): GraphSpec {
  const g = obj(v, field);
  const file = str(g.file, `${field}.file`, FILE_NAME_RE);
  if (!file.endsWith('.onnx')) fail(`${field}.file`, 'a file name ending in .onnx', file);
  return {
    file,
    sha256: str(g.sha256, `${field}.sha256`, /^[0-9a-f]{64}$/),
    inputs: tensors(g.inputs, `${field}.inputs`),
    outputs: tensors(g.outputs, `${field}.outputs`),
  };
}

function param(v: unknown, field: string): ParamEntry {
  const p = obj(v, field);
  const entry: ParamEntry = { name: str(p.name, `${field}.name`, PARAM_NAME_RE), range: pair(p.range, `${field}.range`), unit: typeof p.unit === 'string' ? p.unit : fail(`${field}.unit`, 'a string', p.unit) };
  if (p.grid !== undefined) {
    if (!Array.isArray(p.grid) || p.grid.length === 0) fail(`${field}.grid`, 'a non-empty array', p.grid);
    entry.grid = p.grid.map((g, i) => finite(g, `${field}.grid[${i}]`));
    if (entry.grid.some((g, i) => i > 0 && g <= entry.grid![i - 1])) fail(`${field}.grid`, 'strictly ascending', p.grid);
  }
  if (p.unitRange !== undefined) entry.unitRange = pair(p.unitRange, `${field}.unitRange`);
  if (p.scale !== undefined) {
    if (p.scale !== 'linear' && p.scale !== 'log') fail(`${field}.scale`, "'linear' or 'log'", p.scale);
    if (p.scale === 'log' && !(entry.unitRange && entry.unitRange[0] > 0)) fail(`${field}.unitRange`, 'a positive range when scale is log', p.unitRange);
    entry.scale = p.scale;
  }
  return entry;
}

function params(v: unknown, kind: ModelKind): ParamEntry[] | undefined {
  if (v === undefined) {
    if (kind !== 'vqvae') fail('params', `an array (required for ${kind})`, v);
    return undefined;
  }
  if (!Array.isArray(v) || v.length === 0) fail('params', 'a non-empty array', v);
  const list = v.map((p, i) => param(p, `params[${i}]`));
  if (new Set(list.map((p) => p.name)).size !== list.length) fail('params', 'entries with unique names', list.map((p) => p.name));
  return list;
}

function codebook(v: unknown, kind: ModelKind, graphs: Record<string, GraphSpec>): ModelManifest['codebook'] {
  if (v === undefined) {
    if (kind === 'vqvae') fail('codebook', 'an object (required for vqvae)', v);
    return undefined;
  }
  const c = obj(v, 'codebook');
  const out: NonNullable<ModelManifest['codebook']> = {
    size: int(c.size, 'codebook.size', 1),
    latentDim: int(c.latentDim, 'codebook.latentDim', 1),
    descriptorTable: str(c.descriptorTable, 'codebook.descriptorTable', FILE_NAME_RE),
  };
  if (c.tensorGraph !== undefined) {
    out.tensorGraph = str(c.tensorGraph, 'codebook.tensorGraph');
    if (!(out.tensorGraph in graphs)) fail('codebook.tensorGraph', `one of the graphs (${Object.keys(graphs).join(', ')})`, c.tensorGraph);
  }
  if (c.pitchHz !== undefined) {
    const ok = Array.isArray(c.pitchHz) && c.pitchHz.length === out.size && c.pitchHz.every((f) => typeof f === 'number' && Number.isFinite(f) && f >= 0);
    if (!ok) fail('codebook.pitchHz', `an array of ${out.size} finite numbers >= 0 (Hz, 0 = unvoiced)`, Array.isArray(c.pitchHz) ? `an array of ${c.pitchHz.length}` : c.pitchHz);
    out.pitchHz = c.pitchHz as number[];
  }
  return out;
}

function audio(v: unknown): ModelManifest['audio'] {
  const a = obj(v, 'audio');
  const settings = obj(a.settings, 'audio.settings');
  for (const [k, s] of Object.entries(settings)) {
    if (!['number', 'string', 'boolean'].includes(typeof s)) fail(`audio.settings.${k}`, 'a number, string or boolean', s);
  }
  const spec: ModelManifest['audio'] = {
    sampleRate: int(a.sampleRate, 'audio.sampleRate', 8000, 192000),
    feature: str(a.feature, 'audio.feature'),
    settings: settings as ModelManifest['audio']['settings'],
  };
  pitchTrackerOf(spec);
  return spec;
}

/**
 * Checks a parsed manifest and returns it typed. `expectedName`, when given, must equal
 * `name` (the folder name). Throws MB_ERR_MODEL_MANIFEST naming the first bad field.
 */
export function validateManifest(raw: unknown, expectedName?: string): ModelManifest {
  const m = obj(raw, '(root)');
  const name = str(m.name, 'name', MODEL_NAME_RE);
  if (expectedName !== undefined && name !== expectedName) fail('name', `the folder name ${JSON.stringify(expectedName)}`, name);
  const kind = m.kind as ModelKind;
  if (!MODEL_KINDS.includes(kind)) fail('kind', `one of ${MODEL_KINDS.join(', ')}`, m.kind);
  const graphsRaw = obj(m.graphs, 'graphs');
  if (Object.keys(graphsRaw).length === 0) fail('graphs', 'at least one graph', graphsRaw);
  const graphs: Record<string, GraphSpec> = {};
  for (const [g, spec] of Object.entries(graphsRaw)) graphs[str(g, 'graphs key', PARAM_NAME_RE)] = graph(spec, `graphs.${g}`);
  const latency = obj(m.latency, 'latency');
  const manifest: ModelManifest = {
    name,
    kind,
    version: str(m.version, 'version'),
    opset: int(m.opset, 'opset', 1, 100),
    graphs,
    audio: audio(m.audio),
    params: params(m.params, kind),
    codebook: codebook(m.codebook, kind, graphs),
    latency: { samples: int(latency.samples, 'latency.samples', 0), lookaheadSamples: int(latency.lookaheadSamples, 'latency.lookaheadSamples', 0) },
    training: obj(m.training, 'training'),
  };
  if (m.extra !== undefined) manifest.extra = obj(m.extra, 'extra');
  if (kind === 'mirrornet-plant') manifest.plant = checkPlantManifest(manifest, m.plant);
  // Each code's typical pitch was measured by the model's tracker: without it the pitches mean nothing.
  if (manifest.codebook?.pitchHz) requirePitchTracker(manifest, 'codebook.pitchHz are pitches its tracker measured');
  return manifest;
}

/**
 * Reads and validates `<dir>/<basename(dir)>.json`.
 *
 * @example
 * const m = await loadManifest('/srv/models/mirror-small');
 * m.kind; // 'mirrornet-stream'
 */
export async function loadManifest(dir: string): Promise<ModelManifest> {
  const name = path.basename(path.resolve(dir));
  const file = path.join(dir, `${name}.json`);
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    throw new MbError('MB_ERR_MODEL_MANIFEST', `cannot read manifest ${file}: ${(err as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new MbError('MB_ERR_MODEL_MANIFEST', `manifest ${file} is not valid JSON: ${(err as Error).message}`);
  }
  return validateManifest(raw, name);
}
