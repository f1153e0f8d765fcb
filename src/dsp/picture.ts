/*
 * Feature pictures: the CLI's `analyze --png`, `demo` and the docs' spectrogram figures are
 * Vega-Lite specs built here and drawn by src/core/figure, so they share their axes (time in s,
 * frequency in Hz on the feature's own scale), titles and colour bars.
 */
import { FIGURE_SCHEME, linePanel, rasterUrl, type FigureSpec } from '../core/figure';
import type { Hz } from '../core/units';
import { filterCenter } from './auditory-settings';
import { DESCRIPTOR_UNITS } from './descriptors';
import { hzToMel } from './mel';

/** One spectrogram: channel-major [channels][frames], channel 0 the lowest frequency. */
export interface SpectrogramPanel {
  title: string;
  data: Float32Array;
  channels: number;
  frames: number;
}

/** How channels map to frequency: the auditory model's log-spaced filters, or mel bands. */
export type FrequencyScale = { kind: 'auditory'; sampleRate: Hz } | { kind: 'mel'; fmin: Hz; fmax: Hz };

/** Options of spectrogramSpec. */
export interface SpectrogramFigureOptions {
  title: string | { text: string; subtitle: string };
  /** Frames per second. */
  frameRate: number;
  frequency: FrequencyScale;
  /** Title of the colour bar, with the unit. */
  colourTitle: string;
  /** Value range of the colour bar; default the panels' min..max. */
  range?: [number, number];
  /** Plot size of each panel, px. */
  width?: number;
  height?: number;
}

const NICE_HZ = [50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000];

/** The y scale and axis of one frequency scale over `channels` rows. */
function frequencyAxis(f: FrequencyScale, channels: number): { domain: [number, number]; scale: Record<string, unknown>; axis: Record<string, unknown> } {
  if (f.kind === 'auditory') {
    // Channel c spans filters c..c+1, 24 per octave: a log axis in Hz lines the rows up exactly.
    const domain: [number, number] = [filterCenter(0, f.sampleRate), filterCenter(channels, f.sampleRate)];
    return { domain, scale: { type: 'log', domain }, axis: { title: 'frequency (Hz)', values: NICE_HZ.filter((v) => v >= domain[0] && v <= domain[1]) } };
  }
  // Mel bands: centres evenly spaced in mel; the axis is linear in mel and labelled in Hz.
  const [m0, m1] = [hzToMel(f.fmin), hzToMel(f.fmax)];
  const step = (m1 - m0) / (channels + 1);
  const domain: [number, number] = [m0 + step / 2, m1 - step / 2];
  const ticks = NICE_HZ.slice(2).map((hz) => ({ hz, mel: hzToMel(hz) })).filter((t) => t.mel >= domain[0] && t.mel <= domain[1]);
  const labelExpr = ticks.reduceRight((rest, t) => `abs(datum.value - ${t.mel}) < 1e-3 ? '${t.hz >= 1000 ? `${t.hz / 1000}k` : t.hz}' : ${rest}`, "''");
  return { domain, scale: { type: 'linear', domain }, axis: { title: 'frequency (Hz, mel scale)', values: ticks.map((t) => t.mel), labelExpr, labelOverlap: false } };
}

/** Highest and lowest finite value over the panels. */
function extent(panels: SpectrogramPanel[]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const p of panels) {
    for (const v of p.data) {
      if (!Number.isFinite(v)) continue;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  return lo <= hi ? [lo, hi] : [0, 1];
}

/**
 * Spectrograms stacked top to bottom on one colour scale: each an image of its cells under a time
 * axis (s) and a frequency axis (Hz on the feature's scale), titled, with one colour bar.
 *
 * @example
 * await writeFigure('aud.png', spectrogramSpec([{ title: 'input', ...spec }], { title: 'melody', frameRate: 125, frequency: { kind: 'auditory', sampleRate: 8000 }, colourTitle: 'response (linear)' }));
 */
export function spectrogramSpec(panels: SpectrogramPanel[], options: SpectrogramFigureOptions): FigureSpec {
  const width = options.width ?? 560;
  const height = options.height ?? 180;
  const range = options.range ?? extent(panels);
  const vconcat = panels.map((p) => {
    const y = frequencyAxis(options.frequency, p.channels);
    // Row 0 of the raster is the top: the highest channel.
    const flipped = new Float32Array(p.data.length);
    for (let c = 0; c < p.channels; c++) flipped.set(p.data.subarray(c * p.frames, (c + 1) * p.frames), (p.channels - 1 - c) * p.frames);
    const seconds = p.frames / options.frameRate;
    return {
      ...(p.title ? { title: p.title } : {}),
      width,
      height,
      layer: [
        {
          data: { values: [{ t: 0, f: y.domain[1], url: rasterUrl(flipped, p.channels, p.frames, range, width, height) }] },
          mark: { type: 'image', width, height, aspect: false, align: 'left', baseline: 'top' },
          encoding: {
            x: { field: 't', type: 'quantitative', title: 'time (s)', scale: { domain: [0, seconds], nice: false } },
            y: { field: 'f', type: 'quantitative', scale: { ...y.scale, nice: false }, axis: y.axis },
            url: { field: 'url', type: 'nominal' },
          },
        },
        {
          // Two invisible points carry the colour scale, so the colour bar is vega's own legend.
          data: { values: range.map((v) => ({ v })) },
          mark: { type: 'point', opacity: 0 },
          encoding: { color: { field: 'v', type: 'quantitative', title: options.colourTitle, scale: { scheme: FIGURE_SCHEME, domain: range } } },
        },
      ],
    };
  });
  return { title: options.title, vconcat } as unknown as FigureSpec;
}

/** Descriptor series of one sound, channel-major in DESCRIPTOR_NAMES order (as analyzeSignal returns them). */
export interface DescriptorPanels {
  names: readonly string[];
  data: Float32Array;
  frames: number;
  frameRate: number;
}

/**
 * One line panel per descriptor, each on its own axis with its unit (log for frequencies).
 *
 * @example
 * await writeFigure('d.png', descriptorsSpec({ names: DESCRIPTOR_NAMES, data, frames, frameRate: 62.5 }, 'voice.wav'));
 */
export function descriptorsSpec(d: DescriptorPanels, title: string): FigureSpec {
  const vconcat = d.names.map((name, c) => {
    const unit = (DESCRIPTOR_UNITS as Record<string, string>)[name] ?? '';
    const values = d.data.subarray(c * d.frames, (c + 1) * d.frames);
    const logY = unit === 'Hz' && Array.from(values).some((v) => v > 0);
    return linePanel({ series: [{ name, values }], rate: d.frameRate, yTitle: unit ? `${name} (${unit})` : name, logY, height: 110 });
  });
  return { title, vconcat } as unknown as FigureSpec;
}
