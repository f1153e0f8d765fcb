/**
 * The four-corner interpolation plane over sounds of the files folder: four menus choose the
 * corners (a top left, b top right, c bottom left, d bottom right, as /mb/files/corners names
 * them), and pressing or dragging on the square moves the point. Each point is handed to
 * `render`; while one renders the pad keeps only the latest point and renders it next, so the
 * sound follows the pointer as fast as the bridge renders.
 *
 * @example
 * new PlanePad(div, ['a.wav', 'b.wav', 'c.wav', 'd.wav'], (x, y, corners) => player.play(...));
 */
const SIZE = 260;
const PAD = 24;
const CORNERS = ['a (top left)', 'b (top right)', 'c (bottom left)', 'd (bottom right)'];

export class PlanePad {
  readonly canvas = document.createElement('canvas');
  private readonly selects: HTMLSelectElement[];
  private point: [number, number] | null = null;
  /** The point waiting to be rendered once the current render ends. */
  private next: [number, number] | null = null;
  private rendering = false;
  private dragging = false;

  constructor(
    root: HTMLElement,
    sounds: readonly string[],
    private readonly render: (x: number, y: number, corners: string[]) => Promise<void>,
  ) {
    const title = document.createElement('h3');
    title.textContent = 'Interpolation plane over four sounds of the files folder: press and drag to hear the mix';
    const bar = document.createElement('div');
    bar.className = 'pad-axes';
    this.selects = CORNERS.map((name, k) => {
      const label = document.createElement('label');
      const select = document.createElement('select');
      select.name = `corner-${'abcd'[k]}`;
      select.append(...sounds.map((f, i) => new Option(f, f, false, i === Math.min(k, sounds.length - 1))));
      select.onchange = () => this.draw();
      label.append(`${name} `, select);
      bar.append(label);
      return select;
    });
    this.canvas.width = SIZE;
    this.canvas.height = SIZE;
    this.canvas.className = 'plane-pad';
    this.canvas.onpointerdown = (e) => {
      this.dragging = true;
      this.canvas.setPointerCapture(e.pointerId);
      this.move(e);
    };
    this.canvas.onpointermove = (e) => this.dragging && this.move(e);
    this.canvas.onpointerup = () => (this.dragging = false);
    if (sounds.length === 0) {
      const hint = document.createElement('p');
      hint.className = 'hint';
      hint.textContent = 'No WAV in the files folder yet: put four sounds there (or import them from Max) and reload.';
      root.append(title, hint);
      return;
    }
    root.append(title, bar, this.canvas);
    this.draw();
  }

  private move(e: PointerEvent): void {
    const r = this.canvas.getBoundingClientRect();
    const at = (v: number, size: number) => Math.min(1, Math.max(0, (v * (SIZE / size) - PAD) / (SIZE - 2 * PAD)));
    this.point = [+at(e.clientX - r.left, r.width).toFixed(3), +at(e.clientY - r.top, r.height).toFixed(3)];
    this.draw();
    this.next = this.point;
    void this.pump();
  }

  /** Renders the latest point, then any point that arrived meanwhile. */
  private async pump(): Promise<void> {
    if (this.rendering) return;
    this.rendering = true;
    while (this.next) {
      const [x, y] = this.next;
      this.next = null;
      await this.render(x, y, this.selects.map((s) => s.value)).catch(() => undefined);
    }
    this.rendering = false;
  }

  private draw(): void {
    const g = this.canvas.getContext('2d')!;
    const side = SIZE - 2 * PAD;
    g.fillStyle = '#fff';
    g.fillRect(0, 0, SIZE, SIZE);
    g.strokeStyle = '#bbb';
    g.strokeRect(PAD, PAD, side, side);
    g.fillStyle = '#333';
    g.font = '11px system-ui, sans-serif';
    const corner = (k: number, x: number, y: number, align: CanvasTextAlign) => {
      g.textAlign = align;
      g.fillText(`${'abcd'[k]}: ${this.selects[k].value.split('/').pop()}`, x, y);
    };
    corner(0, PAD, PAD - 8, 'left');
    corner(1, SIZE - PAD, PAD - 8, 'right');
    corner(2, PAD, SIZE - 8, 'left');
    corner(3, SIZE - PAD, SIZE - 8, 'right');
    if (!this.point) return;
    g.fillStyle = '#1f5fbf';
    g.beginPath();
    g.arc(PAD + this.point[0] * side, PAD + this.point[1] * side, 7, 0, 2 * Math.PI);
    g.fill();
  }
}
