import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MaxBridge } from '../../bridge/bridge';
import { Engine, type EngineOptions } from '../../src/engine';
import { featureProcessor } from '../engine/test-processor';
import { tempModelsDir, writeFixtureModel } from '../models/onnx-fixture';
import { FakeMaxApi } from './fake-max-api';

/**
 * One engine per Max session (issue 19 item 4): every [mb.bridge] runs its own node.script,
 * each here a bridge on its own fake max-api in node.script's start-up order, all on one
 * session socket (a real Unix socket). The first is the host and runs the engine; the
 * others are guests; a guest's own messages get their replies out of its own outlet only;
 * what the patch sends to [s mb.in] (tagged `bus` by the abstraction) runs once; when the
 * host's patch closes, a guest takes over with an engine of its own and says ready again.
 */
const bridges: MaxBridge[] = [];
afterEach(async () => {
  await Promise.all(bridges.splice(0).map((b) => b.dispose()));
});

const modelsDir = tempModelsDir();
writeFixtureModel(modelsDir, 'fx');

function session() {
  const dir = mkdtempSync(path.join(tmpdir(), 'mb-session-'));
  const file = path.join(dir, 's.sock');
  const engines: Engine[] = [];
  const open = () => {
    const api = new FakeMaxApi();
    const filesDir = mkdtempSync(path.join(tmpdir(), 'mb-session-files-'));
    const createEngine = (o: Partial<EngineOptions>) => {
      const engine = new Engine(o);
      engine.registerStreamProcessor('mirrornet-stream', featureProcessor);
      engines.push(engine);
      return engine;
    };
    const bridge = new MaxBridge({ api: api.asApi(), engineOptions: { modelsDir, filesDir, jobWorkers: 0 }, createEngine, session: { path: file } });
    api.start(() => bridge.start());
    bridges.push(bridge);
    return { api, bridge };
  };
  /** A host and `guests` guests, all ready. */
  const ready = async (guests: number) => {
    const host = open();
    await until(() => host.bridge.isReady);
    const others = Array.from({ length: guests }, () => open());
    await until(() => others.every((g) => g.bridge.isReady));
    return [host, ...others];
  };
  return { open, ready, engines };
}

async function until(check: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('until: timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('one engine per Max session', () => {
  it('the first [mb.bridge] runs the engine, the next one uses it; each gets its own replies', async () => {
    const s = session();
    const a = s.open();
    await until(() => a.bridge.isReady);
    const b = s.open();
    await until(() => b.bridge.isReady);
    expect(s.engines).toHaveLength(1);
    expect(b.api.messages('ready')).toHaveLength(1);
    await b.api.send('models/load', 'fx');
    await until(() => b.api.messages('models/loaded').length > 0);
    await b.api.send('stream/open', 3, 16000, 256, 'fx');
    await until(() => b.api.messages('stream/opened').length > 0);
    // B's own reply went to B only; the model change is everyone's.
    expect(a.api.messages('stream/opened')).toEqual([]);
    expect(a.api.messages('models/loaded').length).toBeGreaterThan(0);
    expect(s.engines[0].status().streams.map((st) => st.clientId)).toEqual(['max:1']);
    // A dict a guest's job writes lands in the guest's Max.
    await b.api.send('status');
    await until(() => b.api.dicts.has('mb.status'));
    expect(a.api.dicts.has('mb.status')).toBe(false);
  });

  it('runs what the patch sends to [s mb.in] once, on the engine\'s bridge, whatever the number of bridges', async () => {
    const s = session();
    const [a, b, c] = await s.ready(2);
    // [r mb.in] in every [mb.bridge] delivers the same message to each node.script.
    for (const x of [a, b, c]) await x.api.send('bus', 'files/locate');
    await a.api.settle();
    await new Promise((r) => setTimeout(r, 100));
    const answers = [a, b, c].map((x) => x.api.messages('files/folder').length);
    expect(answers).toEqual([1, 0, 0]);
  });

  it('when the engine\'s patch closes, a guest takes over, says ready again and serves', async () => {
    const s = session();
    const [a, b, c] = await s.ready(2);
    await a.bridge.dispose();
    await until(() => b.api.messages('ready').length >= 2 && c.api.messages('ready').length >= 2);
    expect(s.engines).toHaveLength(2);
    await c.api.send('models/list');
    await until(() => c.api.messages('models/end').length > 0);
    expect(c.api.messages('models/entry').map((m) => m[1])).toEqual(['fx']);
  });

  it('a guest that leaves takes its streams with it; the engine goes on', async () => {
    const s = session();
    const a = s.open();
    await until(() => a.bridge.isReady);
    const b = s.open();
    await until(() => b.bridge.isReady);
    await b.api.send('stream/open', 1, 16000, 256, 'fx');
    await until(() => b.api.messages('stream/opened').length > 0);
    await b.bridge.dispose();
    await until(() => s.engines[0].status().streams.length === 0);
    await a.api.send('models/list');
    await until(() => a.api.messages('models/end').length > 0);
  });
});
