import { renderFigure, type FigureSpec } from '../../src/core/figure';
import type { VoiceNote } from './phrases';

/**
 * docs/img/mirrornet-voice.svg: for a few held-out phrases, the pitch asked for (truth, grey bars)
 * against the synth note of each tracker over time, one panel per phrase. A Vega-Lite spec drawn by
 * src/core/figure.ts (axes with units, a title per panel, one legend for all panels). The panels'
 * data is kept beside it (docs/img/mirrornet-voice.json) so the figure can be redrawn without a
 * bench run: `npx vite-node bench/voice/redraw.ts`.
 */
export interface FigureTrack {
  label: string;
  colour: string;
  width: number;
  time: number[];
  midi: number[];
}

export interface FigurePanel {
  title: string;
  notes: VoiceNote[];
  tracks: FigureTrack[];
}

const TRUTH = 'voice: pitch asked for (truth)';

function panelSpec(p: FigurePanel, domain: string[], range: string[]): Record<string, unknown> {
  const t1 = Math.ceil(Math.max(...p.notes.map((n) => n.end)) + 0.3);
  const lo = Math.floor(Math.min(...p.notes.map((n) => n.midi)) - 5);
  const hi = Math.ceil(Math.max(Math.max(...p.notes.map((n) => n.midi)) + 5, 75));
  const x = { type: 'quantitative', title: 'time (s)', scale: { domain: [0, t1], nice: false } };
  const y = { type: 'quantitative', title: 'pitch (MIDI note)', scale: { domain: [lo, hi], nice: false } };
  const colour = { field: 'who', type: 'nominal', title: null, scale: { domain, range }, legend: { orient: 'top', direction: 'horizontal', labelLimit: 400, symbolType: 'stroke', symbolStrokeWidth: 5, symbolOpacity: 1, symbolSize: 400 } };
  const points = p.tracks.flatMap((tr) =>
    tr.time.map((t, k) => ({ who: tr.label, t, midi: Number.isFinite(tr.midi[k]) ? Math.min(hi, Math.max(lo, tr.midi[k])) : null })).filter((d) => d.t >= 0 && d.t <= t1),
  );
  return {
    title: { text: p.title, anchor: 'start', fontSize: 13, frame: 'group' },
    width: 820,
    height: 150,
    layer: [
      {
        data: { values: p.notes.map((n) => ({ who: TRUTH, start: n.start, end: n.end, midi: n.midi })) },
        mark: { type: 'rule', strokeWidth: 7, opacity: 0.35 },
        encoding: { x: { field: 'start', ...x }, x2: { field: 'end' }, y: { field: 'midi', ...y }, color: colour },
      },
      ...p.tracks.map((tr) => ({
        data: { values: points.filter((d) => d.who === tr.label) },
        mark: { type: 'line', strokeWidth: tr.width, invalid: 'break-paths-filter-domains', clip: true },
        encoding: { x: { field: 't', ...x }, y: { field: 'midi', ...y }, color: colour },
      })),
    ],
  };
}

/** The figure's Vega-Lite spec: one panel per phrase, the trackers' colours shared by a legend. */
export function voiceFigureSpec(panels: FigurePanel[]): FigureSpec {
  const tracks = new Map<string, string>();
  for (const p of panels) for (const tr of p.tracks) tracks.set(tr.label, tr.colour);
  const domain = [TRUTH, ...tracks.keys()];
  const range = ['#555', ...tracks.values()];
  return {
    title: { text: 'Sung held-out phrases: the synth note of each pitch tracker against the pitch asked for', subtitle: 'a note beyond a panel\'s pitch axis is drawn at its edge', fontSize: 14 },
    vconcat: panels.map((p) => panelSpec(p, domain, range)),
    resolve: { scale: { color: 'shared' } },
  } as unknown as FigureSpec;
}

/** The figure as SVG text. */
export async function voiceFigure(panels: FigurePanel[]): Promise<string> {
  return (await renderFigure(voiceFigureSpec(panels))).svg;
}
