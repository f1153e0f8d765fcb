import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

/**
 * A small interpreter for the message side of the generated Max patches, enough to run what
 * they do at load and on the bridge's replies: loadbang, send/receive, message boxes (with
 * "set"), route, sel, trigger, unpack, prepend and append (with "set"), sprintf, zl.reg, zl.slice,
 * zl.len, coll (lists stored under their first number, "clear"), multislider (a list sets the
 * sliders, "size"), umenu, number boxes, subpatchers and abstractions found in
 * patches/max/patchers, and node.script, whose
 * inlet and outlet are a fake max-api's send() and outlet cord. Messages travel depth first,
 * and a trigger fires its outlets right to left, as in Max. Objects it does not know take
 * messages and say nothing (they are listed in `unknown`), so a path through them stops.
 *
 * @example
 * const sim = new MaxSim({ send: (...m) => api.send(...m) });
 * const patch = sim.load('patches/max/patchers/mirrorbridge.vocal-sketch.maxpat');
 * api.onOutlet((m) => sim.fromScript(m));
 * sim.loadbang();                         // Max fires loadbang before node.script runs
 */
export type Atom = string | number;
export type Message = Atom[];

interface BoxJson {
  id: string;
  maxclass: string;
  text?: string;
  patcher?: { boxes: { box: BoxJson }[]; lines: { patchline: { source: [string, number]; destination: [string, number] } }[] };
}

export interface SimBox {
  readonly id: string;
  readonly maxclass: string;
  readonly text: string;
  /** What it holds: a message box's text, a zl.reg's list, a umenu's items, a number box's value, a multislider's values. */
  state: Message;
  /** A coll's entries: address -> the list stored there. */
  readonly entries?: Map<Atom, Message>;
  /** Every message it received, per inlet. */
  readonly received: [number, Message][];
  outlets: { to: SimBox; inlet: number }[][];
  receive(inlet: number, m: Message): void;
}

export interface MaxSimOptions {
  /** node.script's inlet (the fake max-api's send). */
  send(...atoms: Atom[]): unknown;
  /** Folder of abstractions (mb.bridge.maxpat ...). */
  abstractions?: string;
}

const BANG: Message = ['bang'];
/** What a message box takes besides numbers: the rest is "doesn't understand". */
const MESSAGE_BOX_SELECTORS = new Set(['bang', 'set', 'append', 'prepend', 'list', 'symbol', 'int', 'float']);
const atoms = (text: string): Message => text.split(/\s+/).filter(Boolean).map((w) => (/^-?\d+(\.\d+)?$/.test(w) ? Number(w) : w));

export class MaxSim {
  readonly boxes: SimBox[] = [];
  readonly unknown = new Set<string>();
  /** What Max would print as an error (a message box given a selector it does not understand). */
  readonly errors: string[] = [];
  private readonly buses = new Map<string, SimBox[]>();
  private readonly scripts: SimBox[] = [];
  private readonly loadbangs: SimBox[] = [];
  private readonly abstractions: string;

  constructor(private readonly options: MaxSimOptions) {
    this.abstractions = options.abstractions ?? 'patches/max/patchers';
  }

  /** Loads a .maxpat/.maxhelp file (its abstractions and subpatchers with it); returns its boxes. */
  load(file: string, args: Atom[] = []): SimBox[] {
    const json = JSON.parse(readFileSync(file, 'utf8')) as { patcher: NonNullable<BoxJson['patcher']> };
    return this.instantiate(json.patcher, args).boxes;
  }

  /** Fires every loadbang (what Max does once the patch has loaded). */
  loadbang(): void {
    for (const lb of this.loadbangs) this.emit(lb, 0, BANG);
  }

  /** A message out of node.script's left outlet (the fake max-api's outlet cord). */
  fromScript(m: Message): void {
    for (const s of this.scripts) this.emit(s, 0, m);
  }

  /** Boxes whose text starts with `prefix` (a maxclass for UI boxes). */
  find(prefix: string): SimBox[] {
    return this.boxes.filter((b) => b.text.startsWith(prefix) || b.maxclass === prefix);
  }

  private instantiate(patcher: NonNullable<BoxJson['patcher']>, args: Atom[]): { boxes: SimBox[]; inlets: SimBox[]; outlets: SimBox[] } {
    const byId = new Map<string, SimBox>();
    const rects = new Map<string, number>();
    const inlets: SimBox[] = [];
    const outlets: SimBox[] = [];
    for (const { box } of patcher.boxes) {
      const text = (box.text ?? '').replace(/#(\d)/g, (_, n: string) => String(args[Number(n) - 1] ?? 0));
      const b = this.make(box, text);
      byId.set(box.id, b);
      rects.set(box.id, ((box as unknown as { patching_rect?: number[] }).patching_rect ?? [0])[0]);
      if (box.maxclass === 'inlet') inlets.push(b);
      if (box.maxclass === 'outlet') outlets.push(b);
    }
    for (const { patchline } of patcher.lines) {
      const from = byId.get(patchline.source[0]);
      const to = byId.get(patchline.destination[0]);
      if (!from || !to) throw new Error(`max-sim: a line between missing boxes ${patchline.source[0]} -> ${patchline.destination[0]}`);
      (from.outlets[patchline.source[1]] ??= []).push({ to, inlet: patchline.destination[1] });
    }
    const x = (b: SimBox) => rects.get(b.id) ?? 0;
    inlets.sort((a, b) => x(a) - x(b));
    outlets.sort((a, b) => x(a) - x(b));
    return { boxes: [...byId.values()], inlets, outlets };
  }

  private make(json: BoxJson, text: string): SimBox {
    const sim = this;
    const [cls, ...rest] = text.split(/\s+/);
    const args = atoms(rest.join(' '));
    const box: SimBox = {
      id: json.id,
      maxclass: json.maxclass,
      text,
      state: [],
      received: [],
      outlets: [],
      receive(inlet, m) {
        box.received.push([inlet, m]);
        behaviour(inlet, m);
      },
    };
    const out = (outlet: number, m: Message) => sim.emit(box, outlet, m);
    let behaviour: (inlet: number, m: Message) => void = () => undefined;
    const klass = json.maxclass === 'newobj' ? cls : json.maxclass;
    this.boxes.push(box);
    switch (klass) {
      case 'message':
        box.state = atoms(text);
        behaviour = (_i, m) => {
          if (m[0] === 'set') box.state = m.slice(1);
          // Max's message box: any other selector that is a bare word is not understood.
          else if (typeof m[0] === 'string' && !MESSAGE_BOX_SELECTORS.has(m[0])) sim.errors.push(`message box "${text}": doesn't understand "${m[0]}"`);
          else if (box.state.length > 0) out(0, box.state);
        };
        break;
      case 'comment':
      case 'inlet':
      case 'outlet':
      case 'ezdac~':
      case 'ezadc~':
      case 'function':
      case 'toggle':
      case 'dropfile':
        behaviour = (_i, m) => out(0, m);
        break;
      case 'button':
        behaviour = () => out(0, BANG);
        break;
      case 'number':
      case 'flonum':
        behaviour = (_i, m) => {
          box.state = m;
          out(0, m);
        };
        break;
      case 'umenu':
        behaviour = (_i, m) => {
          if (m[0] === 'clear') box.state = [];
          else if (m[0] === 'append') box.state = [...box.state, m.slice(1).join(' ')];
          else if (typeof m[0] === 'number') {
            out(0, [m[0]]);
            out(1, [box.state[m[0]] ?? '']);
          }
        };
        break;
      case 'loadbang':
        this.loadbangs.push(box);
        break;
      case 's':
      case 'send':
        behaviour = (_i, m) => {
          for (const r of this.buses.get(String(args[0])) ?? []) this.emit(r, 0, m);
        };
        break;
      case 'r':
      case 'receive':
        this.buses.set(String(args[0]), [...(this.buses.get(String(args[0])) ?? []), box]);
        break;
      case 'node.script':
        this.scripts.push(box);
        behaviour = (_i, m) => void this.options.send(...m);
        break;
      case 'print':
        break;
      case 'unpack':
        // right to left, as Max does
        behaviour = (_i, m) => {
          for (let k = Math.min(args.length, m.length) - 1; k >= 0; k--) out(k, [m[k]]);
        };
        break;
      case 'route':
      case 'sel':
      case 'select':
        behaviour = (_i, m) => {
          const at = args.findIndex((a) => a === m[0]);
          if (at < 0) return out(args.length, m);
          out(at, klass === 'route' && m.length > 1 ? m.slice(1) : BANG);
        };
        break;
      case 't':
      case 'trigger':
        behaviour = (_i, m) => {
          for (let k = args.length - 1; k >= 0; k--) out(k, args[k] === 'b' ? BANG : m);
        };
        break;
      // "set <message>" replaces what they add (Max 8: one inlet), anything else goes through.
      case 'prepend': {
        let added = args;
        behaviour = (_i, m) => (m[0] === 'set' ? void (added = m.slice(1)) : out(0, [...added, ...(m[0] === 'bang' ? [] : m)]));
        break;
      }
      case 'append': {
        let added = args;
        behaviour = (_i, m) => (m[0] === 'set' ? void (added = m.slice(1)) : out(0, [...m, ...added]));
        break;
      }
      case 'coll': {
        const entries = new Map<Atom, Message>();
        (box as { entries?: Map<Atom, Message> }).entries = entries;
        behaviour = (_i, m) => {
          if (m[0] === 'clear') entries.clear();
          else if (typeof m[0] === 'number' && m.length > 1) entries.set(m[0], m.slice(1));
          else if (typeof m[0] === 'number') out(0, entries.get(m[0]) ?? []);
        };
        break;
      }
      case 'multislider':
        behaviour = (_i, m) => {
          if (m[0] === 'size') box.state = box.state.slice(0, Number(m[1]));
          else if (typeof m[0] === 'number') {
            box.state = m;
            out(0, m);
          }
        };
        break;
      case 'zl.len':
        behaviour = (_i, m) => out(0, [m[0] === 'bang' ? 0 : m.length]);
        break;
      case 'sprintf': {
        behaviour = (_i, m) => {
          let k = 0;
          out(0, [rest.join(' ').replace(/%[sdif]/g, () => String(m[k++] ?? ''))]);
        };
        break;
      }
      case 'zl.reg':
        behaviour = (inlet, m) => {
          if (inlet === 1) box.state = m;
          else if (m[0] === 'bang') out(0, box.state);
          else {
            box.state = m;
            out(0, m);
          }
        };
        break;
      case 'zl.slice':
        behaviour = (_i, m) => {
          const n = Number(args[0] ?? 0);
          out(1, m.slice(n));
          out(0, m.slice(0, n));
        };
        break;
      default: {
        const file = path.join(this.abstractions, `${cls}.maxpat`);
        if (json.maxclass === 'newobj' && (json.patcher || existsSync(file))) {
          const inner = json.patcher ?? (JSON.parse(readFileSync(file, 'utf8')) as { patcher: NonNullable<BoxJson['patcher']> }).patcher;
          const sub = this.instantiate(inner, args);
          behaviour = (inlet, m) => sub.inlets[inlet] && this.emit(sub.inlets[inlet], 0, m);
          sub.outlets.forEach((o, k) => ((o as { receive: SimBox['receive'] }).receive = (_i, m) => (o.received.push([0, m]), out(k, m))));
        } else this.unknown.add(klass);
      }
    }
    return box;
  }

  private emit(from: SimBox, outlet: number, m: Message): void {
    for (const { to, inlet } of from.outlets[outlet] ?? []) to.receive(inlet, m);
  }
}
