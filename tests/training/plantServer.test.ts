import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { handlePlantRequest } from '../../src/cli/plantServer';
import { renderMelody } from '../../src/synth/melody';
import { auditorySpectrogram, normalizePower } from '../../src/dsp/auditory';
import { Yin } from '../../src/dsp/yin';

/** The training bridge: requests in, float32 files out, the same numbers as the plant + analyzer. */
const dir = mkdtempSync(join(tmpdir(), 'mb-plant-server-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function f32(name: string, values: number[] | Float32Array): string {
  const path = join(dir, name);
  const a = Float32Array.from(values);
  writeFileSync(path, Buffer.from(a.buffer));
  return path;
}

function readF32(path: string): Float32Array {
  const b = readFileSync(path);
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

const MELODY_A = [
  [0, 0.8, 0.9, 0.4, 0.2, 0.3, 0.4],
  [5 / 12, 0.6, 0.7, 0.5, 0.3, 0.25, 0.35],
  [7 / 12, 0.9, 0.8, 0.35, 0.15, 0.35, 0.45],
  [1, 0.7, 1, 0.55, 0.35, 0.2, 0.3],
  [0.25, 0.5, 0.65, 0.3, 0.1, 0.4, 0.5],
];
const MELODY_B = MELODY_A.slice().reverse();

describe('plant server', () => {
  it('melody_aud writes [B,128,250] equal to renderMelody + normalizePower + auditorySpectrogram', () => {
    const params = f32('p.f32', [...MELODY_A.flat(), ...MELODY_B.flat()]);
    const out = join(dir, 's.f32');
    const reply = handlePlantRequest({ op: 'melody_aud', id: 7, params_file: params, out_file: out, batch: 2, notes: 5, paramCount: 7, sampleRate: 8000 });
    expect(reply).toMatchObject({ ok: true, id: 7, shape: [2, 128, 250] });
    const spec = readF32(out);
    // The server reads float32 parameters, so the reference renders the same float32 values.
    const direct = auditorySpectrogram(normalizePower(renderMelody(Float32Array.from(MELODY_B.flat()), { sampleRate: 8000 })), { sampleRate: 8000 });
    expect(maxAbsDiff(spec.subarray(128 * 250), direct.data)).toBe(0);
    expect(maxAbsDiff(spec.subarray(0, 128 * 250), spec.subarray(128 * 250))).toBeGreaterThan(1e-3);
  });

  it('continuous_aud renders frame-wise control at 125 fps to one spectrogram frame per control frame', () => {
    const frames = 250;
    const values: number[] = [];
    for (let t = 0; t < frames; t++) values.push(t < 200 ? 0.5 : 0.3, t % 50 < 40 ? 0.75 : 0.25, 0.8, 0.45, 0.25, 0.3, 0.4);
    const out = join(dir, 'c.f32');
    const reply = handlePlantRequest({ op: 'continuous_aud', params_file: f32('c.in.f32', values), out_file: out, batch: 1, frames, paramCount: 7, controlRate: 125 });
    expect(reply).toMatchObject({ ok: true, shape: [1, 128, 250] });
    expect(readF32(out).some((v) => v > 0)).toBe(true);
  });

  it('aud_of_f32 resamples to 8 kHz: a 16 kHz render gives the 8 kHz frame count', () => {
    const audio = renderMelody(MELODY_A, { sampleRate: 16000 });
    const out = join(dir, 'r.f32');
    const reply = handlePlantRequest({ op: 'aud_of_f32', in_file: f32('a.f32', audio), out_file: out, batch: 1, samples: audio.length, sampleRate: 16000 });
    expect(reply).toMatchObject({ ok: true, shape: [1, 128, 250] });
  });

  it('refine_melody: each melody against its own target, and one shared preset against all', () => {
    const target = auditorySpectrogram(normalizePower(renderMelody(MELODY_A, { sampleRate: 8000 })), { sampleRate: 8000 });
    const start = MELODY_A.map((row) => row.map((v, j) => (j === 6 ? Math.min(1, v + 0.15) : v)));
    const out = join(dir, 'refined.f32');
    const reply = handlePlantRequest({
      op: 'refine_melody', params_file: f32('start.f32', start.flat()), target_file: f32('target.f32', target.data),
      out_file: out, batch: 1, targets: 1, notes: 5, paramCount: 7, mode: 'each', passes: 3,
    });
    expect(reply.ok, JSON.stringify(reply)).toBe(true);
    const [before, after] = [(reply.l1Before as number[])[0], (reply.l1After as number[])[0]];
    expect(after).toBeLessThan(before * 0.5);
    // Renderings counted: the first, then at most 2 per parameter, note and pass (6 x 5 x 3 x 2).
    const renders = (reply.renders as number[])[0];
    expect(renders).toBeGreaterThan(100);
    expect(renders).toBeLessThanOrEqual(1 + 6 * 5 * 3 * 2);
    const refined = readF32(out);
    // a decay cut short by an early gate is partly inaudible, so 4 of 5 notes must come back
    const close = MELODY_A.filter((row, n) => Math.abs(refined[n * 7 + 6] - row[6]) < 0.05).length;
    expect(close).toBeGreaterThanOrEqual(4);
    const shared = handlePlantRequest({
      op: 'refine_melody', params_file: f32('preset.f32', start.flat()), target_file: f32('targets2.f32', [...target.data, ...target.data]),
      out_file: out, batch: 1, targets: 2, notes: 5, paramCount: 7, mode: 'shared', passes: 1,
    });
    expect(shared.ok, JSON.stringify(shared)).toBe(true);
    const bad = handlePlantRequest({
      op: 'refine_melody', params_file: f32('preset2.f32', [...start.flat(), ...start.flat()]), target_file: f32('t1.f32', target.data),
      out_file: out, batch: 2, targets: 1, notes: 5, paramCount: 7, mode: 'each',
    });
    expect(bad).toMatchObject({ ok: false, code: 'MB_ERR_BAD_ARGS' });
  });

  it('answers failures with coded errors instead of throwing', () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ op: 'nope' }, 'MB_ERR_BAD_ARGS'],
      [{ op: 'melody_aud', params_file: join(dir, 'missing.f32'), out_file: join(dir, 'x.f32'), batch: 1 }, 'MB_ERR_NOT_FOUND'],
      [{ op: 'melody_aud', params_file: f32('short.f32', [0.5, 0.5]), out_file: join(dir, 'x.f32'), batch: 1 }, 'MB_ERR_BAD_ARGS'],
      [{ op: 'melody_aud', params_file: f32('nan.f32', new Array(35).fill(NaN)), out_file: join(dir, 'x.f32'), batch: 1 }, 'MB_ERR_BAD_PARAMS'],
      [{ op: 'melody_aud', params_file: f32('range.f32', new Array(35).fill(2)), out_file: join(dir, 'x.f32'), batch: 1 }, 'MB_ERR_BAD_PARAMS'],
      [{ op: 'audio', mode: 'granular', params_file: f32('ok.f32', MELODY_A.flat()), out_file: join(dir, 'x.f32'), batch: 1 }, 'MB_ERR_BAD_ARGS'],
    ];
    for (const [req, code] of cases) {
      const reply = handlePlantRequest(req);
      expect(reply.ok, JSON.stringify(req)).toBe(false);
      expect(reply.code, JSON.stringify(reply)).toBe(code);
    }
  });

  it('yin frames the buffer at hop and gives src/dsp/yin f0 and confidence with the settings sent', () => {
    const sr = 16000;
    const samples = 4000;
    const audio = new Float32Array(2 * samples);
    for (let i = 0; i < samples; i++) {
      audio[i] = 0.4 * Math.sin((2 * Math.PI * 220 * i) / sr);
      audio[samples + i] = 0.4 * Math.sin((2 * Math.PI * 330 * i) / sr) * (i < 2000 ? 1 : 0);
    }
    const settings = { sampleRate: sr, frameLength: 1024, fmin: 60, fmax: 1500, threshold: 0.2 };
    const out = join(dir, 'pitch.f32');
    const reply = handlePlantRequest({ op: 'yin', in_file: f32('pitch.in.f32', audio), out_file: out, batch: 2, samples, hop: 256, ...settings });
    const frames = Math.floor((samples - 1024) / 256) + 1;
    expect(reply).toMatchObject({ ok: true, shape: [2, 2, frames], settings });
    const got = readF32(out);
    const yin = new Yin(settings);
    for (let b = 0; b < 2; b++) {
      for (let t = 0; t < frames; t++) {
        const e = yin.estimate(audio.subarray(b * samples + t * 256, b * samples + t * 256 + 1024));
        expect([got[b * frames + t], got[2 * frames + b * frames + t]]).toEqual([Math.fround(e.f0), Math.fround(e.confidence)]);
      }
    }
    expect(Math.abs(got[0] - 220)).toBeLessThan(1);
    expect(got[2 * frames - 1]).toBe(0); // the second item ends in silence: unvoiced
    // No defaults: every setting must be sent, and each is checked.
    const base = { op: 'yin', in_file: f32('pitch.in2.f32', audio), out_file: out, batch: 2, samples, hop: 256, ...settings };
    for (const key of ['sampleRate', 'frameLength', 'fmin', 'fmax', 'threshold', 'hop']) {
      const req: Record<string, unknown> = { ...base };
      delete req[key];
      expect(handlePlantRequest(req), key).toMatchObject({ ok: false, code: 'MB_ERR_BAD_ARGS', message: expect.stringContaining(key) });
    }
    expect(handlePlantRequest({ ...base, fmin: 10 })).toMatchObject({ ok: false, code: 'MB_ERR_BAD_ARGS' });
    expect(handlePlantRequest({ ...base, samples: 1000, batch: 8 })).toMatchObject({ ok: false, code: 'MB_ERR_BAD_ARGS' });
  });

  it('schema returns the plant parameter specs in model order', () => {
    const reply = handlePlantRequest({ op: 'schema', paramCount: 7 });
    expect((reply.params as { name: string }[]).map((p) => p.name)).toEqual(['note', 'duration', 'volume', 'cutoff', 'resonance', 'attack', 'decay']);
  });
});
