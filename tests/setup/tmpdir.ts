import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * Vitest global setup: every temporary folder the tests make (mkdtemp under os.tmpdir(): model
 * copies, job files, Pd patches) goes under one folder for the run, removed at the end, so
 * test runs do not pile folders up in /tmp. Workers are forked after this runs and inherit
 * TMPDIR.
 */
export default function setup(): () => void {
  const root = mkdtempSync(path.join(tmpdir(), 'mb-test-run-'));
  const previous = process.env.TMPDIR;
  process.env.TMPDIR = root;
  return () => {
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
    rmSync(root, { recursive: true, force: true });
  };
}
