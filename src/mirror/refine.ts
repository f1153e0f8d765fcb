/**
 * Analysis by synthesis with the plant in the loop: starting from parameters the encoder
 * inferred, a coordinate search moves one normalized parameter of one note at a time and keeps
 * a move when the plant's rendering gets closer to the target (auditory-spectrogram L1 of
 * unit-RMS audio, the distance MirrorNet trains on). The step halves after every pass.
 *
 * The search may leave the parameter ranges the model was trained on (by default it spans the
 * synth's whole [0, 1] range): a sound with longer notes than the training melodies can then be
 * matched with a longer decay, which the encoder alone never outputs.
 */
import { MbError } from '../core/errors';
import type { Hz, Seconds } from '../core/units';
import { auditorySpectrogram, normalizePower, type Spectrogram } from '../dsp/auditory';
import { renderMelody } from '../synth';

/** Options of the search (see the file comment). */
export interface RefineOptions {
  /** Coordinate passes; the step halves after each (default 4). */
  passes?: number;
  /** First step in normalized units (default 0.1). */
  step?: number;
  /** Parameter indices to move (default all but the note, index 0). */
  indices?: number[];
  /** Bounds per parameter index; default [0, 1] for every parameter. */
  bounds?: Array<[number, number]>;
  /** One parameter vector shared by every note (a fixed preset) instead of one per note. */
  tied?: boolean;
}

export interface MelodyLayout {
  notes: number;
  paramCount: 7 | 10;
  totalSeconds: Seconds;
  /** Rate of the plant and the analysis (MirrorNet: 8000). */
  sampleRate: Hz;
}

export interface RefineResult {
  /** notes x paramCount, normalized. */
  params: Float32Array;
  /** Mean L1 over the targets before and after. */
  l1Before: number;
  l1After: number;
  /** Plant renderings used. */
  renders: number;
  /** Moves kept. */
  accepted: number;
}

/** The auditory spectrogram the plant gives for one melody, as MirrorNet sees it. */
export function melodySpectrogram(params: Float32Array, layout: MelodyLayout): Spectrogram {
  const audio = renderMelody(params, layout);
  return auditorySpectrogram(normalizePower(audio), { sampleRate: layout.sampleRate });
}

function meanL1(s: Spectrogram, targets: Spectrogram[]): number {
  let total = 0;
  for (const t of targets) {
    let d = 0;
    for (let i = 0; i < t.data.length; i++) d += Math.abs(s.data[i] - t.data[i]);
    total += d / t.data.length;
  }
  return total / targets.length;
}

/**
 * Refines a melody's parameters so that the plant's rendering approaches the target
 * spectrogram(s); with several targets the mean distance is minimized (a preset for all).
 *
 * @example
 * const target = melodySpectrogram(truth, layout);
 * const { params, l1After } = refineMelody([target], encoderGuess, layout, { passes: 4 });
 */
export function refineMelody(targets: Spectrogram[], init: Float32Array, layout: MelodyLayout, options: RefineOptions = {}): RefineResult {
  const steps = refineSteps(targets, init, layout, options);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/**
 * The same search, awaiting `checkpoint` after every plant rendering (a few ms) so that an
 * offline job never holds the event loop from live streams.
 */
export async function refineMelodyAsync(
  targets: Spectrogram[],
  init: Float32Array,
  layout: MelodyLayout,
  options: RefineOptions,
  checkpoint: () => Promise<void>,
): Promise<RefineResult> {
  const steps = refineSteps(targets, init, layout, options);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
    await checkpoint();
  }
}

/** The search as a generator that pauses after each plant rendering. */
function* refineSteps(targets: Spectrogram[], init: Float32Array, layout: MelodyLayout, options: RefineOptions): Generator<void, RefineResult> {
  const { notes, paramCount } = layout;
  if (init.length !== notes * paramCount) {
    throw new MbError('MB_ERR_BAD_PARAMS', `refine needs ${notes}x${paramCount} = ${notes * paramCount} parameters, got ${init.length}`);
  }
  if (targets.length === 0) throw new MbError('MB_ERR_BAD_ARGS', 'refine needs at least one target spectrogram');
  const passes = options.passes ?? 4;
  const step0 = options.step ?? 0.1;
  if (!Number.isInteger(passes) || passes < 0 || passes > 32) throw new MbError('MB_ERR_BAD_ARGS', `passes must be an integer in [0, 32], got ${passes}`);
  if (!(step0 > 0 && step0 <= 1)) throw new MbError('MB_ERR_BAD_ARGS', `step must be in (0, 1], got ${step0}`);
  const indices = options.indices ?? Array.from({ length: paramCount - 1 }, (_, i) => i + 1);
  for (const j of indices) {
    if (!Number.isInteger(j) || j < 0 || j >= paramCount) throw new MbError('MB_ERR_BAD_ARGS', `parameter index ${j} is outside 0..${paramCount - 1}`);
  }
  const bound = (j: number): [number, number] => options.bounds?.[j] ?? [0, 1];
  const p = Float32Array.from(init, (v) => Math.min(1, Math.max(0, v)));
  const first = melodySpectrogram(p, layout);
  for (const t of targets) {
    if (t.channels !== first.channels || t.frames !== first.frames) {
      throw new MbError('MB_ERR_BAD_ARGS', `target spectrogram ${t.channels}x${t.frames} does not match the plant's ${first.channels}x${first.frames}`);
    }
  }
  let best = meanL1(first, targets);
  const l1Before = best;
  let renders = 1;
  let accepted = 0;
  const groups = options.tied ? [Array.from({ length: notes }, (_, n) => n)] : Array.from({ length: notes }, (_, n) => [n]);
  let step = step0;
  for (let pass = 0; pass < passes; pass++) {
    for (const group of groups) {
      for (const j of indices) {
        const [lo, hi] = bound(j);
        const current = p[group[0] * paramCount + j];
        let bestValue = current;
        for (const v of [current - step, current + step]) {
          const value = Math.min(hi, Math.max(lo, v));
          if (value === current) continue;
          for (const n of group) p[n * paramCount + j] = value;
          const l1 = meanL1(melodySpectrogram(p, layout), targets);
          renders++;
          yield;
          if (l1 < best) {
            best = l1;
            bestValue = value;
          }
        }
        for (const n of group) p[n * paramCount + j] = bestValue;
        if (bestValue !== current) accepted++;
      }
    }
    step /= 2;
  }
  return { params: p, l1Before, l1After: best, renders, accepted };
}
