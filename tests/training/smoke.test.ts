import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TORCH_PYTHON } from '../../src/core/tools';
import { requireTool, runProcess } from '../helpers';

/**
 * CI smoke run of the real MirrorNet pipeline: tiny data and model, 2 rounds of 1 epoch,
 * rendered by the TypeScript plant through the bridge, then export to ONNX with the
 * PyTorch/onnxruntime-node parity check (<= 1e-4).
 */
const REPO = resolve(__dirname, '../..');
const hasTorch = requireTool('torch');
const work = mkdtempSync(join(tmpdir(), 'mb-mirrornet-smoke-'));

async function python(args: string[]) {
  const r = await runProcess(TORCH_PYTHON, args, { cwd: REPO, timeout: 170_000, env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe.skipIf(!hasTorch)('MirrorNet smoke training', () => {
  for (const variant of ['melody', 'stream', 'voice'] as const) {
    it(`trains, exports and passes parity (${variant})`, { timeout: 180_000 }, async () => {
      const run = join(work, `run-${variant}`);
      const model = join(work, `model-${variant}`);
      const train = await python(['-m', 'training.mirrornet.train', '--variant', variant, '--smoke', '--threads', '1', '--out', run]);
      expect(train.status, train.stderr + train.stdout).toBe(0);
      const history = JSON.parse(readFileSync(join(run, 'history.json'), 'utf8'));
      expect(history.history).toHaveLength(2);
      expect(Number.isFinite(history.best_plant_nmse)).toBe(true);
      expect(readFileSync(join(run, 'train.log'), 'utf8')).toMatch(/round 2\/2/);

      const name = `smoke-${variant}`;
      const exp = await python(['-m', 'training.mirrornet.export', '--run', run, '--name', name, '--out', model]);
      expect(exp.status, exp.stderr + exp.stdout).toBe(0);
      const report = JSON.parse(exp.stdout.trim().split('\n').pop() ?? '{}');
      expect(report.status).toBe('ok');
      expect(report.parity.encoder).toBeLessThanOrEqual(1e-4);
      expect(report.parity.decoder).toBeLessThanOrEqual(1e-4);

      const manifest = JSON.parse(readFileSync(join(model, `${name}.json`), 'utf8'));
      expect(manifest.kind).toBe(variant === 'voice' ? 'mirrornet-stream' : `mirrornet-${variant}`);
      // the voice variant: the stream network over MIDI 36-84, by the plant's p = (midi - 62) / 12
      if (variant === 'voice') expect([manifest.params[0].range, manifest.params[0].unitRange]).toEqual([[-26 / 12, 22 / 12], [36, 84]]);
      expect(manifest.params.map((p: { name: string }) => p.name)).toEqual(['note', 'duration', 'volume', 'cutoff', 'resonance', 'attack', 'decay']);
      for (const graph of ['encoder', 'decoder']) {
        expect(existsSync(join(model, manifest.graphs[graph].file))).toBe(true);
      }
      const aud = manifest.graphs.encoder.inputs[0].shape;
      expect(aud).toEqual(variant === 'melody' ? ['batch', 128, 250] : ['batch', 128, 'frames']);
    });
  }
});
