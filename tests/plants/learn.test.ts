import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { loadManifest } from '../../src/models';
import { afterAll, describe, expect, it } from 'vitest';
import { mirrorbridge } from '../cli/run';
import { requireTool } from '../helpers';

/**
 * `mirrorbridge learn` end to end against a Pd plant through real Pd: the probe's refusals
 * (coded, exit 2, nothing written to the output folder), then the CI smoke — a tiny schedule
 * (2 rounds) that probes, babbles, trains with the plant in the loop, measures held-out figures
 * and exports ONNX + manifest; then `--resume` continues the same run for one more round.
 */
const hasPd = requireTool('pd');
const hasTorch = hasPd && requireTool('torch');
const ROOT = path.join(__dirname, '..', '..');
const FIXTURES = path.join(__dirname, 'fixtures');
const FM = ['--plant', `pd:${path.join(ROOT, 'patches/pd/plants/fm.pd')}`, '--schema', path.join(ROOT, 'patches/pd/plants/fm.json')];
const work = mkdtempSync(path.join(tmpdir(), 'mb-learn-'));

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe.runIf(hasTorch)('mirrorbridge learn (real Pd, torch)', () => {
  it.each([
    ['a silent patch', 'silent.pd', 'x.json', 'MB_ERR_BAD_AUDIO', /every probe render is silent/],
    ['a patch computing NaN (Pd stores it as 0)', 'nan.pd', 'x.json', 'MB_ERR_BAD_AUDIO', /every probe render is silent/],
    ['a patch that does not open cleanly', 'broken.pd', 'x.json', 'MB_ERR_NOT_FOUND', /could not open the patch/],
    ['a patch without output', 'no-outlet.pd', 'x.json', 'MB_ERR_BAD_AUDIO', /no signal outlet/],
    ['a schema naming a parameter the patch lacks', path.join(ROOT, 'patches/pd/plants/fm.pd'), 'fm-extra.json', 'MB_ERR_BAD_PARAMS', /\[r plant\.brightness\]/],
  ])('refuses %s before training, writing nothing', async (_, patch, schema, code, message) => {
    const models = path.join(work, `refused-${code}-${path.basename(patch, '.pd')}`);
    const r = await mirrorbridge('learn', '--plant', `pd:${path.resolve(FIXTURES, patch)}`, '--schema', path.join(FIXTURES, schema), '--out', path.join(models, 'x'), '--run', path.join(models, 'run'));
    expect(r.code).toBe(2);
    expect(r.err).toContain(code);
    expect(r.err).toMatch(message);
    expect(existsSync(models)).toBe(false);
  }, 30_000);

  it('refuses an existing output folder without --force', async () => {
    const out = path.join(work, 'exists');
    mkdirSync(out);
    const r = await mirrorbridge('learn', ...FM, '--out', out);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/MB_ERR_BAD_ARGS: .*exists; pass --force/);
  });

  it('learns a tiny schedule against fm.pd: probe table, log, held-out figures, ONNX + manifest; --resume continues', async () => {
    const out = path.join(work, 'models', 'fm-smoke');
    const run = path.join(work, 'run-fm');
    const r = await mirrorbridge('learn', ...FM, '--out', out, '--run', run, '--schedule', 'smoke', '--threads', '1');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/parameter\s+unit\s+range\s+effect/);
    expect(r.out).toMatch(/note\s+midi\s+48\.\.72\s+\d\.\d{3}\s+\S+\s+audible/);
    expect(r.out).toMatch(/round 2\/2: round 2/);
    expect(r.out).toMatch(/note accuracy \d+\.\d %/);
    expect(readFileSync(path.join(run, 'train.log'), 'utf8')).toMatch(/babbling: rendering 48 random vectors/);
    expect(readFileSync(path.join(run, 'heldout.png')).subarray(1, 4).toString()).toBe('PNG');

    const manifest = JSON.parse(readFileSync(path.join(out, 'fm-smoke.json'), 'utf8'));
    expect(manifest.kind).toBe('mirrornet-plant');
    expect(manifest.params.map((p: { name: string }) => p.name)).toEqual(['note', 'ratio', 'index', 'attack', 'decay']);
    expect(manifest.params[1]).toMatchObject({ unit: 'ratio', unitRange: [0.5, 4], scale: 'log' });
    expect(manifest.plant).toMatchObject({ kind: 'pd', schema: { name: 'fm', pitch: 'note', sampleRate: 16000 } });
    expect(manifest.audio).toMatchObject({ sampleRate: 8000, feature: 'auditory', settings: { channels: 128, frames: 125, normalization: 'unit-rms' } });
    for (const g of ['encoder', 'decoder']) {
      const file = path.join(out, manifest.graphs[g].file);
      expect(createHash('sha256').update(readFileSync(file)).digest('hex')).toBe(manifest.graphs[g].sha256);
      expect(manifest.training.parityMaxAbsDiff[g]).toBeLessThanOrEqual(1e-4);
    }
    const held = manifest.training.finalMetrics.heldOut;
    expect(held.heldout).toBe(32);
    expect(Object.keys(held.maePerParam)).toEqual(['note', 'ratio', 'index', 'attack', 'decay']);
    expect(held.noteAccuracy).toBeGreaterThanOrEqual(0);
    expect(Number.isFinite(held.closerThanPreset)).toBe(true);
    expect(manifest.training.probe.params).toHaveLength(5);
    expect(readdirNames(path.dirname(out))).toEqual(['fm-smoke']); // no partial folder left beside it
    // the report travels with the model: probe table, held-out figures against the trivial baseline, SVG figures
    expect(manifest.training.report).toEqual(['report.md', 'curves.svg', 'heldout.svg']);
    const report = readFileSync(path.join(out, 'report.md'), 'utf8');
    expect(report).toMatch(/\| note \| midi \| 48\.\.72 \|/);
    expect(report).toMatch(/\| median over the audible .* \| \d\.\d{3} \| \d\.\d{3} \|/);
    expect(report).toMatch(/ms per 1 s render/);
    for (const f of ['curves.svg', 'heldout.svg']) expect(readFileSync(path.join(out, f), 'utf8')).toMatch(/^<svg [^>]*>[\s\S]*<text[\s\S]*<\/svg>\n$/);
    expect(held.baselineMaePerParam.note).toBeGreaterThan(0.1);
    // the engine loads it: a model like the others
    const loadedManifest = await loadManifest(out);
    expect(loadedManifest.plant?.schema.name).toBe('fm');

    const again = await mirrorbridge('learn', ...FM, '--out', out, '--run', run, '--schedule', 'smoke', '--threads', '1', '--rounds', '3', '--resume', '--force');
    expect(again.code, again.err).toBe(0);
    expect(again.out).toMatch(/data: loaded/);
    expect(again.out).toMatch(/resuming after round 2/);
    expect(again.out).toMatch(/round 3\/3: round 3/);
    expect(again.out).not.toMatch(/warm-up dec/);
    const history = JSON.parse(readFileSync(path.join(run, 'history.json'), 'utf8'));
    expect(history.history.map((h: { round: number }) => h.round)).toEqual([1, 2, 3]);
  }, 180_000);
});

function readdirNames(dir: string): string[] {
  return readdirSync(dir).sort();
}
