/**
 * Writes every generated patch: the Pd abstractions, help patches and examples under
 * patches/pd, and the Max package's .maxpat/.maxhelp files under patches/max.
 *
 *   npm run patches                write them
 *   npm run patches -- --check     exit 1 when a committed file differs
 *
 * tests/patches/patches.test.ts runs the same comparison, so a hand edit to a generated
 * file (instead of to its generator) fails the tests.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { allPatches } from './all';

const root = path.join(__dirname, '..');
const check = process.argv.includes('--check');
const stale: string[] = [];
for (const [rel, text] of allPatches()) {
  const file = path.join(root, rel);
  const current = existsSync(file) ? readFileSync(file, 'utf8') : undefined;
  if (current === text) continue;
  if (check) {
    stale.push(rel);
    continue;
  }
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
  console.log(`wrote ${rel}`);
}
if (stale.length > 0) {
  console.error(`out of date (run npm run patches): ${stale.join(', ')}`);
  process.exit(1);
}
