import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { allPatches } from '../../patchgen/all';
import { parsePd } from './pd-parse';
import { canvasIo, maxAbstractionIo, validateMax, validatePd, type PdContext } from './validate';

const root = path.join(__dirname, '..', '..');

function filesUnder(dir: string, pattern: RegExp): string[] {
  const out: string[] = [];
  for (const e of readdirSync(path.join(root, dir), { withFileTypes: true })) {
    const rel = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...filesUnder(rel, pattern));
    else if (pattern.test(e.name)) out.push(rel);
  }
  return out.sort();
}

const PD_FILES = [...filesUnder('patches/pd', /\.pd$/), ...filesUnder('externals', /\.pd$/)];
const MAX_FILES = filesUnder('patches/max', /\.(maxpat|maxhelp)$/);
const read = (rel: string) => readFileSync(path.join(root, rel), 'utf8');

/** Our Pd abstractions (patches/pd/*.pd that are not help patches), by class name. */
function pdContext(): PdContext {
  const abstractions = new Map(
    filesUnder('patches/pd', /^mb\.[^/]*\.pd$/)
      .filter((f) => !f.endsWith('-help.pd') && path.dirname(f) === 'patches/pd')
      // the example synths of patches/pd/plants are abstractions too (example 5 plays fm.pd)
      .concat(filesUnder('patches/pd/plants', /\.pd$/))
      .map((f) => [path.basename(f, '.pd'), canvasIo(parsePd(read(f)))]),
  );
  return { abstractions };
}

function maxAbstractions() {
  return new Map(filesUnder('patches/max/patchers', /^mb\.[^/]*\.maxpat$/).map((f) => [path.basename(f, '.maxpat'), maxAbstractionIo(read(f))]));
}

describe('patch files', () => {
  it('finds the patches it validates', () => {
    expect(PD_FILES).toEqual(expect.arrayContaining(['patches/pd/mb.bridge.pd', 'patches/pd/mb.plant~.pd', 'patches/pd/examples/01-vocal-sketch.pd', 'externals/mbstream~-help.pd']));
    expect(MAX_FILES).toEqual(expect.arrayContaining(['patches/max/patchers/mb.bridge.maxpat', 'patches/max/help/mb.synth~.maxhelp', 'patches/max/extras/mirrorbridge.overview.maxpat']));
  });

  it('are what patchgen/main.ts generates (edit the generator, not the files)', () => {
    const stale = [...allPatches()].filter(([rel, text]) => read(rel) !== text).map(([rel]) => rel);
    expect(stale).toEqual([]);
  });

  it('give every Pd abstraction a help patch and every Max abstraction a .maxhelp', () => {
    const pdAbstractions = [...pdContext().abstractions.keys()].filter((n) => n !== 'mb.idfilter' && n.startsWith('mb.'));
    for (const name of pdAbstractions) expect(PD_FILES).toContain(`patches/pd/${name}-help.pd`);
    for (const name of maxAbstractions().keys()) expect(MAX_FILES).toContain(`patches/max/help/${name}.maxhelp`);
  });

  it('keep each Max abstraction instance\'s own wires to itself (#0 names; only the bridge buses and its state are shared)', () => {
    // In plain Max (outside Max for Live) a "---" name is global, so two [mb.synth~] would trigger each other.
    const SHARED = new Set(['mb.in', 'mb.out', 'mb.ready', 'mb.state']);
    const leaks: string[] = [];
    for (const rel of filesUnder('patches/max/patchers', /^mb\.[^/]*\.maxpat$/)) {
      const boxes = (JSON.parse(read(rel)) as { patcher: { boxes: { box: { text?: string } }[] } }).patcher.boxes;
      for (const { box } of boxes) {
        const m = /^(s|r|send|receive|send~|receive~|value|v)\s+(\S+)/.exec(box.text ?? '');
        if (m && !SHARED.has(m[2]) && !m[2].startsWith('#0')) leaks.push(`${rel}: [${box.text}]`);
      }
    }
    expect(leaks).toEqual([]);
  });

  it.each(PD_FILES)('%s is valid vanilla Pd with known OSC addresses', (rel) => {
    expect(validatePd(rel, read(rel), pdContext())).toEqual([]);
  });

  it.each(MAX_FILES)('%s is a valid Max patcher', (rel) => {
    expect(validateMax(rel, read(rel), maxAbstractions())).toEqual([]);
  });
});

describe('the validator', () => {
  const ctx = (): PdContext => ({ abstractions: new Map([['mb.thing', { inlets: 1, outlets: 1 }]]) });
  const pd = (...lines: string[]) => ['#N canvas 0 50 450 300 12;', ...lines].join('\n') + '\n';
  const problems = (src: string) => validatePd('x.pd', src, ctx()).map((p) => p.message);

  it('accepts a small correct patch', () => {
    expect(problems(pd('#X obj 10 10 osc~ 440;', '#X obj 10 40 dac~;', '#X connect 0 0 1 1;'))).toEqual([]);
  });

  it.each([
    [pd('#X obj 10 10 osc~ 440;', '#X obj 10 40 dac~;', '#X connect 0 1 1 0;'), /outlet 1: it has 1 outlet/],
    [pd('#X obj 10 10 osc~ 440;', '#X obj 10 40 dac~;', '#X connect 0 0 1 2;'), /inlet 2: it has 2 inlet/],
    [pd('#X obj 10 10 osc~ 440;', '#X connect 0 0 5 0;'), /no such box/],
    [pd('#X obj 10 10 zexy/abs~;'), /neither vanilla nor one of ours/],
    [pd('#X msg 10 10 3;', '#X floatatom 10 40 5 0 0 0 - named.rcv - 0;', '#X connect 0 0 1 0;'), /inlet 0: it has 0 inlet/],
    [pd('#X obj 10 10 oscformat mb stream audiox;'), /\/mb\/stream\/audiox, not an input address/],
    [pd('#X obj 10 10 mb.request models frob;'), /\/mb\/models\/frob, not an input address/],
    [pd('#X obj 10 10 r mb.from-bridge;', '#X obj 10 40 route mb;', '#X obj 10 70 route parms;', '#X connect 0 0 1 0;', '#X connect 1 0 2 0;'), /routes \/mb\/parms/],
    ['#N canvas 0 50 450 300 12;\n#X obj 10 10 osc~', /not well-formed/],
    [pd('#X restore 0 0 pd x;'), /not well-formed/],
  ])('reports what is wrong in %j', (src, pattern) => {
    expect(problems(src).join('\n')).toMatch(pattern);
  });

  it('accepts routed addresses of the table, containers and templates', () => {
    const src = pd(
      '#X obj 10 10 r mb.from-bridge;',
      '#X obj 10 40 route mb;',
      '#X obj 10 70 route params param job;',
      '#X obj 10 100 route units;',
      '#X obj 200 100 route cutoff;',
      '#X obj 300 100 route done progress;',
      '#X connect 0 0 1 0;',
      '#X connect 1 0 2 0;',
      '#X connect 2 0 3 0;',
      '#X connect 2 1 4 0;',
      '#X connect 2 2 5 0;',
    );
    expect(problems(src)).toEqual([]);
  });

  it('checks Max boxes against real saves and lines against their boxes', () => {
    const box = (id: string, maxclass: string, ins: number, outs: number, text?: string, type = maxclass === 'newobj' ? 'signal' : '') => ({
      box: { id, maxclass, numinlets: ins, numoutlets: outs, outlettype: Array(outs).fill(type), patching_rect: [0, 0, 50, 22], ...(text ? { text } : {}) },
    });
    const src = (boxes: unknown[], lines: [string, number, string, number][]) =>
      JSON.stringify({ patcher: { boxes, lines: lines.map(([s, o, d, i]) => ({ patchline: { source: [s, o], destination: [d, i] } })) } });
    const check = (s: string) => validateMax('x.maxpat', s, new Map()).map((p) => p.message).join('\n');
    expect(check(src([box('a', 'newobj', 2, 1, 'cycle~ 440'), box('b', 'ezdac~', 2, 0)], [['a', 0, 'b', 1]]))).toBe('');
    expect(check(src([box('a', 'newobj', 2, 1, 'cycle~ 440'), box('b', 'ezdac~', 2, 0)], [['a', 1, 'b', 0]]))).toMatch(/a has 1 outlet/);
    expect(check(src([box('a', 'newobj', 1, 1, 'cycle~ 440')], []))).toMatch(/1 inlets, real saves 2/);
    // Max 8 saves: [route a b] has an inlet per argument, [+ 0.] outputs floats.
    expect(check(src([box('a', 'newobj', 2, 3, 'route a b', '')], []))).toMatch(/2 inlets, real saves 3/);
    expect(check(src([box('a', 'newobj', 2, 1, '+ 0.', 'int')], []))).toMatch(/outlettype \["int"\], real saves \["float"\]/);
    expect(check(src([box('a', 'newobj', 1, 1, 'nosuch.object')], []))).toMatch(/no real Max save of this object/);
    expect(check(src([box('m', 'message', 2, 1, 'frobnicate 1'), box('s', 'newobj', 1, 0, 's mb.in')], [['m', 0, 's', 0]]))).toMatch(/"frobnicate" is sent to the bridge/);
    expect(check('{"patcher": ')).toMatch(/not valid JSON/);
  });
});
