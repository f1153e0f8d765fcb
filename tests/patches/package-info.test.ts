import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The Max package's package-info.json promises only what the code can keep: every platform it
 * declares has an onnxruntime-node binary in the installed package (or, where named, runs on
 * the WebAssembly backend), and max_version_min is
 * a Max whose bundled Node satisfies package.json's `engines` (issue 19 item 2 and 3).
 */
const ROOT = path.resolve(__dirname, '../..');
const info = JSON.parse(readFileSync(path.join(ROOT, 'patches/max/package-info.json'), 'utf8')) as {
  max_version_min: string;
  os: Record<string, { platform: string[] }>;
};
const ortBin = path.join(ROOT, 'node_modules/onnxruntime-node/bin/napi-v6');

/** Max version -> the major Node version Node for Max bundles (Cycling '74 release notes: 8.2-8.5 Node 16, 8.6 on Node 20). */
function bundledNode(maxVersion: string): number {
  const [major, minor] = maxVersion.split('.').map(Number);
  if (major > 8 || (major === 8 && minor >= 6)) return 20;
  if (major === 8 && minor >= 2) return 16;
  return 12;
}

describe('Max package-info.json', () => {
  // Platforms onnxruntime-node ships no binary for, where the engine runs on onnxruntime-web's
  // WebAssembly backend (src/models/ort-backend.ts; tests/models/ort-backend.test.ts runs the
  // whole app that way): Intel Macs, for which upstream will not build one (onnxruntime#27961).
  const WASM_ONLY = new Set(['darwin/x64']);

  it.each(Object.entries({ macintosh: 'darwin', windows: 'win32' }))('declares only %s platforms with a backend: an onnxruntime-node binary, or the wasm one where named', (os, dir) => {
    const arch = (p: string) => (p === 'aarch64' ? 'arm64' : p);
    const declared = info.os[os]?.platform ?? [];
    expect(declared.length).toBeGreaterThan(0);
    for (const p of declared) {
      const native = existsSync(path.join(ortBin, dir, arch(p), 'onnxruntime_binding.node'));
      const where = `${dir}/${arch(p)}`;
      if (WASM_ONLY.has(where)) {
        expect(native, `${where} has a native binary now: drop it from WASM_ONLY`).toBe(false);
        expect(existsSync(path.join(ROOT, 'node_modules/onnxruntime-web/dist/ort-wasm-simd-threaded.wasm')), where).toBe(true);
      } else {
        expect(native, `${os} ${p}`).toBe(true);
      }
    }
  });

  it('asks for a Max whose bundled Node meets package.json engines', () => {
    const engines = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string } }).engines.node;
    const needed = Number(/>=\s*(\d+)/.exec(engines)?.[1]);
    expect(needed).toBeGreaterThan(0);
    expect(bundledNode(info.max_version_min)).toBeGreaterThanOrEqual(needed);
    // and not higher than it must be: the Max before it would not do
    expect(bundledNode('8.5')).toBeLessThan(needed);
  });
});
