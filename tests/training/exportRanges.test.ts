import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TORCH_PYTHON } from '../../src/core/tools';
import { requireTool } from '../helpers';

/**
 * training/mirrornet/export.py writes each variant's training ranges into the manifest
 * (training.data.ranges): the stream model trains on STREAM_DURATION gates (0.5-1), the melody
 * model on 0-0.5. A re-export must write what the shipped manifests say.
 */
const REPO = resolve(__dirname, '../..');
const hasTorch = requireTool('torch');

const SCRIPT = `
import json
import training.mirrornet.export as E
class C:
    lookahead, frames, channels, dilations, kernel, ranges, n_notes, frames_per_note = 2, 250, 64, [1], 3, [], 5, 50
    note_range = (62, 74)  # ModelConfig's default: the shipped melody and stream models
out = {}
for variant in ('melody', 'stream'):
    C.variant = variant
    out[variant] = E.manifest(C, 'x', '1', 13, {}, [], {}, None)['training']['data']['ranges']
print(json.dumps(out))
`;

describe.skipIf(!hasTorch)('MirrorNet export: training ranges in the manifest', () => {
  it('match the shipped manifests, the stream duration 0.5-1', { timeout: 60_000 }, () => {
    const r = spawnSync(TORCH_PYTHON, ['-c', SCRIPT], { cwd: REPO, encoding: 'utf8', timeout: 55_000,
      env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' } });
    expect(r.status, r.stderr).toBe(0);
    const written = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}');
    for (const variant of ['melody', 'stream']) {
      const shipped = JSON.parse(readFileSync(resolve(REPO, 'models', `mirrornet-${variant}`, `mirrornet-${variant}.json`), 'utf8'));
      expect(written[variant]).toEqual(shipped.training.data.ranges);
    }
    expect(written.stream.duration).toEqual([0.5, 1.0]);
    expect(written.melody.duration).toEqual([0.0, 0.5]);
  });
});
