import { hasTool, hasTorch } from '../src/core/tools';

/**
 * Decides whether a test that needs an external tool runs. Under CI=true a missing tool is
 * a failure (the setup script should have installed it); elsewhere the test is skipped with
 * a message saying what to install.
 */
export function requireTool(name: 'pd' | 'sox' | 'espeak-ng' | 'fluidsynth' | 'torch'): boolean {
  const present = name === 'torch' ? hasTorch() : hasTool(name, name === 'pd' ? ['-version'] : ['--version']);
  if (present) return true;
  if (process.env.CI === 'true') {
    throw new Error(`${name} is required under CI=true; run ./scripts/setup.sh`);
  }
  console.warn(`skipping: ${name} not installed (run ./scripts/setup.sh)`);
  return false;
}
