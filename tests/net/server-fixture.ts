import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Engine } from '../../src/engine/engine';
import { startServers, type ServerOptions } from '../../src/net';
import { featureProcessor } from '../engine/test-processor';
import { tempModelsDir, writeFixtureModel } from '../models/onnx-fixture';

/** A real server on ephemeral loopback ports, with the fixture model loaded and the test stream processor. */
export async function startFixtureServer(options: Partial<ServerOptions> = {}) {
  const modelsDir = tempModelsDir();
  writeFixtureModel(modelsDir, 'fx');
  const filesDir = mkdtempSync(path.join(tmpdir(), 'mb-files-'));
  writeFileSync(path.join(filesDir, 'in.wav'), 'RIFF');
  const engine = new Engine({ modelsDir, filesDir });
  engine.registerStreamProcessor('mirrornet-stream', featureProcessor);
  await engine.loadModel('fx');
  const servers = await startServers(engine, { oscPort: 0, httpPort: 0, ...options });
  return {
    engine,
    servers,
    filesDir,
    async close() {
      await servers.close();
      await engine.dispose();
    },
  };
}
