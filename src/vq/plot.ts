import { PNG } from 'pngjs';

/**
 * Line plot of curves over frames as a PNG (docs figures, `vq synth --plot`): white
 * background, light grid at every octave (log scale) or tenth of the range, one colour per
 * curve. No text: captions live in the docs.
 *
 * @example
 * fs.writeFileSync('c.png', curvesPng([{ values: target, rgb: [40, 40, 40] }, { values: got, rgb: [220, 60, 30] }], { logY: true }));
 */
export interface Curve {
  values: ArrayLike<number>;
  rgb: [number, number, number];
}

export function curvesPng(curves: Curve[], options: { width?: number; height?: number; logY?: boolean } = {}): Buffer {
  const width = options.width ?? 720;
  const height = options.height ?? 300;
  const f = (v: number) => (options.logY ? Math.log2(Math.max(v, 1e-9)) : v);
  const all = curves.flatMap((c) => Array.from(c.values, f)).filter(Number.isFinite);
  let lo = Math.min(...all);
  let hi = Math.max(...all);
  if (hi - lo < 1e-9) [lo, hi] = [lo - 1, hi + 1];
  const pad = 0.05 * (hi - lo);
  lo -= pad;
  hi += pad;
  const png = new PNG({ width, height });
  png.data.fill(255);
  const set = (x: number, y: number, rgb: [number, number, number]) => {
    if (x < 0 || y < 0 || x >= width || y >= height) return;
    const o = (y * width + x) * 4;
    png.data[o] = rgb[0];
    png.data[o + 1] = rgb[1];
    png.data[o + 2] = rgb[2];
  };
  const yOf = (v: number) => Math.round((height - 1) * (1 - (f(v) - lo) / (hi - lo)));
  const step = options.logY ? 1 : (hi - lo) / 10;
  for (let g = Math.ceil(lo / step) * step; g <= hi; g += step) {
    const y = Math.round((height - 1) * (1 - (g - lo) / (hi - lo)));
    for (let x = 0; x < width; x++) set(x, y, [225, 225, 225]);
  }
  for (const c of curves) {
    const n = c.values.length;
    let last: [number, number] | null = null;
    for (let t = 0; t < n; t++) {
      const x = Math.round((n > 1 ? t / (n - 1) : 0) * (width - 1));
      const y = yOf(c.values[t]);
      if (last) {
        const [x0, y0] = last;
        const steps = Math.max(Math.abs(x - x0), Math.abs(y - y0), 1);
        for (let s = 0; s <= steps; s++) {
          const px = Math.round(x0 + ((x - x0) * s) / steps);
          const py = Math.round(y0 + ((y - y0) * s) / steps);
          set(px, py, c.rgb);
          set(px, py + 1, c.rgb);
        }
      }
      last = [x, y];
    }
  }
  return PNG.sync.write(png);
}
