import type { VoiceNote } from './phrases';

/**
 * docs/img/mirrornet-voice.svg: for a few held-out phrases, the pitch asked for (truth, grey bars)
 * against the synth note of each tracker over time, one panel per phrase, with axes and labels.
 * Plain SVG written here (no plotting package is installed for the bench).
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

const W = 900;
const H = 210;
const M = { left: 56, right: 16, top: 24, bottom: 34 };

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function panel(p: FigurePanel, y0: number, legend: boolean): string {
  const t1 = Math.ceil(Math.max(...p.notes.map((n) => n.end)) + 0.3);
  const lo = Math.floor(Math.min(...p.notes.map((n) => n.midi)) - 5);
  const hi = Math.ceil(Math.max(Math.max(...p.notes.map((n) => n.midi)) + 5, 75));
  const x = (t: number) => M.left + ((W - M.left - M.right) * t) / t1;
  const y = (m: number) => y0 + M.top + ((H - M.top - M.bottom) * (hi - Math.min(hi, Math.max(lo, m)))) / (hi - lo);
  const out: string[] = [];
  out.push(`<text x="${M.left}" y="${y0 + 16}" font-size="13">${esc(p.title)}</text>`);
  out.push(`<rect x="${M.left}" y="${y0 + M.top}" width="${W - M.left - M.right}" height="${H - M.top - M.bottom}" fill="none" stroke="#444"/>`);
  for (let m = Math.ceil(lo / 6) * 6; m <= hi; m += 6) {
    out.push(`<line x1="${M.left}" x2="${W - M.right}" y1="${y(m).toFixed(1)}" y2="${y(m).toFixed(1)}" stroke="#ddd"/>`);
    out.push(`<text x="${M.left - 6}" y="${(y(m) + 4).toFixed(1)}" font-size="11" text-anchor="end">${m}</text>`);
  }
  for (let t = 0; t <= t1; t++) out.push(`<text x="${x(t).toFixed(1)}" y="${y0 + H - M.bottom + 14}" font-size="11" text-anchor="middle">${t}</text>`);
  out.push(`<text x="${(W + M.left) / 2}" y="${y0 + H - 4}" font-size="11" text-anchor="middle">time (s)</text>`);
  out.push(`<text x="14" y="${y0 + H / 2}" font-size="11" text-anchor="middle" transform="rotate(-90 14 ${y0 + H / 2})">pitch (MIDI)</text>`);
  for (const n of p.notes) out.push(`<line x1="${x(n.start).toFixed(1)}" x2="${x(n.end).toFixed(1)}" y1="${y(n.midi).toFixed(1)}" y2="${y(n.midi).toFixed(1)}" stroke="#000" stroke-opacity="0.3" stroke-width="7"/>`);
  for (const tr of p.tracks) {
    let d = '';
    let pen = false;
    tr.time.forEach((t, k) => {
      const m = tr.midi[k];
      if (!Number.isFinite(m) || t < 0 || t > t1) return void (pen = false);
      d += `${pen ? 'L' : 'M'}${x(t).toFixed(1)} ${y(m).toFixed(1)}`;
      pen = true;
    });
    out.push(`<path d="${d}" fill="none" stroke="${tr.colour}" stroke-width="${tr.width}"/>`);
  }
  if (legend) {
    const items = [{ label: 'voice: pitch asked for (truth)', colour: '#999', width: 7 }, ...p.tracks];
    items.forEach((it, i) => {
      const lx = M.left + 10 + 215 * i;
      const ly = y0 + M.top + 12;
      out.push(`<line x1="${lx}" x2="${lx + 22}" y1="${ly}" y2="${ly}" stroke="${it.colour}" stroke-width="${Math.min(it.width, 5)}"/>`);
      out.push(`<text x="${lx + 27}" y="${ly + 4}" font-size="11">${esc(it.label)}</text>`);
    });
  }
  return out.join('\n');
}

export function voiceFigure(panels: FigurePanel[]): string {
  const body = panels.map((p, i) => panel(p, i * H, i === 0)).join('\n');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H * panels.length}" font-family="sans-serif">\n<rect width="100%" height="100%" fill="#fff"/>\n${body}\n</svg>\n`;
}
