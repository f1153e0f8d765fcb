import { linePanel, type FigureSpec } from '../core/figure';
import { DESCRIPTOR_UNITS, type DescriptorName } from '../dsp/descriptors';

/** One targeted descriptor of a descriptor synthesis: what was asked, what the codebook could reach, what came out. */
export interface SynthCurves {
  name: DescriptorName;
  /** The target as given. */
  target: ArrayLike<number>;
  /** The target clamped to the codebook's range of the descriptor. */
  clamped?: ArrayLike<number>;
  /** The descriptor measured on the decoded audio. */
  achieved?: ArrayLike<number>;
}

/**
 * `vq synth --plot` and the docs' synthesis figure: one panel per targeted descriptor, target,
 * clamped target and achieved curves over time in s, on an axis in the descriptor's unit (log for
 * frequencies), with a legend.
 *
 * @example
 * await writeFigure('s.png', synthSpec([{ name: 'centroid', target, clamped, achieved }], 62.5, 'vq synth'));
 */
const TARGET = 'target';
const CLAMPED = "target within the codebook's range";
const ACHIEVED = 'achieved (measured on the output)';

export function synthSpec(curves: SynthCurves[], frameRate: number, title: string): FigureSpec {
  const vconcat = curves.map((c) => {
    const unit = DESCRIPTOR_UNITS[c.name];
    const series = [{ name: TARGET, values: c.target }];
    if (c.clamped) series.push({ name: CLAMPED, values: c.clamped });
    if (c.achieved) series.push({ name: ACHIEVED, values: c.achieved });
    const yTitle = unit ? `${c.name} (${unit})` : c.name;
    return linePanel({ title: c.name, series, rate: frameRate, yTitle, logY: unit === 'Hz' || c.name === 'flatness', legendTitle: 'curve', seriesDomain: [TARGET, CLAMPED, ACHIEVED] });
  });
  return { title, vconcat } as unknown as FigureSpec;
}
