import { spawnSync } from 'node:child_process';

/** The interpreter with Debian's python3-torch. The `python3` first on PATH may lack torch. */
export const TORCH_PYTHON = process.env.MB_PYTHON ?? '/usr/bin/python3';

/** True when `cmd` can be executed (looked up on PATH). */
export function hasTool(cmd: string, args: string[] = ['--version']): boolean {
  const r = spawnSync(cmd, args, { stdio: 'ignore', timeout: 20_000 });
  return r.error === undefined && r.status !== null;
}

export function hasTorch(): boolean {
  const r = spawnSync(TORCH_PYTHON, ['-c', 'import torch'], { stdio: 'ignore', timeout: 60_000 });
  return r.status === 0;
}
