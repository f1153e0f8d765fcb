import { describe, expect, it } from 'vitest';
import { findCircles, importSpecifiers, readImportGraph, type ImportGraph } from './import-graph';

/**
 * The house rules on imports (DESIGN.md, Architecture and Folder layout): no import circle in
 * src/ or bridge/, and the arrows DESIGN.md names run downward only.
 */
const graph = readImportGraph(['src', 'bridge']);

/**
 * Circles still being opened by work in progress. Each entry must still exist (the test below
 * fails once it is gone, so the list only shrinks); a new circle fails at once.
 */
const CIRCLES_BEING_OPENED: string[][] = [];

/** Room of a file: its first two path parts ('src/engine'), or 'bridge'. */
const roomOf = (file: string): string => (file.startsWith('bridge/') ? 'bridge' : file.split('/').slice(0, 2).join('/'));

/**
 * Arrows DESIGN.md forbids, as [importing room, rooms it must not import, why].
 * (DESIGN.md gives no total order of the rooms, so only the arrows it states are checked.)
 */
const FORBIDDEN: [string, string[], string][] = [
  ['src/engine', ['src/mirror', 'src/vq', 'src/plants', 'src/verbs', 'src/net', 'src/app', 'src/cli', 'bridge'], 'the engine knows no plug-in and no front door; plug-ins register into it'],
  ...['src/mirror', 'src/vq', 'src/plants'].map(
    (room): [string, string[], string] => [room, ['src/verbs', 'src/net'], 'plug-ins own their controls and jobs; the verb table is built on them, not the other way round'],
  ),
  ['src/verbs', ['src/net'], 'the verb table is door-neutral: transports sit above it'],
  ...['src/core', 'src/audio', 'src/dsp', 'src/native', 'src/synth', 'src/plants', 'src/models', 'src/mirror', 'src/vq', 'src/engine', 'src/verbs', 'src/net'].map(
    (room): [string, string[], string] => [room, ['src/app', 'src/cli', 'bridge'], 'src/app is the composition root: nothing below it imports it, nor the front doors above it'],
  ),
];

function upwardArrows(g: ImportGraph): string[] {
  const found: string[] = [];
  for (const [file, targets] of g.edges) {
    for (const [room, banned, why] of FORBIDDEN) {
      if (roomOf(file) !== room) continue;
      for (const t of targets) if (banned.includes(roomOf(t))) found.push(`${file} -> ${t} (${why})`);
    }
  }
  return found.sort();
}

describe('the import graph of src/ and bridge/', () => {
  it('reads the project (every room has files and arrows)', () => {
    expect(graph.files.length).toBeGreaterThan(50);
    expect(graph.edges.get('src/dsp/cochlea.ts')?.size).toBeGreaterThan(0);
  });

  it('has no import circle but those being opened', () => {
    const key = (c: string[]) => [...c].sort().join(' <-> ');
    const allowed = new Set(CIRCLES_BEING_OPENED.map(key));
    expect(findCircles(graph).map(key).filter((c) => !allowed.has(c))).toEqual([]);
  });

  it('still has each circle of the allow-list (remove an entry once its circle is open)', () => {
    const present = new Set(findCircles(graph).map((c) => [...c].sort().join(' <-> ')));
    expect(CIRCLES_BEING_OPENED.map((c) => [...c].sort().join(' <-> ')).filter((c) => !present.has(c))).toEqual([]);
  });

  it('has no arrow that DESIGN.md says runs upward', () => {
    expect(upwardArrows(graph)).toEqual([]);
  });
});

describe('the checker itself', () => {
  const fake = (edges: Record<string, string[]>): ImportGraph => ({
    files: Object.keys(edges).sort(),
    edges: new Map(Object.entries(edges).map(([f, ts]) => [f, new Set(ts)])),
  });

  it('finds a two-file circle, a longer one and a self-import, each once, and no circle in a tree', () => {
    const circles = findCircles(
      fake({ a: ['b'], b: ['a', 'c'], c: [], d: ['e'], e: ['f'], f: ['d'], g: ['g'], h: ['c', 'a'] }),
    );
    expect(circles).toEqual([['a', 'b'], ['d', 'e', 'f'], ['g']]);
    expect(findCircles(fake({ a: ['b', 'c'], b: ['c'], c: [] }))).toEqual([]);
  });

  it('takes static, type-only, re-export, require and dynamic imports, and nothing in comments or strings', () => {
    const text = [
      "import { x } from './a';",
      "import type { T } from './b';",
      "export { y } from './c';",
      "import z = require('./d');",
      "const m = await import('./e');",
      "const n = require('./f');",
      "import fs from 'node:fs';",
      "/** @example import { w } from './not-an-import'; */",
      "// import q from './nor-this';",
      "const s = \"import r from './nor-that'\";",
    ].join('\n');
    expect(importSpecifiers('x.ts', text)).toEqual(['./a', './b', './c', './d', './e', './f']);
  });

  it('flags an upward arrow such as the engine importing a plug-in', () => {
    expect(upwardArrows(fake({ 'src/engine/create.ts': ['src/vq/index.ts'], 'src/vq/index.ts': ['src/engine/types.ts'] }))).toHaveLength(1);
  });
});
