import type { ArgSpec } from '../core/arg-spec';
import type { OutEntry, Verb } from './spec';

/** Shorthands the verb files share: entry builders (both doors unless named) and common arguments. */
export const BOTH = ['osc', 'max'] as const;
export const OSC = ['osc'] as const;

export const out = (e: Omit<OutEntry, 'direction' | 'access' | 'doors'> & { doors?: OutEntry['doors'] }): OutEntry => ({ doors: BOTH, ...e, direction: 'out', access: 'r' });
export const verb = (e: Omit<Verb, 'direction' | 'access' | 'doors'> & { doors?: Verb['doors'] }): Verb => ({ doors: BOTH, ...e, direction: 'in', access: 'w' });

export const SEQ: ArgSpec = { name: 'seq', type: 'i', min: 0, max: 2147483647, description: 'Frame sequence number per stream, from 0, without gaps unless frames were dropped.' };
export const modelName = (optional: boolean): ArgSpec => ({
  name: 'model',
  type: 's',
  format: 'model-name',
  optional,
  description: optional ? 'Model name (folder in the models folder); default: the first loaded model able to do this.' : 'Model name: a folder in the models folder, never a path.',
});
export const fileArg = (name: string, description: string): ArgSpec => ({ name, type: 's', format: 'file', description });
export const JOB_ID: ArgSpec = { name: 'jobId', type: 'i', min: 1, max: 2147483647, description: 'Job id returned by /mb/job/queued.' };
export const JOB_REPLIES = ['/mb/job/queued', '/mb/job/progress', '/mb/job/done'] as const;
