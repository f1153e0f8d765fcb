import { fillAddress } from '../../verbs/replies';
import type { ArgSpec, TableEntry } from '../../verbs/spec';
import { entriesAt, OSC_ROOT } from '../../verbs/table';

/**
 * The OSCQuery namespace (https://github.com/Vidvox/OSCQueryProposal) built from the address
 * table (the OSC door's entries): one node per address with FULL_PATH, TYPE, ACCESS (1 read, 2 write), RANGE and
 * DESCRIPTION, containers with CONTENTS. Template addresses (/mb/param/{name}) are expanded
 * with the parameter names of the loaded models.
 *
 * @example
 * const ns = buildNamespace(['cutoff']);
 * ns.CONTENTS.mb.CONTENTS.param.CONTENTS.cutoff.FULL_PATH; // '/mb/param/cutoff'
 */
export interface OscQueryRange {
  MIN?: number;
  MAX?: number;
  VALS?: readonly string[];
}

export interface OscQueryNode {
  FULL_PATH: string;
  DESCRIPTION?: string;
  CONTENTS?: Record<string, OscQueryNode>;
  TYPE?: string;
  ACCESS?: 0 | 1 | 2 | 3;
  RANGE?: (OscQueryRange | null)[];
  /** Every accepted form as a type-tag string; '…' marks a repeated last argument (extension). */
  MB_SIGNATURES?: string[];
}

const ACCESS = { r: 1, w: 2 } as const;

function range(a: ArgSpec): OscQueryRange | null {
  if (a.values) return { VALS: a.values };
  if (a.min === undefined && a.max === undefined) return null;
  return { MIN: a.min, MAX: a.max };
}

function leaf(entry: TableEntry, fullPath: string): OscQueryNode {
  const main = entry.signatures[0];
  return {
    FULL_PATH: fullPath,
    DESCRIPTION: entry.description,
    TYPE: main.map((a) => a.type).join(''),
    ACCESS: ACCESS[entry.access],
    RANGE: main.map(range),
    MB_SIGNATURES: entry.signatures.map((sig) => sig.map((a) => `${a.type}${a.repeat ? '…' : ''}`).join('')),
  };
}

function insert(root: OscQueryNode, fullPath: string, node: OscQueryNode): void {
  const parts = fullPath.split('/').filter(Boolean);
  let at = root;
  parts.forEach((part, i) => {
    at.CONTENTS ??= {};
    const path = `/${parts.slice(0, i + 1).join('/')}`;
    at.CONTENTS[part] ??= { FULL_PATH: path, ACCESS: 0 };
    at = at.CONTENTS[part];
  });
  Object.assign(at, node);
}

/** The namespace for the given parameter names (the union over loaded models). */
export function buildNamespace(paramNames: readonly string[] = [], table: readonly TableEntry[] = entriesAt('osc')): OscQueryNode {
  const root: OscQueryNode = { FULL_PATH: '/', DESCRIPTION: 'mirrorbridge', CONTENTS: {}, ACCESS: 0 };
  for (const entry of table) {
    if (entry.direction === 'out' && entry.external) continue;
    const paths = entry.address.includes('{name}') ? paramNames.map((n) => fillAddress(entry.address, n)) : [entry.address];
    for (const p of paths) insert(root, p, leaf(entry, p));
  }
  insert(root, `${OSC_ROOT}/param`, { FULL_PATH: `${OSC_ROOT}/param`, DESCRIPTION: 'One address per parameter of the loaded models.' });
  return root;
}

/** The node at `path` ('/' for the root), or undefined. */
export function findNode(root: OscQueryNode, path: string): OscQueryNode | undefined {
  let at: OscQueryNode | undefined = root;
  for (const part of path.split('/').filter(Boolean)) {
    at = at?.CONTENTS?.[part];
    if (!at) return undefined;
  }
  return at;
}
