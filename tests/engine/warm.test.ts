import { afterEach, describe, expect, it } from 'vitest';
import { createEngine } from '../../src/app/create';
import { Engine } from '../../src/engine';
import type { StreamProcessorContext } from '../../src/engine/types';
import { MbError } from '../../src/core/errors';
import { featureProcessor } from './test-processor';
import { tempModelsDir, writeFixtureModel } from '../models/onnx-fixture';

/**
 * Models are warmed when they load (issue 18 item 2): one stream processor is built and run
 * on silence, so what a kind shares between streams (a VQ runtime, onnxruntime's first run)
 * is ready before the first stream; /mb/status says which models are warm.
 */
const engines: Engine[] = [];
afterEach(async () => {
  await Promise.all(engines.splice(0).map((e) => e.dispose()));
});

function fixtureEngine(factory = featureProcessor as (ctx: StreamProcessorContext) => ReturnType<typeof featureProcessor>) {
  const modelsDir = tempModelsDir();
  writeFixtureModel(modelsDir, 'fx');
  const engine = new Engine({ modelsDir, jobWorkers: 0 });
  engines.push(engine);
  const built: StreamProcessorContext[] = [];
  engine.registerStreamProcessor('mirrornet-stream', (ctx) => {
    built.push(ctx);
    return factory(ctx);
  });
  return { engine, built };
}

describe('model warm-up at load', () => {
  it('builds and runs one processor when a model loads, answers the load once it is warm, and says so in status', async () => {
    const { engine, built } = fixtureEngine();
    await engine.loadModel('fx');
    expect(built.map((c) => c.clientId)).toEqual(['(warm-up)']);
    expect(engine.status().models).toEqual([expect.objectContaining({ name: 'fx', warm: expect.objectContaining({ state: 'warm', ms: expect.any(Number) }) })]);
    // A real stream builds its own processor on the warm model.
    await engine.openStream('c', 1, { sampleRate: 16000, blockSize: 256, model: 'fx' });
    expect(built.map((c) => c.clientId)).toEqual(['(warm-up)', 'c']);
  });

  it('warms a swapped model again, and forgets an unloaded one', async () => {
    const { engine, built } = fixtureEngine();
    await engine.loadModel('fx');
    await engine.loadModel('fx');
    expect(built.filter((c) => c.clientId === '(warm-up)')).toHaveLength(2);
    expect(engine.status().models[0].warm.state).toBe('warm');
    await engine.unloadModel('fx');
    expect(engine.status().models).toEqual([]);
  });

  it('a failed warm-up is reported, and the model still serves streams', async () => {
    let first = true;
    const { engine } = fixtureEngine((ctx) => {
      if (first) {
        first = false;
        throw new MbError('MB_ERR_INTERNAL', 'warm-up refused');
      }
      return featureProcessor(ctx);
    });
    await engine.loadModel('fx');
    expect(engine.status().models[0].warm).toEqual({ state: 'failed', error: expect.stringMatching(/warm-up refused/) });
    const opened = await engine.openStream('c', 1, { sampleRate: 16000, blockSize: 256, model: 'fx' });
    expect(opened.model).toBe('fx');
  });

  it('the bundled models: the live kinds are warm once createEngine returns, the melody and note models have nothing to warm', async () => {
    const { engine } = await createEngine({ loadBundled: true, jobWorkers: 0 });
    engines.push(engine);
    const warm = Object.fromEntries(engine.status().models.map((m) => [m.name, m.warm.state]));
    expect(warm).toEqual({ fm: 'warm', 'mirrornet-melody': 'none', 'mirrornet-notes': 'none', 'mirrornet-stream': 'warm', 'vqvae-timbre': 'warm' });
  }, 60000);
});
