import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { classKey, conformanceKey, letterKeys, looseKey } from './key';

/** A box of one of our shipped Max files, with what it declares. */
export interface OurBox {
  file: string;
  text: string;
  key: string;
  /** Its loose key (class/argument count), for newobj boxes. */
  loose?: string;
  /** Its class-wide key (class/*), for newobj boxes. */
  klass?: string;
  /** Its type letters' keys ([t], [unpack]). */
  letters: string[];
  inlets: number;
  outlets: number;
  outlettype: string[];
}

export interface Box {
  maxclass?: string;
  text?: string;
  numinlets?: number;
  numoutlets?: number;
  outlettype?: string[];
  patcher?: { boxes?: { box: Box }[] };
}

/**
 * Every box of the shipped Max patchers and help files (subpatchers included), except our own
 * abstractions (their counts come from their files) and [p] subpatcher boxes, whose counts are
 * their inner inlets and outlets.
 */
export function ourBoxes(root = 'patches/max'): OurBox[] {
  const abstractions = new Set(readdirSync(path.join(root, 'patchers')).filter((f) => f.startsWith('mb.')).map((f) => f.replace(/\.maxpat$/, '')));
  const out: OurBox[] = [];
  const visit = (boxes: { box: Box }[], file: string) => {
    for (const { box } of boxes) {
      if (box.patcher?.boxes) visit(box.patcher.boxes, file);
      const text = box.text ?? '';
      const cls = text.split(/\s+/)[0];
      if (box.maxclass === 'newobj' && (abstractions.has(cls) || cls === 'p')) continue;
      const ours = ourBox(box, file);
      if (ours) out.push(ours);
    }
  };
  for (const dir of ['patchers', 'help', 'extras'].filter((d) => existsSync(path.join(root, d)))) {
    for (const f of readdirSync(path.join(root, dir)).filter((n) => /\.(maxpat|maxhelp)$/.test(n))) {
      const rel = path.join(root, dir, f);
      const json = JSON.parse(readFileSync(rel, 'utf8')) as { patcher: { boxes: { box: Box }[] } };
      visit(json.patcher.boxes, rel);
    }
  }
  return out;
}

/** One saved box as the conformance check sees it (undefined: nothing to key it by). */
export function ourBox(box: Box, file: string): OurBox | undefined {
  const text = box.text ?? '';
  const mc = box.maxclass ?? '';
  const key = conformanceKey(mc, text);
  if (!key) return undefined;
  return {
    file,
    text,
    key,
    loose: looseKey(mc, text),
    klass: classKey(mc, text),
    letters: letterKeys(mc, text).map((l) => l.key),
    inlets: box.numinlets ?? 0,
    outlets: box.numoutlets ?? 0,
    outlettype: box.outlettype ?? [],
  };
}
