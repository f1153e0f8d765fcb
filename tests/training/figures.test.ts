import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PNG } from 'pngjs';
import { Resvg } from '@resvg/resvg-js';
import { afterAll, describe, expect, it } from 'vitest';
import { TORCH_PYTHON } from '../../src/core/tools';

/**
 * Training's pictures (training/common/png.py, svg.py on Debian's python3-matplotlib) have axes
 * with units, titles, legends and a colour bar, and draw low frequencies at the bottom: read back
 * from the SVG's text and its embedded raster, and from the PNG's pixels.
 */
const REPO = resolve(__dirname, '../..');
const hasMatplotlib = spawnSync(TORCH_PYTHON, ['-c', 'import matplotlib'], { stdio: 'ignore', timeout: 60_000 }).status === 0;
if (!hasMatplotlib && process.env.CI === 'true') throw new Error('python3-matplotlib is required under CI=true; run ./scripts/setup.sh');
const work = mkdtempSync(join(tmpdir(), 'mb-training-figures-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const SCRIPT = `
import sys
import numpy as np
from pathlib import Path
from training.common.png import spectrogram_panels, channel_hz
from training.common.svg import line_plot, spectrogram_grid
out = Path(sys.argv[1])
low = np.zeros((128, 125)); low[:10] = 1.0          # energy in the lowest channels only
high = np.zeros((128, 125)); high[-10:] = 1.0
spectrogram_panels([low, high], out / "panels.svg", titles=("low sound", "high sound"), title="panels figure")
spectrogram_panels([low, high], out / "panels.png", titles=("low sound", "high sound"), title="panels figure")
spectrogram_grid([("row one", [low, high]), ("row two", [high, low])], ["first", "second"], 1.0, channel_hz(),
                 out / "grid.svg", "grid figure")
line_plot([("losses", "normalized MSE", {"plant loss": ([1, 2, 3], [0.5, 0.3, 0.2]), "decoder loss": ([1, 2, 3], [0.6, None, 0.1])})],
          "round", out / "curves.svg", "training curves")
`;

const texts = (svg: string) => [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1].trim());

describe.skipIf(!hasMatplotlib)('training figures (matplotlib)', () => {
  const run = () => spawnSync(TORCH_PYTHON, ['-c', SCRIPT, work], { cwd: REPO, encoding: 'utf8', timeout: 120_000 });

  it('draws spectrogram panels with a time axis in s, a frequency axis in Hz, titles and a colour bar', () => {
    const r = run();
    expect(r.status, r.stderr).toBe(0);
    const panels = texts(readFileSync(join(work, 'panels.svg'), 'utf8'));
    for (const t of ['panels figure', 'low sound', 'high sound', 'time (s)', 'frequency (Hz)', '125', '1000', '2000', 'power (auditory spectrogram, 0 = silence)']) {
      expect(panels).toContain(t);
    }
    const grid = texts(readFileSync(join(work, 'grid.svg'), 'utf8'));
    for (const t of ['grid figure', 'row one: first', 'row two: second', 'time (s)', 'frequency (Hz)', 'auditory spectrogram (power-normalized)']) {
      expect(grid).toContain(t);
    }
    const curves = texts(readFileSync(join(work, 'curves.svg'), 'utf8'));
    for (const t of ['training curves', 'losses', 'normalized MSE', 'round', 'plant loss', 'decoder loss']) expect(curves).toContain(t);
  });

  it('puts low frequencies at the bottom of each panel, as drawn', () => {
    // the first embedded raster is the "low sound" panel; the SVG is drawn by resvg and its
    // pixels read inside that panel's box, near its bottom and near its top
    const svg = readFileSync(join(work, 'panels.svg'), 'utf8');
    const tag = /<image[^>]*>/s.exec(svg)![0].replace(/xlink:href="[^"]*"/, '');
    const num = (name: string) => Number(new RegExp(`\\b${name}="([-0-9.]+)"`).exec(tag)![1]);
    const [x, y, w, h] = [num('x'), num('y'), num('width'), num('height')];
    const flip = /transform="scale\(1 -1\) translate\(0 (-?[0-9.]+)\)"/.exec(tag);
    const top = flip ? -(y + h) - Number(flip[1]) : y;   // scale(1 -1) translate(0 t): screen y = -(y + t)
    const raster = PNG.sync.read(Buffer.from(new Resvg(svg, { fitTo: { mode: 'zoom', value: 2 } }).render().asPng()));
    const scale = raster.width / Number(/viewBox="[-0-9.]+ [-0-9.]+ ([0-9.]+)/.exec(svg)![1]); // pixels per user unit
    const green = (sy: number) => {
      let sum = 0;
      let n = 0;
      for (let sx = x + 0.2 * w; sx < x + 0.8 * w; sx += 1) {
        sum += raster.data[(Math.round(sy * scale) * raster.width + Math.round(sx * scale)) * 4 + 1]; // viridis: green rises with value
        n++;
      }
      return sum / n;
    };
    expect(green(top + h - 2)).toBeGreaterThan(200);
    expect(green(top + 2)).toBeLessThan(60);
    const png = PNG.sync.read(readFileSync(join(work, 'panels.png')));
    expect(png.width).toBeGreaterThan(400);
    expect(png.height).toBeGreaterThan(png.width * 0.6); // two stacked panels
  });
});
