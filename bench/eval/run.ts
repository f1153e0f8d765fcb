import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../../src/core/paths';
import { ENTRIES } from './entries';
import type { Table } from './figures';
import { tableLocations, writeTables } from './tables';

/**
 * `npm run eval [-- NAME ...] [--check]`: runs the evaluations of bench/eval/entries.ts (all, or
 * those named) on the shipped models, merges their tables into bench/results/eval.json and
 * regenerates the tables in README.md and docs/ from that file. `--tables` only regenerates the
 * tables from the results file; `--check` says which tables differ from it (exit 1); `--dry-run`
 * prints the figures and writes nothing (a candidate model: MB_VQ_MODEL_DIR).
 */
export const RESULTS = (root = packageRoot()): string => join(root, 'bench', 'results', 'eval.json');

export interface EvalResults {
  entries: Record<string, { date: string; seconds: number; machine: string; tables: Table[] } | { date: string; error: string }>;
}

export function readResults(root = packageRoot()): EvalResults {
  return existsSync(RESULTS(root)) ? (JSON.parse(readFileSync(RESULTS(root), 'utf8')) as EvalResults) : { entries: {} };
}

/** README.md's summary: every figure marked `headline`, from all entries. */
export function summaryTable(tables: Table[]): Table {
  const figures = tables.flatMap((t) => t.figures.filter((f) => f.headline).map((f) => ({ ...f, id: `${t.id}.${f.id}`, label: `${f.headline}: ${f.label}`, note: undefined })));
  return { id: 'summary', set: 'model figures (test sets)', command: 'npm run eval', figures, notes: ['Each table in the docs gives every figure of its model, its set and its thresholds.'] };
}

export function allTables(results: EvalResults): Table[] {
  const tables = Object.values(results.entries).flatMap((e) => ('tables' in e ? e.tables : []));
  return [...tables, summaryTable(tables)];
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const root = packageRoot();
  const results = readResults(root);
  if (args.includes('--check') || args.includes('--tables')) {
    const changed = writeTables(root, allTables(results), args.includes('--check'));
    console.log(changed.length ? `${args.includes('--check') ? 'differ from' : 'rewritten from'} ${RESULTS(root)}: ${changed.join(', ')}` : 'tables agree with the results file');
    return args.includes('--check') && changed.length ? 1 : 0;
  }
  const only = args.filter((a) => !a.startsWith('--'));
  const unknown = only.filter((n) => !ENTRIES.some((e) => e.name === n));
  if (unknown.length) {
    console.error(`eval: unknown ${unknown.join(', ')}; entries: ${ENTRIES.map((e) => e.name).join(', ')}`);
    return 2;
  }
  let failed = 0;
  for (const entry of ENTRIES.filter((e) => only.length === 0 || only.includes(e.name))) {
    const why = entry.available();
    console.log(`\n== eval ${entry.name}: ${entry.what}${why ? ` (skipped: ${why})` : ''} ==`);
    if (why) continue;
    const t0 = performance.now();
    try {
      const tables = await entry.run();
      results.entries[entry.name] = { date: new Date().toISOString(), seconds: Math.round((performance.now() - t0) / 1000), machine: `${cpus()[0]?.model} x${cpus().length}`, tables };
      for (const t of tables) console.table(t.figures.map((f) => ({ figure: f.label, value: f.value, lo: f.interval?.[0], hi: f.interval?.[1], n: f.n, baseline: f.baseline?.value })));
    } catch (err) {
      failed++;
      console.error(`eval ${entry.name} failed: ${(err as Error).message}`);
      results.entries[entry.name] = { date: new Date().toISOString(), error: (err as Error).message };
    }
  }
  if (args.includes('--dry-run')) return failed ? 1 : 0;
  mkdirSync(join(root, 'bench', 'results'), { recursive: true });
  writeFileSync(RESULTS(root), `${JSON.stringify(results, null, 1)}\n`);
  const changed = writeTables(root, allTables(results));
  const placed = tableLocations(root);
  const unplaced = allTables(results).filter((t) => !placed.has(t.id)).map((t) => t.id);
  console.log(`\neval: ${RESULTS(root)}; tables rewritten in ${changed.length ? changed.join(', ') : 'no file (already current)'}`
    + (unplaced.length ? `; not printed in any doc: ${unplaced.join(', ')}` : ''));
  return failed ? 1 : 0;
}

if (require.main === module) void main().then((code) => (process.exitCode = code));
