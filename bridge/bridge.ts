import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { MbError, toMbError } from '../src/core/errors';
import { defaultFilesDir, defaultModelsDir } from '../src/core/paths';
import type { Engine, EngineOptions } from '../src/engine';
import { startServers, type ServerHandles } from '../src/net';
import { parseArgs } from '../src/verbs/args';
import { forwardEngineEvents } from '../src/verbs/events';
import { int, reply, str } from '../src/verbs/replies';
import type { DoorServices, Reply, Verb, VerbContext } from '../src/verbs/spec';
import { addressOfSelector, entryOf, maxSelector, verbAt, verbsAt } from '../src/verbs/table';
import { usageOf } from '../src/verbs/usage';
import { fromMaxAtoms, RENAMED, toMaxList, type MaxMessage } from './atoms';
import { getMaxApi, type MaxApi } from './maxApi';

/**
 * The Node for Max door: Max messages in, through the verb table, Max lists and dicts out.
 * A message's selector is its verb's address without /mb/ (`stream/open 1 44100 512`), and
 * replies and engine events come out the same way (`stream/opened 1 fx 128 4`). It runs the
 * engine in-process, so a Max user needs no separate server; `server/start` starts the OSC and
 * WebSocket servers over the same engine so Pd and browsers can join the session.
 *
 * Besides the verbs: bang = status; a number = the stream bare lists go to; a list of numbers
 * = one block of samples for that stream; a dict {"command": "...", "args": [...]} = that
 * message. JSON results go to dicts: a job's to mb.job (`job/done <id> <name> mb.job`), the
 * status to mb.status. Unknown messages are posted as warnings (an old selector names its new
 * one); bad arguments are answered with `error <code> <message>` (and posted), never a crash.
 *
 * @example
 * const bridge = new MaxBridge({ api: fakeApi, engineOptions: { modelsDir: 'models', filesDir: 'files' } });
 * bridge.start();
 */
export class MaxBridge {
  readonly api: MaxApi;
  readonly clientId: string;
  private readonly options: Partial<EngineOptions>;
  private readonly createEngine: (options: Partial<EngineOptions>) => Engine | Promise<Engine>;
  private engineInstance?: Engine;
  private enginePromise?: Promise<Engine>;
  private unsubscribe?: () => void;
  private servers?: ServerHandles;
  private defaultStream = 0;
  private readonly door: DoorServices;
  /** Outlet calls that failed (Max closing, patcher gone); counted, never thrown. */
  outletFailures = 0;

  constructor(options: BridgeOptions = {}) {
    this.api = options.api ?? getMaxApi();
    this.clientId = options.clientId ?? 'max';
    this.options = { modelsDir: defaultModelsDir(), filesDir: defaultFilesDir(), ...options.engineOptions };
    this.createEngine = options.createEngine ?? ((o) => bundledEngine(o, this.api));
    this.door = this.makeDoor();
  }

  /** Registers a handler per verb of the Max door, and the bang / number / list / dict forms. */
  start(): void {
    const api = this.api;
    for (const verb of verbsAt('max')) {
      const selector = maxSelector(verb.address);
      api.addHandler(selector, (...args: unknown[]) => this.dispatch(selector, args));
    }
    api.addHandler(api.MESSAGE_TYPES.BANG, () => this.dispatch('status', []));
    api.addHandler(api.MESSAGE_TYPES.NUMBER, (n: unknown) => this.dispatch('stream/default', [n]));
    api.addHandler(api.MESSAGE_TYPES.LIST, (...samples: unknown[]) => this.dispatch('stream/audio', [this.defaultStream, ...samples]));
    api.addHandler(api.MESSAGE_TYPES.DICT, (dict: unknown) => this.dispatchDict(dict));
    api.addHandler(api.MESSAGE_TYPES.ALL, (handled: boolean, ...message: unknown[]) => {
      if (!handled) this.warn(unknownMessage(message[0]));
    });
  }

  /** The engine, created (with its event forwarding) on first use; a failed start can be retried. */
  engine(): Promise<Engine> {
    if (!this.enginePromise) {
      if (this.options.filesDir) mkdirSync(this.options.filesDir, { recursive: true });
      this.enginePromise = Promise.resolve(this.createEngine(this.options)).then(
        (engine) => {
          this.unsubscribe = forwardEngineEvents(engine, {
            owned: (clientId, replies) => clientId === this.clientId && replies.forEach((r) => this.send(r)),
            shared: (replies) => replies.forEach((r) => this.send(r)),
            error: (clientId, _r, err) => (clientId === undefined || clientId === this.clientId) && this.error(err.code, err.message),
          });
          this.engineInstance = engine;
          return engine;
        },
        (err: unknown) => {
          this.enginePromise = undefined;
          throw err;
        },
      );
    }
    return this.enginePromise;
  }

  async dispose(): Promise<void> {
    const engine = await this.enginePromise?.catch(() => undefined);
    this.unsubscribe?.();
    await this.servers?.close();
    this.servers = undefined;
    await engine?.dispose();
    this.engineInstance = undefined;
    this.enginePromise = undefined;
  }

  /** Runs one message; a realtime verb (audio) on a started engine stays synchronous. */
  dispatch(selector: string, args: unknown[]): void | Promise<void> {
    const verb = verbAt(addressOfSelector(selector), 'max');
    const fail = (err: unknown) => {
      const e = toMbError(err);
      const hint = e.code === 'MB_ERR_BAD_ARGS' && verb ? ` (usage: ${usageOf(verb, maxSelector)})` : '';
      this.error(e.code, `${e.message}${hint}`);
    };
    try {
      if (!verb) throw new MbError('MB_ERR_BAD_ARGS', unknownMessage(selector));
      const parsed = parseArgs(verb, fromMaxAtoms(args));
      if (verb.needsEngine === false || this.engineInstance) return this.run(verb, parsed, fail);
      if (verb.realtime) throw new MbError('MB_ERR_BUSY', 'the engine is starting; open a stream first');
      return this.engine().then((engine) => this.run(verb, parsed, fail, engine), fail);
    } catch (err) {
      fail(err);
    }
  }

  /** A request dict {"command": "...", "args": [...]}: that message with those arguments. */
  dispatchDict(dict: unknown): void | Promise<void> {
    const d = dict as { command?: unknown; args?: unknown } | null;
    if (!d || typeof d.command !== 'string') {
      this.error('MB_ERR_BAD_ARGS', 'dict: expected {"command": "<message>", "args": [...]}');
      return;
    }
    const args = Array.isArray(d.args) ? d.args : d.args === undefined ? [] : [d.args];
    return this.dispatch(d.command, args);
  }

  private run(verb: Verb, parsed: ReturnType<typeof parseArgs>, fail: (err: unknown) => void, engine = this.engineInstance): void | Promise<void> {
    const bridge = this;
    const ctx: VerbContext = {
      get engine(): Engine {
        if (!engine) throw new MbError('MB_ERR_BUSY', 'the engine is not running yet');
        return engine;
      },
      clientId: bridge.clientId,
      door: bridge.door,
    };
    try {
      const result = verb.handler(parsed, ctx);
      if (result instanceof Promise) return result.then((replies) => replies?.forEach((r) => this.send(r)), fail);
      result?.forEach((r) => this.send(r));
    } catch (err) {
      fail(err);
    }
  }

  private makeDoor(): DoorServices {
    return {
      name: 'max',
      version: process.env.npm_package_version ?? '0.1.0',
      // Max hears every engine event of its client and every model change.
      hears: (address) => address === '/mb/models/loaded' || address === '/mb/models/unloaded',
      setDefaultStream: (id) => {
        this.defaultStream = id;
      },
      serve: (osc, http) => this.serve(osc, http),
      unserve: () => this.unserve(),
      configure: (key, value) => this.configure(key, value),
      runDict: async (name) => {
        const dict = await (this.api.getDict(name) as Promise<unknown>).catch(() => undefined);
        if (!dict || typeof dict !== 'object') throw new MbError('MB_ERR_BAD_ARGS', `run: no dict named ${JSON.stringify(name)}`);
        await this.dispatchDict(dict);
      },
    };
  }

  private async serve(oscPort: number | undefined, httpPort: number | undefined): Promise<Reply> {
    if (this.servers) throw new MbError('MB_ERR_BUSY', `already serving on OSC ${this.servers.oscPort}, HTTP ${this.servers.httpPort}; send server/stop first`);
    this.servers = await startServers(await this.engine(), { oscPort, httpPort });
    const s = this.servers;
    this.api.post(`mirrorbridge: OSC udp://${s.host}:${s.oscPort}, OSCQuery ${s.oscQueryUrl}`).catch(() => undefined);
    return reply('/mb/server/serving', int(s.oscPort), int(s.httpPort), str(s.oscQueryUrl));
  }

  private async unserve(): Promise<Reply> {
    await this.servers?.close();
    this.servers = undefined;
    return reply('/mb/server/serving', int(0), int(0), str(''));
  }

  private configure(key: string, value: string): void {
    if (this.enginePromise) throw new MbError('MB_ERR_BUSY', 'config: the engine is running; send config before any other message');
    const resolved = path.resolve(value);
    if (key === 'modelsdir') this.options.modelsDir = resolved;
    else this.options.filesDir = resolved;
  }

  /** One reply out of the outlet; JSON results go to their dict first. */
  private send(r: Reply): void {
    const dict = JSON_DICTS[r.address];
    if (dict) {
      const at = r.args.length - 1;
      const json = String(r.args[at].value);
      const value = r.address === '/mb/job/done' ? { id: r.args[0].value, name: r.args[1].value, result: parseJson(json) } : parseJson(json);
      void this.setDict(dict, value as Record<string, unknown>).then(() => this.out(toMaxList({ ...r, args: [...r.args.slice(0, at), str(dict)] })));
      return;
    }
    // Only what the Max door has (the per-parameter addresses are OSC listeners' only).
    if (entryOf(r.address)?.doors.includes('max')) this.out(toMaxList(r));
  }

  /** max-api's outlet returns a Promise; a rejection is counted, not thrown. */
  private out(message: MaxMessage | undefined): void {
    if (!message) return;
    this.api.outlet(...message).catch(() => {
      this.outletFailures++;
    });
  }

  private setDict(name: string, value: Record<string, unknown>): Promise<void> {
    return this.api.setDict(name, JSON.parse(JSON.stringify(value ?? {}))).then(
      () => undefined,
      (err: unknown) => this.warn(`cannot write dict ${name}: ${(err as Error).message}`),
    );
  }

  private error(code: string, message: string): void {
    this.out(['error', code, message]);
    this.api.post(`mirrorbridge: ${code}: ${message}`, this.api.POST_LEVELS.ERROR).catch(() => undefined);
  }

  private warn(message: string): void {
    this.api.post(`mirrorbridge: ${message}`, this.api.POST_LEVELS.WARN).catch(() => undefined);
  }
}

export interface BridgeOptions {
  api?: MaxApi;
  engineOptions?: Partial<EngineOptions>;
  /**
   * Builds the engine. Default: the shared composition root (src/app/create.ts) with every
   * plug-in's processors, controls and jobs, loading the bundled models.
   */
  createEngine?: (options: Partial<EngineOptions>) => Engine | Promise<Engine>;
  /** Client id of this Max instance in the engine. */
  clientId?: string;
}

/** Replies whose last argument is JSON: it goes to this dict and the message names the dict. */
const JSON_DICTS: Record<string, string> = { '/mb/job/done': 'mb.job', '/mb/status/json': 'mb.status' };

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return { text };
  }
}

function unknownMessage(selector: unknown): string {
  const s = String(selector);
  const renamed = RENAMED[s];
  if (renamed) return `"${s}" is now "${renamed}" (Max selectors are the OSC addresses without /mb/; see the mirrorbridge refpage)`;
  return `no handler for message ${JSON.stringify(selector)}; known: ${verbsAt('max').map((v) => maxSelector(v.address)).join(' ')}`;
}

async function bundledEngine(options: Partial<EngineOptions>, api: MaxApi): Promise<Engine> {
  // Loaded on first use: the runtimes (onnxruntime, models) are not needed before that.
  const { createEngine } = await import('../src/app/create');
  const { engine, loaded, failed } = await createEngine({ ...options, loadBundled: true });
  const failedNote = failed.length > 0 ? ` (failed: ${failed.join(', ')})` : '';
  api.post(`mirrorbridge: models ${loaded.length > 0 ? loaded.join(', ') : 'none'}${failedNote}`).catch(() => undefined);
  return engine;
}
