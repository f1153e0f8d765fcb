import { describe, expect, it } from 'vitest';
import { exprNumber, mappingExpr, mappingFormula, noteGridExpr, product, type ExprDialect } from '../../patchgen/mapping';
import { NOTE_GRID, normalizedToUnits, PARAM_SPECS, SET2, snapToGrid, unitRange, type ParamName } from '../../src/synth/params';
import { evalExpr, evalOne } from './expr-eval';

/**
 * The [expr] texts the Pd and Max plants use are generated from src/synth/params.ts; these
 * tests evaluate the texts and compare them with the TypeScript mapping, so an expr that
 * drifts from its mapping fails here (and a changed mapping changes the generated patches,
 * which patches.test.ts compares with the files on disk).
 */

/** The plant's continuous-mode value: the grid parameter (note) is not snapped. */
function continuousUnits(name: ParamName, p: number): number {
  if (PARAM_SPECS[name].curve !== 'grid') return normalizedToUnits(name, p);
  const [lo, hi] = unitRange(name);
  return lo + (hi - lo) * p;
}

const DIALECTS: ExprDialect[] = ['pd', 'max'];
const PS = [0, 0.1, 0.37, 0.5, 0.83, 1];
const close = (actual: number, expected: number) => expect(actual).toBeCloseTo(expected, 9 - Math.max(0, Math.ceil(Math.log10(Math.abs(expected) + 1))));

describe('mappingExpr', () => {
  it('evaluates to the parameter mapping of src/synth/params.ts, in Pd and Max', () => {
    for (const dialect of DIALECTS) {
      for (const name of SET2) {
        const text = mappingExpr(name, dialect);
        for (const p of PS) close(evalOne(text, { $f1: p }), continuousUnits(name, p));
      }
    }
  });

  it('applies input, scale and offset (ms, Pd dB, cycles)', () => {
    for (const dialect of DIALECTS) {
      for (const name of SET2) {
        for (const [scale, offset] of [[1000, 0], [1, 100], [1 / (2 * Math.PI), -0.25], [-2, 0.5]]) {
          const text = mappingExpr(name, dialect, { input: '$f3', scale, offset });
          for (const p of PS) close(evalOne(text, { $f3: p }), continuousUnits(name, p) * scale + offset);
        }
      }
    }
  });

  it('snaps to what the melody renderer plays once the grid note nearest is taken', () => {
    for (const p of PS) expect(snapToGrid(evalOne(mappingExpr('note', 'pd'), { $f1: p }))).toBe(normalizedToUnits('note', p));
  });

  it('writes only float literals for Max, whose expr computes integers otherwise', () => {
    for (const name of SET2) {
      const literals = mappingExpr(name, 'max', { scale: 1000, offset: 100 }).replace(/\$[a-z]\d+/g, '').match(/\d+(\.\d*)?/g) ?? [];
      for (const l of literals) expect(l, `${name}: ${l}`).toContain('.');
    }
    expect(exprNumber(62, 'max')).toBe('62.');
    expect(exprNumber(1 - 0.8, 'pd')).toBe('0.2');
  });

  it('brackets a sum so that it can be multiplied (product)', () => {
    for (const name of SET2) {
      const text = `2 * ${product(mappingExpr(name, 'pd', { offset: 3 }))} * 0.5`;
      for (const p of PS) close(evalOne(text, { $f1: p }), continuousUnits(name, p) + 3);
    }
    expect(product('10 * pow(100, $f2)')).toBe('10 * pow(100, $f2)');
  });

  it('reads the current schema as the patches have always written it', () => {
    expect(mappingExpr('note', 'pd')).toBe('62 + 12 * $f1');
    expect(mappingExpr('cutoff', 'max')).toBe('100. * pow(2.\\, 7. * $f1)');
    expect(mappingExpr('vibratoPhase', 'pd', { scale: 1 / (2 * Math.PI), offset: -0.25 })).toBe('$f1 - 0.25');
  });
});

describe('mappingFormula', () => {
  /** The comment formula as JavaScript: '100*2^(7p)' -> 100*2**(7*p), '2 pi p' -> 2*PI*p. */
  const asFunction = (formula: string) =>
    new Function('p', `return ${formula.replace(/\^/g, '**').replace(/(\d) pi p/g, '$1*Math.PI*p').replace(/(\d)p/g, '$1*p')};`) as (p: number) => number;

  it('states the mapping the plants compute', () => {
    for (const name of SET2) {
      const f = asFunction(mappingFormula(name));
      for (const p of PS) close(f(p), continuousUnits(name, p));
    }
    expect(SET2.map(mappingFormula)).toContain('100*2^(7p)');
  });
});

describe('noteGridExpr', () => {
  it('maps a grid index to its note of NOTE_GRID', () => {
    for (const compact of [false, true]) {
      const text = noteGridExpr('$i1', compact);
      expect(NOTE_GRID.map((_, i) => evalOne(text, { $i1: i }))).toEqual([...NOTE_GRID]);
    }
  });
});

describe('the expr evaluator', () => {
  it.each([
    ['62 + 12 * $f1', { $f1: 0.5 }, [68]],
    ['if($f1 > 0.5 && ($f2 == 0 || abs(-2) >= 2), 1 + ($f2 != 0), 3)', { $f1: 1, $f2: 0 }, [1]],
    ['max(20.\\, min(0.45 * $f2\\, 1e3)); -$f1 - 1; int(62.5 + 12. * $f1)', { $f1: 0.1, $f2: 100 }, [45, -1.1, 63]],
  ])('%s', (text, vars, want) => {
    const got = evalExpr(text, vars);
    got.forEach((v, i) => expect(v).toBeCloseTo(want[i], 12));
  });

  it('refuses what it cannot read', () => {
    expect(() => evalExpr('62 +', {})).toThrow(/end/);
    expect(() => evalExpr('frob(1)', {})).toThrow(/unknown function/);
    expect(() => evalExpr('$f2', { $f1: 0 })).toThrow(/no value/);
  });
});
