import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TORCH_PYTHON } from '../../src/core/tools';
import { mulberry32 } from '../../src/core/random';
import { Yin } from '../../src/dsp/yin';
import { loadManifest } from '../../src/models/validate-manifest';
import { pitchTrackerOf } from '../../src/models/pitch-tracker';
import { requireTool, runProcess } from '../helpers';

/**
 * Training's pitch (training/vqvae/pitch.py, what FrameSet and the export use) is the
 * TypeScript YIN run by the plant server: equal to src/dsp/yin value for value, with the
 * settings the shipped model's checkpoint config gives, and nothing without the server.
 */
const REPO = resolve(__dirname, '../..');
const MODEL = join(REPO, 'models', 'vqvae-timbre');
const hasTorch = requireTool('torch');
const work = mkdtempSync(join(tmpdir(), 'mb-training-pitch-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const SCRIPT = `
import json, sys
import numpy as np
from training.vqvae.model import VqConfig
from training.vqvae.pitch import YinSettings, yin_track
from training.common.plant import Plant
frames_file, count, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
manifest = json.load(open('models/vqvae-timbre/vqvae-timbre.json'))
settings = YinSettings.of(VqConfig.from_dict(manifest['training']['config']))
frames = np.fromfile(frames_file, dtype='<f4').reshape(count, settings.frame_length)
looser = YinSettings(settings.sample_rate, settings.frame_length, settings.fmin, settings.fmax, 0.45)
with Plant(log=lambda *_: None) as plant:
    f0, conf = yin_track(frames, settings, plant)
    f0_looser, _ = yin_track(frames, looser, plant)
np.concatenate([f0, conf, f0_looser]).astype('<f4').tofile(out)
print(json.dumps(settings.manifest()))
`;

async function python(args: string[], env: Record<string, string> = {}) {
  const r = await runProcess(TORCH_PYTHON, args, { cwd: REPO, timeout: 170_000, env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1', ...env } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** 40 frames of a 196 Hz tone under rising noise, then a 330 Hz tone, silence and noise: voiced, borderline and unvoiced frames. */
function testFrames(n: number): { frames: Float32Array; count: number } {
  const count = 60;
  const next = mulberry32(11);
  const frames = new Float32Array(count * n);
  for (let t = 0; t < count; t++) {
    for (let i = 0; i < n; i++) {
      const k = t * n + i;
      const p = (2 * Math.PI * (t < 40 ? 196 : 330) * k) / 16000;
      const tone = t < 50 ? 0.3 * (Math.sin(p) + 0.5 * Math.sin(2 * p)) : 0;
      const noise = t < 40 ? (0.6 * t) / 40 : t >= 55 ? 0.2 : 0;
      frames[k] = tone + noise * (2 * next() - 1);
    }
  }
  return { frames, count };
}

describe.skipIf(!hasTorch)('training pitch is the TypeScript YIN', () => {
  it('equals src/dsp/yin with the manifest settings, frame by frame, and follows the settings sent', { timeout: 180_000 }, async () => {
    const settings = pitchTrackerOf((await loadManifest(MODEL)).audio)!;
    const n = settings.frameLength;
    const { frames, count } = testFrames(n);
    const input = join(work, 'frames.f32');
    const output = join(work, 'pitch.f32');
    writeFileSync(input, Buffer.from(frames.buffer));
    const run = await python(['-c', SCRIPT, input, String(count), output]);
    expect(run.status, run.stderr + run.stdout).toBe(0);
    // The settings training derives from the checkpoint config are the manifest's.
    expect(JSON.parse(run.stdout.trim().split('\n').pop()!)).toEqual({
      pitch: 'yin', pitchFmin: settings.fmin, pitchFmax: settings.fmax, pitchThreshold: settings.threshold,
    });
    const b = readFileSync(output);
    const got = new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
    expect(got.length).toBe(3 * count);
    const yin = new Yin(settings);
    const looser = new Yin({ ...settings, threshold: 0.45 });
    const want = new Float32Array(3 * count);
    for (let t = 0; t < count; t++) {
      const frame = frames.subarray(t * n, (t + 1) * n);
      const e = yin.estimate(frame);
      want[t] = e.f0;
      want[count + t] = e.confidence;
      want[2 * count + t] = looser.estimate(frame).f0;
    }
    expect(Array.from(got)).toEqual(Array.from(want));
    const voiced = (a: Float32Array) => a.filter((v) => v > 0).length;
    expect(voiced(got.subarray(0, count))).toBeGreaterThan(15);
    expect(voiced(got.subarray(2 * count))).toBeGreaterThan(voiced(got.subarray(0, count)));
  });

  it('has no tracker of its own: without the plant server training cannot measure pitch', { timeout: 60_000 }, async () => {
    const run = await python(['-c', 'import numpy as np\nfrom training.vqvae.pitch import YinSettings, yin\nyin(np.zeros((2, 1024), np.float32), YinSettings(16000, 1024, 50, 2000, 0.15))'],
      { MB_PLANT_JS: join(work, 'no-such-plant-server.js') });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toMatch(/PlantError|plant server/);
  });
});
