import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach } from 'vitest';
import { MaxBridge } from '../../bridge/bridge';
import { setMaxApi } from '../../bridge/maxApi';
import { Engine, type EngineOptions } from '../../src/engine';
import { featureProcessor } from '../engine/test-processor';
import { tempModelsDir, writeFixtureModel } from '../models/onnx-fixture';
import { FakeMaxApi } from './fake-max-api';

/** The bridge tests' set-up: bridges on a fake max-api over fixture models, disposed after each test. */
export const bridges: MaxBridge[] = [];
afterEach(async () => {
  setMaxApi(undefined);
  await Promise.all(bridges.splice(0).map((b) => b.dispose()));
});

/** A gate a test opens when it likes (an engine that is still loading, a job that still runs). */
export function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

/**
 * A bridge on a fake max-api over a fixture models folder and a temporary files folder;
 * `loading` holds the engine's creation (the models still loading) until it resolves.
 */
export function setup(register?: (engine: Engine) => void, loading?: Promise<void>) {
  const api = new FakeMaxApi();
  const modelsDir = tempModelsDir();
  writeFixtureModel(modelsDir, 'fx');
  const filesDir = mkdtempSync(path.join(tmpdir(), 'mb-bridge-files-'));
  const createEngine = async (o: Partial<EngineOptions>) => {
    await loading;
    const engine = new Engine(o);
    engine.registerStreamProcessor('mirrornet-stream', featureProcessor);
    register?.(engine);
    return engine;
  };
  const bridge = new MaxBridge({ api: api.asApi(), engineOptions: { modelsDir, filesDir }, createEngine });
  // node.script runs the bridge's entry: from here on messages reach its handlers.
  api.start(() => bridge.start());
  bridges.push(bridge);
  return { api, bridge, filesDir };
}

export const errors = (api: FakeMaxApi) => api.messages('error');
