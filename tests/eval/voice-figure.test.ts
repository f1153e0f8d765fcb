import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { voiceFigure, type FigurePanel } from '../../bench/voice/figure';

/** docs/img/mirrornet-voice.svg's drawing (bench/voice/figure.ts, a Vega-Lite spec): titles, axes with units, one legend. */
function texts(svg: string, role: string): string[] {
  const out: string[] = [];
  for (const m of svg.matchAll(new RegExp(`<g class="mark-text role-${role}"[^>]*>(.*?)</g>`, 'g'))) {
    for (const t of m[1].matchAll(/<text[^>]*>([^<]*)<\/text>/g)) out.push(t[1].replace(/&amp;/g, '&').replace(/&#39;/g, "'"));
  }
  return out;
}

describe('voice figure', () => {
  it('draws the committed panels with a title per phrase, time in s, pitch in MIDI and a legend of the trackers', async () => {
    const panels = JSON.parse(readFileSync(join(resolve(__dirname, '../..'), 'docs', 'img', 'mirrornet-voice.json'), 'utf8')) as FigurePanel[];
    expect(panels.length).toBeGreaterThan(0);
    const svg = await voiceFigure(panels);
    const titles = texts(svg, 'title-text');
    for (const p of panels) expect(titles).toContain(p.title);
    expect(texts(svg, 'axis-title').filter((t) => t === 'time (s)')).toHaveLength(panels.length);
    expect(texts(svg, 'axis-title').filter((t) => t === 'pitch (MIDI note)')).toHaveLength(panels.length);
    expect(texts(svg, 'legend-label')).toEqual(['voice: pitch asked for (truth)', ...panels[0].tracks.map((t) => t.label)]);
    // the committed SVG is this drawing of the committed data
    expect(readFileSync(join(resolve(__dirname, '../..'), 'docs', 'img', 'mirrornet-voice.svg'), 'utf8')).toBe(svg);
  }, 60_000);
});
