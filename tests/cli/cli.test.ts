import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readWav, writeWav } from '../../src/audio/wav';
import { mirrorbridge } from './run';

const dir = mkdtempSync(join(tmpdir(), 'mb-cli-'));
const file = (name: string) => join(dir, name);

function params(notes: unknown): string {
  const p = file(`p${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(p, typeof notes === 'string' ? notes : JSON.stringify(notes));
  return p;
}

describe('mirrorbridge render', () => {
  it('renders a melody from JSON in units, missing fields defaulted', async () => {
    const r = await mirrorbridge('render', '--params', params({ notes: [{ midi: 62, duration: 0.3 }, { midi: 69, cutoff: 1500 }] }), '--out', file('m.wav'), '--sr', '16000');
    expect(r.code).toBe(0);
    const wav = readWav(file('m.wav'));
    expect(wav.sampleRate).toBe(16000);
    expect(wav.samples.length).toBe(32000);
    expect(Math.max(...wav.samples.map(Math.abs))).toBeGreaterThan(0.001);
  });

  it.each([
    ['a missing params file', () => ['--params', file('none.json'), '--out', file('x.wav')], 'MB_ERR_NOT_FOUND'],
    ['invalid JSON', () => ['--params', params('{"notes": ['), '--out', file('x.wav')], 'MB_ERR_BAD_PARAMS'],
    ['a NaN parameter', () => ['--params', params('{"notes":[{"midi":62,"cutoff":NaN}]}'), '--out', file('x.wav')], 'MB_ERR_BAD_PARAMS'],
    ['an out-of-range parameter', () => ['--params', params({ notes: [{ midi: 62, cutoff: 1e9 }] }), '--out', file('x.wav')], 'MB_ERR_BAD_PARAMS'],
    ['no --out', () => ['--params', params({ notes: [{ midi: 62 }] })], 'MB_ERR_BAD_ARGS'],
    ['a bad sample rate', () => ['--params', params({ notes: [{ midi: 62 }] }), '--out', file('x.wav'), '--sr', 'fast'], 'MB_ERR_BAD_ARGS'],
  ])('rejects %s with one coded line and exit 2', async (_what, args, code) => {
    const r = await mirrorbridge('render', ...args());
    expect(r.code).toBe(2);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toContain(code);
    expect(r.err).not.toMatch(/\n\s+at /);
  });
});

/** A well-formed 16-bit mono WAV header with a zero-length data chunk. */
function emptyWav(): Buffer {
  const b = Buffer.alloc(44);
  b.write('RIFF', 0, 'ascii');
  b.writeUInt32LE(36, 4);
  b.write('WAVEfmt ', 8, 'ascii');
  b.writeUInt32LE(16, 16);
  b.writeUInt16LE(1, 20);
  b.writeUInt16LE(1, 22);
  b.writeUInt32LE(8000, 24);
  b.writeUInt32LE(16000, 28);
  b.writeUInt16LE(2, 32);
  b.writeUInt16LE(16, 34);
  b.write('data', 36, 'ascii');
  b.writeUInt32LE(0, 40);
  return b;
}

describe('mirrorbridge analyze', () => {
  const tone = file('tone.wav');
  writeWav(tone, Float32Array.from({ length: 16000 }, (_, i) => 0.5 * Math.sin((2 * Math.PI * 440 * i) / 8000)), 8000);

  it.each([
    ['aud', [128, 250]],
    ['mel', [64, null]],
    ['descriptors', [7, null]],
  ] as const)('--feature %s --json gives shape [channels, frames] and the frames', async (feature, shape) => {
    const r = await mirrorbridge('analyze', tone, '--feature', feature, '--json');
    expect(r.code).toBe(0);
    const json = JSON.parse(r.out);
    expect(json.shape[0]).toBe(shape[0]);
    if (shape[1] !== null) expect(json.shape[1]).toBe(shape[1]);
    expect(json.frames).toHaveLength(json.shape[1]);
    expect(json.frames[0]).toHaveLength(json.shape[0]);
  });

  it('writes a PNG spectrogram picture', async () => {
    const r = await mirrorbridge('analyze', tone, '--feature', 'aud', '--png', file('aud.png'));
    expect(r.code).toBe(0);
    expect(readFileSync(file('aud.png')).subarray(1, 4).toString()).toBe('PNG');
    const svg = await mirrorbridge('analyze', tone, '--feature', 'aud', '--png', file('aud.svg'));
    expect(svg.code).toBe(0);
    const drawing = readFileSync(file('aud.svg'), 'utf8');
    expect(drawing).toMatch(/role-axis-title[^>]*><text[^>]*>time \(s\)</);
    expect(drawing).toMatch(/role-axis-title[^>]*><text[^>]*>frequency \(Hz\)</);
    expect(drawing).toContain('role-legend-gradient');
  });

  it.each([
    ['a missing file', () => [file('nope.wav')], 'MB_ERR_NOT_FOUND'],
    ['a file that is not a WAV', () => { writeFileSync(file('text.wav'), 'hello'); return [file('text.wav')]; }, 'MB_ERR_BAD_AUDIO'],
    ['empty audio', () => { writeFileSync(file('empty.wav'), emptyWav()); return [file('empty.wav')]; }, 'MB_ERR_BAD_AUDIO'],
    ['an unknown feature', () => [tone, '--feature', 'chroma'], 'MB_ERR_BAD_ARGS'],
  ])('rejects %s with one coded line and exit 2', async (_what, args, code) => {
    const r = await mirrorbridge('analyze', ...args());
    expect(r.code).toBe(2);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toContain(code);
  });
});

describe('mirrorbridge dispatcher', () => {
  it('lists commands with --help and refuses unknown ones with exit 2', async () => {
    const help = await mirrorbridge('--help');
    expect(help.code).toBe(0);
    for (const c of ['serve', 'render', 'analyze', 'infer', 'resynth', 'vq']) expect(help.out).toContain(c);
    const bad = await mirrorbridge('frobnicate');
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('MB_ERR_BAD_ARGS');
  });

  it('prints per-command help', async () => {
    const r = await mirrorbridge('render', '--help');
    expect(r.code).toBe(0);
    expect(r.out).toContain('--params');
  });

  it('demo renders and analyzes a melody', async () => {
    const r = await mirrorbridge('demo', '--out', file('demo'));
    expect(r.code).toBe(0);
    expect(existsSync(file('demo/melody.wav'))).toBe(true);
    expect(existsSync(file('demo/melody-aud.png'))).toBe(true);
  });
});
