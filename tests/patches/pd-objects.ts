/**
 * Inlet and outlet counts of the vanilla Pd (0.53) objects the patches use, as rules over
 * their creation arguments. tests/patches/pd-objects.test.ts checks every rule against Pd
 * itself (through the pdinspect test external) for each object text the patches contain.
 * A class missing here is, for the validator, not vanilla.
 */
export interface Io {
  inlets: number;
  outlets: number;
}

type Rule = (args: string[], text: string) => Io;

const fixed = (inlets: number, outlets: number): Rule => () => ({ inlets, outlets });
/** route/select: one argument adds a right inlet that changes it. */
const matcher: Rule = (args) => (args.length <= 1 ? { inlets: 2, outlets: 2 } : { inlets: 1, outlets: args.length + 1 });
/** Highest $f/$i/$s (and $v for expr~) index: the number of inlets. */
function exprInlets(text: string): number {
  let n = 1;
  for (const m of text.matchAll(/\$[fisv](\d+)/g)) n = Math.max(n, Number(m[1]));
  return n;
}
const exprOutlets = (text: string) => text.split(/\\?;/).filter((part) => part.trim() !== '').length;
const expr: Rule = (_a, text) => ({ inlets: exprInlets(text), outlets: exprOutlets(text) });
const listOf: Rule = (args) => {
  const sub = args[0] ?? 'append';
  const io: Record<string, Io> = {
    append: { inlets: 2, outlets: 1 },
    prepend: { inlets: 2, outlets: 1 },
    split: { inlets: 2, outlets: 3 },
    trim: { inlets: 1, outlets: 1 },
    length: { inlets: 1, outlets: 1 },
    store: { inlets: 2, outlets: 2 },
    fromsymbol: { inlets: 1, outlets: 1 },
    tosymbol: { inlets: 1, outlets: 1 },
  };
  const r = io[sub] ?? (Number.isFinite(Number(sub)) ? io.append : undefined);
  if (!r) throw new Error(`list ${sub}: not in the table`);
  return r;
};
const arrayOf: Rule = (args) => {
  const io: Record<string, Io> = {
    define: { inlets: 1, outlets: 1 },
    get: { inlets: 3, outlets: 1 },
    set: { inlets: 3, outlets: 0 },
    size: { inlets: 2, outlets: 1 },
  };
  const r = io[args[0]];
  if (!r) throw new Error(`array ${args[0]}: not in the table`);
  return r;
};
const count = (args: string[], fallback: number) => (args.length > 0 ? args.length : fallback);

export const PD_VANILLA: Record<string, Rule> = {
  inlet: fixed(0, 1),
  'inlet~': fixed(1, 2),
  outlet: fixed(1, 0),
  'outlet~': fixed(1, 0),
  t: (args) => ({ inlets: 1, outlets: count(args, 2) }),
  trigger: (args) => ({ inlets: 1, outlets: count(args, 2) }),
  r: (args) => ({ inlets: args.length > 0 ? 0 : 1, outlets: 1 }),
  receive: (args) => ({ inlets: args.length > 0 ? 0 : 1, outlets: 1 }),
  s: (args) => ({ inlets: args.length > 0 ? 1 : 2, outlets: 0 }),
  send: (args) => ({ inlets: args.length > 0 ? 1 : 2, outlets: 0 }),
  's~': fixed(1, 0),
  'r~': fixed(1, 1),
  list: listOf,
  array: arrayOf,
  f: fixed(2, 1),
  float: fixed(2, 1),
  symbol: fixed(2, 1),
  route: matcher,
  sel: (args) => matcher(args.length === 0 ? ['0'] : args, ''),
  select: (args) => matcher(args.length === 0 ? ['0'] : args, ''),
  print: fixed(1, 0),
  pack: (args) => ({ inlets: count(args, 2), outlets: 1 }),
  unpack: (args) => ({ inlets: 1, outlets: count(args, 2) }),
  expr,
  'expr~': expr,
  clip: fixed(3, 1),
  '*~': fixed(2, 1),
  '+~': fixed(2, 1),
  '-~': fixed(2, 1),
  '/~': fixed(2, 1),
  '*': fixed(2, 1),
  '+': fixed(2, 1),
  '-': fixed(2, 1),
  '/': fixed(2, 1),
  '==': fixed(2, 1),
  '!=': fixed(2, 1),
  '>': fixed(2, 1),
  '<': fixed(2, 1),
  mod: fixed(2, 1),
  moses: fixed(2, 2),
  spigot: fixed(2, 1),
  change: fixed(1, 1),
  random: fixed(2, 1),
  metro: fixed(2, 1),
  delay: fixed(2, 1),
  line: fixed(3, 1),
  'line~': fixed(2, 1),
  'vline~': fixed(3, 1),
  loadbang: fixed(0, 1),
  samplerate: fixed(1, 1),
  'samplerate~': fixed(1, 1),
  'phasor~': fixed(2, 1),
  'osc~': fixed(2, 1),
  'cos~': fixed(1, 1),
  'lop~': fixed(2, 1),
  'vcf~': fixed(3, 2),
  'noise~': fixed(1, 1),
  'tabread4~': fixed(2, 1),
  tabread: fixed(1, 1),
  tabwrite: fixed(2, 0),
  savepanel: fixed(1, 1),
  textfile: fixed(1, 2),
  'biquad~': fixed(1, 1),
  'mtof~': fixed(1, 1),
  mtof: fixed(1, 1),
  'dbtorms~': fixed(1, 1),
  'snapshot~': fixed(1, 1),
  'tabsend~': fixed(1, 0),
  'tabwrite~': fixed(1, 0),
  'tabplay~': fixed(1, 2),
  'bang~': fixed(1, 1),
  'block~': fixed(1, 0),
  'adc~': (args) => ({ inlets: 1, outlets: count(args, 2) }),
  'dac~': (args) => ({ inlets: count(args, 2), outlets: 0 }),
  soundfiler: fixed(1, 2),
  makefilename: fixed(1, 1),
  pdcontrol: fixed(1, 1),
  text: (args) => (args[0] === 'define' ? { inlets: 1, outlets: 2 } : args[0] === 'insert' ? { inlets: 3, outlets: 0 } : { inlets: 2, outlets: 1 }),
  openpanel: fixed(1, 1),
  oscformat: fixed(1, 1),
  oscparse: fixed(1, 1),
  fudiparse: fixed(1, 1),
  until: fixed(2, 1),
  netsend: fixed(1, 2),
  netreceive: (args) => (args.includes('-u') ? { inlets: 1, outlets: 1 } : { inlets: 1, outlets: 2 }),
  declare: fixed(0, 0),
  // IEM GUIs keep their inlet and outlet in Pd 0.53 even with send/receive names set.
  tgl: fixed(1, 1),
  bng: fixed(1, 1),
  hsl: fixed(1, 1),
  vsl: fixed(1, 1),
  hradio: fixed(1, 1),
  vradio: fixed(1, 1),
  nbx: fixed(1, 1),
};

/** Our compiled externals (externals/), by class. */
export const PD_EXTERNALS: Record<string, Io> = {
  'mbstream~': { inlets: 1, outlets: 2 },
};
