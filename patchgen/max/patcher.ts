/**
 * A small builder for Max patchers (.maxpat / .maxhelp JSON), used by the Max generators.
 * Boxes are referred to by handle; inlet/outlet counts come from MAX_OBJECTS (the Max 8
 * objects these patches use), so a connection to a missing inlet fails here, at generation,
 * and the patch validator checks the same table.
 *
 * @example
 * const p = new MaxPatcher({ width: 400, height: 300 });
 * const osc = p.obj(20, 20, 'cycle~ 440');
 * const dac = p.obj(20, 60, 'ezdac~');
 * p.connect(osc, 0, dac, 0).connect(osc, 0, dac, 1);
 * writeFileSync('beep.maxpat', p.toString());
 */
export interface MaxIo {
  inlets: number;
  outlets: number;
  outlettype: string[];
}

const S = 'signal';
const io = (inlets: number, outlettype: string[]): MaxIo => ({ inlets, outlets: outlettype.length, outlettype });
const repeat = (n: number, t: string) => Array.from({ length: n }, () => t);
/** Arguments that are not attributes (@name value...). */
const plainArgs = (args: string[]) => {
  const at = args.findIndex((a) => a.startsWith('@'));
  return at < 0 ? args : args.slice(0, at);
};
/** int, or float when the first argument is a float literal ([+ 0.] outputs floats). */
const numberType = (args: string[]) => (/^-?(\d+\.\d*|\.\d+)$/.test(plainArgs(args)[0] ?? '') ? 'float' : 'int');
const dollarInlets = (text: string, prefix: 'i' | 'f' | 's' | 'any') => {
  const re = prefix === 'any' ? /\$[ifs]?(\d+)/g : /\$[ifs](\d+)/g;
  let n = 1;
  for (const m of text.matchAll(re)) n = Math.max(n, Number(m[1]));
  return n;
};

/** Inlets and outlets of the Max objects (newobj class names) the patches use. */
export const MAX_OBJECTS: Record<string, (args: string[], text: string) => MaxIo> = {
  'node.script': () => io(1, ['', '']),
  // Max 8 saves give route and sel one right inlet per argument (patchgen/max/conformance).
  route: (a) => io(Math.max(2, plainArgs(a).length + 1), repeat(plainArgs(a).length + 1, '')),
  sel: (a) => io(Math.max(2, plainArgs(a).length + 1), [...repeat(plainArgs(a).length, 'bang'), '']),
  select: (a) => io(Math.max(2, plainArgs(a).length + 1), [...repeat(plainArgs(a).length, 'bang'), '']),
  prepend: () => io(1, ['']),
  append: () => io(1, ['']),
  t: (a) => io(1, a.map((x) => (x === 'b' ? 'bang' : x === 'i' ? 'int' : x === 'f' ? 'float' : ''))),
  trigger: (a) => io(1, a.map((x) => (x === 'b' ? 'bang' : x === 'i' ? 'int' : x === 'f' ? 'float' : ''))),
  unpack: (a) => io(1, plainArgs(a).map((x) => (x === 'i' ? 'int' : x === 'f' ? 'float' : ''))),
  pack: (a) => io(Math.max(1, plainArgs(a).length), ['']),
  pak: (a) => io(Math.max(1, plainArgs(a).length), ['']),
  'zl.slice': () => io(2, ['', '']),
  'zl.len': () => io(2, ['', '']),
  'zl.nth': () => io(2, ['', '']),
  'zl.reg': () => io(2, ['', '']),
  'zl.iter': () => io(2, ['', '']),
  expr: (_a, text) => io(dollarInlets(text, 'any'), ['']),
  metro: () => io(2, ['bang']),
  qmetro: () => io(2, ['bang']),
  loadbang: () => io(1, ['bang']),
  loadmess: () => io(1, ['']),
  delay: () => io(2, ['bang']),
  gate: (a) => io(2, repeat(Number(plainArgs(a)[0] ?? 1), '')),
  coll: () => io(1, ['', '', '', '']),
  dict: () => io(2, ['dictionary', '', '', '']),
  'buffer~': () => io(1, ['float', 'bang']),
  'play~': (a) => io(Number(plainArgs(a)[1] ?? 1), [...repeat(Number(plainArgs(a)[1] ?? 1), S), 'bang']),
  'record~': (a) => io(Number(plainArgs(a)[1] ?? 1) + 2, [S]),
  'sig~': () => io(1, [S]),
  'line~': () => io(2, [S, 'bang']),
  'curve~': () => io(3, [S, 'bang']),
  '*~': () => io(2, [S]),
  '+~': () => io(2, [S]),
  '-~': () => io(2, [S]),
  '/~': () => io(2, [S]),
  'saw~': () => io(2, [S]),
  'rect~': () => io(3, [S]),
  'cycle~': () => io(2, [S]),
  'phasor~': () => io(2, [S]),
  'mtof~': () => io(1, [S]),
  'dbtoa~': () => io(1, [S]),
  'sqrt~': () => io(1, [S]),
  'tanh~': () => io(1, [S]),
  'clip~': () => io(3, [S]),
  'filtercoeff~': () => io(3, repeat(5, S)),
  'biquad~': () => io(6, [S]),
  'svf~': () => io(3, [S, S, S, S]),
  'noise~': () => io(1, [S]),
  'snapshot~': () => io(2, ['float']),
  'dspstate~': () => io(1, ['int', 'float', 'int', 'int']),
  'jit.catch~': () => io(1, ['jit_matrix', '']),
  'jit.spill': () => io(1, ['', '']),
  'vst~': (a) => io(Math.max(1, Number(plainArgs(a)[0] ?? 2)), [...repeat(Number(plainArgs(a)[1] ?? 2), S), '', 'list', 'int', '', '', '']),
  pcontrol: () => io(1, ['']),
  thispatcher: () => io(1, ['', '']),
  print: () => io(1, []),
  s: () => io(1, []),
  send: () => io(1, []),
  r: () => io(0, ['']),
  receive: () => io(0, ['']),
  'send~': () => io(1, []),
  'receive~': () => io(1, [S]),
  sprintf: (_a, text) => io(Math.max(1, (text.match(/%[sdfi]/g) ?? []).length), ['']),
  tosymbol: () => io(1, ['']),
  defer: () => io(1, ['']),
  deferlow: () => io(1, ['']),
  scale: () => io(6, ['']),
  speedlim: () => io(2, ['']),
  abs: () => io(1, ['']),
  // A float argument makes the arithmetic objects output floats.
  '+': (a) => io(2, [numberType(a)]),
  '*': (a) => io(2, [numberType(a)]),
  '-': (a) => io(2, [numberType(a)]),
  '/': (a) => io(2, [numberType(a)]),
  'f': () => io(2, ['float']),
  'i': () => io(2, ['int']),
  '==': () => io(2, ['int']),
  'listfunnel': () => io(1, ['list']),
  clip: () => io(3, ['']),
  random: () => io(2, ['int']),
  mtof: () => io(1, ['']),
  'line': () => io(3, ['', 'bang']),
  'zl.join': () => io(2, ['', '']),
  'zl.change': () => io(2, ['', '']),
  midiformat: () => io(7, ['int']),
  makenote: () => io(3, ['float', 'float']),
  round: () => io(2, ['']),
  'ezdac~': () => io(2, []),
  'ezadc~': () => io(1, [S, S]),
};

/** Inlets/outlets of UI and special boxes, by maxclass. */
export const MAX_CLASSES: Record<string, MaxIo> = {
  message: io(2, ['']),
  comment: io(1, []),
  toggle: io(1, ['int']),
  button: io(1, ['bang']),
  number: io(1, ['', 'bang']),
  flonum: io(1, ['', 'bang']),
  slider: io(1, ['']),
  multislider: io(1, ['', '']),
  function: io(1, ['float', '', '', 'bang']),
  pictslider: io(2, ['int', 'int']),
  dropfile: io(1, ['', '']),
  umenu: io(1, ['int', '', '']),
  'waveform~': io(5, ['float', 'float', 'float', 'float', 'list', '']),
  'ezdac~': io(2, []),
  'ezadc~': io(1, [S, S]),
  inlet: io(0, ['']),
  outlet: io(1, []),
  panel: io(1, []),
};

export interface MaxBox {
  readonly id: string;
  readonly io: MaxIo;
  readonly patcher: MaxPatcher;
  /** patching_rect: x, y, width, height. */
  readonly rect: readonly [number, number, number, number];
}

export interface PatcherOptions {
  width?: number;
  height?: number;
  /** Presentation mode on open. */
  presentation?: boolean;
}

type Json = Record<string, unknown>;

export class MaxPatcher {
  private readonly boxes: Json[] = [];
  private readonly lines: Json[] = [];
  private count = 0;

  constructor(private readonly opts: PatcherOptions = {}) {}

  private add(maxclass: string, x: number, y: number, w: number, h: number, ioSpec: MaxIo, extra: Json): MaxBox {
    const id = `obj-${++this.count}`;
    this.boxes.push({
      box: {
        id,
        maxclass,
        numinlets: ioSpec.inlets,
        numoutlets: ioSpec.outlets,
        ...(ioSpec.outlets > 0 ? { outlettype: ioSpec.outlettype } : {}),
        patching_rect: [x, y, w, h],
        ...extra,
      },
    });
    return { id, io: ioSpec, patcher: this, rect: [x, y, w, h] };
  }

  /** An object box; its class must be in MAX_OBJECTS (or be an abstraction given `io`). */
  obj(x: number, y: number, text: string, abstractionIo?: MaxIo, extra: Json = {}): MaxBox {
    const [cls, ...args] = text.split(/\s+/);
    const known = MAX_OBJECTS[cls];
    const ioSpec = abstractionIo ?? (known ? known(args, text) : undefined);
    if (!ioSpec) throw new Error(`MaxPatcher: unknown object ${cls} (add it to MAX_OBJECTS or pass its io)`);
    return this.add('newobj', x, y, Math.max(40, text.length * 7 + 14), 22, ioSpec, { text, ...extra });
  }

  /** [p name] with an embedded patcher; its inlets/outlets are counted from the inner boxes. */
  sub(x: number, y: number, name: string, inner: MaxPatcher): MaxBox {
    const ioSpec = inner.ports();
    return this.add('newobj', x, y, name.length * 7 + 30, 22, ioSpec, { text: `p ${name}`, patcher: inner.toJSON().patcher });
  }

  msg(x: number, y: number, text: string): MaxBox {
    return this.add('message', x, y, Math.max(30, text.length * 7 + 12), 22, MAX_CLASSES.message, { text });
  }

  comment(x: number, y: number, text: string, width = 300): MaxBox {
    const lines = Math.max(1, Math.ceil((text.length * 7) / width));
    return this.add('comment', x, y, width, 6 + lines * 14, MAX_CLASSES.comment, { text, linecount: lines });
  }

  ui(maxclass: keyof typeof MAX_CLASSES, x: number, y: number, w: number, h: number, extra: Json = {}): MaxBox {
    return this.add(maxclass, x, y, w, h, MAX_CLASSES[maxclass], extra);
  }

  inlet(x: number, y: number, comment: string): MaxBox {
    return this.ui('inlet', x, y, 30, 30, { comment });
  }

  outlet(x: number, y: number, comment: string): MaxBox {
    return this.ui('outlet', x, y, 30, 30, { comment });
  }

  connect(from: MaxBox, outlet: number, to: MaxBox, inlet: number): this {
    if (from.patcher !== this || to.patcher !== this) throw new Error('connect: both boxes must be in this patcher');
    if (outlet >= from.io.outlets) throw new Error(`connect: ${from.id} has ${from.io.outlets} outlet(s), not ${outlet + 1}`);
    if (inlet >= to.io.inlets) throw new Error(`connect: ${to.id} has ${to.io.inlets} inlet(s), not ${inlet + 1}`);
    this.lines.push({ patchline: { destination: [to.id, inlet], source: [from.id, outlet] } });
    return this;
  }

  chain(...boxes: MaxBox[]): this {
    for (let i = 1; i < boxes.length; i++) this.connect(boxes[i - 1], 0, boxes[i], 0);
    return this;
  }

  /** Inlet/outlet counts of this patcher used as an abstraction or subpatcher. */
  ports(): MaxIo {
    const inlets = this.boxes.filter((b) => (b.box as Json).maxclass === 'inlet').length;
    const outlets = this.boxes.filter((b) => (b.box as Json).maxclass === 'outlet').length;
    return io(inlets, repeat(outlets, ''));
  }

  toJSON(): { patcher: Json } {
    const { width = 900, height = 700, presentation = false } = this.opts;
    return {
      patcher: {
        fileversion: 1,
        appversion: { major: 8, minor: 6, revision: 0, architecture: 'x64', modernui: 1 },
        classnamespace: 'box',
        rect: [80, 80, width, height],
        bglocked: 0,
        openinpresentation: presentation ? 1 : 0,
        default_fontsize: 12,
        default_fontface: 0,
        default_fontname: 'Arial',
        gridonopen: 1,
        gridsize: [15, 15],
        gridsnaponopen: 1,
        objectsnaponopen: 1,
        statusbarvisible: 2,
        toolbarvisible: 1,
        boxes: this.boxes,
        lines: this.lines,
        dependency_cache: [],
        autosave: 0,
      },
    };
  }

  toString(): string {
    return `${JSON.stringify(this.toJSON(), null, '\t')}\n`;
  }
}
