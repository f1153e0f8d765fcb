import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { MbError, toMbError } from '../src/core/errors';
import { defaultFilesDir, defaultModelsDir } from '../src/core/paths';
import type { Engine, EngineOptions } from '../src/engine';
import { startServers, type ServerHandles } from '../src/net';
import { MaxArgs } from './args';
import { COMMANDS, type CommandContext, type MaxMessage } from './commands';
import { forwardEvents } from './events';
import { getMaxApi, type MaxApi } from './maxApi';

/**
 * The Node for Max adapter: Max messages in, engine calls, Max lists and dicts out. It runs
 * the engine in-process, so a Max user needs no separate server; `serve` starts the OSC and
 * WebSocket servers over the same engine so Pd and browsers can join the session.
 *
 * Besides the named messages (see COMMANDS): bang = status; a number = the stream bare lists
 * go to; a list of numbers = one block of samples for that stream; a dict
 * {"command": "...", "args": [...]} = the named message. Unknown messages are posted as
 * warnings; bad arguments are answered with `error <code> <message>` (and posted), never
 * with a crash.
 *
 * @example
 * const bridge = new MaxBridge({ api: fakeApi, engineOptions: { modelsDir: 'models', filesDir: 'files' } });
 * bridge.start();
 */
export interface BridgeOptions {
  api?: MaxApi;
  engineOptions?: Partial<EngineOptions>;
  /**
   * Builds the engine. Default: the shared composition root (src/app/create.ts) with every
   * runtime's processors and jobs, loading the bundled models.
   */
  createEngine?: (options: Partial<EngineOptions>) => Engine | Promise<Engine>;
  /** Client id of this Max instance in the engine. */
  clientId?: string;
}

async function bundledEngine(options: Partial<EngineOptions>, api: MaxApi): Promise<Engine> {
  // Loaded on first use: the runtimes (onnxruntime, models) are not needed before that.
  const { createEngine } = await import('../src/app/create');
  const { engine, loaded, failed } = await createEngine({ ...options, loadBundled: true });
  const failedNote = failed.length > 0 ? ` (failed: ${failed.join(', ')})` : '';
  api.post(`mirrorbridge: models ${loaded.length > 0 ? loaded.join(', ') : 'none'}${failedNote}`).catch(() => undefined);
  return engine;
}

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
  /** Outlet calls that failed (Max closing, patcher gone); counted, never thrown. */
  outletFailures = 0;

  constructor(options: BridgeOptions = {}) {
    this.api = options.api ?? getMaxApi();
    this.clientId = options.clientId ?? 'max';
    this.options = { modelsDir: defaultModelsDir(), filesDir: defaultFilesDir(), ...options.engineOptions };
    this.createEngine = options.createEngine ?? ((o) => bundledEngine(o, this.api));
  }

  /** Registers every handler. */
  start(): void {
    const api = this.api;
    for (const selector of Object.keys(COMMANDS)) api.addHandler(selector, (...args: unknown[]) => this.dispatch(selector, args));
    api.addHandler(api.MESSAGE_TYPES.BANG, () => this.dispatch('status', []));
    api.addHandler(api.MESSAGE_TYPES.NUMBER, (n: unknown) => this.dispatch('stream', [n]));
    api.addHandler(api.MESSAGE_TYPES.LIST, (...samples: unknown[]) => this.dispatch('audio', [this.defaultStream, ...samples]));
    api.addHandler(api.MESSAGE_TYPES.DICT, (dict: unknown) => this.dispatchDict(dict));
    api.addHandler(api.MESSAGE_TYPES.ALL, (handled: boolean, ...message: unknown[]) => {
      if (!handled) this.warn(`no handler for message ${JSON.stringify(message[0])}; known: ${Object.keys(COMMANDS).join(' ')}`);
    });
  }

  /** The engine, created (with its event forwarding) on first use; a failed start can be retried. */
  engine(): Promise<Engine> {
    if (!this.enginePromise) {
      if (this.options.filesDir) mkdirSync(this.options.filesDir, { recursive: true });
      this.enginePromise = Promise.resolve(this.createEngine(this.options)).then(
        (engine) => {
          this.unsubscribe = forwardEvents(engine, this.clientId, {
            out: (m) => this.out(m),
            dict: (name, value) => void this.setDict(name, value),
            error: (code, message) => this.error(code, message),
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

  /** The engine if it has started; MB_ERR_BUSY while it is starting. */
  engineNow(): Engine {
    if (!this.engineInstance) throw new MbError('MB_ERR_BUSY', 'the engine is starting; open a stream first');
    return this.engineInstance;
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

  /** Runs one message; synchronous commands (audio) stay synchronous. */
  dispatch(selector: string, args: unknown[]): void | Promise<void> {
    const command = COMMANDS[selector];
    const fail = (err: unknown) => {
      const e = toMbError(err);
      const hint = e.code === 'MB_ERR_BAD_ARGS' && command ? ` (usage: ${command.usage})` : '';
      this.error(e.code, `${e.message}${hint}`);
    };
    try {
      if (!command) throw new MbError('MB_ERR_BAD_ARGS', `unknown command ${JSON.stringify(selector)}`);
      const result = command.run(new MaxArgs(selector, args), this.context());
      if (result instanceof Promise) return result.then((messages) => this.outAll(messages), fail);
      this.outAll(result);
    } catch (err) {
      fail(err);
    }
  }

  /** A request dict {"command": "...", "args": [...]}: the named message with those arguments. */
  dispatchDict(dict: unknown): void | Promise<void> {
    const d = dict as { command?: unknown; args?: unknown } | null;
    if (!d || typeof d.command !== 'string') {
      this.error('MB_ERR_BAD_ARGS', 'dict: expected {"command": "<message>", "args": [...]}');
      return;
    }
    const args = Array.isArray(d.args) ? d.args : d.args === undefined ? [] : [d.args];
    return this.dispatch(d.command, args);
  }

  private context(): CommandContext {
    const bridge = this;
    return {
      clientId: this.clientId,
      engine: () => this.engine(),
      engineNow: () => this.engineNow(),
      get defaultStream() {
        return bridge.defaultStream;
      },
      set defaultStream(id: number) {
        bridge.defaultStream = id;
      },
      setDict: (name, value) => this.setDict(name, value),
      serve: (osc, http) => this.serve(osc, http),
      unserve: () => this.unserve(),
      configure: (key, value) => this.configure(key, value),
      getDict: (name) => this.api.getDict(name) as Promise<Record<string, unknown>>,
      runDict: (dict) => this.dispatchDict(dict),
    };
  }

  private async serve(oscPort: number | undefined, httpPort: number | undefined): Promise<MaxMessage> {
    if (this.servers) throw new MbError('MB_ERR_BUSY', `already serving on OSC ${this.servers.oscPort}, HTTP ${this.servers.httpPort}; send unserve first`);
    this.servers = await startServers(await this.engine(), { oscPort, httpPort });
    const s = this.servers;
    this.api.post(`mirrorbridge: OSC udp://${s.host}:${s.oscPort}, OSCQuery ${s.oscQueryUrl}`);
    return ['serving', s.oscPort, s.httpPort, s.oscQueryUrl];
  }

  private async unserve(): Promise<MaxMessage> {
    await this.servers?.close();
    this.servers = undefined;
    return ['serving', 0, 0, ''];
  }

  private configure(key: string, value: string): void {
    if (this.enginePromise) throw new MbError('MB_ERR_BUSY', 'config: the engine is running; send config before any other message');
    const resolved = path.resolve(value);
    if (key === 'modelsdir') this.options.modelsDir = resolved;
    else this.options.filesDir = resolved;
  }

  private outAll(messages: MaxMessage[]): void {
    for (const m of messages) this.out(m);
  }

  /** max-api's outlet returns a Promise; a rejection is counted, not thrown. */
  private out(message: MaxMessage): void {
    this.api.outlet(...message).catch(() => {
      this.outletFailures++;
    });
  }

  private setDict(name: string, value: Record<string, unknown>): Promise<void> {
    return this.api.setDict(name, JSON.parse(JSON.stringify(value))).then(
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
