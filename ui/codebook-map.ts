import { axisOf, axisTitle, drawXGrid, drawYGrid, fmt, ticks, unit, type Axis } from './axis';

/**
 * The VQ codebook as a 2-D map: every code a dot placed by two descriptors of the model's
 * descriptor table and coloured by a third (menus built from the table's names), with axes,
 * ticks and a colour bar; the codes of the live stream's last frames are ringed (the newest
 * boldest). A descriptor whose
 * values are all positive and span more than a decade is drawn on a log axis (Hz-like ones).
 * Axes are labelled with the names and units the bridge serves with the table. Clicking a code
 * hands it to `onPick` (the page plays it through /mb/job/draw) and rings it in blue.
 *
 * @example
 * const map = new CodebookMap(div, await (await fetch(model.codebook.descriptors)).json());
 * map.highlight([12, 40]);
 */
export interface DescriptorTable {
  names: string[];
  /** Each descriptor's unit ('' for a ratio), added by the bridge when it serves the table. */
  units?: string[];
  /** values[code][descriptor]. */
  values: number[][];
}

/** Frames of codes kept ringed (about half a second of a 62.5-frame/s stream). */
const TRAIL = 32;
/** How near (px) a click must fall to a code's dot to pick it. */
const PICK_RADIUS = 10;
const W = 560;
const H = 420;
const M = { left: 64, right: 84, top: 16, bottom: 48 };

/** A perceptually ordered ramp (dark blue → yellow), t in 0..1. */
function colour(t: number): string {
  const c = Math.min(1, Math.max(0, t));
  return `hsl(${250 - 200 * c}, 75%, ${28 + 42 * c}%)`;
}

export class CodebookMap {
  private readonly canvas = document.createElement('canvas');
  private readonly selects: HTMLSelectElement[];
  /** The codes of the latest frames, oldest first. */
  private readonly trail: number[] = [];
  /** Codes the stream has used, with how often (for the test and the legend). */
  readonly used = new Map<number, number>();

  /** The code last clicked (ringed in blue), or -1. */
  picked = -1;

  constructor(
    root: HTMLElement,
    private readonly table: DescriptorTable,
    private readonly onPick: (code: number) => void = () => undefined,
  ) {
    const bar = document.createElement('div');
    bar.className = 'map-axes';
    this.selects = ['x', 'y', 'colour'].map((role, k) => {
      const label = document.createElement('label');
      const select = document.createElement('select');
      select.name = role;
      select.append(...table.names.map((n, i) => new Option(n, String(i), false, i === Math.min(k, table.names.length - 1))));
      select.onchange = () => this.draw();
      label.append(`${role} `, select);
      bar.append(label);
      return select;
    });
    this.canvas.width = W;
    this.canvas.height = H;
    this.canvas.className = 'codebook-map';
    this.canvas.onclick = (e) => {
      const r = this.canvas.getBoundingClientRect();
      const code = this.codeNear((e.clientX - r.left) * (W / r.width), (e.clientY - r.top) * (H / r.height));
      if (code < 0) return;
      this.picked = code;
      this.draw();
      this.onPick(code);
    };
    const title = document.createElement('h3');
    title.textContent = `Codebook: ${table.values.length} codes by their descriptors (ringed: the live stream's latest codes; click a code to hear it)`;
    root.replaceChildren(title, bar, this.canvas);
    this.draw();
  }

  /** The codes of the stream's latest frame. */
  highlight(codes: number[]): void {
    this.trail.push(...codes);
    this.trail.splice(0, Math.max(0, this.trail.length - TRAIL));
    for (const c of codes) this.used.set(c, (this.used.get(c) ?? 0) + 1);
    this.dirty = true;
    this.raf ||= requestAnimationFrame(() => {
      this.raf = 0;
      if (this.dirty) this.draw();
    });
  }

  private dirty = false;
  private raf = 0;

  /** Where code `k` is drawn, in canvas pixels, under the axes chosen now. */
  pointOf(k: number): { x: number; y: number } {
    const [x, y] = this.selects.slice(0, 2).map((s) => axisOf(this.table, Number(s.value)));
    const row = this.table.values[k];
    return { x: M.left + unit(x, row[x.index]) * (W - M.left - M.right), y: M.top + (1 - unit(y, row[y.index])) * (H - M.top - M.bottom) };
  }

  /** Canvas size (the page scales it with CSS; clicks are mapped back). */
  get size(): { width: number; height: number } {
    return { width: W, height: H };
  }

  /** The code whose dot lies nearest (cx, cy), within PICK_RADIUS, or -1. */
  private codeNear(cx: number, cy: number): number {
    let best = -1;
    let bestD = PICK_RADIUS ** 2;
    this.table.values.forEach((_, k) => {
      const p = this.pointOf(k);
      const d = (p.x - cx) ** 2 + (p.y - cy) ** 2;
      if (d <= bestD) [best, bestD] = [k, d];
    });
    return best;
  }

  private draw(): void {
    this.dirty = false;
    const [x, y, c] = this.selects.map((s) => axisOf(this.table, Number(s.value)));
    const g = this.canvas.getContext('2d')!;
    const pw = W - M.left - M.right;
    const ph = H - M.top - M.bottom;
    const px = (v: number) => M.left + unit(x, v) * pw;
    const py = (v: number) => M.top + (1 - unit(y, v)) * ph;
    g.clearRect(0, 0, W, H);
    g.fillStyle = '#fff';
    g.fillRect(0, 0, W, H);
    drawXGrid(g, x, M.top, ph, px);
    drawYGrid(g, y, M.left, pw, py);
    g.font = 'bold 12px system-ui, sans-serif';
    g.textAlign = 'center';
    g.fillText(axisTitle(this.table, x), M.left + pw / 2, H - 12);
    g.save();
    g.translate(16, M.top + ph / 2);
    g.rotate(-Math.PI / 2);
    g.fillText(axisTitle(this.table, y), 0, 0);
    g.restore();
    this.table.values.forEach((row) => {
      g.fillStyle = colour(unit(c, row[c.index]));
      g.beginPath();
      g.arc(px(row[x.index]), py(row[y.index]), 3, 0, 2 * Math.PI);
      g.fill();
    });
    this.trail.forEach((code, k) => {
      const row = this.table.values[code];
      if (!row) return;
      const age = (k + 1) / this.trail.length;
      g.strokeStyle = `rgba(211, 47, 47, ${0.15 + 0.85 * age})`;
      g.lineWidth = k === this.trail.length - 1 ? 3 : 1.5;
      g.beginPath();
      g.arc(px(row[x.index]), py(row[y.index]), 7, 0, 2 * Math.PI);
      g.stroke();
    });
    if (this.picked >= 0) {
      const p = this.pointOf(this.picked);
      g.strokeStyle = '#1f5fbf';
      g.lineWidth = 3;
      g.beginPath();
      g.arc(p.x, p.y, 9, 0, 2 * Math.PI);
      g.stroke();
    }
    g.lineWidth = 1;
    this.colourBar(g, c, M.left + pw + 24, ph);
  }

  private colourBar(g: CanvasRenderingContext2D, c: Axis, left: number, ph: number): void {
    for (let i = 0; i < ph; i++) {
      g.fillStyle = colour(1 - i / ph);
      g.fillRect(left, M.top + i, 14, 1);
    }
    g.fillStyle = '#333';
    g.font = '11px system-ui, sans-serif';
    g.textAlign = 'left';
    for (const t of ticks(c)) g.fillText(fmt(t), left + 18, M.top + (1 - unit(c, t)) * ph + 4);
    g.save();
    g.translate(left - 6, M.top + ph / 2);
    g.rotate(-Math.PI / 2);
    g.textAlign = 'center';
    g.font = 'bold 12px system-ui, sans-serif';
    g.fillText(axisTitle(this.table, c), 0, 0);
    g.restore();
  }
}
