import { describe, expect, it } from 'vitest';
import { checkBox, realTable, UNSEEN_IN_REAL_SAVES } from '../../patchgen/max/conformance/check';
import { ourBoxes } from '../../patchgen/max/conformance/ours';

/**
 * The shipped Max files against real Max saves that other people wrote (Max 8 or later), as
 * patchgen/max/conformance/scan.ts tabulated them with their sources: not against the
 * generator's own table, which the same generator wrote.
 */
describe('Max boxes against real saves', () => {
  const table = realTable();
  const boxes = ourBoxes();
  const verdicts = boxes.map((b) => checkBox(b, table));

  it('cites where every entry came from: owner/repo@commit:path, from several repositories', () => {
    const repos = new Set<string>();
    for (const [key, variants] of Object.entries(table)) {
      expect(variants.length, key).toBeGreaterThan(0);
      for (const v of variants) {
        expect(v.seen, key).toBeGreaterThan(0);
        expect(v.sources.length, key).toBeGreaterThan(0);
        for (const s of v.sources) {
          expect(s, key).toMatch(/^[\w.-]+\/[\w.-]+@[0-9a-f]{12}:.+\.(maxpat|maxhelp)$/);
          repos.add(s.split('@')[0]);
        }
      }
    }
    expect(repos.size).toBeGreaterThanOrEqual(5);
  });

  it('has every box of every shipped patcher and help file match the real saves', () => {
    expect(boxes.length).toBeGreaterThan(500);
    const wrong = verdicts.filter((v) => v.basis && v.problems.length > 0).map((v) => `${v.box.file} [${v.box.text || v.box.key}]: ${v.problems.join('; ')}`);
    expect([...new Set(wrong)]).toEqual([]);
  });

  it('leaves only the objects it names unchecked (no real save of them was found)', () => {
    const unseen = new Set(verdicts.filter((v) => !v.basis).map((v) => v.box.text.split(/\s+/)[0] || v.box.key));
    expect([...unseen].sort()).toEqual(Object.keys(UNSEEN_IN_REAL_SAVES).sort());
    const exact = verdicts.filter((v) => v.basis === 'exact').length;
    // Most boxes have their exact shape in real saves.
    expect(exact / verdicts.length).toBeGreaterThan(0.9);
  });
});
