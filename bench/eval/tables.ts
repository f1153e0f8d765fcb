import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beatsBaseline, targetMet, type Figure, type Table } from './figures';

/**
 * The tables README.md and docs/*.md print are generated from the eval results file: each sits
 * between `<!-- eval:ID -->` and `<!-- /eval:ID -->`, and `npm run eval` rewrites what is
 * between them (tests/eval/tables.test.ts fails when a table and the results file disagree).
 */

function fmt(f: Figure, v: number): string {
  if (!Number.isFinite(v)) return 'n/a';
  const digits = f.digits ?? 3;
  return f.percent ? `${(100 * v).toFixed(Math.max(0, digits - 2))} %` : v.toFixed(digits);
}

function withInterval(f: Figure, v: number, interval: [number, number] | null): string {
  return interval ? `${fmt(f, v)} [${fmt(f, interval[0])}, ${fmt(f, interval[1])}]` : fmt(f, v);
}

function verdict(f: Figure): string {
  const parts: string[] = [];
  const beats = beatsBaseline(f);
  if (beats !== null) parts.push(beats ? 'beats baseline' : '**no better than baseline**');
  const met = targetMet(f);
  if (met !== null) parts.push(`target ${f.target!.op} ${fmt(f, f.target!.value)}: ${met ? 'met' : '**not met**'}`);
  return parts.join('; ');
}

/** One table as Markdown: figure, value [95 % interval], n, baseline [interval], verdict. */
export function renderTable(t: Table): string {
  const lines = [
    `| ${t.set} | value [95 % interval] | n | trivial baseline | baseline value | verdict |`,
    '| --- | --- | --- | --- | --- | --- |',
  ];
  for (const f of t.figures) {
    const base = f.baseline ? [f.baseline.label, withInterval(f, f.baseline.value, f.baseline.interval)] : ['–', '–'];
    lines.push(`| ${f.label} | ${withInterval(f, f.value, f.interval)} | ${f.n} ${f.unit} | ${base[0]} | ${base[1]} | ${verdict(f)} |`);
  }
  const notes = [...(t.notes ?? []), ...t.figures.filter((f) => f.note).map((f) => `${f.label}: ${f.note}`)];
  lines.push('', `Intervals: 95 % bootstrap over ${[...new Set(t.figures.map((f) => f.unit))].join(' / ')} (2000 resamples, seeded). `
    + `Command: \`${t.command}\` (all tables: \`npm run eval\`).`);
  for (const n of notes) lines.push(`- ${n}`);
  return lines.join('\n');
}

const marker = (id: string) => new RegExp(`(<!-- eval:${id} -->\\n)([\\s\\S]*?)(<!-- /eval:${id} -->)`);

/** README.md and docs/*.md, the files that may hold tables. */
export function docFiles(root: string): string[] {
  return [join(root, 'README.md'), ...readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => join(root, 'docs', f))];
}

/** Where each table's markers are: table id -> files. */
export function tableLocations(root: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const file of docFiles(root)) {
    for (const m of readFileSync(file, 'utf8').matchAll(/<!-- eval:([\w.-]+) -->/g)) out.set(m[1], [...(out.get(m[1]) ?? []), file]);
  }
  return out;
}

/**
 * Rewrites every table whose markers appear in the docs; returns the files changed. With
 * `check`, changes nothing and returns the files whose tables differ from the results.
 */
export function writeTables(root: string, tables: Table[], check = false): string[] {
  const changed: string[] = [];
  for (const file of docFiles(root)) {
    const before = readFileSync(file, 'utf8');
    let text = before;
    for (const t of tables) text = text.replace(marker(t.id), (_, open: string, _old: string, close: string) => `${open}${renderTable(t)}\n${close}`);
    if (text !== before) {
      changed.push(file);
      if (!check) writeFileSync(file, text);
    }
  }
  return changed;
}

/** The text between a table's markers in `file`, or null. */
export function tableText(file: string, id: string): string | null {
  const m = marker(id).exec(readFileSync(file, 'utf8'));
  return m ? m[2] : null;
}
