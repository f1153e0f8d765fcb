import { spectralDistance } from '../../src/mirror/metrics';
import { FITTED_CONTROLS } from '../../src/mirror/note-fit';
import { inferNotes, renderInferred, type InferredPlayedNote, type NoteEncoder } from '../../src/mirror/notes';
import { noteFieldToNormalized, unitsToNormalized } from '../../src/synth/params';
import { fluidAvailable, fluidSet } from './fluid';
import { ONSET_TOLERANCE } from './score';
import { fmSet, plantSet, type Clip } from './sets';

/**
 * The plant's settings per transcribed note (bench/notes-params.ts and `npm run eval --
 * notes-params`): every method's re-rendering L1 per clip, the best fixed preset's (one setting
 * for every note, the best of a grid, chosen on the set itself, on the same transcribed notes),
 * the default settings on the same notes (what the notes alone earn), and per-note errors against
 * the settings the plant clips were rendered with.
 */
export type Method = { name: string; encoder?: NoteEncoder; refine: number };

/** The sets by name: (a) plant, (b) fm, (c) timgm6mb / fluidr3 (sampled, through fluidsynth). */
export function paramsSet(name: string, seed: number, clips: number): Clip[] {
  if (name === 'plant') return plantSet(seed, clips);
  if (name === 'fm') return fmSet(seed + 1000, clips);
  // Set (c) as bench/notes.ts draws it (seed + 2000), sampled instruments through fluidsynth.
  if ((name === 'timgm6mb' || name === 'fluidr3') && fluidAvailable(name)) return fluidSet(seed + 2000, clips, name);
  throw new Error(`unknown or unavailable set ${name}`);
}

export function truthControls(clip: Clip, onset: number): number[] | null {
  const i = clip.truth.findIndex((t) => Math.abs(t.onset - onset) <= ONSET_TOLERANCE);
  if (i < 0 || !clip.plant) return null;
  const n = clip.plant[i];
  return [unitsToNormalized('cutoff', n.cutoff!), unitsToNormalized('resonance', n.resonance!), unitsToNormalized('attack', n.attack!), unitsToNormalized('decay', n.decay!), noteFieldToNormalized('sustain', n.sustain!)];
}

/** A grid of fixed presets (normalized FITTED_CONTROLS), the same for every note. */
export function presetGrid(): number[][] {
  const out: number[][] = [];
  for (const cutoff of [0.3, 0.45, 0.6]) for (const decay of [0.3, 0.5, 0.7]) for (const sustain of [0, 0.4, 0.8]) out.push([cutoff, 0.25, 0.3, decay, sustain]);
  return out;
}

export function withControls(notes: InferredPlayedNote[], p: number[]): InferredPlayedNote[] {
  return notes.map((n) => {
    const params = { ...n.params };
    FITTED_CONTROLS.forEach((c, i) => (params[c] = p[i]));
    const units = { ...n.units };
    // Units from the normalized values by the schema, as noteResult does.
    units.cutoff = 100 * Math.pow(128, p[0]);
    units.resonance = 0.7 + 9.3 * p[1];
    units.attack = 0.01 * Math.pow(100, p[2]);
    units.decay = 0.02 * Math.pow(100, p[3]);
    units.sustain = p[4];
    return { ...n, params, units };
  });
}

export const l1Of = (clip: Clip, notes: InferredPlayedNote[]): number =>
  spectralDistance(clip.audio, clip.sampleRate, renderInferred(notes, 16000, clip.audio.length / clip.sampleRate), 16000).audL1;

export interface MethodResult {
  name: string;
  /** Re-rendering L1 per clip. */
  l1: number[];
  /** Per clip: |estimate - truth| per control for every note matched to a truth note (set a only). */
  errors: number[][][];
  ms: number;
}

export interface SetResult {
  set: string;
  clips: number;
  audioSeconds: number;
  bestPreset: number[];
  /** The best fixed preset's L1 per clip. */
  presetL1: number[];
  /** The default settings (src/mirror/notes.ts defaultControls) on the same notes, per clip. */
  defaultsL1: number[];
  /** Per clip: the true settings of every note matched to a truth note (set a only). */
  truths: number[][][];
  methods: MethodResult[];
}

/** Runs every method on one set. */
export async function paramsBench(set: string, clips: Clip[], methods: Method[]): Promise<SetResult> {
  const base = await Promise.all(clips.map((c) => inferNotes(c.audio, c.sampleRate, { refine: 0 })));
  const perPreset = presetGrid().map((p) => ({ p, l1: clips.map((c, k) => l1Of(c, withControls(base[k].notes, p))) }));
  const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
  const best = perPreset.reduce((a, b) => (mean(b.l1) < mean(a.l1) ? b : a));
  const truths = clips.map((c, k) => base[k].notes.map((n) => truthControls(c, n.onset_s)).filter((t): t is number[] => t !== null));
  const out: MethodResult[] = [];
  for (const m of methods) {
    const t0 = performance.now();
    const l1: number[] = [];
    const errors: number[][][] = [];
    for (const c of clips) {
      const r = await inferNotes(c.audio, c.sampleRate, { refine: m.refine, ...(m.encoder ? { encoder: m.encoder } : {}) });
      l1.push(l1Of(c, r.notes));
      const errs: number[][] = [];
      for (const n of r.notes) {
        const t = truthControls(c, n.onset_s);
        if (t) errs.push(FITTED_CONTROLS.map((name, i) => Math.abs(n.params[name] - t[i])));
      }
      errors.push(errs);
    }
    out.push({ name: m.name, l1, errors, ms: performance.now() - t0 });
  }
  return {
    set, clips: clips.length, audioSeconds: clips.reduce((a, c) => a + c.audio.length / c.sampleRate, 0),
    bestPreset: best.p, presetL1: best.l1, defaultsL1: clips.map((c, k) => l1Of(c, base[k].notes)), truths, methods: out,
  };
}
