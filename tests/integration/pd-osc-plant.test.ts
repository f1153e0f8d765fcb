import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { OscPlant, readPlantSchema, toUnits } from '../../src/plants';
import { PdCanvas } from '../../patchgen/pd/canvas';
import { mirrorbridge } from '../cli/run';
import { medianF0, requireTool } from '../helpers';
import { freeUdpPort, ROOT, runPd } from '../patches/pd-runner';

/**
 * The OSC plant kind (src/plants/osc.ts), against a synth that runs in real time: real Pd plays
 * patches/pd/plants/fm.pd behind [mb.osc-plant~ <port>] (no batch mode, no files: parameters and
 * the gate arrive over UDP, the sound comes back over UDP as /plant/audio blocks). Checked: each
 * render is the schema's length at its rate, sounds, and has the pitch the note asks for; a synth
 * that never answers fails the render with MB_ERR_BAD_AUDIO naming the reply port, and
 * `mirrorbridge learn` refuses such a plant in its probe (exit 2, nothing written).
 */
const hasPd = requireTool('pd');
const SCHEMA = readPlantSchema(path.join(ROOT, 'patches/pd/plants/fm.json'));

function hostPatch(port: number): string {
  const p = new PdCanvas({ width: 400, height: 200 });
  p.connect(p.obj(20, 20, 'fm'), 0, p.obj(20, 60, `mb.osc-plant~ ${port}`), 0);
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'mb-osc-plant-')), 'host.pd');
  writeFileSync(file, p.toString());
  return file;
}

const rms = (x: Float32Array) => Math.sqrt(x.reduce((s, v) => s + v * v, 0) / x.length);

describe.runIf(hasPd)('an OSC plant recorded in real time (Pd behind [mb.osc-plant~])', () => {
  it('renders each vector over UDP: the schema\'s length, sounding, on the note it was sent', async () => {
    const port = await freeUdpPort();
    let done = false;
    const pd = runPd(['-path', path.join(ROOT, 'patches/pd/plants'), '-open', hostPatch(port), '-send', 'pd dsp 1'], 1000, { until: () => done, after: 100, maxMs: 60_000 });
    const plant = new OscPlant('127.0.0.1', port, SCHEMA);
    // index 0: a pure sine at the carrier, so the pitch is the note's
    const vectors = [[0.5, 0.3, 0, 0.2, 0.6], [0.25, 0.5, 0, 0.1, 0.8], [0.9, 0.7, 0.8, 0.4, 0.5]].map((v) => Float32Array.from(v));
    let clips: Float32Array[];
    try {
      clips = await plant.render(vectors);
    } finally {
      plant.dispose();
      done = true;
    }
    const run = await pd;
    expect(run.output).not.toMatch(/error|couldn't create/);
    expect(plant.timing.renders).toBe(3);
    for (const c of clips) {
      expect(c.length).toBe(SCHEMA.seconds * SCHEMA.sampleRate);
      expect(rms(c.subarray(0, SCHEMA.sampleRate * 0.3))).toBeGreaterThan(0.01);
    }
    for (const k of [0, 1]) {
      const note = toUnits(SCHEMA, vectors[k])[0];
      const f0 = medianF0(clips[k], SCHEMA.sampleRate, 800, 6400);
      expect(Math.abs(1200 * Math.log2(f0 / (440 * 2 ** ((note - 69) / 12))))).toBeLessThan(20);
    }
  }, 90_000);

  it('a synth that never answers: MB_ERR_BAD_AUDIO naming the reply port; learn refuses it in the probe', async () => {
    const port = await freeUdpPort();
    const plant = new OscPlant('127.0.0.1', port, SCHEMA, { timeoutMs: 200 });
    await plant.ready;
    await expect(plant.render([new Float32Array(5).fill(0.5)])).rejects.toMatchObject({ code: 'MB_ERR_BAD_AUDIO', message: expect.stringContaining(`127.0.0.1:${plant.replyPort}`) });
    plant.dispose();
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'mb-osc-learn-')), 'models', 'silent');
    const r = await mirrorbridge('learn', '--plant', `osc:127.0.0.1:${port}`, '--schema', path.join(ROOT, 'patches/pd/plants/fm.json'), '--out', out);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/MB_ERR_BAD_AUDIO: OSC plant 127\.0\.0\.1:\d+ sent no audio/);
    expect(existsSync(out)).toBe(false);
  }, 60_000);
});
