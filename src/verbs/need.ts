import { MbError } from '../core/errors';
import type { DoorServices } from './spec';

/** A door service a verb needs; MB_ERR_UNSUPPORTED naming the door when it has none. */
export function need<K extends keyof DoorServices>(door: DoorServices, key: K, verb: string): NonNullable<DoorServices[K]> {
  const service = door[key];
  if (service === undefined) throw new MbError('MB_ERR_UNSUPPORTED', `${verb} is not available over ${door.name}`);
  return (typeof service === 'function' ? service.bind(door) : service) as NonNullable<DoorServices[K]>;
}
