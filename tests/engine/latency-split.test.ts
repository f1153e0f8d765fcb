import { afterAll, describe, expect, it } from 'vitest';
import { createEngine } from '../../src/app/create';
import type { Engine } from '../../src/engine';

/** Each stream reports its latency split into algorithmic and buffered parts (issue 17 item 3). */
let engine: Engine | undefined;
afterAll(async () => {
  await engine?.dispose();
});

describe('stream latency, split', () => {
  it('a live voice stream says where its latency comes from, in /mb/status', async () => {
    ({ engine } = await createEngine({ loadBundled: true, jobWorkers: 0 }));
    await engine.openStream('c', 1, { sampleRate: 48000, blockSize: 64, model: 'mirrornet-stream' });
    const [s] = engine.status().streams;
    expect(s.latencySplit.algorithmic + s.latencySplit.queued).toBe(s.latencySamples);
    expect(s.latencySplit.parts).toEqual({ noteAlgorithmic: expect.any(Number), hopBuffering: expect.any(Number), timbreAlgorithmic: expect.any(Number) });
    const parts = s.latencySplit.parts!;
    expect(parts.noteAlgorithmic).toBe(s.latencySplit.algorithmic);
    // At 48 kHz: the note's path is a few ms, one 8-ms hop of buffering, the timbre path longer.
    expect(parts.noteAlgorithmic / 48).toBeLessThan(10);
    expect(parts.hopBuffering / 48).toBeCloseTo(8, 0);
    expect(parts.timbreAlgorithmic).toBeGreaterThan(parts.noteAlgorithmic);
  }, 60_000);
});
