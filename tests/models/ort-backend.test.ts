import { runProcess } from '../helpers';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { nativeAvailable } from '../../src/models/ort-backend';

/**
 * The backend choice (src/models/ort-backend.ts), each case in a fresh child Node so the
 * once-per-process choice starts over: with onnxruntime-node's binding refused at dlopen
 * (fixtures/block-ort-binding.cjs: what an Intel Mac or Max's Node under library validation
 * does), the engine loads and runs models on onnxruntime-web's wasm backend, says so once,
 * and /mb/status says which backend runs; MB_ORT_BACKEND forces one or is refused by name.
 */
const ROOT = path.resolve(__dirname, '../..');
const CHILD = path.join(__dirname, 'fixtures', 'ort-backend-child.ts');
const BLOCK = path.join(__dirname, 'fixtures', 'block-ort-binding.cjs');
const APP_CHILD = path.join(__dirname, 'fixtures', 'app-wasm-child.ts');

interface ChildResult {
  ok: boolean;
  code?: string;
  message?: string;
  status: { backend: string; package?: string; version?: string; reason: string };
  modelBackend?: string;
  runsSync?: boolean;
  out?: number[];
}

async function child(env: Record<string, string | undefined>, blockBinding: boolean): Promise<{ result: ChildResult; stderr: string }> {
  const { MB_ORT_BACKEND: _drop, ...base } = process.env;
  const run = await runProcess(process.execPath, [...(blockBinding ? ['--require', BLOCK] : []), path.join(ROOT, 'node_modules/vite-node/vite-node.mjs'), CHILD], {
    cwd: ROOT,
    env: { ...base, MB_LOG: 'info', ...env },
    timeout: 60_000,
  });
  const line = run.stdout.trim().split('\n').pop() ?? '';
  if (!line.startsWith('{')) throw new Error(`child printed no result (status ${run.status}): ${run.stderr}`);
  return { result: JSON.parse(line) as ChildResult, stderr: run.stderr };
}

/** The native case needs onnxruntime-node's binary for this platform: required under CI=true. */
function nativeHere(): boolean {
  if (nativeAvailable()) return true;
  if (process.env.CI === 'true') throw new Error(`onnxruntime-node's binding cannot load on ${process.platform}/${process.arch} under CI=true`);
  console.warn(`skipping the native case: onnxruntime-node's binding cannot load on ${process.platform}/${process.arch}`);
  return false;
}

const backendLines = (stderr: string) => stderr.split('\n').filter((l) => l.includes('onnxruntime:'));

describe('onnxruntime backend choice', () => {
  it('runs the whole app on wasm when the binding is refused: bundled models load, MirrorNet and VQ streams give frames', async () => {
    const { MB_ORT_BACKEND: _drop, ...base } = process.env;
    const run = await runProcess(process.execPath, ['--require', BLOCK, path.join(ROOT, 'node_modules/vite-node/vite-node.mjs'), APP_CHILD], { cwd: ROOT, env: base, timeout: 120_000 });
    const line = run.stdout.trim().split('\n').pop() ?? '';
    expect(line.startsWith('{'), run.stderr).toBe(true);
    const result = JSON.parse(line) as { ok: boolean; message?: string; backend: { backend: string }; loaded: string[]; failed: string[]; frames: Record<string, number> };
    expect(result.ok, result.message).toBe(true);
    expect(result.backend.backend).toBe('wasm');
    expect(result.failed).toEqual([]);
    expect(result.loaded).toEqual(expect.arrayContaining(['mirrornet-melody', 'mirrornet-stream', 'vqvae-timbre']));
    expect(result.frames['mirrornet-stream']).toBeGreaterThan(0);
    expect(result.frames['vqvae-timbre']).toBeGreaterThan(0);
  }, 150_000);

  it('falls back to wasm when the native binding cannot load, says so once, and runs the model', async () => {
    const { result, stderr } = await child({}, true);
    expect(result.ok, result.message).toBe(true);
    expect(result.status).toMatchObject({ backend: 'wasm', package: 'onnxruntime-web', version: '1.30.0', reason: expect.stringMatching(/native binding cannot load: .*different Team IDs/) });
    expect(result.modelBackend).toBe('wasm');
    expect(result.runsSync).toBe(false);
    expect(result.out).toEqual([1.5, 2.5, 3.5, 4.5]);
    const lines = backendLines(stderr);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/\[mirrorbridge warn\] onnxruntime: wasm .*@node_bin_path/);
  });

  it.runIf(nativeHere())('runs native where the binding loads, and says that once', async () => {
    const { result, stderr } = await child({}, false);
    expect(result.ok, result.message).toBe(true);
    expect(result.status).toMatchObject({ backend: 'native', package: 'onnxruntime-node', reason: 'native binding loaded' });
    expect(result.runsSync).toBe(true);
    expect(result.out).toEqual([1.5, 2.5, 3.5, 4.5]);
    expect(backendLines(stderr)).toEqual([expect.stringMatching(/\[mirrorbridge info\] onnxruntime: native \(onnxruntime-node 1\.30\.0/)]);
  });

  it('MB_ORT_BACKEND=wasm forces wasm where native would load', async () => {
    const { result } = await child({ MB_ORT_BACKEND: 'wasm' }, false);
    expect(result.ok, result.message).toBe(true);
    expect(result.status).toMatchObject({ backend: 'wasm', reason: 'MB_ORT_BACKEND=wasm' });
    expect(result.out).toEqual([1.5, 2.5, 3.5, 4.5]);
  });

  it('MB_ORT_BACKEND=native without a loadable binding is MB_ERR_MODEL_LOAD naming the cause', async () => {
    const { result } = await child({ MB_ORT_BACKEND: 'native' }, true);
    expect(result).toMatchObject({ ok: false, code: 'MB_ERR_MODEL_LOAD', message: expect.stringMatching(/MB_ORT_BACKEND=native but onnxruntime-node's binding cannot load.*Team IDs/) });
    expect(result.status.backend).toBe('none');
  });

  it('refuses an unknown MB_ORT_BACKEND by name (MB_ERR_BAD_ARGS), and status says why none runs', async () => {
    const { result } = await child({ MB_ORT_BACKEND: 'gpu' }, false);
    expect(result).toMatchObject({ ok: false, code: 'MB_ERR_BAD_ARGS', message: 'MB_ORT_BACKEND must be native, wasm or auto, got "gpu"' });
    expect(result.status).toEqual({ backend: 'none', reason: result.message });
  });
});
