import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { hasTool } from '../../src/core/tools';

/**
 * Helpers of the browser tests: Debian's chromium (installed by scripts/setup.sh), the
 * flags of its fake microphone, and a fresh build of the page.
 */
export const CHROMIUM = process.env.MB_CHROMIUM ?? '/usr/bin/chromium';

/** True when chromium is there; under CI=true its absence fails, elsewhere the test skips with a message. */
export function requireChromium(): boolean {
  if (existsSync(CHROMIUM) && hasTool(CHROMIUM, ['--version'])) return true;
  if (process.env.CI === 'true') throw new Error(`chromium (${CHROMIUM}) is required under CI=true; run ./scripts/setup.sh`);
  console.warn(`skipping: chromium not installed at ${CHROMIUM} (run ./scripts/setup.sh, or set MB_CHROMIUM)`);
  return false;
}

/** Chromium's flags for a headless run whose microphone sings `wav` (looped) without asking. */
export function fakeMicrophoneArgs(wav: string): string[] {
  return [
    '--no-sandbox',
    '--use-fake-ui-for-media-stream',
    '--use-fake-device-for-media-stream',
    `--use-file-for-fake-audio-capture=${wav}`,
    '--autoplay-policy=no-user-gesture-required',
    '--disable-gpu',
  ];
}

/** Builds the page into `outDir` with the project's build script; returns its output (sizes). */
export function buildPage(outDir: string): string {
  const script = path.resolve(__dirname, '..', '..', 'scripts', 'build-ui.cjs');
  return execFileSync(process.execPath, [script, outDir], { encoding: 'utf8' });
}
