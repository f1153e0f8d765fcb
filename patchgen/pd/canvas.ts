/**
 * A small builder for Pd patch files (.pd), used by the Pd generators (patchgen/pd).
 * Objects are referred to by the handle `add` returns, never by index, so connections
 * cannot drift when a patch changes. Text is written as one would type it in Pd (`expr if($f1>0, 1, 0)`,
 * `; pd dsp 1`); the builder escapes `$`, `,` and `;` the way Pd saves them.
 *
 * @example
 * const p = new PdCanvas({ width: 400, height: 300 });
 * const osc = p.obj(20, 20, 'osc~ 440');
 * const dac = p.obj(20, 60, 'dac~');
 * p.connect(osc, 0, dac, 0).connect(osc, 0, dac, 1);
 * writeFileSync('beep.pd', p.toString());
 */
export interface PdNode {
  readonly index: number;
  readonly canvas: PdCanvas;
}

export interface CanvasOptions {
  width?: number;
  height?: number;
  x?: number;
  y?: number;
  font?: number;
}

export interface GraphOptions {
  width?: number;
  height?: number;
  yTop?: number;
  yBottom?: number;
  /** 0: polygon, 1: points (better for drawing by hand), 2: bezier. */
  style?: number;
  /** Values to store in the file; without them the array is not saved. */
  values?: readonly number[];
}

/** Escapes Pd's special characters in typed text: `$` as `\$`, `,` and `;` as separate escaped atoms. */
export function pdEscape(text: string): string {
  return text
    .replace(/\$/g, '\\$')
    .replace(/\s*,\s*/g, ' \\, ')
    .replace(/\s*;\s*/g, ' \\; ')
    .replace(/\s+/g, ' ')
    .trim();
}

function num(v: number): string {
  return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(6)));
}

interface Line {
  kind: 'line';
  text: string;
}
interface Sub {
  kind: 'sub';
  canvas: PdCanvas;
  restore: string;
}

export class PdCanvas {
  private readonly items: (Line | Sub)[] = [];
  private readonly connections: string[] = [];
  private readonly declarations: string[] = [];
  private count = 0;
  private readonly header: string;

  constructor(opts: CanvasOptions = {}, subName?: string) {
    const { x = 0, y = 50, width = 700, height = 500, font = 12 } = opts;
    this.header = subName === undefined ? `#N canvas ${x} ${y} ${width} ${height} ${font};` : `#N canvas ${x} ${y} ${width} ${height} ${subName} 0;`;
  }

  private push(text: string): PdNode {
    this.items.push({ kind: 'line', text });
    return { index: this.count++, canvas: this };
  }

  /** An object box, e.g. `obj(10, 10, 'osc~ 440')`. */
  obj(x: number, y: number, text: string): PdNode {
    return this.push(`#X obj ${x} ${y} ${pdEscape(text)};`);
  }

  /**
   * A [declare] box. Pd applies declarations from the `#X declare` line it saves right after
   * the canvas header (read before any object is created), so both are written.
   */
  declare(x: number, y: number, args: string): PdNode {
    this.declarations.push(`#X declare ${pdEscape(args)};`);
    return this.obj(x, y, `declare ${args}`);
  }

  /** A message box; `$1`, `,` and `;` work as in Pd's editor. */
  msg(x: number, y: number, text: string): PdNode {
    return this.push(`#X msg ${x} ${y} ${pdEscape(text)};`);
  }

  /** A comment, wrapped at `width` characters. */
  text(x: number, y: number, text: string, width = 60): PdNode {
    return this.push(`#X text ${x} ${y} ${pdEscape(text)}, f ${width};`);
  }

  floatatom(x: number, y: number, width = 5, min = 0, max = 0, receive = '-', send = '-'): PdNode {
    return this.push(`#X floatatom ${x} ${y} ${width} ${num(min)} ${num(max)} 0 - ${receive} ${send} 0;`);
  }

  symbolatom(x: number, y: number, width = 12): PdNode {
    return this.push(`#X symbolatom ${x} ${y} ${width} 0 0 0 - - - 0;`);
  }

  listbox(x: number, y: number, width = 30): PdNode {
    return this.push(`#X listbox ${x} ${y} ${width} 0 0 0 - - - 0;`);
  }

  /** A toggle; `receive` makes it settable with [s name] or pd -send "name 1". */
  toggle(x: number, y: number, label = 'empty', receive = 'empty'): PdNode {
    return this.push(`#X obj ${x} ${y} tgl 15 0 empty ${receive} ${label} 17 7 0 10 #fcfcfc #000000 #000000 0 1;`);
  }

  bang(x: number, y: number, label = 'empty'): PdNode {
    return this.push(`#X obj ${x} ${y} bng 15 250 50 0 empty empty ${label} 17 7 0 10 #fcfcfc #000000 #000000;`);
  }

  /** Horizontal slider over [min, max]. */
  hslider(x: number, y: number, min = 0, max = 1, label = 'empty', width = 128, receive = 'empty'): PdNode {
    return this.push(`#X obj ${x} ${y} hsl ${width} 15 ${num(min)} ${num(max)} 0 0 empty ${receive} ${label} -2 -8 0 10 #fcfcfc #000000 #000000 0 1;`);
  }

  /** Horizontal radio with `n` cells; `receive` as for toggle. */
  hradio(x: number, y: number, n: number, receive = 'empty'): PdNode {
    return this.push(`#X obj ${x} ${y} hradio 15 1 0 ${n} empty ${receive} empty 0 -8 0 10 #fcfcfc #000000 #000000 0;`);
  }

  /** A graph-on-parent array (drawable with the mouse in run mode). */
  array(x: number, y: number, name: string, size: number, o: GraphOptions = {}): PdNode {
    const { width = 200, height = 100, yTop = 1, yBottom = -1, style = 0, values } = o;
    const sub = new PdCanvas({ x: 0, y: 50, width: 450, height: 250 }, '(subpatch)');
    const save = values ? 1 : 0;
    sub.items.push({ kind: 'line', text: `#X array ${pdEscape(name)} ${size} float ${save + 2 * style};` });
    if (values) sub.items.push({ kind: 'line', text: `#A 0 ${values.map(num).join(' ')};` });
    sub.items.push({ kind: 'line', text: `#X coords 0 ${num(yTop)} ${size} ${num(yBottom)} ${width} ${height} 1 0 0;` });
    this.items.push({ kind: 'sub', canvas: sub, restore: `#X restore ${x} ${y} graph;` });
    return { index: this.count++, canvas: this };
  }

  /** A named subpatch [pd name]; fill the returned canvas. */
  subpatch(x: number, y: number, name: string, opts: CanvasOptions = {}): { node: PdNode; canvas: PdCanvas } {
    const canvas = new PdCanvas({ x: 60, y: 80, width: 500, height: 400, ...opts }, name);
    this.items.push({ kind: 'sub', canvas, restore: `#X restore ${x} ${y} pd ${pdEscape(name)};` });
    return { node: { index: this.count++, canvas: this }, canvas };
  }

  connect(from: PdNode, outlet: number, to: PdNode, inlet: number): this {
    if (from.canvas !== this || to.canvas !== this) throw new Error('connect: both objects must be on this canvas');
    this.connections.push(`#X connect ${from.index} ${outlet} ${to.index} ${inlet};`);
    return this;
  }

  /** Connects outlet 0 to inlet 0 along a chain of objects. */
  chain(...nodes: PdNode[]): this {
    for (let i = 1; i < nodes.length; i++) this.connect(nodes[i - 1], 0, nodes[i], 0);
    return this;
  }

  toString(): string {
    const out: string[] = [this.header, ...this.declarations];
    for (const item of this.items) {
      if (item.kind === 'line') out.push(item.text);
      else out.push(item.canvas.toString().trimEnd(), item.restore);
    }
    out.push(...this.connections);
    return `${out.join('\n')}\n`;
  }
}
