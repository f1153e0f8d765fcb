import { MbError } from '../core/errors';
import { mulberry32 } from '../core/random';
import { plantFeatures } from './features';
import type { Plant } from './plant';
import { paramToUnits } from './schema';

/**
 * The probe `mirrorbridge learn` runs before any training time is spent: does the plant
 * render at all, and which parameters change what the model hears?
 *
 * Renders the defaults, a sweep of each parameter over SWEEP (the others at their defaults)
 * and RANDOM random vectors. A parameter's `effect` is the mean L1 distance between the
 * features (src/plants/features.ts: unit RMS, auditory spectrogram) of its sweep and of the
 * defaults, divided by the mean distance between random renders: 1 means "changes the sound
 * as much as everything together does on average". Status: `dead` below DEAD, `weak` below
 * WEAK, else `audible`; `levelOnly` when a dead parameter moves the level by more than 3 dB
 * (the features are power-normalized, so level is not learnable). Two parameters are
 * `redundant` when their sweeps change the features in the same direction at both ends
 * (|cosine| > REDUNDANT).
 *
 * Refused with a coded error (MB_ERR_BAD_AUDIO) when every render is silent (below -100 dBFS,
 * which is also what a patch computing NaN gives: Pd's [tabwrite~] stores NaN as 0) or any
 * render holds NaN or Inf; the plant's own errors (src/plants/pd.ts) pass through.
 *
 * @example
 * const report = await probePlant(plant);
 * console.log(formatProbe(report));
 */
export const SWEEP = [0, 0.25, 0.75, 1] as const;
export const RANDOM = 12;
export const DEAD = 0.03;
export const WEAK = 0.12;
export const REDUNDANT = 0.97;
const SILENT_RMS = 1e-5;

export type ProbeStatus = 'audible' | 'weak' | 'dead';

export interface ProbeParam {
  name: string;
  unit: string;
  range: [number, number];
  effect: number;
  /** Largest level change over the sweep against the defaults (dB). */
  levelDb: number;
  status: ProbeStatus;
  levelOnly: boolean;
}

export interface ProbeReport {
  plant: string;
  params: ProbeParam[];
  redundant: { a: string; b: string; cosine: number }[];
  warnings: string[];
  renders: number;
  renderSeconds: number;
  /** Audio seconds per wall second over the probe's renders. */
  xRealTime: number;
}

function l1(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i] - b[i]);
  return s / a.length;
}

function cosine(a: Float32Array, b: Float32Array): number {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += a[i] * b[i];
    aa += a[i] * a[i];
    bb += b[i] * b[i];
  }
  return aa > 0 && bb > 0 ? ab / Math.sqrt(aa * bb) : 0;
}

function diff(a: Float32Array, b: Float32Array): Float32Array {
  return a.map((v, i) => v - b[i]);
}

function rmsDb(x: Float32Array): number {
  let e = 0;
  for (let i = 0; i < x.length; i++) e += x[i] * x[i];
  return 10 * Math.log10(e / x.length + 1e-30);
}

function checkAudio(plant: Plant, clips: Float32Array[]): void {
  const bad = clips.findIndex((c) => !c.every(Number.isFinite));
  if (bad >= 0) throw new MbError('MB_ERR_BAD_AUDIO', `${plant.source}: render ${bad} holds NaN or Inf`);
  if (clips.every((c) => rmsDb(c) < 20 * Math.log10(SILENT_RMS))) {
    throw new MbError('MB_ERR_BAD_AUDIO', `${plant.source}: every probe render is silent (below -100 dBFS): does the patch play on [r plant.gate] 1 and send its sound to its first [outlet~]? (a patch that computes NaN also renders silence in Pd)`);
  }
}

export async function probePlant(plant: Plant, seed = 1): Promise<ProbeReport> {
  const { schema } = plant;
  const P = schema.params.length;
  const defaults = Float32Array.from(schema.params, (p) => p.default);
  const vectors: Float32Array[] = [defaults];
  for (let i = 0; i < P; i++) for (const v of SWEEP) vectors.push(Float32Array.from(defaults, (d, j) => (j === i ? v : d)));
  const rand = mulberry32(seed);
  for (let r = 0; r < RANDOM; r++) vectors.push(Float32Array.from(defaults, () => rand()));
  const t0 = performance.now();
  const clips = await plant.render(vectors);
  const renderSeconds = (performance.now() - t0) / 1000;
  checkAudio(plant, clips);
  const feats = clips.map((c) => plantFeatures(c, schema.sampleRate).data);
  const randomFeats = feats.slice(1 + P * SWEEP.length);
  let pairs = 0;
  let scale = 0;
  for (let a = 0; a < randomFeats.length; a++) for (let b = a + 1; b < randomFeats.length; b++, pairs++) scale += l1(randomFeats[a], randomFeats[b]);
  scale = scale / pairs || 1e-12;
  const ref = feats[0];
  const refDb = rmsDb(clips[0]);
  const sweeps = schema.params.map((_, i) => feats.slice(1 + i * SWEEP.length, 1 + (i + 1) * SWEEP.length));
  const params = schema.params.map((p, i): ProbeParam => {
    const effect = sweeps[i].reduce((s, f) => s + l1(f, ref), 0) / SWEEP.length / scale;
    const levels = clips.slice(1 + i * SWEEP.length, 1 + (i + 1) * SWEEP.length).map((c) => Math.abs(rmsDb(c) - refDb));
    const levelDb = Math.max(...levels);
    const status: ProbeStatus = effect < DEAD ? 'dead' : effect < WEAK ? 'weak' : 'audible';
    return { name: p.name, unit: p.unit, range: [paramToUnits(p, 0), paramToUnits(p, 1)], effect, levelDb, status, levelOnly: status === 'dead' && levelDb > 3 };
  });
  const redundant: ProbeReport['redundant'] = [];
  for (let a = 0; a < P; a++) {
    for (let b = a + 1; b < P; b++) {
      if (params[a].status === 'dead' || params[b].status === 'dead') continue;
      const lo = cosine(diff(sweeps[a][0], ref), diff(sweeps[b][0], ref));
      const hi = cosine(diff(sweeps[a][SWEEP.length - 1], ref), diff(sweeps[b][SWEEP.length - 1], ref));
      const c = Math.abs(lo) < Math.abs(hi) ? lo : hi;
      if (Math.abs(lo) > REDUNDANT && Math.abs(hi) > REDUNDANT) redundant.push({ a: params[a].name, b: params[b].name, cosine: c });
    }
  }
  const warnings = [
    ...params.filter((p) => p.status === 'dead').map((p) => (p.levelOnly ? `${p.name} changes only the level (${p.levelDb.toFixed(1)} dB); the model hears power-normalized sound, so it cannot learn it: fix it in the schema or drop it` : `${p.name} does not change the sound (effect ${p.effect.toFixed(3)}): check that the plant reads it (a Pd patch: [r plant.${p.name}]), or drop it from the schema`)),
    ...params.filter((p) => p.status === 'weak').map((p) => `${p.name} changes the sound only a little (effect ${p.effect.toFixed(3)}); expect a large error on it`),
    ...redundant.map((r) => `${r.a} and ${r.b} change the sound the same way (cosine ${r.cosine.toFixed(3)}); the model cannot tell them apart: keep one`),
  ];
  const audioSeconds = clips.length * schema.seconds;
  return { plant: plant.source, params, redundant, warnings, renders: clips.length, renderSeconds, xRealTime: audioSeconds / renderSeconds };
}

/** The probe's table and warnings as printed by `mirrorbridge learn`. */
export function formatProbe(report: ProbeReport): string {
  const rows = report.params.map((p) => [p.name, p.unit, `${fmt(p.range[0])}..${fmt(p.range[1])}`, p.effect.toFixed(3), p.levelDb.toFixed(1), p.status]);
  const head = ['parameter', 'unit', 'range', 'effect', 'level dB', 'status'];
  const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (cells: string[]) => cells.map((s, c) => s.padEnd(widths[c])).join('  ');
  const out = [`probe of ${report.plant}: ${report.renders} renders in ${report.renderSeconds.toFixed(2)} s (${report.xRealTime.toFixed(0)}x real time)`, line(head), ...rows.map(line)];
  for (const w of report.warnings) out.push(`warning: ${w}`);
  return `${out.join('\n')}\n`;
}

function fmt(v: number): string {
  return Number(v.toPrecision(4)).toString();
}
