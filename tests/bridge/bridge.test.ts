import { copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MaxBridge } from '../../bridge/bridge';
import { getMaxApi, setMaxApi } from '../../bridge/maxApi';
import { Engine, type EngineOptions } from '../../src/engine';
import { featureProcessor } from '../engine/test-processor';
import { tempModelsDir, writeFixtureModel } from '../models/onnx-fixture';
import { UdpClient, until } from '../net/helpers';
import { FakeMaxApi } from './fake-max-api';

const bridges: MaxBridge[] = [];
afterEach(async () => {
  setMaxApi(undefined);
  await Promise.all(bridges.splice(0).map((b) => b.dispose()));
});

/** A bridge on a fake max-api over a fixture models folder and a temporary files folder. */
function setup(register?: (engine: Engine) => void) {
  const api = new FakeMaxApi();
  const modelsDir = tempModelsDir();
  writeFixtureModel(modelsDir, 'fx');
  const filesDir = mkdtempSync(path.join(tmpdir(), 'mb-bridge-files-'));
  const createEngine = (o: Partial<EngineOptions>) => {
    const engine = new Engine(o);
    engine.registerStreamProcessor('mirrornet-stream', featureProcessor);
    register?.(engine);
    return engine;
  };
  const bridge = new MaxBridge({ api: api.asApi(), engineOptions: { modelsDir, filesDir }, createEngine });
  bridge.start();
  bridges.push(bridge);
  return { api, bridge, filesDir };
}

const errors = (api: FakeMaxApi) => api.messages('error');

describe('Max bridge: messages in, lists and dicts out', () => {
  it('maps selector + spread arguments to engine calls and answers with lists and a dict', async () => {
    const { api } = setup();
    await api.send('models');
    await api.settle();
    expect(api.messages('model')).toEqual([['model', 'fx', 'mirrornet-stream', 0]]);
    expect(api.messages('models')).toEqual([['models', 1, 'mb.models']]);
    expect(api.dicts.get('mb.models')).toMatchObject({ models: [{ name: 'fx', kind: 'mirrornet-stream', loaded: false }] });

    await api.send('load', 'fx');
    await api.send('open', 1, 16000, 64);
    await api.settle();
    expect(api.messages('loaded')).toEqual([['loaded', 'fx', 'mirrornet-stream', '0.0.1']]);
    expect(api.messages('opened')).toEqual([['opened', 1, 'fx', expect.any(Number), 4]]);
    expect(api.messages('paramnames')).toEqual([['paramnames', 1, 'level', 'pitch', 'bright', 'note']]);
    expect(errors(api)).toEqual([]);
  });

  it('streams audio: explicit "audio", and bare lists to the stream set by a number', async () => {
    const { api } = setup();
    await api.send('load', 'fx');
    await api.send('open', 3, 16000, 64);
    await api.settle();
    const block = Array.from({ length: 64 }, (_, i) => 0.5 * Math.sin(i / 3));
    await api.send('audio', 3, ...block);
    await until(() => api.messages('params').length >= 1);
    await api.send(3);
    await api.send(...block);
    await until(() => api.messages('params').length >= 2);
    await api.settle();
    const [frame] = api.messages('params');
    expect(frame.slice(0, 3)).toEqual(['params', 3, 0]);
    expect(frame).toHaveLength(3 + 4);
    for (const v of frame.slice(3) as number[]) expect(v).toBeGreaterThanOrEqual(0);
    expect(api.messages('units')[0].slice(0, 2)).toEqual(['units', 3]);
    expect(errors(api)).toEqual([]);
  });

  it('bang reports the status as a list and a dict', async () => {
    const { api } = setup();
    await api.send('load', 'fx');
    await api.send('bang');
    await api.settle();
    expect(api.messages('status')).toEqual([['status', 1, 0, 0, 0, 0, 'mb.status']]);
    expect(api.dicts.get('mb.status')).toMatchObject({ models: [{ name: 'fx', loaded: true }] });
  });

  it('a dict runs the named command with its args', async () => {
    const { api } = setup();
    await api.sendDict({ command: 'load', args: ['fx'] });
    await api.sendDict({ nothing: true });
    await api.settle();
    expect(api.messages('loaded')).toHaveLength(1);
    expect(errors(api)[0]?.[1]).toBe('MB_ERR_BAD_ARGS');
  });

  it('runs a request held in a named Max dict (getDict)', async () => {
    const { api } = setup();
    await api.setDict('my.request', { command: 'load', args: ['fx'] });
    await api.send('run', 'my.request');
    await api.send('run', 'no.such.dict');
    await api.settle();
    expect(api.messages('loaded')).toEqual([['loaded', 'fx', 'mirrornet-stream', '0.0.1']]);
    expect(errors(api).map((e) => e[1])).toEqual(['MB_ERR_BAD_ARGS']);
  });

  it('builds its engine with the shared composition root by default, loading the bundled models', async () => {
    const api = new FakeMaxApi();
    const modelsDir = tempModelsDir();
    writeFixtureModel(modelsDir, 'fx');
    const bridge = new MaxBridge({ api: api.asApi(), engineOptions: { modelsDir, filesDir: mkdtempSync(path.join(tmpdir(), 'mb-bridge-files-')) } });
    bridge.start();
    bridges.push(bridge);
    await api.send('models');
    await until(() => api.messages('models').length > 0);
    await api.settle();
    expect(api.messages('model')).toEqual([['model', 'fx', 'mirrornet-stream', 1]]);
    expect(api.posts.map((p) => p.text)).toContain('mirrorbridge: models fx');
  });

  it('posts unknown messages as warnings and carries on', async () => {
    const { api } = setup();
    await api.send('frobnicate', 1, 2);
    await api.send('load', 'fx');
    await api.settle();
    const warning = api.posts.find((p) => p.level === 'warn');
    expect(warning?.text).toMatch(/no handler for message "frobnicate"/);
    expect(errors(api)).toEqual([]);
    expect(api.messages('loaded')).toHaveLength(1);
  });

  it.each([
    [['open', 'one', 44100, 512], /open: stream id must be an integer in \[0, 65535\], got "one".*usage: open <stream id>/],
    [['open', 1, 96000, 512], /sample rate must be an integer in \[8000, 48000\], got 96000/],
    [['open', 1, 44100], /open: missing block size/],
    [['load'], /load: missing model/],
    [['deform', 'squash', 2], /op must be one of scale, bias, randomize, reverse/],
    [['audio', 1, 0.1, 'x'], /samples\[1\] must be a finite number/],
    [['smooth', 1, 0.5, 7], /unexpected extra argument/],
  ])('answers bad arguments %j with an error, not a crash', async (message, pattern) => {
    const { api } = setup();
    await api.send(...(message as (string | number)[]));
    await api.settle();
    const [err] = errors(api);
    expect(err?.[1]).toBe('MB_ERR_BAD_ARGS');
    expect(String(err?.[2])).toMatch(pattern);
    expect(api.posts.some((p) => p.level === 'error' && p.text.includes('MB_ERR_BAD_ARGS'))).toBe(true);
  });

  it('answers engine failures with their code (unknown model, unknown stream)', async () => {
    const { api } = setup();
    await api.send('load', 'missing');
    await api.send('close', 9);
    await api.settle();
    expect(errors(api).map((e) => e[1])).toEqual(['MB_ERR_UNKNOWN_MODEL', 'MB_ERR_UNKNOWN_STREAM']);
  });

  it('survives outlets that reject (the patcher closed) and counts them', async () => {
    const { api, bridge } = setup();
    api.failOutlets = true;
    await api.send('models');
    await api.settle();
    expect(bridge.outletFailures).toBeGreaterThan(0);
    api.failOutlets = false;
    await api.send('models');
    await api.settle();
    expect(api.messages('models')).toHaveLength(1);
  });

  it('runs jobs: queued and done as lists, the result in a dict', async () => {
    const { api, filesDir } = setup((engine) =>
      engine.registerJob('resynth', async (args) => {
        copyFileSync(String(args.in), String(args.out));
        return { out: path.basename(String(args.out)) };
      }, { in: 'read', out: 'write' }),
    );
    writeFileSync(path.join(filesDir, 'in.wav'), 'RIFF-fixture');
    await api.send('resynth', 'in.wav', 'out.wav');
    await until(() => api.messages('job').some((m) => m[1] === 'done'));
    await api.settle();
    expect(api.messages('job')[0]).toEqual(['job', 'queued', expect.any(Number), 'resynth', 0]);
    const done = api.messages('job').find((m) => m[1] === 'done');
    expect(done).toEqual(['job', 'done', expect.any(Number), 'resynth', 'mb.job']);
    expect(api.dicts.get('mb.job')).toMatchObject({ name: 'resynth', result: { out: 'out.wav' } });
    expect(readFileSync(path.join(filesDir, 'out.wav'), 'utf8')).toBe('RIFF-fixture');
  });

  it('imports a dropped file into the files folder, refusing names that leave it', async () => {
    const { api, filesDir } = setup();
    const outside = path.join(mkdtempSync(path.join(tmpdir(), 'mb-drop-')), 'take 1.wav');
    writeFileSync(outside, 'RIFF-drop');
    await api.send('import', outside);
    await api.send('import', outside, '../escape.wav');
    await api.settle();
    expect(api.messages('imported')).toEqual([['imported', 'take 1.wav', path.join(filesDir, 'take 1.wav')]]);
    expect(existsSync(path.join(filesDir, 'take 1.wav'))).toBe(true);
    expect(errors(api)[0]?.[1]).toBe('MB_ERR_PATH');
  });

  it('writes the plane\'s corner list into the files folder from four sounds in it', async () => {
    const { api, filesDir } = setup();
    for (const c of ['a', 'b', 'c', 'd']) writeFileSync(path.join(filesDir, `${c}.wav`), 'RIFF');
    await api.send('corners', 'a.wav', 'b.wav', 'c.wav', 'd.wav');
    await api.send('corners', 'a.wav', 'b.wav', 'c.wav', 'missing.wav');
    await api.settle();
    expect(api.messages('corners')).toEqual([['corners', 'mb-corners.txt']]);
    expect(readFileSync(path.join(filesDir, 'mb-corners.txt'), 'utf8').trim().split('\n')).toEqual(['a', 'b', 'c', 'd'].map((c) => path.join(filesDir, `${c}.wav`)));
    expect(errors(api)[0]?.[1]).toBe('MB_ERR_NOT_FOUND');
  });

  it('serves OSC over the same engine, so a UDP client sees the models Max loaded', async () => {
    const { api } = setup();
    await api.send('load', 'fx');
    await api.send('serve', 0, 0);
    await until(() => api.messages('serving').length > 0);
    const [, oscPort, httpPort] = api.messages('serving')[0] as [string, number, number];
    expect(oscPort).toBeGreaterThan(0);
    expect(httpPort).toBeGreaterThan(0);
    const client = await UdpClient.open(oscPort);
    try {
      await client.hello();
      await client.send('/mb/models/list');
      expect(await client.inbox.first('/mb/models/entry')).toEqual(['fx', 'mirrornet-stream', 1]);
    } finally {
      client.close();
    }
    await api.send('serve', 0, 0);
    await api.send('unserve');
    await api.settle();
    expect(errors(api).map((e) => e[1])).toEqual(['MB_ERR_BUSY']);
    expect(api.messages('serving').at(-1)).toEqual(['serving', 0, 0, '']);
  });

  it('takes its folders from config before the engine starts, and refuses it after', async () => {
    const { api } = setup();
    const other = tempModelsDir();
    writeFixtureModel(other, 'other');
    await api.send('config', 'modelsdir', other);
    await api.send('models');
    await api.send('config', 'filesdir', other);
    await api.settle();
    expect(api.messages('model').map((m) => m[1])).toEqual(['other']);
    expect(errors(api).map((e) => e[1])).toEqual(['MB_ERR_BUSY']);
  });
});

describe('max-api access', () => {
  it('uses the injected API, and outside Max there is no max-api module to fall back on', () => {
    const fake = new FakeMaxApi();
    setMaxApi(fake.asApi());
    expect(getMaxApi()).toBe(fake);
    setMaxApi(undefined);
    expect(() => getMaxApi()).toThrow();
    const pkg = JSON.parse(readFileSync(path.join(__dirname, '../../package.json'), 'utf8')) as Record<string, Record<string, string> | undefined>;
    expect(pkg.dependencies?.['max-api']).toBeUndefined();
    expect(pkg.devDependencies?.['max-api']).toBeUndefined();
  });
});
