import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { axisLabel, type PageParam } from './catalog';

/**
 * Live parameter curves: one uPlot per parameter of the stream's model, its y axis in the
 * parameter's unit over the manifest's unit range (widened when values leave it, as the fused
 * note does), log-scaled where the manifest says so; the last `seconds` of frames.
 *
 * @example
 * const curves = new ParamCurves(div, model.params!, 125);
 * curves.push(t, unitsFrame);
 */
export class ParamCurves {
  private readonly plots: uPlot[];
  private readonly time: number[] = [];
  private readonly values: number[][];
  private readonly capacity: number;
  private dirty = false;
  private raf = 0;

  constructor(
    private readonly root: HTMLElement,
    private readonly params: readonly PageParam[],
    framesPerSecond: number,
    seconds = 10,
  ) {
    this.capacity = Math.round(framesPerSecond * seconds);
    this.values = params.map(() => []);
    root.replaceChildren();
    this.plots = params.map((p) => this.makePlot(p));
  }

  private makePlot(p: PageParam): uPlot {
    const box = document.createElement('figure');
    box.className = 'curve';
    box.dataset.param = p.name;
    this.root.append(box);
    const [lo, hi] = p.unitRange ?? p.range;
    const log = p.scale === 'log' && lo > 0;
    const opts: uPlot.Options = {
      title: axisLabel(p),
      width: 340,
      height: 150,
      legend: { show: false },
      cursor: { show: false },
      scales: {
        x: { time: false },
        y: { distr: log ? 3 : 1, range: (_u, min, max) => [Math.min(lo, min ?? lo), Math.max(hi, max ?? hi)] },
      },
      axes: [
        { label: 'time (s)', size: 36, labelSize: 16 },
        { label: p.unit || 'value', size: 56, labelSize: 16 },
      ],
      series: [{}, { label: p.name, stroke: '#1f6fd1', width: 1.5, points: { show: false } }],
    };
    return new uPlot(opts, [[], []], box);
  }

  /** One frame at `t` seconds: values in units, in the order of the params given. */
  push(t: number, units: ArrayLike<number>): void {
    this.time.push(t);
    this.params.forEach((_, i) => this.values[i].push(units[i]));
    if (this.time.length > this.capacity) {
      this.time.shift();
      this.values.forEach((v) => v.shift());
    }
    this.dirty = true;
    this.raf ||= requestAnimationFrame(() => this.draw());
  }

  private draw(): void {
    this.raf = 0;
    if (!this.dirty) return;
    this.dirty = false;
    this.plots.forEach((plot, i) => plot.setData([this.time, this.values[i]]));
  }

  dispose(): void {
    cancelAnimationFrame(this.raf);
    this.plots.forEach((p) => p.destroy());
    this.root.replaceChildren();
  }
}
