import { copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MaxBridge } from '../../bridge/bridge';
import { getMaxApi, setMaxApi } from '../../bridge/maxApi';
import { tempModelsDir, writeFixtureModel } from '../models/onnx-fixture';
import { UdpClient, until } from '../net/helpers';
import { FakeMaxApi } from './fake-max-api';
import { bridges, errors, gate, setup } from './bridge-setup';
import { maxSelector, verbsAt } from '../../src/verbs/table';
import { VQ_CONTROLS, VQ_OWNER } from '../../src/vq/controls';


describe('Max bridge: messages in, lists and dicts out', () => {
  it('maps selector (the OSC address without /mb/) + spread arguments to the verb and answers the same way', async () => {
    const { api } = setup();
    await api.send('models/list');
    await api.settle();
    expect(api.messages('models/entry')).toEqual([['models/entry', 'fx', 'mirrornet-stream', 0]]);
    expect(api.messages('models/end')).toEqual([['models/end', 1]]);

    await api.send('models/load', 'fx');
    await api.send('stream/open', 1, 16000, 64);
    await api.settle();
    // Once: Max hears the engine's model event, so the verb does not repeat it.
    expect(api.messages('models/loaded')).toEqual([['models/loaded', 'fx', 'mirrornet-stream', '0.0.1']]);
    expect(api.messages('stream/opened')).toEqual([['stream/opened', 1, 'fx', expect.any(Number), 4]]);
    expect(api.messages('stream/paramnames')).toEqual([['stream/paramnames', 1, 'level', 'pitch', 'bright', 'note']]);
    expect(errors(api)).toEqual([]);
  });

  it('has every verb of the OSC door that is not about the OSC session itself, by construction', () => {
    const { api } = setup();
    const oscOnly = ['/mb/hello', '/mb/bye', '/mb/listen', '/mb/ignore', '/mb/stream/wekinator'];
    for (const v of verbsAt('osc')) {
      if (oscOnly.includes(v.address)) continue;
      expect(api.handlers.has(maxSelector(v.address)), v.address).toBe(true);
    }
    expect(api.handlers.has('vq/deform')).toBe(true);
  });

  it('transposes: vq/deform accepts every live op of the VQ plug-in, transpose included', async () => {
    const { api, bridge } = setup((engine) => engine.registerControls(VQ_OWNER, VQ_CONTROLS));
    await api.send('vq/deform', 'transpose', 3);
    await api.send('vq/deform', 'squash', 3);
    await api.settle();
    expect(errors(api).map((e) => e[1])).toEqual(['MB_ERR_BAD_ARGS']);
    let seen: unknown;
    (await bridge.engine()).registerJob('peek', async (_a, ctx) => (seen = ctx.controls.get(VQ_OWNER)));
    await (await bridge.engine()).submitJob(bridge.clientId, 'peek', {});
    await until(() => seen !== undefined);
    expect(seen).toMatchObject({ deform: { transpose: 3 } });
  });

  it('tells an old selector its new name', async () => {
    const { api } = setup();
    await api.send('open', 1, 16000, 64);
    await api.settle();
    expect(api.posts.find((p) => p.level === 'warn')?.text).toMatch(/"open" is now "stream\/open"/);
  });

  it('streams audio: explicit "audio", and bare lists to the stream set by a number', async () => {
    const { api } = setup();
    await api.send('models/load', 'fx');
    await api.send('stream/open', 3, 16000, 64);
    await api.settle();
    const block = Array.from({ length: 64 }, (_, i) => 0.5 * Math.sin(i / 3));
    await api.send('stream/audio', 3, ...block);
    await until(() => api.messages('params').length >= 1);
    await api.send(3);
    await api.send(...block);
    await until(() => api.messages('params').length >= 2);
    await api.settle();
    const [frame] = api.messages('params');
    expect(frame.slice(0, 3)).toEqual(['params', 3, 0]);
    expect(frame).toHaveLength(3 + 4);
    for (const v of frame.slice(3) as number[]) expect(v).toBeGreaterThanOrEqual(0);
    expect(api.messages('params/units')[0].slice(0, 2)).toEqual(['params/units', 3]);
    // The per-parameter addresses belong to OSC listeners only.
    expect(api.messages('param/level')).toEqual([]);
    expect(errors(api)).toEqual([]);
  });

  it('bang reports the status as lists and a dict', async () => {
    const { api } = setup();
    await api.send('models/load', 'fx');
    await api.send('bang');
    await until(() => api.messages('status/json').length > 0);
    await api.settle();
    expect(api.messages('status/summary')).toEqual([['status/summary', 1, 0, 0, 0, 0, 1]]);
    expect(api.messages('status/model')).toEqual([['status/model', 'fx', 'mirrornet-stream', '0.0.1', 'warm']]);
    expect(api.messages('status/json')).toEqual([['status/json', 'mb.status']]);
    expect(api.dicts.get('mb.status')).toMatchObject({ models: [{ name: 'fx', loaded: true }] });
  });

  it('a dict runs the named command with its args', async () => {
    const { api } = setup();
    await api.sendDict({ command: 'models/load', args: ['fx'] });
    await api.sendDict({ nothing: true });
    await api.settle();
    expect(api.messages('models/loaded')).toHaveLength(1);
    expect(errors(api)[0]?.[1]).toBe('MB_ERR_BAD_ARGS');
  });

  it('runs a request held in a named Max dict (getDict)', async () => {
    const { api } = setup();
    await api.setDict('my.request', { command: 'models/load', args: ['fx'] });
    await api.send('run', 'my.request');
    await api.send('run', 'no.such.dict');
    await until(() => api.messages('models/loaded').length > 0 && errors(api).length > 0);
    await api.settle();
    expect(api.messages('models/loaded')).toEqual([['models/loaded', 'fx', 'mirrornet-stream', '0.0.1']]);
    expect(errors(api).map((e) => e[1])).toEqual(['MB_ERR_BAD_ARGS']);
  });

  it('builds its engine with the shared composition root by default, loading the bundled models', async () => {
    const api = new FakeMaxApi();
    const modelsDir = tempModelsDir();
    writeFixtureModel(modelsDir, 'fx');
    const bridge = new MaxBridge({ api: api.asApi(), engineOptions: { modelsDir, filesDir: mkdtempSync(path.join(tmpdir(), 'mb-bridge-files-')) } });
    api.start(() => bridge.start());
    bridges.push(bridge);
    await api.send('models/list');
    await until(() => api.messages('models/end').length > 0);
    await api.settle();
    expect(api.messages('models/entry')).toEqual([['models/entry', 'fx', 'mirrornet-stream', 1]]);
    expect(api.posts.map((p) => p.text)).toContain('mirrorbridge: models fx');
  });

  it('posts unknown messages as warnings and carries on', async () => {
    const { api } = setup();
    await api.send('frobnicate', 1, 2);
    await api.send('models/load', 'fx');
    await api.settle();
    const warning = api.posts.find((p) => p.level === 'warn');
    expect(warning?.text).toMatch(/no handler for message "frobnicate"/);
    expect(errors(api)).toEqual([]);
    expect(api.messages('models/loaded')).toHaveLength(1);
  });

  it.each([
    [['stream/open', 'one', 44100, 512], /id must be an integer, got type 's' "one".*usage: stream\/open <id 0..65535> <sampleRate 8000..192000>/],
    [['stream/open', 1, 384000, 512], /sampleRate must be in \[8000, 192000\], got 384000/],
    [['stream/open', 1, 44100], /takes 3..4 arguments \(id, sampleRate, blockSize, model\), got 2/],
    [['models/load'], /takes 1 arguments \(model\), got 0/],
    [['vq/deform', 'squash', 2], /op must be one of scale, bias, randomize, reverse, stretch, freeze, transpose/],
    [['stream/audio', 1, 0.1, 'x'], /samples\[1\] must be a float/],
    [['stream/smooth', 1, 0.5, 7], /takes 2 arguments/],
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
    await api.send('models/load', 'missing');
    await api.send('stream/close', 9);
    await api.settle();
    expect(errors(api).map((e) => e[1])).toEqual(['MB_ERR_UNKNOWN_MODEL', 'MB_ERR_UNKNOWN_STREAM']);
  });

  it('survives outlets that reject (the patcher closed) and counts them', async () => {
    const { api, bridge } = setup();
    api.failOutlets = true;
    await api.send('models/list');
    await api.settle();
    expect(bridge.outletFailures).toBeGreaterThan(0);
    api.failOutlets = false;
    await api.send('models/list');
    await api.settle();
    expect(api.messages('models/end')).toHaveLength(1);
  });

  it('runs jobs: queued and done as lists, the result in a dict', async () => {
    const { api, filesDir } = setup((engine) =>
      engine.registerJob('resynth', async (args) => {
        copyFileSync(String(args.in), String(args.out));
        return { out: path.basename(String(args.out)) };
      }, { in: 'read', out: 'write' }),
    );
    writeFileSync(path.join(filesDir, 'in.wav'), 'RIFF-fixture');
    await api.send('job/resynth', 'in.wav', 'out.wav');
    await until(() => api.messages('job/done').length > 0);
    await api.settle();
    expect(api.messages('job/queued')).toEqual([['job/queued', expect.any(Number), 'resynth', 0]]);
    expect(api.messages('job/done')).toEqual([['job/done', expect.any(Number), 'resynth', 'mb.job']]);
    expect(api.dicts.get('mb.job')).toMatchObject({ name: 'resynth', result: { out: 'out.wav' } });
    expect(readFileSync(path.join(filesDir, 'out.wav'), 'utf8')).toBe('RIFF-fixture');
  });

  it('imports a dropped file into the files folder, refusing names that leave it', async () => {
    const { api, filesDir } = setup();
    const outside = path.join(mkdtempSync(path.join(tmpdir(), 'mb-drop-')), 'take 1.wav');
    writeFileSync(outside, 'RIFF-drop');
    await api.send('files/import', outside);
    await api.send('files/import', outside, '../escape.wav');
    await api.settle();
    expect(api.messages('files/imported')).toEqual([['files/imported', 'take 1.wav', path.join(filesDir, 'take 1.wav')]]);
    expect(existsSync(path.join(filesDir, 'take 1.wav'))).toBe(true);
    expect(errors(api)[0]?.[1]).toBe('MB_ERR_PATH');
  });

  it('writes the plane\'s corner list into the files folder from four sounds in it', async () => {
    const { api, filesDir } = setup();
    for (const c of ['a', 'b', 'c', 'd']) writeFileSync(path.join(filesDir, `${c}.wav`), 'RIFF');
    await api.send('files/corners', 'a.wav', 'b.wav', 'c.wav', 'd.wav');
    await api.send('files/corners', 'a.wav', 'b.wav', 'c.wav', 'missing.wav');
    await api.settle();
    expect(api.messages('files/cornerlist')).toEqual([['files/cornerlist', 'mb-corners.txt']]);
    expect(readFileSync(path.join(filesDir, 'mb-corners.txt'), 'utf8').trim().split('\n')).toEqual(['a', 'b', 'c', 'd'].map((c) => path.join(filesDir, `${c}.wav`)));
    expect(errors(api)[0]?.[1]).toBe('MB_ERR_NOT_FOUND');
  });

  it('serves OSC over the same engine, so a UDP client sees the models Max loaded', async () => {
    const { api } = setup();
    await api.send('models/load', 'fx');
    await api.send('server/start', 0, 0);
    await until(() => api.messages('server/serving').length > 0);
    const [, oscPort, httpPort] = api.messages('server/serving')[0] as [string, number, number];
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
    await api.send('server/start', 0, 0);
    await api.send('server/stop');
    await api.settle();
    expect(errors(api).map((e) => e[1])).toEqual(['MB_ERR_BUSY']);
    expect(api.messages('server/serving').at(-1)).toEqual(['server/serving', 0, 0, '']);
  });

  it('restarts the engine over a folder from config, says ready again, and refuses it while a job runs', async () => {
    const job = gate();
    const { api, bridge } = setup((engine) => engine.registerJob('wait', () => job.opened));
    await api.settle();
    const other = tempModelsDir();
    writeFixtureModel(other, 'other');
    await api.send('config', 'modelsdir', other);
    await api.send('models/list');
    await until(() => api.messages('models/end').length > 0);
    expect(api.messages('ready')).toHaveLength(2);
    expect(api.messages('models/entry').map((m) => m[1])).toEqual(['other']);
    void (await bridge.engine()).submitJob(bridge.clientId, 'wait', {});
    await until(() => api.messages('busy').length > 0);
    await api.send('config', 'filesdir', other);
    job.open();
    await api.settle();
    expect(api.messages('configured')).toEqual([['configured', 'modelsdir', other]]);
    expect(errors(api)).toEqual([['error', 'MB_ERR_BUSY', expect.stringMatching(/jobs are queued or running/)]]);
  });
});


describe('the fake max-api\'s start-up order (as node.script\'s)', () => {
  it('drops what the patch sends before the script runs, with Max\'s warning, and delivers after', async () => {
    const api = new FakeMaxApi();
    const seen: unknown[][] = [];
    await api.send('files/locate');
    await api.send(1, 2);
    api.start(() => api.addHandler('files/locate', (...a: unknown[]) => seen.push(['files/locate', ...a])));
    expect(() => api.start(() => undefined)).toThrow(/already running/);
    await api.send('files/locate', 'x');
    await api.settle();
    expect(api.dropped).toEqual([['files/locate'], [1, 2]]);
    expect(api.posts.filter((p) => p.level === 'warn').map((p) => p.text)).toEqual([
      "Node script not ready can't handle message files/locate",
      "Node script not ready can't handle message list",
    ]);
    expect(seen).toEqual([['files/locate', 'x']]);
  });

  it('feeds node.script\'s outlet to the patch', async () => {
    const api = new FakeMaxApi({ running: true });
    const heard: unknown[][] = [];
    api.onOutlet((m) => heard.push(m));
    await api.outlet('ready');
    expect(heard).toEqual([['ready']]);
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
