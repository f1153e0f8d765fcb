import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseArgs } from '../../src/verbs/args';
import { renderOscDoc } from '../../src/verbs/doc';
import type { TableEntry } from '../../src/verbs/spec';
import { entriesAt, entryOf, listenMode, VERB_TABLE } from '../../src/verbs/table';
import { buildNamespace, findNode } from '../../src/net/osc/oscquery';
import { args, f, floatBlob } from './helpers';

const table: readonly TableEntry[] = VERB_TABLE;

describe('address table', () => {
  it('has unique addresses under /mb (except the Wekinator output)', () => {
    expect(new Set(table.map((e) => e.address)).size).toBe(table.length);
    for (const e of table) expect(e.address.startsWith('/mb/') || e.external).toBe(true);
  });

  it('marks in addresses writable and out addresses readable', () => {
    for (const e of table) expect(e.access).toBe(e.direction === 'in' ? 'w' : 'r');
  });

  it('describes every address and argument; optional and repeated arguments come last', () => {
    for (const e of table) {
      expect(e.description.length).toBeGreaterThan(10);
      for (const sig of e.signatures) {
        sig.forEach((a, i) => {
          expect(a.description.length, `${e.address} ${a.name}`).toBeGreaterThan(3);
          if (a.repeat) expect(i).toBe(sig.length - 1);
          if (a.optional) expect(sig.slice(i).every((b) => b.optional)).toBe(true);
        });
      }
    }
  });

  it('names only out addresses as replies', () => {
    for (const e of table) for (const r of (e.direction === 'in' && e.replies) || []) expect(entryOf(r)?.direction, `${e.address} → ${r}`).toBe('out');
  });

  it('contains what issue 5 requires', () => {
    const required = [
      '/mb/hello', '/mb/bye', '/mb/models/list', '/mb/models/load', '/mb/stream/open', '/mb/stream/close', '/mb/stream/audio',
      '/mb/params', '/mb/param/{name}', '/mb/param/{name}/units', '/mb/vq/codes', '/mb/vq/latent', '/mb/vq/target',
      '/mb/vq/deform', '/mb/vq/plane', '/mb/job/infer', '/mb/job/resynth', '/mb/job/vq', '/mb/job/done', '/mb/status', '/mb/error',
    ];
    for (const a of required) expect(entryOf(a), a).toBeDefined();
    expect(entryOf('/mb/stream/audio')!.signatures.map((s) => s[1].type)).toEqual(['f', 'b']);
  });
});

describe('parseArgs', () => {
  const open = entryOf('/mb/stream/open')!;
  const audio = entryOf('/mb/stream/audio')!;

  it('accepts integral floats for integers (Pd) and leaves optional arguments out', () => {
    const a = parseArgs(open, args(f(1), f(16000), f(64)));
    expect([a.int('id'), a.int('sampleRate'), a.int('blockSize'), a.optStr('model')]).toEqual([1, 16000, 64, undefined]);
  });

  it('gives float arguments and float32 blobs the same shape', () => {
    const fromFloats = parseArgs(audio, args(2, f(0.5), f(-0.25))).floats('samples');
    const fromBlob = parseArgs(audio, args(2, floatBlob([0.5, -0.25]))).floats('samples');
    expect(fromFloats).toEqual(fromBlob);
    expect(Array.from(fromBlob)).toEqual([0.5, -0.25]);
  });

  it.each([
    ['too few', open, args(1, 16000), 'MB_ERR_BAD_ARGS', /takes 3\.\.4 arguments/],
    ['wrong type', open, args('one', 16000, 64), 'MB_ERR_BAD_ARGS', /id must be an integer/],
    ['fraction', open, args(1, f(16000.5), 64), 'MB_ERR_BAD_ARGS', /integer/],
    ['out of range', open, args(1, 384000, 64), 'MB_ERR_BAD_ARGS', /\[8000, 192000\], got 384000/],
    ['NaN', audio, args(1, f(Number.NaN)), 'MB_ERR_BAD_ARGS', /finite/],
    ['Inf', audio, args(1, f(0), f(Number.NEGATIVE_INFINITY)), 'MB_ERR_BAD_ARGS', /samples\[1\] must be finite/],
    ['oversized blob', audio, args(1, new Uint8Array(40000)), 'MB_ERR_TOO_LARGE', /40000 bytes/],
    ['too many floats', audio, [{ type: 'i', value: 1 }, ...new Array(9000).fill(f(0))], 'MB_ERR_TOO_LARGE', /9000 values/],
    ['ragged blob', audio, args(1, new Uint8Array(6)), 'MB_ERR_BAD_ARGS', /multiple of 4/],
    ['bad enum', entryOf('/mb/vq/deform')!, args('melt', f(1)), 'MB_ERR_BAD_ARGS', /scale, bias, randomize, reverse/],
    ['model path', entryOf('/mb/models/load')!, args('../x'), 'MB_ERR_BAD_ARGS', /must match/],
    ['empty string', entryOf('/mb/models/load')!, args(''), 'MB_ERR_BAD_ARGS', /1\.\.1024 characters/],
    ['array arg', entryOf('/mb/ping')!, [[{ type: 'i', value: 1 }] as never], 'MB_ERR_BAD_ARGS', /integer/],
  ] as const)('rejects %s', (_label, entry, a, code, message) => {
    expect(() => parseArgs(entry, [...a])).toThrow(expect.objectContaining({ code, message: expect.stringMatching(message) }));
  });
});

describe('listen addresses', () => {
  it.each([
    ['/mb/params', { prefix: false }],
    ['/mb/param/cutoff', { prefix: false }],
    ['/mb/param/cutoff/units', { prefix: false }],
    ['/mb/param', { prefix: true }],
    ['/mb/vq', { prefix: true }],
    ['/mb/stream/open', undefined],
    ['/wek/outputs', undefined],
    ['/mb/nothing', undefined],
  ])('%s', (address, mode) => {
    expect(listenMode(address)).toEqual(mode);
  });
});

describe('docs/osc.md', () => {
  it('equals the output of the generator (run: mirrorbridge docs --write)', () => {
    const committed = readFileSync(path.join(__dirname, '..', '..', 'docs', 'osc.md'), 'utf8');
    expect(committed).toBe(renderOscDoc());
  });

  it('documents every address', () => {
    const doc = renderOscDoc();
    for (const e of entriesAt('osc')) expect(doc).toContain(`### \`${e.address}\``);
    // The Max door's own verbs are not OSC verbs.
    for (const e of table.filter((x) => !x.doors.includes('osc'))) expect(doc).not.toContain(`### \`${e.address}\``);
  });
});

describe('OSCQuery namespace', () => {
  const ns = buildNamespace(['cutoff', 'resonance']);

  it('has a node per address with the OSCQuery attributes', () => {
    const open = findNode(ns, '/mb/stream/open')!;
    expect(open).toMatchObject({ FULL_PATH: '/mb/stream/open', TYPE: 'iiis', ACCESS: 2 });
    expect(open.RANGE).toEqual([{ MIN: 0, MAX: 65535 }, { MIN: 8000, MAX: 192000 }, { MIN: 1, MAX: 8192 }, null]);
    expect(open.DESCRIPTION).toMatch(/live stream/);
    expect(findNode(ns, '/mb/vq/deform')!.RANGE![0]).toEqual({ VALS: ['scale', 'bias', 'randomize', 'reverse', 'stretch', 'freeze', 'transpose'] });
    expect(findNode(ns, '/mb/stream/audio')!.MB_SIGNATURES).toEqual(['if…', 'ib']);
    expect(findNode(ns, '/mb/params')!.ACCESS).toBe(1);
  });

  it('expands parameter addresses from the loaded models', () => {
    expect(Object.keys(findNode(ns, '/mb/param')!.CONTENTS!)).toEqual(['cutoff', 'resonance']);
    expect(findNode(ns, '/mb/param/cutoff/units')).toMatchObject({ TYPE: 'if', ACCESS: 1 });
    expect(findNode(buildNamespace([]), '/mb/param/cutoff')).toBeUndefined();
  });

  it('nests containers with FULL_PATH and CONTENTS, and leaves out /wek', () => {
    expect(ns.FULL_PATH).toBe('/');
    expect(Object.keys(ns.CONTENTS!)).toEqual(['mb']);
    expect(findNode(ns, '/mb/status')!.CONTENTS!.summary.FULL_PATH).toBe('/mb/status/summary');
    expect(findNode(ns, '/mb/status')!.TYPE).toBe('');
  });
});
