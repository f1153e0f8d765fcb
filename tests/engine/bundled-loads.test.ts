import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startEngine } from '../../src/app/create';
import { writeWav } from '../../src/audio/wav';

/**
 * A server listens while its bundled models load (src/engine/bundled-loads.ts): a stream opened
 * meanwhile waits for the model it will run on (the default kind's), not for every model, and
 * gets the same default model as once all are loaded; a job waits for all loads.
 */
const MODELS = path.join(__dirname, '..', '..', 'models');

describe('streams and jobs during the bundled loads', () => {
  it('a stream opened at once runs on mirrornet-stream before the last model has loaded; a job waits for all', async () => {
    const files = mkdtempSync(path.join(tmpdir(), 'mb-files-'));
    writeWav(path.join(files, 'a.wav'), Float32Array.from({ length: 16000 }, (_, i) => 0.3 * Math.sin((2 * Math.PI * 330 * i) / 16000)), 16000);
    const { engine, ready } = startEngine({ modelsDir: MODELS, filesDir: files, loadBundled: true, jobWorkers: 0 });
    const events: string[] = [];
    engine.on('model', (e) => events.push(`loaded ${e.name}`));
    try {
      const opened = engine.openStream('c', 1, { sampleRate: 48000, blockSize: 256 }).then((s) => {
        events.push(`opened ${s.model}`);
        return s;
      });
      const named = engine.openStream('c', 2, { sampleRate: 16000, blockSize: 256, model: 'vqvae-timbre' }).then(() => events.push('opened vqvae-timbre'));
      const job = engine.submitJob('c', 'infer', { file: 'a.wav' }).then(() => events.push('job queued'));
      const { loaded } = await ready;
      await Promise.all([opened, named, job]);
      expect(loaded).toEqual(expect.arrayContaining(['mirrornet-stream', 'vqvae-timbre']));
      expect((await opened).model).toBe('mirrornet-stream');
      const at = (e: string) => events.indexOf(e);
      expect(at('opened mirrornet-stream'), events.join(', ')).toBeGreaterThan(at('loaded mirrornet-stream'));
      expect(at('opened mirrornet-stream'), events.join(', ')).toBeLessThan(at('loaded vqvae-timbre'));
      expect(at('opened vqvae-timbre')).toBeGreaterThan(at('loaded vqvae-timbre'));
      // a job is queued only once every load has ended
      expect(at('job queued')).toBeGreaterThan(at('loaded vqvae-timbre'));
    } finally {
      await ready.catch(() => undefined);
      await engine.dispose();
    }
  }, 60_000);
});
