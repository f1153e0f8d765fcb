/**
 * The key under which a Max box's inlets and outlets are compared with real saves: the class
 * and the shape of its arguments, not their values, so `route up down` and `route ready busy`
 * share `route s s`, while `+ 0` (int out) and `+ 0.` (float out) differ. A UI box or a
 * message box is its maxclass. Attributes (@name value) do not count.
 *
 * Shapes: an int literal is i, a float f, a #N / $N argument #, a symbol s; the type letters of
 * [t] / [trigger] / [unpack] / [pack] / [pak] stay as they are (b i f l s a); [expr] is keyed
 * by its highest $ inlet, [sprintf] by its number of % fields; an argument that sets a
 * number of outlets or channels ([gate 3], [play~ buf 2], [vst~ 2 2]) keeps its value.
 *
 * @example
 * conformanceKey('newobj', 'route ready busy idle')  // 'route s s s'
 * conformanceKey('newobj', 'pack 0. 0.')             // 'pack f f'
 * conformanceKey('umenu', '')                        // 'umenu'
 */
export function conformanceKey(maxclass: string, text: string): string | undefined {
  if (maxclass !== 'newobj') return maxclass || undefined;
  const tokens = text.trim().split(/\s+/).filter(Boolean);
  const cls = tokens[0];
  if (!cls) return undefined;
  const at = tokens.findIndex((t) => t.startsWith('@'));
  const args = tokens.slice(1, at < 0 ? undefined : at);
  if (cls === 'expr' || cls === 'vexpr' || cls === 'if') {
    let n = 1;
    for (const m of text.matchAll(/\$[ifs]?(\d+)/g)) n = Math.max(n, Number(m[1]));
    return `${cls} $${n}`;
  }
  if (cls === 'sprintf') return `sprintf %${(args.join(' ').match(/%[a-z]/g) ?? []).length}`;
  const letters = TYPE_LETTER_CLASSES.has(cls);
  const counts = COUNT_ARGUMENT[cls] ?? -1;
  const shape = args.map((a, i) => {
    if (letters && /^[bifsla]$/.test(a)) return a;
    if (i === counts && /^\d+$/.test(a)) return a;
    if (/^[#$]\d+$/.test(a)) return '#';
    if (/^-?\d+$/.test(a)) return 'i';
    if (/^-?(\d+\.\d*|\.\d+|\d+\.)(e-?\d+)?$/.test(a)) return 'f';
    return 's';
  });
  return [cls, ...shape].join(' ');
}

/**
 * The looser key a box falls back to when real saves never had its exact shape: the class and
 * the number of its arguments (`unpack/10`), for the inlet and outlet counts only.
 */
export function looseKey(maxclass: string, text: string): string | undefined {
  if (maxclass !== 'newobj') return undefined;
  const tokens = text.trim().split(/\s+/).filter(Boolean);
  // An expression's words say nothing of its inlets (its exact key and rule do).
  if (!tokens[0] || ['expr', 'vexpr', 'if', 'sprintf'].includes(tokens[0])) return undefined;
  const at = tokens.findIndex((t) => t.startsWith('@'));
  return `${tokens[0]}/${tokens.slice(1, at < 0 ? undefined : at).length}`;
}

/**
 * What one type letter of [t] / [unpack] gives its outlet in real saves: `t:i` -> "int".
 * Keys of the letters section of the table.
 */
export function letterKeys(maxclass: string, text: string): { key: string; at: number }[] {
  if (maxclass !== 'newobj') return [];
  const [cls, ...args] = text.trim().split(/\s+/);
  const c = cls === 'trigger' ? 't' : cls;
  if (c !== 't' && c !== 'unpack') return [];
  return args.filter((a) => !a.startsWith('@')).map((a, at) => ({ key: `${c}:${/^[bifsla]$/.test(a) ? a : /^-?\d+$/.test(a) ? 'i' : /\./.test(a) ? 'f' : 's'}`, at }));
}

/** The argument (0-based) whose value is a count of outlets or channels. */
const COUNT_ARGUMENT: Record<string, number> = { gate: 0, 'play~': 1, 'record~': 1, 'vst~': 0, 'dac~': -1 };

/** The class-wide key (`unpack/*`): every save of the class, whatever its arguments. */
export function classKey(maxclass: string, text: string): string | undefined {
  if (maxclass !== 'newobj') return undefined;
  const cls = text.trim().split(/\s+/)[0];
  return cls ? `${cls}/*` : undefined;
}

const TYPE_LETTER_CLASSES = new Set(['t', 'trigger', 'unpack', 'pack', 'pak']);

/** One (inlets, outlets, outlet types) combination real saves give a key, how often, and where from. */
export interface RealObject {
  inlets: number;
  outlets: number;
  outlettype: string[];
  /** How many boxes of that key had exactly these counts and types. */
  seen: number;
  /** Up to three: "owner/repo@commit:path". */
  sources: string[];
}

/** Key -> its combinations, the most seen first (exact keys, loose keys and letter keys alike). */
export type RealTable = Record<string, RealObject[]>;
