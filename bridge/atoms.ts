import type { Atom, Reply } from '../src/verbs/spec';
import { maxSelector, verbsAt } from '../src/verbs/table';

/**
 * Max atoms in and out. Max hands node.script numbers as JS numbers and symbols as strings;
 * they are typed like OSC arguments (integral numbers 'i', others 'f', strings 's') so the
 * verb table's one parser checks them. Out, a reply becomes a list whose selector is its
 * address without /mb/; a float32 blob becomes its samples.
 *
 * @example
 * fromMaxAtoms([1, 0.5, 'fx']); // [{ type: 'i', value: 1 }, { type: 'f', value: 0.5 }, { type: 's', value: 'fx' }]
 * toMaxList({ address: '/mb/stream/closed', args: [{ type: 'i', value: 1 }, { type: 's', value: 'closed' }] }); // ['stream/closed', 1, 'closed']
 */
export type MaxAtom = string | number;
export type MaxMessage = MaxAtom[];

export function fromMaxAtoms(values: readonly unknown[]): Atom[] {
  return values.map((value) => {
    if (typeof value === 'number') return { type: Number.isInteger(value) ? 'i' : 'f', value };
    if (typeof value === 'string') return { type: 's', value };
    return { type: typeof value, value };
  });
}

export function toMaxList(r: Reply): MaxMessage {
  const out: MaxMessage = [maxSelector(r.address)];
  for (const a of r.args) {
    if (a.value instanceof Uint8Array) {
      const v = a.value;
      const f = new Float32Array(v.buffer.slice(v.byteOffset, v.byteOffset + v.byteLength));
      for (let i = 0; i < f.length; i++) out.push(f[i]);
    } else out.push(a.value as MaxAtom);
  }
  return out;
}

/** Selectors of the first version, and what they are now (so an old patch is told what to send). */
export const RENAMED: Readonly<Record<string, string>> = {
  models: 'models/list', load: 'models/load', unload: 'models/unload',
  open: 'stream/open', close: 'stream/close', stream: 'stream/default', audio: 'stream/audio', smooth: 'stream/smooth',
  target: 'vq/target', deform: 'vq/deform', plane: 'vq/plane',
  infer: 'job/infer', resynth: 'job/resynth', vq: 'job/vq', cancel: 'job/cancel',
  import: 'files/import', corners: 'files/corners', files: 'files/locate',
  serve: 'server/start', unserve: 'server/stop',
};

/** What a message no verb takes is told: its new name if it was renamed, else the selectors known. */
export function unknownMessage(selector: unknown): string {
  const s = String(selector);
  const renamed = RENAMED[s];
  if (renamed) return `"${s}" is now "${renamed}" (Max selectors are the OSC addresses without /mb/; see the mirrorbridge refpage)`;
  return `no handler for message ${JSON.stringify(selector)}; known: ${verbsAt('max').map((v) => maxSelector(v.address)).join(' ')}`;
}
