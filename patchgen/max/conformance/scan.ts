/**
 * Builds patchgen/max/conformance/real-objects.json: the inlet and outlet counts and outlet
 * types that real Max saves give the boxes our patches use, read from public repositories of
 * Max patches other people wrote. It runs where those repositories are checked out as bare git
 * mirrors (this project's dev machines: `fetch` puts them under /work/.mirror/<owner>+<name>/repo)
 * and is not part of the build or the tests, which read the JSON it writes.
 *
 * Only saves of Max 8 or later count (appversion.major >= 8, as our patches declare 8.6):
 * some objects changed their inlets (route and sel gained one per argument in Max 7/8).
 * Each box is filed under its key (see conformanceKey) with how often each (inlets, outlets,
 * outlet types) combination was seen, and up to three sources (repository, commit, path).
 *
 * @example
 * npx vite-node patchgen/max/conformance/scan.ts -- /work/.mirror   # rewrites real-objects.json
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { classKey, conformanceKey, letterKeys, looseKey, type RealObject, type RealTable } from './key';
import { ourBoxes } from './ours';

interface Box {
  maxclass?: string;
  text?: string;
  numinlets?: number;
  numoutlets?: number;
  outlettype?: string[];
  patcher?: Patcher;
}
interface Patcher {
  appversion?: { major?: number };
  boxes?: { box: Box }[];
}

const root = process.argv.filter((a) => a !== '--').at(2) ?? '/work/.mirror';
const ours = ourBoxes();
const exact = new Set(ours.map((b) => b.key));
// Every [expr $k] too: the check verifies on them that an expr's inlets are its highest $ argument.
const EXPR_KEYS = Array.from({ length: 9 }, (_, i) => `expr $${i + 1}`);
const wanted = new Set([...EXPR_KEYS, ...exact, ...ours.flatMap((b) => [b.loose ?? '', b.klass ?? '', ...b.letters])].filter(Boolean));
const seen = new Map<string, Map<string, { io: Omit<RealObject, 'seen' | 'sources'>; n: number; sources: string[] }>>();

function visit(p: Patcher, major: number, source: string): void {
  for (const { box } of p.boxes ?? []) {
    if (box.patcher) visit(box.patcher, box.patcher.appversion?.major ?? major, source);
    if (major < 8 || box.numinlets === undefined || box.numoutlets === undefined) continue;
    const mc = box.maxclass ?? '';
    const text = box.text ?? '';
    const io = { inlets: box.numinlets, outlets: box.numoutlets, outlettype: box.outlettype ?? [] };
    const keys = [conformanceKey(mc, text), looseKey(mc, text), classKey(mc, text)];
    for (const key of keys) if (key && wanted.has(key)) note(key, io, source);
    for (const { key, at } of letterKeys(mc, text)) {
      if (wanted.has(key) && io.outlettype[at] !== undefined) note(key, { inlets: 0, outlets: 1, outlettype: [io.outlettype[at]] }, source);
    }
  }
}

function note(key: string, io: Omit<RealObject, 'seen' | 'sources'>, source: string): void {
  const variants = seen.get(key) ?? new Map();
  const id = JSON.stringify(io);
  const v = variants.get(id) ?? { io, n: 0, sources: [] };
  v.n++;
  if (v.sources.length < 3 && !v.sources.some((s: string) => s.split(':')[0] === source.split(':')[0])) v.sources.push(source);
  variants.set(id, v);
  seen.set(key, variants);
}

for (const name of readdirSync(root).filter((n) => n.includes('+'))) {
  const git = path.join(root, name, 'repo');
  let commit: string;
  let files: string[];
  try {
    commit = execFileSync('git', ['-C', git, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
    files = execFileSync('git', ['-C', git, 'ls-tree', '-r', '--name-only', 'HEAD'], { encoding: 'utf8', maxBuffer: 1 << 28 })
      .split('\n')
      .filter((f) => /\.(maxpat|maxhelp)$/.test(f));
  } catch {
    continue;
  }
  const repo = name.replace('+', '/');
  for (const file of files) {
    let json: { patcher?: Patcher };
    try {
      json = JSON.parse(execFileSync('git', ['-C', git, 'show', `HEAD:${file}`], { encoding: 'utf8', maxBuffer: 1 << 28 }));
    } catch {
      continue;
    }
    if (json.patcher) visit(json.patcher, json.patcher.appversion?.major ?? 0, `${repo}@${commit.slice(0, 12)}:${file}`);
  }
}

// Boxes read by hand from real saves outside the scanned mirrors (by-hand.json says where).
for (const e of JSON.parse(readFileSync(path.join(__dirname, 'by-hand.json'), 'utf8')) as { key: string; inlets: number; outlets: number; outlettype: string[]; source: string }[]) {
  note(e.key, { inlets: e.inlets, outlets: e.outlets, outlettype: e.outlettype }, e.source);
}

const table: RealTable = {};
for (const key of [...seen.keys()].sort()) {
  const variants = [...seen.get(key)!.values()].sort((a, b) => b.n - a.n);
  // The four most common combinations are enough to see the rule and its odd saves.
  table[key] = variants.slice(0, 4).map((v) => ({ ...v.io, seen: v.n, sources: v.sources }));
}
const out = path.join(__dirname, 'real-objects.json');
writeFileSync(out, `{\n${Object.entries(table).map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`).join(',\n')}\n}\n`);
const missing = [...exact].filter((k) => !table[k]).sort();
console.log(`${exact.size - missing.length} of ${exact.size} exact keys found in real saves; missing: ${missing.join(', ') || 'none'}`);
