import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { OurBox } from './ours';
import type { RealObject, RealTable } from './key';

/** The table scan.ts built from real Max saves (committed; see real-objects.json's sources). */
export function realTable(): RealTable {
  return JSON.parse(readFileSync(path.join(__dirname, 'real-objects.json'), 'utf8')) as RealTable;
}

/**
 * Objects our patches use that no scanned real save has (Max 8 or later): the validator checks
 * them against the generator's own table, and says why here. Keep this list short and true:
 * patches/max/README.md names them too.
 */
export const UNSEEN_IN_REAL_SAVES: Record<string, string> = {};

/** How a box was checked: against its exact shape, its class and argument count, or its type letters. */
export type Basis = 'exact' | 'loose' | 'letters' | 'class';

export interface Verdict {
  box: OurBox;
  /** undefined: real saves never had this class in a shape we can compare. */
  basis?: Basis;
  /** What differs from the real saves (empty when it conforms). */
  problems: string[];
  /** Where the compared entry came from. */
  sources: string[];
}

const top = (table: RealTable, key: string | undefined): RealObject | undefined => (key ? table[key]?.[0] : undefined);
const same = (a: string[], b: string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * Checks one of our boxes against real saves: the exact key's most common (inlets, outlets,
 * types); failing that, the inlet and outlet counts of the same class with as many arguments,
 * and for [t] / [unpack] each outlet's type from the same letter in real saves.
 */
export function checkBox(box: OurBox, table: RealTable): Verdict {
  const exact = top(table, box.key);
  if (exact) {
    const problems: string[] = [];
    if (box.inlets !== exact.inlets) problems.push(`${box.inlets} inlets, real saves ${exact.inlets}`);
    if (box.outlets !== exact.outlets) problems.push(`${box.outlets} outlets, real saves ${exact.outlets}`);
    if (!same(box.outlettype, exact.outlettype)) problems.push(`outlettype ${JSON.stringify(box.outlettype)}, real saves ${JSON.stringify(exact.outlettype)}`);
    return { box, basis: 'exact', problems, sources: exact.sources };
  }
  const problems: string[] = [];
  const sources: string[] = [];
  let basis: Basis | undefined;
  const loose = top(table, box.loose);
  if (loose) {
    basis = 'loose';
    sources.push(...loose.sources);
    if (box.inlets !== loose.inlets) problems.push(`${box.inlets} inlets, real saves of ${box.loose} ${loose.inlets}`);
    if (box.outlets !== loose.outlets) problems.push(`${box.outlets} outlets, real saves of ${box.loose} ${loose.outlets}`);
  }
  if (box.letters.length > 0) {
    const letters = box.letters.map((k) => top(table, k));
    if (letters.every(Boolean)) {
      basis ??= 'letters';
      sources.push(...letters[0]!.sources.slice(0, 1));
      if (box.outlets !== box.letters.length) problems.push(`${box.outlets} outlets for ${box.letters.length} type letters`);
      letters.forEach((l, i) => {
        if (box.outlettype[i] !== l!.outlettype[0]) problems.push(`outlet ${i} (${box.letters[i]}) is ${JSON.stringify(box.outlettype[i])}, real saves ${JSON.stringify(l!.outlettype[0])}`);
      });
    }
  }
  const klass = box.klass ? table[box.klass] : undefined;
  if (!basis && klass && argumentFree(klass)) {
    const k = klass[0];
    basis = 'class';
    sources.push(...k.sources);
    if (box.inlets !== k.inlets || box.outlets !== k.outlets) problems.push(`${box.inlets}/${box.outlets} inlets/outlets, every real save of ${box.klass} ${k.inlets}/${k.outlets}`);
    if (!same(box.outlettype, k.outlettype)) problems.push(`outlettype ${JSON.stringify(box.outlettype)}, real saves ${JSON.stringify(k.outlettype)}`);
  }
  if (!basis && /^expr \$\d+$/.test(box.key)) {
    const rule = exprRule(table);
    if (rule) {
      basis = 'class';
      sources.push(...rule.sources);
      const n = Number(box.key.slice('expr $'.length));
      if (box.inlets !== n || box.outlets !== 1 || !same(box.outlettype, [''])) problems.push(`${box.inlets}/${box.outlets} ${JSON.stringify(box.outlettype)}, real saves of expr (inlets = highest $ argument, ${rule.checked}) give ${n}/1 [""]`);
    }
  }
  return { box, basis, problems, sources };
}

/**
 * The rule real saves show for [expr]: as many inlets as its highest $ argument, one untyped
 * outlet. Returned when every [expr $k] key in the table follows it, with the keys checked.
 */
function exprRule(table: RealTable): { checked: string; sources: string[] } | undefined {
  const keys = Object.keys(table).filter((k) => /^expr \$\d+$/.test(k));
  if (keys.length < 2) return undefined;
  const ok = keys.every((k) => {
    const t = table[k][0];
    return t.inlets === Number(k.slice('expr $'.length)) && t.outlets === 1 && same(t.outlettype, ['']);
  });
  return ok ? { checked: keys.sort().join(', '), sources: keys.flatMap((k) => table[k][0].sources.slice(0, 1)) } : undefined;
}

/** A class whose saves (nearly) all have the same counts, whatever their arguments: 95 % or more. */
function argumentFree(variants: RealObject[]): boolean {
  const total = variants.reduce((n, v) => n + v.seen, 0);
  return total >= 5 && variants[0].seen >= 0.95 * total;
}
