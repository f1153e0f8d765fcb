import type { DescriptorTable } from './codebook-map';
import { axisOf, axisTitle, drawYGrid, unit, type Axis } from './axis';

/**
 * Draw a descriptor curve with the mouse: press, drag left to right, release. The curve's
 * descriptor is chosen among those /mb/job/draw accepts (the verb table's `what` values) that the
 * model's descriptor table has; the y axis spans the codebook's 2nd-98th percentile of it (log where it
 * spans a decade), the x axis the duration. On release the drawing is sampled at POINTS evenly spaced
 * times (gaps filled from the nearest drawn point) and handed to `onDraw`.
 *
 * @example
 * new CurvePad(div, table, ['loudness', 'centroid'], 3, (name, values) => player.play(name, 3, values));
 */
export const POINTS = 32;
/** The y axis spans the codebook's 2nd to 98th percentile of the descriptor. */
const RANGE_CLIP = 0.02;
const W = 560;
const H = 220;
const M = { left: 64, right: 16, top: 12, bottom: 40 };

export class CurvePad {
  readonly canvas = document.createElement('canvas');
  private readonly select = document.createElement('select');
  private stroke: [number, number][] = [];
  private drawing = false;

  constructor(
    root: HTMLElement,
    private readonly table: DescriptorTable,
    drawable: readonly string[],
    private readonly seconds: number,
    private readonly onDraw: (descriptor: string, values: number[]) => void,
  ) {
    const names = drawable.filter((n) => table.names.includes(n));
    this.select.name = 'curve-descriptor';
    this.select.append(...names.map((n) => new Option(n, n, false, n === 'centroid')));
    this.select.onchange = () => {
      this.stroke = [];
      this.draw();
    };
    const title = document.createElement('h3');
    title.textContent = `Draw a descriptor curve (${seconds} s): release to hear the codebook follow it`;
    const bar = document.createElement('div');
    bar.className = 'pad-axes';
    const label = document.createElement('label');
    label.append('descriptor ', this.select);
    bar.append(label);
    this.canvas.width = W;
    this.canvas.height = H;
    this.canvas.className = 'curve-pad';
    this.canvas.onpointerdown = (e) => {
      this.drawing = true;
      this.stroke = [this.at(e)];
      this.canvas.setPointerCapture(e.pointerId);
      this.draw();
    };
    this.canvas.onpointermove = (e) => {
      if (!this.drawing) return;
      this.stroke.push(this.at(e));
      this.draw();
    };
    this.canvas.onpointerup = () => {
      if (!this.drawing) return;
      this.drawing = false;
      if (this.stroke.length >= 2) this.onDraw(this.select.value, this.sampled());
    };
    root.append(title, bar, this.canvas);
    this.draw();
  }

  private get axis(): Axis {
    return axisOf(this.table, this.table.names.indexOf(this.select.value), RANGE_CLIP);
  }

  /** The pointer's place as (time in s, value in the descriptor's unit), clamped to the plot. */
  private at(e: PointerEvent): [number, number] {
    const r = this.canvas.getBoundingClientRect();
    const u = Math.min(1, Math.max(0, ((e.clientX - r.left) * (W / r.width) - M.left) / (W - M.left - M.right)));
    const v = Math.min(1, Math.max(0, 1 - ((e.clientY - r.top) * (H / r.height) - M.top) / (H - M.top - M.bottom)));
    const a = this.axis;
    return [u * this.seconds, a.log ? a.lo * (a.hi / a.lo) ** v : a.lo + v * (a.hi - a.lo)];
  }

  /** POINTS values at evenly spaced times: linear between drawn points, the nearest end outside them. */
  private sampled(): number[] {
    const pts = [...this.stroke].sort((p, q) => p[0] - q[0]);
    const at = (t: number): number => {
      const j = pts.findIndex((p) => p[0] >= t);
      if (j <= 0) return j === 0 ? pts[0][1] : pts[pts.length - 1][1];
      const [a, b] = [pts[j - 1], pts[j]];
      const w = b[0] > a[0] ? (t - a[0]) / (b[0] - a[0]) : 0;
      return a[1] + w * (b[1] - a[1]);
    };
    return Array.from({ length: POINTS }, (_, k) => +at((k / (POINTS - 1)) * this.seconds).toPrecision(5));
  }

  private draw(): void {
    const g = this.canvas.getContext('2d')!;
    const a = this.axis;
    const pw = W - M.left - M.right;
    const ph = H - M.top - M.bottom;
    const px = (t: number) => M.left + (t / this.seconds) * pw;
    const py = (v: number) => M.top + (1 - unit(a, v)) * ph;
    g.fillStyle = '#fff';
    g.fillRect(0, 0, W, H);
    drawYGrid(g, a, M.left, pw, py);
    g.textAlign = 'center';
    for (let t = 0; t <= this.seconds + 1e-9; t += 0.5) g.fillText(t.toFixed(1), px(t), M.top + ph + 14);
    g.font = 'bold 12px system-ui, sans-serif';
    g.fillText('time (s)', M.left + pw / 2, H - 8);
    g.save();
    g.translate(14, M.top + ph / 2);
    g.rotate(-Math.PI / 2);
    g.fillText(axisTitle(this.table, a), 0, 0);
    g.restore();
    g.strokeStyle = '#1f5fbf';
    g.lineWidth = 2;
    g.beginPath();
    this.stroke.forEach(([t, v], k) => (k === 0 ? g.moveTo(px(t), py(v)) : g.lineTo(px(t), py(v))));
    g.stroke();
    g.lineWidth = 1;
  }
}
