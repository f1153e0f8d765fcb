import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { readWav, writeWav } from '../../src/audio/wav';
import { runVq } from '../../src/cli/vq';
import { MODEL_DIR, tone } from './fixtures';

/** Runs `mirrorbridge vq ...` in-process, capturing stdout and stderr. */
async function vq(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true));
  try {
    const code = await runVq([...args, '--model', MODEL_DIR]);
    return { code, out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

describe('mirrorbridge vq', () => {
  let dir: string;
  let wav: string;

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'mb-vqcli-'));
    wav = path.join(dir, 'x.wav');
    writeWav(wav, tone(220, 1), 16000);
  });
  afterAll(async () => fs.rm(dir, { recursive: true, force: true }));

  it('encode --json gives codes, gains and frame rate; decode turns them back into audio', async () => {
    const r = await vq('encode', wav, '--json');
    expect(r.code).toBe(0);
    const json = JSON.parse(r.out);
    expect(json.frameRate).toBe(62.5);
    expect(json.codes.length).toBe(json.gains.length);
    const codes = path.join(dir, 'codes.json');
    await fs.writeFile(codes, r.out);
    const out = path.join(dir, 'y.wav');
    expect((await vq('decode', codes, '--out', out)).code).toBe(0);
    expect(readWav(out).samples.length).toBe((json.frames - 1) * 256 + 1024);
  });

  it('synth --json reports targets, achieved series and coverage', async () => {
    const out = path.join(dir, 's.wav');
    const r = await vq('synth', '--target', 'centroid=linear(800,2400)', '--target', 'loudness=const(-20)', '--continuity', '0.5', '--duration', '1', '--out', out, '--json');
    expect(r.code).toBe(0);
    const json = JSON.parse(r.out);
    expect(json.targets.centroid.values.length).toBe(json.frames);
    expect(json.achieved.centroid.length).toBe(json.frames);
    expect(json.coverage.overall).toBeGreaterThan(0);
    expect(readWav(out).sampleRate).toBe(16000);
  });

  it('deform and plane write audio', async () => {
    expect((await vq('deform', wav, '--op', 'scale=1.5', '--op', 'reverse', '--out', path.join(dir, 'd.wav'))).code).toBe(0);
    expect((await vq('plane', wav, wav, wav, wav, '--x', '0.3', '--y', '0.7', '--out', path.join(dir, 'p.wav'))).code).toBe(0);
  });

  it.each([
    [['synth', '--target', 'brightness=const(1)', '--out', 'x.wav'], 'MB_ERR_BAD_TARGET'],
    [['synth', '--target', 'centroid=const(NaN)', '--out', 'x.wav'], 'MB_ERR_BAD_TARGET'],
    [['synth', '--out', 'x.wav'], 'MB_ERR_BAD_TARGET'],
    [['deform', 'x.wav', '--op', 'wobble', '--out', 'y.wav'], 'MB_ERR_BAD_ARGS'],
    [['plane', 'a.wav', '--out', 'y.wav'], 'MB_ERR_BAD_ARGS'],
    [['encode', '/no/such.wav'], 'MB_ERR_NOT_FOUND'],
    [['frobnicate'], 'MB_ERR_BAD_ARGS'],
  ])('%j exits 2 with one coded line', async (args, code) => {
    const r = await vq(...(args as string[]));
    expect(r.code).toBe(2);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toContain(code);
  });

  it('prints help for every sub-command', async () => {
    for (const sub of ['encode', 'decode', 'synth', 'deform', 'plane', 'lerp', 'analyze']) {
      const r = await vq(sub, '--help');
      expect(r.code).toBe(0);
      expect(r.out).toContain(`mirrorbridge vq ${sub}`);
    }
  });
});
