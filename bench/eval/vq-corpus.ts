import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../src/core/paths';
import { TORCH_PYTHON } from '../../src/core/tools';

/**
 * The VQ-VAE test set: the test split of the corpus builder (training/corpus/build.py), seed 1 as
 * the training corpus, built alone (`--splits test`: the same files, byte for byte, as in a full
 * build) into build/eval/vq-test. `--minutes 60` instead of the training corpus's 24 draws 2.5
 * times its test files (a larger build only adds files), for narrower intervals. Its voices, sentences, soundfont (FluidR3_GM) and generators feed no
 * training or development file (the builder checks it; tests/training/corpus.test.ts).
 */
export const VQ_TEST_BUILD = ['--minutes', '60', '--seed', '1', '--splits', 'test'];

export interface TestFile { path: string; source: string; family?: string; seconds: number }

interface CorpusJson { builder: string; seed: number; minutes: number; splits?: string[]; files: { file: string; source: string; split: string; family?: string; seconds: number }[] }

export function vqTestDir(): string {
  return process.env.MB_VQ_TEST_CORPUS ?? join(packageRoot(), 'build', 'eval', 'vq-test');
}

function current(dir: string): CorpusJson | null {
  const path = join(dir, 'corpus.json');
  if (!existsSync(path)) return null;
  const meta = JSON.parse(readFileSync(path, 'utf8')) as CorpusJson;
  return meta.builder === 'mb-corpus-2' && meta.seed === 1 && meta.minutes === 60 && meta.files.every((f) => existsSync(join(dir, f.file))) ? meta : null;
}

/** The test files, building the split first when build/eval/vq-test does not hold it. */
export function vqTestFiles(): TestFile[] {
  const dir = vqTestDir();
  let meta = current(dir);
  if (!meta) {
    const r = spawnSync(TORCH_PYTHON, ['-m', 'training.corpus.build', '--out', dir, ...VQ_TEST_BUILD], { cwd: packageRoot(), encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`building the VQ test split failed: ${(r.stderr || r.stdout).trim().split('\n').pop()}`);
    meta = current(dir);
    if (!meta) throw new Error(`${dir}: no test corpus after the build`);
  }
  return meta.files.filter((f) => f.split === 'test').map((f) => ({ path: join(dir, f.file), source: f.source, family: f.family, seconds: f.seconds }));
}
