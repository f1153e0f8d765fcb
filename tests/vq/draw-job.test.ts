import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readWav } from '../../src/audio/wav';
import { createEngine } from '../../src/app/create';
import { frameDescriptors } from '../../src/dsp/descriptors';
import type { Engine } from '../../src/engine/engine';
import type { JobEvent } from '../../src/engine/types';
import { parseArgs } from '../../src/verbs/args';
import type { Verb, VerbContext } from '../../src/verbs/spec';
import { entryOf } from '../../src/verbs/table';
import { VqRuntime } from '../../src/vq';
import { MODELS_DIR, VQ_MODEL_DIR } from '../shipped-models';

/**
 * /mb/job/draw (the page's codebook map and drawn curves; any front door): a curve drawn as
 * numbers becomes a sound without an input file, through the verb's own handler and the
 * engine's vq job on the shipped codec. What comes out is measured on the WAV it wrote.
 */
const files = mkdtempSync(join(tmpdir(), 'mb-draw-'));
let engine: Engine;
let table: VqRuntime['table'];

beforeAll(async () => {
  ({ engine } = await createEngine({ modelsDir: MODELS_DIR, filesDir: files, loadBundled: true, jobWorkers: 0 }));
  const vq = await VqRuntime.load(VQ_MODEL_DIR);
  table = vq.table;
  await vq.dispose();
}, 60_000);
afterAll(() => engine.dispose());

type Atom = { type: 's' | 'f' | 'i'; value: string | number };
const s = (value: string): Atom => ({ type: 's', value });
const f = (value: number): Atom => ({ type: 'f', value });

/** Runs /mb/job/draw as a front door would and waits for its job to end. */
async function draw(atoms: Atom[]): Promise<JobEvent> {
  const verb = entryOf('/mb/job/draw') as Verb;
  const ended = new Promise<JobEvent>((resolve) => {
    const on = (e: JobEvent) => {
      if (e.state !== 'done' && e.state !== 'failed') return;
      engine.off('job', on);
      resolve(e);
    };
    engine.on('job', on);
  });
  await verb.handler(parseArgs(verb, atoms as never), { engine, clientId: 'draw-test' } as VerbContext);
  return ended;
}

/** Median of a descriptor over the sounding frames of [from, to) seconds of a WAV. */
function median(file: string, name: 'centroid' | 'loudness', from: number, to: number): number {
  const w = readWav(join(files, file));
  const d = frameDescriptors(w.samples, { sampleRate: w.sampleRate });
  const v = Array.from(d[name]).filter((_, t) => t * d.hopSeconds >= from && t * d.hopSeconds < to && d.loudness[t] > -50).sort((a, b) => a - b);
  return v[v.length >> 1];
}

describe('/mb/job/draw', () => {
  it('a drawn centroid curve: the sound follows it, at -20 dBFS', async () => {
    const e = await draw([s('vqvae-timbre'), s('curve.wav'), s('centroid'), f(2), f(500), f(1000), f(2000), f(3000)]);
    expect(e.state).toBe('done');
    expect(e.result).toMatchObject({ op: 'draw', what: 'centroid' });
    const w = readWav(join(files, 'curve.wav'));
    expect(w.samples.length / w.sampleRate).toBeGreaterThanOrEqual(2);
    const early = median('curve.wav', 'centroid', 0, 0.4);
    const late = median('curve.wav', 'centroid', 1.6, 2);
    expect(early).toBeGreaterThan(400);
    expect(early).toBeLessThan(900);
    expect(late).toBeGreaterThan(2000);
    expect(late).toBeLessThan(4000);
    expect(Math.abs(median('curve.wav', 'loudness', 0, 2) + 20)).toBeLessThan(3);
  });

  it('codes: each plays in turn, sounding as the descriptor table says', async () => {
    const byCentroid = Array.from({ length: table.codes }, (_, k) => k).filter((k) => table.value(k, 'loudness') > -10).sort((a, b) => table.value(a, 'centroid') - table.value(b, 'centroid'));
    const [dark, bright] = [byCentroid[Math.floor(0.2 * byCentroid.length)], byCentroid[Math.floor(0.9 * byCentroid.length)]];
    const e = await draw([s('vqvae-timbre'), s('codes.wav'), s('code'), f(2), f(dark), f(bright)]);
    expect(e.state).toBe('done');
    const first = median('codes.wav', 'centroid', 0.2, 0.8);
    const second = median('codes.wav', 'centroid', 1.2, 1.8);
    expect(first / table.value(dark, 'centroid')).toBeGreaterThan(0.7);
    expect(first / table.value(dark, 'centroid')).toBeLessThan(1.4);
    expect(second / table.value(bright, 'centroid')).toBeGreaterThan(0.7);
    expect(second / table.value(bright, 'centroid')).toBeLessThan(1.4);
  });

  it('refuses a code outside the codebook, an unknown descriptor and no values, each with a coded error', async () => {
    const e = await draw([s('vqvae-timbre'), s('bad.wav'), s('code'), f(1), f(table.codes)]);
    expect(e).toMatchObject({ state: 'failed', error: { code: 'MB_ERR_BAD_ARGS' } });
    const verb = entryOf('/mb/job/draw') as Verb;
    expect(() => parseArgs(verb, [s('vqvae-timbre'), s('x.wav'), s('chroma'), f(1), f(3)] as never)).toThrow(/chroma/);
    expect(() => parseArgs(verb, [s('vqvae-timbre'), s('x.wav'), s('centroid'), f(1)] as never)).toThrow();
  });
});
