import { checkArgValue, type ArgSpec } from '../core/arg-spec';
import type { JobArgs } from './types';

/**
 * The engine's limits on live streams, declared once as argument specs: the verb table uses
 * them for /mb/stream/open and friends, the engine and the plug-ins check with them.
 */
export const MAX_BLOCK_SAMPLES = 8192;
export const STREAM_ID_MAX = 65535;

export const STREAM_ID: ArgSpec = { name: 'id', type: 'i', min: 0, max: STREAM_ID_MAX, description: 'Stream id, chosen by the client, unique per client.' };
export const SAMPLE_RATE: ArgSpec = { name: 'sampleRate', type: 'i', min: 8000, max: 192000, unit: 'Hz', description: 'Sample rate of the audio blocks.' };
export const BLOCK_SIZE: ArgSpec = { name: 'blockSize', type: 'i', min: 1, max: MAX_BLOCK_SAMPLES, unit: 'samples', description: 'Usual block length (blocks of any length up to the maximum are accepted).' };
export const SMOOTHING: ArgSpec = { name: 'amount', type: 'f', min: 0, max: 0.999, description: 'Smoothing coefficient per frame.' };

/**
 * The sample rate an offline job writes its WAV at (SAMPLE_RATE's range; the job resamples
 * from its model's rate). Left out: the input's rate, so a result plays back at the speed of
 * what went in.
 */
export const OUTPUT_RATE: ArgSpec = {
  name: 'rate', type: 'i', min: SAMPLE_RATE.min, max: SAMPLE_RATE.max, unit: 'Hz', optional: true,
  description: 'Sample rate of the output WAV; default: the input\'s rate.',
};

/** A job's output rate: its `rate` argument, checked, or `inputRate` when it has none. */
export function outputRateOf(args: JobArgs, inputRate: number): number {
  return args.rate === undefined ? inputRate : (checkArgValue(OUTPUT_RATE, args.rate, 'rate') as number);
}
