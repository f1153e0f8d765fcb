import { PARAM_NAME_RE } from '../models/names';
import { MAX_ENTRIES } from './max';
import { MIRROR_ENTRIES } from './mirror';
import { SESSION_ENTRIES } from './session';
import type { Door, OutEntry, TableEntry, Verb } from './spec';
import { STATUS_ENTRIES } from './status';
import { STREAM_ENTRIES } from './streams';
import { VOICE_ENTRIES } from './voice';
import { VQ_ENTRIES } from './vq';

/**
 * THE verb table: every address mirrorbridge reads or writes, under the root /mb — the
 * engine's own (session.ts, streams.ts, status.ts), each plug-in's (mirror.ts and voice.ts, vq.ts) and the Max door's (max.ts). Front
 * doors dispatch from it, docs/osc.md, the OSCQuery namespace and the Max refpages are generated
 * from it, and the patch validator checks patches against it.
 *
 * Adding a verb: one entry with its handler in the file of the room it belongs to (a new
 * plug-in gets its own file here, listed below); every door has it at once.
 *
 * @example
 * verbAt('/mb/stream/open', 'osc')?.signatures[0].map((a) => a.name); // ['id', 'sampleRate', 'blockSize', 'model']
 * maxSelector('/mb/stream/open'); // 'stream/open'
 */
export const OSC_ROOT = '/mb';

export const VERB_TABLE: readonly TableEntry[] = [...SESSION_ENTRIES, ...STREAM_ENTRIES, ...VOICE_ENTRIES, ...MIRROR_ENTRIES, ...VQ_ENTRIES, ...STATUS_ENTRIES, ...MAX_ENTRIES];

const BY_ADDRESS = new Map<string, TableEntry>(VERB_TABLE.map((e) => [e.address, e]));

/** The entry of an exact address (templates are not matched), or undefined. */
export function entryOf(address: string): TableEntry | undefined {
  return BY_ADDRESS.get(address);
}

/** The verb at `address` that `door` has, or undefined. */
export function verbAt(address: string, door: Door): Verb | undefined {
  const e = BY_ADDRESS.get(address);
  return e?.direction === 'in' && e.doors.includes(door) ? e : undefined;
}

/** The entries a door has (docs, OSCQuery, refpages). */
export function entriesAt(door: Door): TableEntry[] {
  return VERB_TABLE.filter((e) => e.doors.includes(door));
}

export function verbsAt(door: Door): Verb[] {
  return VERB_TABLE.filter((e): e is Verb => e.direction === 'in' && e.doors.includes(door));
}

export function outsAt(door: Door): OutEntry[] {
  return VERB_TABLE.filter((e): e is OutEntry => e.direction === 'out' && e.doors.includes(door));
}

/** Max selectors are the addresses without the /mb/ root: /mb/stream/open → stream/open. */
export function maxSelector(address: string): string {
  return address.startsWith(`${OSC_ROOT}/`) ? address.slice(OSC_ROOT.length + 1) : address;
}

export function addressOfSelector(selector: string): string {
  return `${OSC_ROOT}/${selector}`;
}

/** True for addresses sent only to listeners (the per-parameter /mb/param/<name>[/units]). */
export function isListenOnly(address: string): boolean {
  return address.startsWith('/mb/param/') || address === SESSION_PARAMS || address === SESSION_JOB || address === SESSION_RETURN;
}

/** Every client's frames with their client (listen-only: the shared session). */
const SESSION_PARAMS = '/mb/session/params';
/** Every client's job events with their client (listen-only: the shared session). */
const SESSION_JOB = '/mb/session/job';
/** Every client's returned stream audio with their client (listen-only: the shared session). */
const SESSION_RETURN = '/mb/session/return';

const PARAM_ADDRESS_RE = new RegExp(`^/mb/param/${PARAM_NAME_RE.source.slice(1, -1)}(/units)?$`);

/** How a listened address matches: exactly (a leaf), or everything below it (a container); undefined: not listenable. */
export function listenMode(address: string): { prefix: boolean } | undefined {
  const a = address.length > 1 ? address.replace(/\/$/, '') : address;
  if (PARAM_ADDRESS_RE.test(a)) return { prefix: false };
  const e = entryOf(a);
  if (e?.direction === 'out' && !e.external && e.doors.includes('osc')) return { prefix: false };
  const below = VERB_TABLE.some((x) => x.direction === 'out' && !x.external && x.doors.includes('osc') && x.address.startsWith(`${a}/`));
  return below ? { prefix: true } : undefined;
}
