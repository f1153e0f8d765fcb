import type { ArgSpec } from '../core/arg-spec';
import type { Verb } from './spec';

/**
 * One-line usage of a verb from its main signature, e.g. `stream/open <id> <sampleRate> <blockSize> [model]`;
 * `name` turns the address into the door's name for it (Max: the selector).
 */
export function usageOf(verb: Verb, name: (address: string) => string = (a) => a): string {
  const arg = (a: ArgSpec) => {
    const label = a.values ? a.values.join('|') : a.min !== undefined && a.max !== undefined && a.type !== 's' ? `${a.name} ${a.min}..${a.max}` : a.name;
    const text = a.repeat ? `${label}...` : label;
    return a.optional ? `[${text}]` : `<${text}>`;
  };
  return [name(verb.address), ...verb.signatures[0].map(arg)].join(' ');
}
