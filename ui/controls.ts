import { f, i, s } from './bridge';
import type { PageArg, PageVerb } from './catalog';
import type { OscArg } from '../src/net/osc/wire';

/**
 * The live stream's controls, built from the verb table: every verb under the model kind's
 * prefix whose arguments (after the stream id, where it takes one) are each a bounded number (a
 * slider, with its unit) or a choice (a menu). For a MirrorNet stream (/mb/stream/): the voice
 * mapping (transpose, fold, quantize, glide, gate, per-parameter smoothing, range and curve),
 * the pitch source, the output smoothing; for a VQ stream (/mb/vq/): the live deformation and
 * the interpolation plane, which are the client's settings (no stream id). The verb
 * table declares no defaults for most of them, so a control shows "bridge's setting" (and no
 * value) and sends nothing until each of its numbers has a value (declared, or moved by the
 * performer: choosing a deformation does not send "scale 0"); once sent it is re-sent whenever
 * the stream is re-opened.
 *
 * @example
 * const controls = new StreamControls(div, catalog.verbs, '/mb/stream/', (address, args, withId) => live.send(address, args));
 */
const isNumber = (a: PageArg) => (a.type === 'i' || a.type === 'f') && Number.isFinite(a.min) && Number.isFinite(a.max) && !a.repeat;
const isChoice = (a: PageArg) => a.type === 's' && (a.values?.length ?? 0) > 0;

/** Where the controls of a model kind live in the verb table. */
export const CONTROL_PREFIX: Record<string, string> = { 'mirrornet-stream': '/mb/stream/', vqvae: '/mb/vq/' };

const takesStreamId = (v: PageVerb) => v.signatures[0]?.[0]?.name === 'id';
const settings = (v: PageVerb) => (v.signatures[0] ?? []).slice(takesStreamId(v) ? 1 : 0);

/** The verbs under `prefix` that are controls, in table order. */
export function controlVerbs(verbs: readonly PageVerb[], prefix: string): PageVerb[] {
  return verbs.filter((v) => {
    const rest = settings(v);
    return v.direction === 'in' && v.address.startsWith(prefix) && rest.length > 0 && rest.every((a) => isNumber(a) || isChoice(a));
  });
}

/** Where a slider starts: the declared default, else 0 when in range, else the low end. */
function startValue(a: PageArg): number {
  if (typeof a.default === 'number') return a.default;
  return a.min! <= 0 && 0 <= a.max! ? 0 : a.min!;
}

/** 'semitones (st)'; a unit that only repeats the name ('ms', 'db') is given once, as the unit. */
const label = (a: PageArg) => (!a.unit ? a.name : a.unit.toLowerCase() === a.name.toLowerCase() ? a.unit : `${a.name} (${a.unit})`);

interface Row {
  verb: PageVerb;
  read: () => OscArg[];
  /** Shows the row's values that have one. */
  show: () => void;
  /** Every number of the row has a value (declared default or moved). */
  ready: () => boolean;
  touched: boolean;
  state: HTMLElement;
}

export class StreamControls {
  private readonly rows: Row[] = [];

  constructor(
    root: HTMLElement,
    verbs: readonly PageVerb[],
    prefix: string,
    /** Sends a control; `withId`: the verb takes the stream id first. False when nothing was sent. */
    private readonly send: (address: string, args: OscArg[], withId: boolean) => boolean,
  ) {
    root.replaceChildren(...controlVerbs(verbs, prefix).map((v) => this.row(v)));
  }

  private row(verb: PageVerb): HTMLElement {
    const box = document.createElement('fieldset');
    box.className = 'control';
    box.dataset.address = verb.address;
    box.title = verb.description;
    const legend = document.createElement('legend');
    legend.textContent = verb.address.replace(/^\/mb\/(stream\/)?/, '');
    const state = document.createElement('span');
    state.className = 'control-state';
    state.textContent = "bridge's setting";
    legend.append(' ', state);
    box.append(legend);
    const inputs = settings(verb).map((a) => this.input(box, a, () => this.changed(row)));
    const row: Row = { verb, read: () => inputs.map((x) => x.read()), show: () => inputs.forEach((x) => x.show()), ready: () => inputs.every((x) => x.set()), touched: false, state };
    this.rows.push(row);
    return box;
  }

  /** One argument's input: the reader of its OSC value and the display of its value. */
  private input(box: HTMLElement, a: PageArg, onChange: () => void): { read: () => OscArg; show: () => void; set: () => boolean } {
    const wrap = document.createElement('label');
    wrap.title = a.description;
    wrap.append(`${label(a)} `);
    if (isChoice(a)) {
      const select = document.createElement('select');
      select.name = a.name;
      select.append(...a.values!.map((v) => new Option(v, v)));
      select.onchange = onChange;
      wrap.append(select);
      box.append(wrap);
      return { read: () => s(select.value), show: () => {}, set: () => true };
    }
    const range = document.createElement('input');
    range.type = 'range';
    range.name = a.name;
    range.min = String(a.min);
    range.max = String(a.max);
    range.step = a.type === 'i' ? '1' : String((a.max! - a.min!) / 1000);
    range.value = String(startValue(a));
    const shown = document.createElement('output');
    const show = () => (shown.textContent = `${Number(range.value).toFixed(a.type === 'i' ? 0 : 2)}${a.unit ? ` ${a.unit}` : ''}`);
    // Until moved the slider does not know the bridge's value: it shows none.
    shown.textContent = typeof a.default === 'number' ? '' : '–';
    if (typeof a.default === 'number') show();
    let moved = typeof a.default === 'number';
    range.oninput = () => {
      moved = true;
      onChange();
    };
    wrap.append(range, shown);
    box.append(wrap);
    return { read: () => (a.type === 'i' ? i(Number(range.value)) : f(Number(range.value))), show: () => moved && show(), set: () => moved };
  }

  private changed(row: Row): void {
    row.show();
    if (!row.ready()) {
      row.state.textContent = 'move each slider to send';
      return;
    }
    row.touched = true;
    row.state.textContent = this.send(row.verb.address, row.read(), takesStreamId(row.verb)) ? 'set' : 'not sent (no stream)';
  }

  /** Sends every control moved so far again (after the stream is re-opened). */
  resend(): void {
    for (const row of this.rows) if (row.touched) row.state.textContent = this.send(row.verb.address, row.read(), takesStreamId(row.verb)) ? 'set' : 'not sent (no stream)';
  }
}
