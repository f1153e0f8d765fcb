import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MaxBridge, PENDING_CAPACITY } from '../../bridge/bridge';
import { RepeatLimiter } from '../../bridge/readiness';
import { MbError } from '../../src/core/errors';
import { Engine, type EngineOptions } from '../../src/engine';
import { tempModelsDir, writeFixtureModel } from '../models/onnx-fixture';
import { until } from '../net/helpers';
import { FakeMaxApi } from './fake-max-api';
import { bridges, errors, gate, setup } from './bridge-setup';

/** The Max bridge before and around `ready`: held messages, early blocks, busy/idle, failed starts (issue 19 item 1). */
describe('Max bridge: blocks for a stream that is not open', () => {
  it('answers a run of them with one error per stream, not one per block', async () => {
    const { api, bridge } = setup();
    await bridge.engine();
    await api.settle();
    for (let i = 0; i < 20; i++) await api.send('stream/audio', 7, 0.1, 0.2, 0.3);
    for (let i = 0; i < 5; i++) await api.send('stream/audio', 8, 0.1, 0.2, 0.3);
    await api.settle();
    const errs = errors(api);
    expect(errs.map((e) => e[1])).toEqual(['MB_ERR_UNKNOWN_STREAM', 'MB_ERR_UNKNOWN_STREAM']);
    expect(errs[0][2]).toMatch(/7/);
    expect(errs[1][2]).toMatch(/8/);
  });

  it('lets one through per window, saying how many it held back', () => {
    const limit = new RepeatLimiter(2000);
    expect(limit.admit('x 1', 0)).toBe('');
    expect(limit.admit('x 1', 10)).toBeUndefined();
    expect(limit.admit('x 1', 1999)).toBeUndefined();
    expect(limit.admit('x 2', 20)).toBe('');
    expect(limit.admit('x 1', 2001)).toBe(' (2 more like it in the last 2.0 s)');
    expect(limit.admit('x 1', 4002)).toBe('');
  });
});

describe('Max bridge: the ready handshake', () => {
  it('says ready once its handlers are in place and the engine has loaded, then runs what came before, in order', async () => {
    const loading = gate();
    const { api, bridge } = setup(undefined, loading.opened);
    // Max does not wait for node.script: these are sent and the patch goes on.
    void api.send('files/locate');
    void api.send('models/list');
    void api.send('models/load', 'fx');
    await new Promise((r) => setTimeout(r, 20));
    expect(bridge.isReady).toBe(false);
    expect(api.outlets).toEqual([]);
    loading.open();
    await until(() => api.messages('models/loaded').length > 0);
    await api.settle();
    expect(api.outlets.map((m) => m[0])).toEqual(['ready', 'files/folder', 'models/entry', 'models/end', 'models/loaded']);
    expect(api.posts.map((p) => p.text)).toContainEqual(expect.stringMatching(/^mirrorbridge: ready/));
    expect(errors(api)).toEqual([]);
  });

  it('holds at most 64 messages before ready: one error for the rest, the 64 run', async () => {
    const loading = gate();
    const { api } = setup(undefined, loading.opened);
    for (let i = 0; i < PENDING_CAPACITY + 6; i++) void api.send('files/locate');
    await new Promise((r) => setTimeout(r, 20));
    expect(errors(api)).toEqual([['error', 'MB_ERR_BUSY', expect.stringMatching(/64 messages already wait for "ready"/)]]);
    loading.open();
    await until(() => api.messages('files/folder').length >= PENDING_CAPACITY);
    await api.settle();
    expect(api.messages('files/folder')).toHaveLength(PENDING_CAPACITY);
    expect(errors(api)).toHaveLength(1);
  });

  it('answers audio before ready with one error, not one per block', async () => {
    const loading = gate();
    const { api } = setup(undefined, loading.opened);
    for (let i = 0; i < 10; i++) await api.send('stream/audio', 1, 0.1, 0.2);
    loading.open();
    await until(() => api.messages('ready').length > 0);
    await api.settle();
    expect(errors(api)).toEqual([['error', 'MB_ERR_BUSY', expect.stringMatching(/blocks before "ready" are dropped/)]]);
    expect(api.posts.map((p) => p.text)).toContainEqual(expect.stringMatching(/ready \(10 audio block\(s\) before it dropped\)/));
  });

  it('says busy when jobs start and idle when the queue is empty, once per change', async () => {
    const first = gate();
    const second = gate();
    const waits = [first.opened, second.opened];
    const { api, bridge } = setup((engine) => engine.registerJob('wait', () => waits.shift()));
    const engine = await bridge.engine();
    await engine.submitJob(bridge.clientId, 'wait', {});
    await engine.submitJob(bridge.clientId, 'wait', {});
    await until(() => api.messages('busy').length > 0);
    first.open();
    await until(() => api.messages('job/done').length > 0);
    expect(api.messages('idle')).toEqual([]);
    second.open();
    await until(() => api.messages('idle').length > 0);
    await api.settle();
    const states = api.outlets.map((m) => m[0]).filter((s) => s === 'ready' || s === 'busy' || s === 'idle');
    expect(states).toEqual(['ready', 'busy', 'idle']);
  });

  it('answers a failed start once, naming what waited, and the next message tries again', async () => {
    const api = new FakeMaxApi();
    const modelsDir = tempModelsDir();
    writeFixtureModel(modelsDir, 'fx');
    let attempts = 0;
    const createEngine = async (o: Partial<EngineOptions>) => {
      if (attempts++ === 0) throw new MbError('MB_ERR_MODEL_LOAD', 'no runtime');
      return new Engine(o);
    };
    const bridge = new MaxBridge({ api: api.asApi(), engineOptions: { modelsDir, filesDir: mkdtempSync(path.join(tmpdir(), 'mb-bridge-files-')) }, createEngine });
    bridges.push(bridge);
    api.start(() => bridge.start());
    void api.send('files/locate');
    await api.settle();
    expect(errors(api)).toEqual([['error', 'MB_ERR_MODEL_LOAD', 'the engine did not start: no runtime (1 message(s) sent while it started were dropped)']]);
    void api.send('files/locate');
    await until(() => api.messages('files/folder').length > 0);
    expect(api.messages('ready')).toHaveLength(1);
  });
});

