import { afterEach, describe, expect, it, vi } from 'vitest';
import { allPatches } from '../../patchgen/all';
import type * as Params from '../../src/synth/params';

/**
 * A mapping changed in src/synth/params.ts must reach the generated patches (so the
 * up-to-date test in patches.test.ts fails until they are written again). Here the schema
 * is replaced by a changed one and the patches are generated again from it.
 */

type Spec = Params.ParamSpec;

/** allPatches() generated against PARAM_SPECS with `change` applied to one entry. */
async function generatedWith(name: Params.ParamName, change: Partial<Spec>): Promise<Map<string, string>> {
  vi.resetModules();
  vi.doMock('../../src/synth/params', async (importOriginal) => {
    const actual = await importOriginal<typeof Params>();
    return { ...actual, PARAM_SPECS: { ...actual.PARAM_SPECS, [name]: { ...actual.PARAM_SPECS[name], ...change } } };
  });
  const mod = (await import('../../patchgen/all')) as { allPatches: typeof allPatches };
  return mod.allPatches();
}

function changedFiles(a: Map<string, string>, b: Map<string, string>): string[] {
  return [...a.keys()].filter((rel) => a.get(rel) !== b.get(rel)).sort();
}

const PLANT_FILES = [
  'patches/max/docs/refpages/mb.synth~.maxref.xml',
  'patches/max/help/mb.synth~.maxhelp',
  'patches/max/patchers/mb.synth~.maxpat',
  'patches/pd/mb.plant~.pd',
];

describe('patches follow the parameter schema', () => {
  afterEach(() => {
    vi.doUnmock('../../src/synth/params');
    vi.resetModules();
  });

  it('a changed volume range changes the Pd and Max plants, their help and reference', async () => {
    const now = allPatches();
    const changed = await generatedWith('volume', { min: -50 });
    expect(changedFiles(now, changed)).toEqual(PLANT_FILES);
    expect(changed.get('patches/pd/mb.plant~.pd')).toContain('expr 50 + 50 * \\$f1;');
    expect(changed.get('patches/max/patchers/mb.synth~.maxpat')).toContain('"text": "expr -50. + 50. * $f1"');
    expect(changed.get('patches/max/help/mb.synth~.maxhelp')).toContain('volume -50+50p dB');
  });

  it('a changed cutoff range changes the band-pass mapping in both plants', async () => {
    const changed = await generatedWith('cutoff', { max: 25600 });
    expect(changed.get('patches/pd/mb.plant~.pd')).toContain('min(max(100 * pow(2 \\, 8 * \\$f1) \\, 20)');
    expect(changed.get('patches/max/patchers/mb.synth~.maxpat')).toContain('100. * pow(2.\\\\, 8. * $f1)');
  });

  it('a changed note range changes the plants, the retrigger step and the vst-map notes', async () => {
    const changed = await generatedWith('note', { min: 60, max: 84 });
    expect(changed.get('patches/pd/mb.plant~.pd')).toContain('expr 60 + 24 * \\$f1;');
    expect(changed.get('patches/pd/mb.plant~.pd')).toContain('abs(24 * (\\$f1 - \\$f3))');
    expect(changed.get('patches/max/patchers/mb.vst-map.maxpat')).toContain('expr int(60.5 + 24. * $f1)');
  });
});
