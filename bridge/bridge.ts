import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { MbError, toMbError } from '../src/core/errors';
import { defaultFilesDir, defaultModelsDir } from '../src/core/paths';
import type { Engine, EngineOptions } from '../src/engine';
import { parseArgs } from '../src/verbs/args';
import { forwardEngineEvents } from '../src/verbs/events';
import { reply } from '../src/verbs/replies';
import type { DoorServices, Verb, VerbContext } from '../src/verbs/spec';
import { addressOfSelector, entryOf, maxSelector, verbAt, verbsAt } from '../src/verbs/table';
import { usageOf } from '../src/verbs/usage';
import { fromMaxAtoms, unknownMessage } from './atoms';
import { bundledEngine } from './bundled-engine';
import { HostRelay } from './host-relay';
import { BridgeServers } from './servers';
import { BridgeOutlet } from './outlet';
import { getMaxApi, type MaxApi } from './maxApi';
import { JobActivity, PendingMessages, RepeatLimiter } from './readiness';
import { GuestHost } from './guests';
import { claimSession, FrameChannel } from './session';
import type { BridgeOptions } from './options';

export type { BridgeOptions } from './options';

/** Messages held while the engine starts; beyond that they are dropped with one error. */
export const PENDING_CAPACITY = 64;
/** Repeats of one audio-block error (same code, same stream) are reported at most this often. */
export const BLOCK_ERROR_WINDOW_MS = 2000;

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
 * The handshake: node.script starts the Node process after the patch has loaded, and Max drops
 * what the patch sends before the script runs. So `start()` registers the handlers, then
 * creates the engine (loading the models) and says `ready`; patches send their load-time
 * messages on it. What arrives in between waits (up to PENDING_CAPACITY messages, then one
 * MB_ERR_BUSY) and runs in order after `ready`. `busy` / `idle` say when offline jobs start
 * and when the queue is empty again, once per change.
 *
 * Why past 300 lines: it is one concept, node.script's side of the door (handlers, the ready
 * hold, the session role, the door services); its parts that stand alone live beside it:
 * outlet.ts (what it says), readiness.ts (holding, busy/idle, repeat limits), session.ts,
 * guests.ts and host-relay.ts (the shared Max session), servers.ts (server/start over the
 * engine), bundled-engine.ts (the default engine), atoms.ts (Max atoms and selectors).
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
  /** Counts engine starts: a start that a config restart overtook is discarded when it ends. */
  private boots = 0;
  private ready = false;
  private readonly pending = new PendingMessages(PENDING_CAPACITY);
  /** Audio blocks that came before ready (no stream can be open then); reported once per start. */
  private earlyBlocks = 0;
  private activity?: JobActivity;
  private unsubscribe?: () => void;
  private readonly servers = new BridgeServers();
  private defaultStream = 0;
  private readonly door: DoorServices;
  private readonly say: BridgeOutlet;
  private readonly blockErrors = new RepeatLimiter(BLOCK_ERROR_WINDOW_MS);
  /**
   * Its part in a shared Max session (session.ts): alone (no session), claiming (finding out),
   * host (runs the engine for every [mb.bridge]) or guest (passes its messages to the host).
   */
  private role: 'alone' | 'claiming' | 'host' | 'guest' = 'alone';
  private guestChannel?: FrameChannel;
  private guestHost?: GuestHost;
  private disposed = false;
  private readonly session?: { path: string };
  private readonly ownsEngine: boolean;

  constructor(options: BridgeOptions = {}) {
    this.api = options.api ?? getMaxApi();
    this.say = new BridgeOutlet(this.api);
    this.clientId = options.clientId ?? 'max';
    this.options = { modelsDir: defaultModelsDir(), filesDir: defaultFilesDir(), ...options.engineOptions };
    this.createEngine = options.createEngine ?? ((o) => bundledEngine(o, this.api));
    this.session = options.session;
    this.ownsEngine = options.ownsEngine ?? true;
    this.door = this.makeDoor();
  }

  /** Registers a handler per verb of the Max door and the bang / number / list / dict forms, then starts the engine. */
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
      if (!handled) this.say.warn(unknownMessage(message[0]));
    });
    // What the patch sends to [s mb.in] reaches every [mb.bridge] of the session, tagged `bus`
    // by the abstraction: only the one that runs the engine acts on it, so it runs once.
    api.addHandler('bus', (selector: unknown, ...args: unknown[]) => {
      if (this.role === 'guest') return;
      if (this.role === 'claiming') return void this.holdRaw(() => this.role !== 'guest' && this.dispatch(String(selector), args));
      return this.dispatch(String(selector), args);
    });
    // Only now, with every handler in place, may the patch be told to send (see `ready`).
    if (this.session) {
      this.role = 'claiming';
      void this.claim();
    } else {
      void this.engine().catch(() => undefined);
    }
  }

  /** Attaches a guest's bridge on the host to the shared engine (it says ready then). */
  connect(): void {
    void this.engine().catch(() => undefined);
  }

  /** Host or guest of the Max session (see session.ts); a guest whose host went away claims it again. */
  private async claim(): Promise<void> {
    if (!this.session || this.disposed) return;
    this.role = 'claiming';
    this.ready = false;
    let claim;
    try {
      claim = await claimSession(this.session.path);
    } catch (err) {
      // No session to be had (an odd file system): run alone.
      this.say.warn(`${(err as Error).message}; this [mb.bridge] runs its own engine`);
      this.role = 'alone';
      void this.engine().catch(() => undefined);
      this.drainHeld();
      return;
    }
    if (this.disposed) {
      if (claim.role === 'host') claim.server.close();
      else claim.socket.destroy();
      return;
    }
    if (claim.role === 'host') {
      this.role = 'host';
      this.guestHost = new GuestHost(claim.server, (api, n) => new MaxBridge({
        api,
        clientId: `${this.clientId}:${n}`,
        engineOptions: this.options,
        createEngine: () => this.engine(),
        ownsEngine: false,
      }));
      void this.engine().catch(() => undefined);
      this.drainHeld();
      return;
    }
    this.role = 'guest';
    this.say.post('another [mb.bridge] runs the engine of this Max session: this one uses it');
    const relay = new HostRelay(this.api, () => (this.ready = true), (frame) => this.guestChannel?.send(frame));
    this.guestChannel = new FrameChannel(claim.socket, (f) => void relay.take(f), () => {
      this.guestChannel = undefined;
      this.ready = false;
      if (!this.disposed) {
        this.say.post('the [mb.bridge] that ran the engine has gone; taking over');
        void this.claim();
      }
    });
    this.drainHeld();
  }

  /** A message held while the session is being claimed (or the guest reconnects). */
  private holdRaw(run: () => unknown): void {
    if (!this.pending.push({ run: () => void run(), drop: () => undefined }) && this.pending.overflowed === 1) {
      this.say.error('MB_ERR_BUSY', `the bridge is joining the Max session and ${PENDING_CAPACITY} messages already wait; further ones are dropped until then`);
    }
  }

  private drainHeld(): void {
    if (this.role === 'host' || this.role === 'alone') return; // the engine's ready drains them
    for (const held of this.pending.drain()) held.run();
  }

  /** Outlet calls that failed (Max closing, patcher gone); counted, never thrown. */
  get outletFailures(): number {
    return this.say.failures;
  }

  /** True once the engine has loaded and `ready` was sent (false again while config restarts it). */
  get isReady(): boolean {
    return this.ready;
  }

  /** The engine, created (with its event forwarding) at start; a failed start is retried by the next message. */
  engine(): Promise<Engine> {
    if (!this.enginePromise) {
      const boot = ++this.boots;
      if (this.options.filesDir) mkdirSync(this.options.filesDir, { recursive: true });
      this.enginePromise = Promise.resolve()
        .then(() => this.createEngine(this.options))
        .then(
          (engine) => {
            if (boot === this.boots) this.attach(engine);
            return engine;
          },
          (err: unknown) => {
            if (boot === this.boots) this.startFailed(toMbError(err));
            throw err;
          },
        );
    }
    return this.enginePromise;
  }

  /** Wires the engine's events to the outlet, says `ready` and runs what waited for it. */
  private attach(engine: Engine): void {
    const activity = new JobActivity((busy) => this.say.send(reply(busy ? '/mb/busy' : '/mb/idle')));
    engine.on('job', activity.onJob);
    const forwarding = forwardEngineEvents(engine, {
      owned: (clientId, replies) => clientId === this.clientId && replies.forEach((r) => this.say.send(r)),
      shared: (replies) => replies.forEach((r) => this.say.send(r)),
      error: (clientId, _r, err) => (clientId === undefined || clientId === this.clientId) && this.say.error(err.code, err.message),
    });
    this.unsubscribe = () => {
      engine.off('job', activity.onJob);
      forwarding();
    };
    this.activity = activity;
    this.engineInstance = engine;
    this.ready = true;
    this.say.send(reply('/mb/ready'));
    const early = this.earlyBlocks > 0 ? ` (${this.earlyBlocks} audio block(s) before it dropped)` : '';
    this.earlyBlocks = 0;
    this.say.post(`ready${early} - send "models/list" to list the models, "server/start" to let Pd and browsers join`);
    for (const held of this.pending.drain()) held.run();
  }

  /** One error for the failed start and for what waited on it; the next message tries again. */
  private startFailed(err: MbError): void {
    this.enginePromise = undefined;
    const waiting = this.pending.drain();
    for (const held of waiting) held.drop();
    const dropped = waiting.length > 0 ? ` (${waiting.length} message(s) sent while it started were dropped)` : '';
    this.say.error(err.code, `the engine did not start: ${err.message}${dropped}`);
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    this.boots++;
    this.ready = false;
    this.guestChannel?.close();
    this.guestChannel = undefined;
    await this.guestHost?.close();
    this.guestHost = undefined;
    const engine = await this.enginePromise?.catch(() => undefined);
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    await this.servers.stop();
    if (this.ownsEngine) await engine?.dispose();
    // A guest's bridge on the host: its streams and jobs end with it, the engine goes on.
    else engine?.closeClient(this.clientId, 'bye');
    this.engineInstance = undefined;
    this.enginePromise = undefined;
  }

  /**
   * Runs one message; a realtime verb (audio) on a ready engine stays synchronous. Before
   * `ready` a message waits (the promise settles when it has run); audio is dropped instead,
   * with one error per start: no stream can be open before the engine is.
   */
  dispatch(selector: string, args: unknown[]): void | Promise<void> {
    if (this.role === 'claiming' || (this.role === 'guest' && !this.guestChannel)) return void this.holdRaw(() => this.dispatch(selector, args));
    if (this.role === 'guest') return void this.guestChannel!.send({ t: 'm', s: selector, a: args });
    const verb = verbAt(addressOfSelector(selector), 'max');
    const fail = (err: unknown) => {
      const e = toMbError(err);
      const hint = e.code === 'MB_ERR_BAD_ARGS' && verb ? ` (usage: ${usageOf(verb, maxSelector)})` : '';
      // A stream's blocks fail alike, block after block (sent before the stream opened, or
      // after it closed): one error per cause and stream, then a count, not one per block.
      if (verb?.realtime) {
        const note = this.blockErrors.admit(`${e.code} ${String(args[0])}`, Date.now());
        if (note === undefined) return;
        this.say.error(e.code, `${e.message}${hint}${note}`);
        return;
      }
      this.say.error(e.code, `${e.message}${hint}`);
    };
    try {
      if (!verb) throw new MbError('MB_ERR_BAD_ARGS', unknownMessage(selector));
      const parsed = parseArgs(verb, fromMaxAtoms(args));
      if (verb.needsEngine === false || this.ready) return this.run(verb, parsed, fail);
      if (verb.realtime) {
        if (this.earlyBlocks++ === 0) throw new MbError('MB_ERR_BUSY', `${selector}: the engine is starting; blocks before "ready" are dropped (open the stream on ready)`);
        return;
      }
      return this.hold(() => this.run(verb, parsed, fail));
    } catch (err) {
      fail(err);
    }
  }

  /** Holds a message until `ready`, in order; a full queue refuses it (one error until ready). */
  private hold(run: () => void | Promise<void>): Promise<void> | undefined {
    void this.engine().catch(() => undefined);
    let settle!: () => void;
    const done = new Promise<void>((resolve) => (settle = resolve));
    const held = this.pending.push({ run: () => void Promise.resolve(run()).finally(settle), drop: settle });
    if (held) return done;
    if (this.pending.overflowed === 1) {
      this.say.error('MB_ERR_BUSY', `the engine is starting and ${PENDING_CAPACITY} messages already wait for "ready"; further ones are dropped until then`);
    }
    return undefined;
  }

  /** A request dict {"command": "...", "args": [...]}: that message with those arguments. */
  dispatchDict(dict: unknown): void | Promise<void> {
    if (this.role === 'claiming' || (this.role === 'guest' && !this.guestChannel)) return void this.holdRaw(() => this.dispatchDict(dict));
    if (this.role === 'guest') return void this.guestChannel!.send({ t: 'm', s: 'dict', a: [dict] });
    const d = dict as { command?: unknown; args?: unknown } | null;
    if (!d || typeof d.command !== 'string') {
      this.say.error('MB_ERR_BAD_ARGS', 'dict: expected {"command": "<message>", "args": [...]}');
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
      if (result instanceof Promise) return result.then((replies) => replies?.forEach((r) => this.say.send(r)), fail);
      result?.forEach((r) => this.say.send(r));
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
      serve: async (osc, http) => this.servers.serve(await this.engine(), osc, http, (text) => this.say.post(text)),
      unserve: () => this.servers.stop(),
      configure: (key, value) => this.configure(key, value),
      runDict: async (name) => {
        const dict = await (this.api.getDict(name) as Promise<unknown>).catch(() => undefined);
        if (!dict || typeof dict !== 'object') throw new MbError('MB_ERR_BAD_ARGS', `run: no dict named ${JSON.stringify(name)}`);
        await this.dispatchDict(dict);
      },
    };
  }

  /** A new folder restarts the engine over it (and `ready` comes again), unless work would be lost. */
  private configure(key: string, value: string): void {
    if (!this.ownsEngine || this.guestHost?.size) throw new MbError('MB_ERR_BUSY', 'config: other patches share this Max session\'s engine; set the folders in the patch whose [mb.bridge] started first, with the others closed');
    const engine = this.engineInstance;
    if (this.servers.running) throw new MbError('MB_ERR_BUSY', 'config: the servers are running; send server/stop first');
    if (this.activity?.busy) throw new MbError('MB_ERR_BUSY', 'config: jobs are queued or running; send config when the bridge says idle');
    const open = engine?.status().streams.length ?? 0;
    if (open > 0) throw new MbError('MB_ERR_BUSY', `config: ${open} stream(s) open; close them first`);
    const resolved = path.resolve(value);
    if (key === 'modelsdir') this.options.modelsDir = resolved;
    else this.options.filesDir = resolved;
    void this.restart();
  }

  private async restart(): Promise<void> {
    const old = this.enginePromise;
    this.boots++;
    this.ready = false;
    this.enginePromise = undefined;
    this.engineInstance = undefined;
    this.activity = undefined;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    const engine = await old?.catch(() => undefined);
    await engine?.dispose().catch(() => undefined);
    await this.engine().catch(() => undefined);
  }
}
