/*
 * Spectrogram pictures: the CLI's `analyze --png`, the docs' figures and the help patches'
 * previews all draw through here, so they look alike.
 */
import { PNG } from 'pngjs';
import { writeFileSync } from 'node:fs';

/** Options of spectrogramPng. */
export interface PictureOptions {
  /** Pixels per frame and per channel (integer upscaling). */
  scaleX?: number;
  scaleY?: number;
  /** Value range mapped to the colour map; defaults to the data's min..max. */
  range?: [number, number];
}

/** A perceptually ordered dark-blue → green → yellow ramp (viridis-like control points). */
const RAMP: [number, number, number][] = [
  [68, 1, 84],
  [59, 82, 139],
  [33, 145, 140],
  [94, 201, 98],
  [253, 231, 37],
];

export function colourOf(t: number): [number, number, number] {
  const x = Math.min(1, Math.max(0, t)) * (RAMP.length - 1);
  const i = Math.min(RAMP.length - 2, Math.floor(x));
  const f = x - i;
  const a = RAMP[i];
  const b = RAMP[i + 1];
  return [0, 1, 2].map((c) => Math.round(a[c] + (b[c] - a[c]) * f)) as [number, number, number];
}

/**
 * Renders a channel-major [channels][frames] matrix as a PNG buffer, channel 0 at the bottom.
 *
 * @example
 * writeFileSync('aud.png', spectrogramPng(spec.data, spec.channels, spec.frames));
 */
export function spectrogramPng(data: Float32Array, channels: number, frames: number, options: PictureOptions = {}): Buffer {
  const sx = Math.max(1, Math.round(options.scaleX ?? (frames < 400 ? 2 : 1)));
  const sy = Math.max(1, Math.round(options.scaleY ?? (channels < 200 ? 2 : 1)));
  let [lo, hi] = options.range ?? [Infinity, -Infinity];
  if (!options.range) {
    for (const v of data) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  const span = hi > lo ? hi - lo : 1;
  const png = new PNG({ width: Math.max(1, frames * sx), height: Math.max(1, channels * sy) });
  for (let c = 0; c < channels; c++) {
    for (let t = 0; t < frames; t++) {
      const [r, g, b] = colourOf((data[c * frames + t] - lo) / span);
      for (let dy = 0; dy < sy; dy++) {
        const y = (channels - 1 - c) * sy + dy;
        for (let dx = 0; dx < sx; dx++) {
          const p = (y * png.width + t * sx + dx) * 4;
          png.data[p] = r;
          png.data[p + 1] = g;
          png.data[p + 2] = b;
          png.data[p + 3] = 255;
        }
      }
    }
  }
  return PNG.sync.write(png);
}

export function writeSpectrogramPng(path: string, data: Float32Array, channels: number, frames: number, options?: PictureOptions): void {
  writeFileSync(path, spectrogramPng(data, channels, frames, options));
}
