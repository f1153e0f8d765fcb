import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { mulberry32 } from '../../src/core/random';
import { VqRuntime } from '../../src/vq';
import { bootstrap, type Figure, type Table } from './figures';
import type { EvalEntry } from './registry';
import { vqModelDir } from './vq';

/**
 * Descriptor synthesis (`vq synth`, docs/vqvae.md): how closely the centroid measured on the
 * decoded audio follows a drawn target curve, over the centroid range the codebook covers (2nd to
 * 98th percentile of the codes' centroids). Items: 16 constant targets of 1 s log-spaced across
 * the range (as `npm run bench -- vq`), and 16 exponential ramps of 10 s (the full-range ramp up,
 * the same ramp down, 14 between seeded random end points at least an octave apart), with
 * continuity 0.5 and with the nearest code. The figure is the median relative error over the
 * pooled interior frames, its interval a bootstrap over the curves. The trivial baseline holds
 * one code: the nearest to the geometric middle of the range, for the whole curve.
 */
const RAMPS = 16;
const SEED = 20;

const median = (v: number[]) => {
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** The centroid range most codes cover: 2nd to 98th percentile (a few DC/rumble codes sit far below). */
export function centroidSpan(codec: VqRuntime): [number, number] {
  const c = Array.from(codec.table.column('centroid')).sort((a, b) => a - b);
  return [c[Math.floor(0.02 * (c.length - 1))], c[Math.ceil(0.98 * (c.length - 1))]];
}

interface Curve { spec: string; seconds: number }

/** Relative centroid errors per interior frame of the synthesis of `c`, and of `held` (one code) against the same target. */
async function errors(codec: VqRuntime, c: Curve, continuity: number, held: Float32Array): Promise<{ ours: number[]; base: number[] }> {
  const targets = codec.parseTargets([c.spec, 'loudness=const(-20)'], c.seconds);
  const { achieved } = await codec.synthesize(targets, { continuity });
  const want = targets[0].values;
  const got = achieved.centroid!;
  const ours: number[] = [];
  const base: number[] = [];
  for (let t = 3; t < got.length - 3; t++) {
    ours.push(Math.abs(got[t] - want[t]) / want[t]);
    base.push(Math.abs(held[Math.min(t, held.length - 1)] - want[t]) / want[t]);
  }
  return { ours, base };
}

async function evaluate(): Promise<Table[]> {
  const codec = await VqRuntime.load(vqModelDir());
  try {
    const [lo, hi] = centroidSpan(codec);
    const mid = Math.sqrt(lo * hi);
    // The baseline's sound: the code nearest the middle of the range, held for 10 s.
    const heldTargets = codec.parseTargets([`centroid=const(${mid})`, 'loudness=const(-20)'], 10);
    const held = (await codec.synthesize(heldTargets, { continuity: 0 })).achieved.centroid!;
    const constants: Curve[] = Array.from({ length: 16 }, (_, i) => ({ spec: `centroid=const(${lo * Math.pow(hi / lo, (i + 0.5) / 16)})`, seconds: 1 }));
    const rand = mulberry32(SEED);
    const ramps: Curve[] = [{ spec: `centroid=exp(${lo},${hi})`, seconds: 10 }, { spec: `centroid=exp(${hi},${lo})`, seconds: 10 }];
    while (ramps.length < RAMPS) {
      const a = lo * Math.pow(hi / lo, rand());
      const b = lo * Math.pow(hi / lo, rand());
      if (Math.max(a, b) / Math.min(a, b) >= 2) ramps.push({ spec: `centroid=exp(${a.toFixed(1)},${b.toFixed(1)})`, seconds: 10 });
    }
    const figure = async (id: string, label: string, curves: Curve[], continuity: number, extra: Partial<Figure> = {}): Promise<Figure> => {
      const per: { ours: number[]; base: number[] }[] = [];
      for (const c of curves) per.push(await errors(codec, c, continuity, held));
      const pooled = (s: number[][]) => median(s.flat());
      const ours = per.map((p) => p.ours);
      const base = per.map((p) => p.base);
      return {
        id, label, value: pooled(ours), interval: bootstrap(ours, pooled), n: curves.length, unit: 'curves', better: 'lower', percent: true, digits: 3,
        baseline: { label: `one code held (the nearest to ${Math.round(mid)} Hz)`, value: pooled(base), interval: bootstrap(base, pooled) },
        target: { op: '<=', value: 0.1 }, ...extra,
      };
    };
    const figures = [
      await figure('const', '16 constant targets, 1 s each, log-spaced across the range, nearest code: median relative centroid error', constants, 0, { headline: 'vqvae-timbre descriptor synthesis' }),
      await figure('ramp', `${RAMPS} exponential ramps of 10 s, continuity 0.5: median relative centroid error`, ramps, 0.5, { headline: 'vqvae-timbre descriptor synthesis' }),
      await figure('rampNearest', `the same ${RAMPS} ramps, nearest code (no continuity)`, ramps, 0),
    ];
    return [{
      id: 'vq-synth', set: `VQ-VAE descriptor synthesis (centroid ${Math.round(lo)}-${Math.round(hi)} Hz, the codes' 2nd-98th percentile)`,
      command: 'npm run eval -- vq-synth', figures,
      notes: [
        'The centroid is measured on the decoded audio (src/dsp descriptors), interior frames (3 frames off each end), loudness target -20 dBFS; relative error |achieved - target| / target.',
        `Ramps: the full-range ramp up and down and ${RAMPS - 2} between end points drawn log-uniformly in the range (seed ${SEED}), at least an octave apart. Interval: bootstrap over the curves of the pooled median.`,
      ],
    }];
  } finally {
    await codec.dispose();
  }
}

export const vqSynthEntry: EvalEntry = {
  name: 'vq-synth',
  what: 'VQ-VAE descriptor synthesis: a drawn centroid curve followed, against one held code',
  available: () => (existsSync(join(vqModelDir(), 'vqvae-timbre.json')) ? null : `no model in ${vqModelDir()}`),
  run: evaluate,
};
