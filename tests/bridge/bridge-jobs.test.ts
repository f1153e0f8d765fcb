import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MaxBridge } from '../../bridge/bridge';
import { writeWav } from '../../src/audio/wav';
import { FakeMaxApi } from './fake-max-api';
import { MODELS_DIR } from '../shipped-models';

/**
 * Inside Max (issue 18 item 1): node.script's process keeps answering while an offline job
 * runs, because the bridge's engine runs jobs in a job worker thread. The bridge here is the
 * real one on the bundled models, in node.script's start-up order (fake max-api).
 */
const bridges: MaxBridge[] = [];
afterAll(async () => {
  await Promise.all(bridges.map((b) => b.dispose()));
});

describe('the Max bridge while a job runs', () => {
  it('answers ping at once and its event loop stays free during a 20-s vq encode', async () => {
    const files = mkdtempSync(path.join(tmpdir(), 'mb-bridge-jobs-'));
    const tone = new Float32Array(20 * 16000);
    for (let i = 0; i < tone.length; i++) tone[i] = 0.3 * Math.sin((2 * Math.PI * (200 + (i % 16000) / 80) * i) / 16000);
    writeWav(path.join(files, 'long.wav'), tone, 16000);
    const api = new FakeMaxApi();
    const bridge = new MaxBridge({ api: api.asApi(), engineOptions: { modelsDir: MODELS_DIR, filesDir: files } });
    bridges.push(bridge);
    api.start(() => bridge.start());
    while (!bridge.isReady) await new Promise((r) => setTimeout(r, 10));
    // First run loads the model in the worker; the second is the one timed.
    await api.send('job/vq', 'encode', 'long.wav', 'warm.json');
    while (!api.outlets.some((m) => m[0] === 'job/done')) await new Promise((r) => setTimeout(r, 10));

    let worst = 0;
    let last = performance.now();
    const timer = setInterval(() => {
      const now = performance.now();
      worst = Math.max(worst, now - last);
      last = now;
    }, 1);
    const pongs: number[] = [];
    await api.send('job/vq', 'encode', 'long.wav', 'long.json');
    while (api.outlets.filter((m) => m[0] === 'job/done').length < 2) {
      const t0 = performance.now();
      const token = pongs.length + 1;
      await api.send('ping', token);
      while (!api.outlets.some((m) => m[0] === 'pong' && m[1] === token)) await new Promise((r) => setImmediate(r));
      pongs.push(performance.now() - t0);
      await new Promise((r) => setTimeout(r, 5));
    }
    clearInterval(timer);
    console.log(`bridge during a vq job: longest event-loop stall ${worst.toFixed(1)} ms; ${pongs.length} pings, slowest answer ${Math.max(...pongs).toFixed(1)} ms`);
    expect(api.outlets.filter((m) => m[0] === 'error')).toEqual([]);
    expect(pongs.length).toBeGreaterThan(3);
    // Loose bounds for a loaded CI machine; on the main thread one graph run on the file stalls for hundreds of ms.
    expect(worst).toBeLessThan(100);
    expect(Math.max(...pongs)).toBeLessThan(100);
  }, 90_000);
});
