import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { MbError } from '../core/errors';
import { DESCRIPTOR_NAMES, type DescriptorName } from '../dsp/descriptors';

/**
 * The descriptor table shipped with a VQ-VAE model: for every code, the descriptors of its
 * decoded audio (unit gain, steady state), computed by src/dsp (see ./analyze). It also
 * defines the space descriptor-based synthesis searches: each descriptor is mapped to a
 * "feature" (log2 for frequencies and flatness, linear for voicing) and standardised over
 * the codebook, so one unit of distance means one codebook standard deviation.
 *
 * Loudness is not a code property (the codec is level-invariant): the table stores each
 * code's loudness at unit gain, and synthesis meets a loudness target through the gain.
 *
 * @example
 * const table = await loadDescriptorTable('models/vqvae-timbre', 'descriptors.json', 1024);
 * table.value(12, 'centroid'); // Hz
 */
export interface DescriptorTableFile {
  model: string;
  sampleRate: number;
  frameLength: number;
  hop: number;
  method: string;
  names: DescriptorName[];
  /** codes x names.length, row-major per code. */
  values: number[][];
  /** 2-D PCA projection of the codebook latents, one [x, y] per code (for pictures). */
  pca?: { points: [number, number][]; explained: [number, number] };
}

/** Descriptors a synthesis target may name (loudness goes through the gain). */
export const SELECTABLE: readonly DescriptorName[] = ['centroid', 'bandwidth', 'flatness', 'rolloff', 'f0', 'voicing'];
const LOG_FEATURES = new Set<DescriptorName>(['centroid', 'bandwidth', 'rolloff', 'f0', 'flatness']);
/** Below this voicing a code has no pitch to match; f0 targets steer away from it. */
export const VOICED_THRESHOLD = 0.5;

export class DescriptorTable {
  readonly codes: number;
  /** Raw descriptor values per name, one per code. */
  private readonly raw = new Map<DescriptorName, Float32Array>();
  /** Standardised features per name, one per code (NaN for f0 of unvoiced codes). */
  private readonly features = new Map<DescriptorName, Float32Array>();
  private readonly stats = new Map<DescriptorName, { mean: number; std: number; min: number; max: number }>();

  constructor(readonly file: DescriptorTableFile) {
    this.codes = file.values.length;
    file.names.forEach((name, j) => this.raw.set(name, Float32Array.from(file.values, (row) => row[j])));
    for (const name of file.names) this.prepare(name);
  }

  /** Descriptor `name` of code `k` in its unit (dBFS at unit gain, Hz, ratio). */
  value(k: number, name: DescriptorName): number {
    return this.column(name)[k];
  }

  column(name: DescriptorName): Float32Array {
    const c = this.raw.get(name);
    if (!c) throw new MbError('MB_ERR_BAD_TARGET', `unknown descriptor '${name}'; known: ${this.file.names.join(', ')}`);
    return c;
  }

  /** Standardised feature column (what selection compares). */
  featureColumn(name: DescriptorName): Float32Array {
    this.column(name);
    return this.features.get(name)!;
  }

  /** Codebook range of a descriptor in its unit (f0 over voiced codes only). */
  range(name: DescriptorName): [number, number] {
    this.column(name);
    const s = this.stats.get(name)!;
    return [s.min, s.max];
  }

  /** Maps a value in the descriptor's unit to the standardised feature space. */
  toFeature(name: DescriptorName, value: number): number {
    const s = this.stats.get(name)!;
    return (transform(name, value) - s.mean) / s.std;
  }

  voiced(k: number): boolean {
    return this.value(k, 'voicing') >= VOICED_THRESHOLD && this.value(k, 'f0') > 0;
  }

  private prepare(name: DescriptorName): void {
    const col = this.raw.get(name)!;
    const keep = (k: number) => name !== 'f0' || this.voicedRaw(k);
    const idx = [...col.keys()].filter(keep);
    const t = idx.map((k) => transform(name, col[k]));
    const mean = t.reduce((a, b) => a + b, 0) / Math.max(1, t.length);
    const std = Math.sqrt(t.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, t.length)) || 1;
    const values = idx.map((k) => col[k]);
    this.stats.set(name, { mean, std, min: Math.min(...values), max: Math.max(...values) });
    const feat = new Float32Array(col.length).fill(NaN);
    for (const k of idx) feat[k] = (transform(name, col[k]) - mean) / std;
    this.features.set(name, feat);
  }

  private voicedRaw(k: number): boolean {
    const v = this.raw.get('voicing');
    const f = this.raw.get('f0');
    return !!v && !!f && v[k] >= VOICED_THRESHOLD && f[k] > 0;
  }
}

function transform(name: DescriptorName, v: number): number {
  return LOG_FEATURES.has(name) ? Math.log2(Math.max(v, name === 'flatness' ? 1e-4 : 1)) : v;
}

/** Checks a parsed table file against the codebook size. */
export function validateDescriptorTable(raw: unknown, codes: number, where: string): DescriptorTableFile {
  const t = raw as DescriptorTableFile;
  const bad = (what: string) => new MbError('MB_ERR_MODEL_MANIFEST', `descriptor table ${where}: ${what}`);
  if (typeof t !== 'object' || t === null) throw bad('not a JSON object');
  if (!Array.isArray(t.names) || !DESCRIPTOR_NAMES.every((n) => t.names.includes(n))) {
    throw bad(`names must list ${DESCRIPTOR_NAMES.join(', ')}`);
  }
  if (!Array.isArray(t.values) || t.values.length !== codes) throw bad(`values must have one row per code (${codes}), got ${t.values?.length}`);
  t.values.forEach((row, k) => {
    if (!Array.isArray(row) || row.length !== t.names.length || row.some((v) => typeof v !== 'number' || !Number.isFinite(v))) {
      throw bad(`row ${k} must hold ${t.names.length} finite numbers`);
    }
  });
  return t;
}

/** Reads <dir>/<file> (the manifest's codebook.descriptorTable). */
export async function loadDescriptorTable(dir: string, file: string, codes: number): Promise<DescriptorTable> {
  const where = path.join(dir, file);
  let text: string;
  try {
    text = await fs.readFile(where, 'utf8');
  } catch {
    throw new MbError('MB_ERR_NOT_FOUND', `descriptor table ${where} is missing; run 'mirrorbridge vq analyze'`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new MbError('MB_ERR_MODEL_MANIFEST', `descriptor table ${where} is not valid JSON: ${(err as Error).message}`);
  }
  return new DescriptorTable(validateDescriptorTable(raw, codes, where));
}
