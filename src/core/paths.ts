import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The package root, found by walking up from this file to package.json, so the same code
 * works from src/ (vitest) and from dist/src/ (compiled).
 */
export function packageRoot(): string {
  let dir = __dirname;
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    dir = dirname(dir);
  }
  return process.cwd();
}

/** The bundled models folder (models/ at the package root); MB_MODELS overrides it. */
export function defaultModelsDir(): string {
  return process.env.MB_MODELS ?? join(packageRoot(), 'models');
}

/**
 * The one folder offline jobs may read and write by default (files/ at the package root, where
 * the Max and Pd examples put their recordings); MB_FILES overrides it.
 */
export function defaultFilesDir(): string {
  return process.env.MB_FILES ?? join(packageRoot(), 'files');
}
