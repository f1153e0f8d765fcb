/**
 * A parser for Pd patch files, for the patch validator: canvases with their boxes (in
 * Pd's index order) and connections. Boxes keep their text unescaped (`\$1` -> `$1`,
 * `\,` -> `,`, `\;` -> `;`) and split into atoms.
 */
export type PdBoxKind = 'obj' | 'msg' | 'text' | 'atom' | 'subpatch' | 'graph';

export interface PdBox {
  index: number;
  kind: PdBoxKind;
  /** Object text (class and arguments) for obj; the message for msg; the name for subpatch. */
  text: string;
  atoms: string[];
  /** For subpatches: the canvas they hold. */
  canvas?: PdCanvasData;
}

export interface PdConnection {
  from: number;
  outlet: number;
  to: number;
  inlet: number;
}

export interface PdCanvasData {
  boxes: PdBox[];
  connections: PdConnection[];
  declares: string[][];
}

export class PdParseError extends Error {}

/** Splits the file into records ending with an unescaped ';'. */
function records(source: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\' && i + 1 < source.length) {
      cur += c + source[i + 1];
      i++;
    } else if (c === ';') {
      out.push(cur.trim());
      cur = '';
    } else cur += c;
  }
  if (cur.trim() !== '') throw new PdParseError(`trailing text without ';': ${cur.trim().slice(0, 60)}`);
  return out;
}

/** Atoms of a record, honouring escapes; a width suffix ", f N" is dropped. */
function atomsOf(record: string): string[] {
  const atoms: string[] = [];
  let cur = '';
  let has = false;
  const flush = () => {
    if (has) atoms.push(cur);
    cur = '';
    has = false;
  };
  for (let i = 0; i < record.length; i++) {
    const c = record[i];
    if (c === '\\' && i + 1 < record.length) {
      cur += record[i + 1];
      has = true;
      i++;
    } else if (/\s/.test(c)) flush();
    else if (c === ',') {
      flush();
      atoms.push('\u0000,');
    } else {
      cur += c;
      has = true;
    }
  }
  flush();
  const at = atoms.lastIndexOf('\u0000,');
  if (at >= 0 && atoms[at + 1] === 'f' && atoms.length === at + 3 && /^\d+$/.test(atoms[at + 2])) atoms.splice(at);
  return atoms.map((a) => (a === '\u0000,' ? ',' : a));
}

const int = (s: string, what: string): number => {
  const n = Number(s);
  if (!Number.isInteger(n)) throw new PdParseError(`${what}: expected an integer, got ${JSON.stringify(s)}`);
  return n;
};

export function parsePd(source: string): PdCanvasData {
  const stack: PdCanvasData[] = [];
  let root: PdCanvasData | undefined;
  const top = () => {
    const c = stack[stack.length - 1];
    if (!c) throw new PdParseError('record outside any canvas');
    return c;
  };
  const add = (kind: PdBoxKind, atoms: string[], canvas?: PdCanvasData) => {
    const c = top();
    c.boxes.push({ index: c.boxes.length, kind, text: atoms.join(' '), atoms, canvas });
  };
  for (const rec of records(source)) {
    const a = atomsOf(rec);
    const [tag, type, ...rest] = a;
    if (tag === '#N' && type === 'canvas') {
      const c: PdCanvasData = { boxes: [], connections: [], declares: [] };
      if (!root) root = c;
      stack.push(c);
    } else if (tag === '#A') continue;
    else if (tag !== '#X') throw new PdParseError(`unknown record ${tag}`);
    else if (type === 'obj') add('obj', rest.slice(2));
    else if (type === 'msg') add('msg', rest.slice(2));
    else if (type === 'text') add('text', rest.slice(2));
    else if (type === 'floatatom' || type === 'symbolatom' || type === 'listbox') add('atom', rest.slice(2));
    else if (type === 'connect') {
      const [from, outlet, to, inlet] = rest.map((x) => int(x, 'connect'));
      top().connections.push({ from, outlet, to, inlet });
    } else if (type === 'restore') {
      const inner = stack.pop();
      if (!inner || stack.length === 0) throw new PdParseError('#X restore without an open subpatch');
      const kind = rest[2] === 'graph' ? 'graph' : 'subpatch';
      add(kind, rest.slice(3), inner);
    } else if (type === 'declare') top().declares.push(rest);
    else if (type === 'array' || type === 'coords') continue;
    else throw new PdParseError(`unknown #X record ${type}`);
  }
  if (!root || stack.length !== 1) throw new PdParseError('unbalanced canvases (#N canvas / #X restore)');
  return root;
}

/** Every canvas of a patch, the root first. */
export function allCanvases(root: PdCanvasData): PdCanvasData[] {
  const out = [root];
  for (const b of root.boxes) if (b.canvas && b.kind === 'subpatch') out.push(...allCanvases(b.canvas));
  return out;
}
