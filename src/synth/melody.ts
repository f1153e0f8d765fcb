import { checkRange, MbError } from '../core/errors';
import type { Hz, Seconds } from '../core/units';
import { DEFAULT_TOTAL_SECONDS } from './params';
import type { ParamCount } from './params';
import { parseNormalizedMelody } from './parse';
import type { MelodyShape } from './parse';
import { checkSampleRate } from './patch';
import { MelodyVoice, noteFromNormalized } from './voice';

/**
 * Options of the melody renderer, Tone.js style: merged over `MelodyOptions.getDefaults()`.
 * `notes` and `paramCount` are needed only when a flat array is ambiguous (its length is
 * not 5 x 7 or 5 x 10).
 */
export interface MelodyOptions extends MelodyShape {
  sampleRate: Hz;
  /** Melody length; default 2 s. */
  totalSeconds?: Seconds;
}

/**
 * Defaults merged under the caller's MelodyOptions.
 * @example MelodyOptions.getDefaults().totalSeconds // 2
 */
export const MelodyOptions = {
  getDefaults(): { totalSeconds: Seconds } {
    return { totalSeconds: DEFAULT_TOTAL_SECONDS };
  },
};

/**
 * Renders a melody of N notes (normalized parameters, N x 7 or N x 10) to mono audio of
 * round(totalSeconds x sampleRate) samples. Note i starts at i x totalSeconds / N (fixed,
 * equal slots); its gate lasts the mapped duration, then a 10 ms release (see
 * MelodyVoice.render). Deterministic: the same parameters give bit-identical samples.
 * Output lies within [-1, 1] (patch.ts: headroom + soft clip).
 *
 * @example
 * const audio = renderMelody([[0, 1, 0.8, 0.45, 0.25, 0.3, 0.4], ...], { sampleRate: 8000 });
 * audio.length; // 16000
 */
export function renderMelody(params: Float32Array | Float64Array | ArrayLike<ArrayLike<number>>, options: MelodyOptions): Float32Array {
  const sampleRate = checkSampleRate(options?.sampleRate);
  const totalSeconds = checkRange('totalSeconds', options.totalSeconds ?? MelodyOptions.getDefaults().totalSeconds, 1e-3, 3600);
  const melody = parseNormalizedMelody(params, options);
  const out = new Float32Array(Math.round(totalSeconds * sampleRate));
  const voice = new MelodyVoice(sampleRate);
  const slotSeconds = totalSeconds / melody.notes;
  for (let i = 0; i < melody.notes; i++) {
    const start = Math.round(i * slotSeconds * sampleRate);
    const end = Math.round((i + 1) * slotSeconds * sampleRate);
    voice.render(out, start, end, noteFromNormalized(melody.params, i, melody.paramCount, slotSeconds));
  }
  return out;
}

/**
 * Renders a batch of melodies stored back to back (batch x notes x paramCount, row-major),
 * e.g. a decoder's or encoder's output tensor. Returns one Float32Array per melody.
 *
 * @example
 * const clips = renderMelodyBatch(tensor.data as Float32Array, 32, 5, 7, { sampleRate: 8000 });
 */
export function renderMelodyBatch(
  params: Float32Array,
  batch: number,
  notes: number,
  paramCount: ParamCount,
  options: Omit<MelodyOptions, 'notes' | 'paramCount'>,
): Float32Array[] {
  if (!Number.isInteger(batch) || batch < 1) throw new MbError('MB_ERR_BAD_PARAMS', `batch must be a positive integer, got ${batch}`);
  const size = notes * paramCount;
  if (!(params instanceof Float32Array) || params.length !== batch * size) {
    throw new MbError(
      'MB_ERR_BAD_PARAMS',
      `batch parameters must be a Float32Array of batch x notes x paramCount = ${batch} x ${notes} x ${paramCount} = ${batch * size} values, got ${params?.length}`,
    );
  }
  const clips: Float32Array[] = [];
  for (let b = 0; b < batch; b++) {
    clips.push(renderMelody(params.subarray(b * size, (b + 1) * size), { ...options, notes, paramCount }));
  }
  return clips;
}
