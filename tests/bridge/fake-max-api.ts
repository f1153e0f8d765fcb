import type { MaxApi } from '../../bridge/maxApi';

/**
 * A stand-in for Node for Max's `max-api`, behaving as the real one does where the bridge
 * depends on it:
 *
 * - start-up order: [node.script @autostart 1] launches its Node process asynchronously after
 *   the patch has loaded, so whatever the patch sends before the script runs (a loadbang's
 *   message, a loadmess) never reaches a handler: Max drops it and posts "Node script not ready
 *   can't handle message <selector>" (the warning as public Max for Live projects quote it, e.g.
 *   producer-pal's device patcher and knobbler's node script, which gate their load-time
 *   messages behind a "ready" outlet for that reason). Here the patch side is `send()`,
 *   which drops and posts the same way until `start(script)` has run the script;
 * - node.script's left outlet feeds the patch: `onOutlet(listener)` is the cord from it;
 * - a message is a selector plus spread arguments (`open 1 44100 512` calls the 'open'
 *   handler with 1, 44100, 512); a message starting with a number is a 'list' (or a
 *   'number' when alone); `bang` and dicts have their own selectors;
 * - MESSAGE_TYPES.ALL handlers see every message as (handled, selector, ...args);
 *   with none registered, an unhandled message is posted as a warning, as Max does;
 * - outlet, post, getDict and setDict return Promises that settle later (asynchronously);
 *   `failOutlets` makes outlet reject, as it does when the patcher is gone.
 */
type Handler = (...args: any[]) => unknown;
type Json = Record<string, unknown>;

export interface Post {
  text: string;
  level: string;
}

const MESSAGE_TYPES = { ALL: 'all', BANG: 'bang', DICT: 'dict', NUMBER: 'number', LIST: 'list' } as const;
const POST_LEVELS = { ERROR: 'error', INFO: 'info', WARN: 'warn' } as const;

export class FakeMaxApi {
  readonly MESSAGE_TYPES = MESSAGE_TYPES;
  readonly POST_LEVELS = POST_LEVELS;
  readonly MAX_ENV = { MAX: 'max', MAX_FOR_LIVE: 'maxforlive', STANDALONE: 'max:standalone' } as const;

  readonly outlets: unknown[][] = [];
  readonly posts: Post[] = [];
  readonly dicts = new Map<string, Json>();
  failOutlets = false;
  readonly handlers = new Map<string, Handler[]>();
  /** Messages the patch sent before the script ran (dropped, as Max drops them). */
  readonly dropped: unknown[][] = [];
  private running = false;
  private readonly listeners: ((message: unknown[]) => void)[] = [];
  private readonly pending = new Set<Promise<unknown>>();

  /**
   * @param options.running true: the script is already running (a test that starts the bridge
   *   itself and only then sends); default false, the order Max has at load.
   */
  constructor(options: { running?: boolean } = {}) {
    this.running = options.running ?? false;
  }

  /** True once the script has run (node.script's "running" attribute). */
  get isRunning(): boolean {
    return this.running;
  }

  /**
   * The Node process comes up and runs the script (`script` registers its handlers, as a
   * node.script file does at its top level); from then on messages reach the handlers.
   */
  start(script: () => void): void {
    if (this.running) throw new Error('start: the script is already running');
    script();
    this.running = true;
  }

  /** A cord from node.script's left outlet into the patch: `listener` gets every outlet message. */
  onOutlet(listener: (message: unknown[]) => void): void {
    this.listeners.push(listener);
  }

  /** This fake, typed as the real API for the bridge. */
  asApi(): MaxApi {
    return this as unknown as MaxApi;
  }

  addHandler(selector: string, handler: Handler): void {
    const list = this.handlers.get(selector) ?? [];
    list.push(handler);
    this.handlers.set(selector, list);
  }

  addHandlers(map: Record<string, Handler>): void {
    for (const [s, h] of Object.entries(map)) this.addHandler(s, h);
  }

  removeHandler(selector: string, handler: Handler): void {
    this.handlers.set(selector, (this.handlers.get(selector) ?? []).filter((h) => h !== handler));
  }

  removeHandlers(selector: string): void {
    this.handlers.delete(selector);
  }

  outlet(...args: unknown[]): Promise<void> {
    return this.later(() => {
      if (this.failOutlets) throw new Error('outlet: the patcher is gone');
      this.outlets.push(args);
      for (const listener of this.listeners) listener(args);
    });
  }

  outletBang(): Promise<void> {
    return this.outlet('bang');
  }

  post(...args: unknown[]): Promise<void> {
    const last = args[args.length - 1];
    const level = (Object.values(POST_LEVELS) as unknown[]).includes(last) && args.length > 1 ? (args.pop() as string) : 'info';
    return this.later(() => {
      this.posts.push({ text: args.map(String).join(' '), level });
    });
  }

  getDict(id: string): Promise<Json> {
    return this.later(() => structuredClone(this.dicts.get(id) ?? {}));
  }

  setDict(id: string, dict: Json): Promise<Json> {
    return this.later(() => {
      this.dicts.set(id, structuredClone(dict));
      return dict;
    });
  }

  updateDict(id: string, updatePath: string, value: unknown): Promise<Json> {
    return this.later(() => {
      const dict = this.dicts.get(id) ?? {};
      dict[updatePath] = value;
      this.dicts.set(id, dict);
      return dict;
    });
  }

  /** Max sends a message into node.script's inlet (as from a message box); dropped until the script runs. */
  send(...atoms: (string | number)[]): Promise<void> {
    if (atoms.length === 0) throw new Error('send: empty message');
    const [first, ...rest] = atoms;
    if (!this.running) return this.drop(typeof first === 'number' ? (atoms.length === 1 ? MESSAGE_TYPES.NUMBER : MESSAGE_TYPES.LIST) : first, atoms);
    if (typeof first === 'number') return this.deliver(atoms.length === 1 ? MESSAGE_TYPES.NUMBER : MESSAGE_TYPES.LIST, atoms);
    return this.deliver(first, rest);
  }

  /** Max sends a dict (`dictionary <name>`); handlers receive its content. */
  sendDict(dict: Json): Promise<void> {
    if (!this.running) return this.drop(MESSAGE_TYPES.DICT, [dict]);
    return this.deliver(MESSAGE_TYPES.DICT, [structuredClone(dict)]);
  }

  /** Waits until every handler, outlet, post and dict call so far has settled. */
  async settle(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
    await new Promise((r) => setImmediate(r));
    if (this.pending.size > 0) await this.settle();
  }

  messages(selector: string): unknown[][] {
    return this.outlets.filter((m) => m[0] === selector);
  }

  private drop(selector: string, message: unknown[]): Promise<void> {
    this.dropped.push(message);
    return this.post(`Node script not ready can't handle message ${selector}`, POST_LEVELS.WARN);
  }

  private deliver(selector: string, args: unknown[]): Promise<void> {
    const specific = this.handlers.get(selector) ?? [];
    const all = this.handlers.get(MESSAGE_TYPES.ALL) ?? [];
    const results: unknown[] = specific.map((h) => h(...args));
    const handled = specific.length > 0;
    results.push(...all.map((h) => h(handled, selector, ...args)));
    if (!handled && all.length === 0) void this.post(`node.script: no handler for message "${selector}"`, POST_LEVELS.WARN);
    const done = Promise.allSettled(results.map((r) => Promise.resolve(r))).then(() => undefined);
    this.track(done);
    return done;
  }

  private later<T>(f: () => T): Promise<T> {
    const p = new Promise<T>((resolve, reject) =>
      setImmediate(() => {
        try {
          resolve(f());
        } catch (err) {
          reject(err);
        }
      }),
    );
    this.track(p);
    return p;
  }

  private track(p: Promise<unknown>): void {
    this.pending.add(p);
    const drop = () => this.pending.delete(p);
    p.then(drop, drop);
  }
}
