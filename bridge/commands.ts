import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { MbError } from '../src/core/errors';
import type { Engine } from '../src/engine';
import { LIVE_DEFORM_OPS, type LiveDeformOp } from '../src/vq/controls';
import { MAX_BLOCK_SAMPLES, STREAM_ID_MAX } from '../src/net/osc/address-table';
import { MaxArgs, type MaxAtom } from './args';

/**
 * The messages the Max bridge understands, one entry each: its usage (shown when it is
 * misused) and what it does with the engine. Each returns the messages to send out of
 * node.script's outlet (a list per message, selector first). They translate only: the
 * engine holds every model and DSP decision.
 */
export type MaxMessage = MaxAtom[];

export interface CommandContext {
  /** The engine, created on first use (models load asynchronously). */
  engine(): Promise<Engine>;
  /** The engine when it is ready; MB_ERR_BUSY while it starts (for the synchronous audio path). */
  engineNow(): Engine;
  /** This Max instance's client id in the engine (streams and jobs belong to it). */
  readonly clientId: string;
  /** The stream id bare lists of samples go to. */
  defaultStream: number;
  /** Writes a Max dict (max-api setDict). */
  setDict(name: string, value: Record<string, unknown>): Promise<void>;
  /** Starts or stops the OSC/WebSocket servers over the same engine. */
  serve(oscPort: number | undefined, httpPort: number | undefined): Promise<MaxMessage>;
  unserve(): Promise<MaxMessage>;
  /** Sets engine options; only before the engine exists. */
  configure(key: string, value: string): void;
  /** Reads a Max dict by name (max-api getDict). */
  getDict(name: string): Promise<Record<string, unknown>>;
  /** Runs a request dict {"command": "...", "args": [...]}. */
  runDict(dict: unknown): void | Promise<void>;
}

export interface Command {
  readonly usage: string;
  run(a: MaxArgs, ctx: CommandContext): MaxMessage[] | Promise<MaxMessage[]>;
}

const DEFORM_OPS: readonly LiveDeformOp[] = LIVE_DEFORM_OPS;
const VQ_OPS = ['encode', 'decode', 'synth', 'deform', 'plane'];
const MODEL_DICT = 'mb.models';
const STATUS_DICT = 'mb.status';

function oneOf<T extends string>(a: MaxArgs, name: string, values: readonly T[]): T {
  const v = a.str(name);
  if (!(values as readonly string[]).includes(v)) throw new MbError('MB_ERR_BAD_ARGS', `${a.selector}: ${name} must be one of ${values.join(', ')}, got ${JSON.stringify(v)}`);
  return v as T;
}

/** Queues a job; its progress arrives as engine events (job queued / progress / done). */
async function submit(ctx: CommandContext, name: string, args: Record<string, string | undefined>): Promise<MaxMessage[]> {
  await (await ctx.engine()).submitJob(ctx.clientId, name, args);
  return [];
}

/** Copies a sound file into the files folder (offline jobs read only there). */
async function importFile(ctx: CommandContext, source: string, name: string | undefined): Promise<MaxMessage[]> {
  const stat = await fs.stat(source).catch(() => undefined);
  if (!stat?.isFile()) throw new MbError('MB_ERR_NOT_FOUND', `import: no file ${JSON.stringify(source)}`);
  const target = name ?? path.basename(source);
  if (target !== path.basename(target) || target.startsWith('.')) {
    throw new MbError('MB_ERR_PATH', `import: the new name must be a plain file name, got ${JSON.stringify(target)}`);
  }
  const full = await (await ctx.engine()).files.resolve(target, 'write');
  await fs.copyFile(source, full);
  return [['imported', target, full]];
}

export const COMMANDS: Record<string, Command> = {
  models: {
    usage: 'models',
    async run(a, ctx) {
      a.done();
      const list = await (await ctx.engine()).listModels();
      await ctx.setDict(MODEL_DICT, { models: list.map((m) => ({ ...m })) });
      return [...list.map((m) => ['model', m.name, m.kind ?? 'invalid', m.loaded ? 1 : 0] as MaxMessage), ['models', list.length, MODEL_DICT]];
    },
  },
  load: {
    usage: 'load <model name>',
    async run(a, ctx) {
      const name = a.str('model');
      a.done();
      const info = await (await ctx.engine()).loadModel(name);
      return [['loaded', info.name, info.kind ?? '', info.version ?? '']];
    },
  },
  unload: {
    usage: 'unload <model name>',
    async run(a, ctx) {
      const name = a.str('model');
      a.done();
      if (!(await (await ctx.engine()).unloadModel(name))) throw new MbError('MB_ERR_UNKNOWN_MODEL', `unload: model ${JSON.stringify(name)} is not loaded`);
      return [['unloaded', name]];
    },
  },
  open: {
    usage: 'open <stream id> <sample rate> <block size> [model]',
    async run(a, ctx) {
      const id = a.int('stream id', 0, STREAM_ID_MAX);
      const sampleRate = a.int('sample rate', 8000, 48000);
      const blockSize = a.int('block size', 1, MAX_BLOCK_SAMPLES);
      const model = a.optStr('model');
      a.done();
      const engine = await ctx.engine();
      const s = await engine.openStream(ctx.clientId, id, { sampleRate, blockSize, model });
      ctx.defaultStream = id;
      const names = engine.registry.info(s.model).params ?? [];
      return [['opened', id, s.model, s.latencySamples, names.length], ['paramnames', id, ...names]];
    },
  },
  close: {
    usage: 'close <stream id>',
    async run(a, ctx) {
      const id = a.int('stream id', 0, STREAM_ID_MAX);
      a.done();
      if (!(await ctx.engine()).closeStream(ctx.clientId, id)) throw new MbError('MB_ERR_UNKNOWN_STREAM', `close: no open stream ${id}`);
      return [];
    },
  },
  stream: {
    usage: 'stream <stream id>  (where bare lists of samples go)',
    run(a, ctx) {
      ctx.defaultStream = a.int('stream id', 0, STREAM_ID_MAX);
      a.done();
      return [];
    },
  },
  audio: {
    usage: 'audio <stream id> <samples...>',
    run(a, ctx) {
      const id = a.int('stream id', 0, STREAM_ID_MAX);
      const samples = a.floats('samples', MAX_BLOCK_SAMPLES);
      ctx.engineNow().pushAudio(ctx.clientId, id, samples);
      return [];
    },
  },
  smooth: {
    usage: 'smooth <stream id> <amount 0..0.999>',
    async run(a, ctx) {
      const id = a.int('stream id', 0, STREAM_ID_MAX);
      const amount = a.num('amount', 0, 0.999);
      a.done();
      (await ctx.engine()).setSmoothing(ctx.clientId, id, amount);
      return [];
    },
  },
  target: {
    usage: 'target <descriptor> <value>',
    async run(a, ctx) {
      const descriptor = a.str('descriptor');
      const value = a.num('value', -1e6, 1e6);
      a.done();
      (await ctx.engine()).setControl(ctx.clientId, { owner: 'vq', kind: 'target', descriptor, value });
      return [];
    },
  },
  deform: {
    usage: 'deform <scale|bias|randomize|reverse> <value>',
    async run(a, ctx) {
      const op = oneOf(a, 'op', DEFORM_OPS);
      const value = a.num('value', -100, 100);
      a.done();
      (await ctx.engine()).setControl(ctx.clientId, { owner: 'vq', kind: 'deform', op, value });
      return [];
    },
  },
  plane: {
    usage: 'plane <x 0..1> <y 0..1>',
    async run(a, ctx) {
      const x = a.num('x', 0, 1);
      const y = a.num('y', 0, 1);
      a.done();
      (await ctx.engine()).setControl(ctx.clientId, { owner: 'vq', kind: 'plane', x, y });
      return [];
    },
  },
  infer: {
    usage: 'infer <file> [model]',
    run(a, ctx) {
      const file = a.str('file');
      const model = a.optStr('model');
      a.done();
      return submit(ctx, 'infer', { file, model });
    },
  },
  resynth: {
    usage: 'resynth <in file> <out file> [model]',
    run(a, ctx) {
      const args = { in: a.str('in file'), out: a.str('out file'), model: a.optStr('model') };
      a.done();
      return submit(ctx, 'resynth', args);
    },
  },
  vq: {
    usage: `vq <${VQ_OPS.join('|')}> <in file> <out file> [model]`,
    run(a, ctx) {
      const args = { op: oneOf(a, 'op', VQ_OPS), in: a.str('in file'), out: a.str('out file'), model: a.optStr('model') };
      a.done();
      return submit(ctx, 'vq', args);
    },
  },
  cancel: {
    usage: 'cancel <job id>',
    async run(a, ctx) {
      const id = a.int('job id', 1, 2147483647);
      a.done();
      if (!(await ctx.engine()).cancelJob(id, ctx.clientId)) throw new MbError('MB_ERR_NOT_FOUND', `cancel: no queued or running job ${id}`);
      return [];
    },
  },
  import: {
    usage: 'import <sound file path> [new name]',
    run(a, ctx) {
      const source = a.str('path');
      const name = a.optStr('new name');
      a.done();
      return importFile(ctx, source, name);
    },
  },
  corners: {
    usage: 'corners <a> <b> <c> <d> [list file]  (the four corner sounds of the interpolation plane)',
    async run(a, ctx) {
      const names = [a.str('a'), a.str('b'), a.str('c'), a.str('d')];
      const listName = a.optStr('list file') ?? 'mb-corners.txt';
      a.done();
      const files = (await ctx.engine()).files;
      const paths = await Promise.all(names.map((n) => files.resolve(n, 'read')));
      await fs.writeFile(await files.resolve(listName, 'write'), `${paths.join('\n')}\n`);
      return [['corners', listName]];
    },
  },
  files: {
    usage: 'files',
    async run(a, ctx) {
      a.done();
      return [['files', (await ctx.engine()).files.root]];
    },
  },
  status: {
    usage: 'status',
    async run(a, ctx) {
      a.done();
      const s = (await ctx.engine()).status();
      await ctx.setDict(STATUS_DICT, { ...s });
      const jobs = s.jobs.queued + s.jobs.running;
      return [['status', s.models.length, s.streams.length, s.droppedFrames, s.maxLatencySamples, jobs, STATUS_DICT]];
    },
  },
  serve: {
    usage: 'serve [osc port] [http port]',
    async run(a, ctx) {
      const osc = a.optInt('osc port', 0, 65535);
      const http = a.optInt('http port', 0, 65535);
      a.done();
      return [await ctx.serve(osc, http)];
    },
  },
  unserve: {
    usage: 'unserve',
    async run(a, ctx) {
      a.done();
      return [await ctx.unserve()];
    },
  },
  run: {
    usage: 'run <dict name>  (a [dict] holding {"command": "...", "args": [...]})',
    async run(a, ctx) {
      const name = a.str('dict name');
      a.done();
      await ctx.runDict(await ctx.getDict(name));
      return [];
    },
  },
  config: {
    usage: 'config <modelsdir|filesdir> <folder>',
    run(a, ctx) {
      const key = oneOf(a, 'key', ['modelsdir', 'filesdir']);
      const value = a.str('folder');
      a.done();
      ctx.configure(key, value);
      return [['config', key, value]];
    },
  },
};
