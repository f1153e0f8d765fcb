import { readFileSync } from 'node:fs';
import * as path from 'node:path';

/**
 * The models a server loads at start (its bundled ones), while they load: so that the front
 * doors can listen before every model is ready (a restarted bridge answers at once), and what
 * arrives meanwhile waits for the loads it depends on instead of seeing a half-loaded set. A
 * stream naming a model waits for that model's load; a stream naming none waits for the loads
 * of the first stream kind that has any (so it gets the same default as once all are loaded);
 * a job waits for all of them.
 *
 * @example
 * const loads = new BundledLoads(modelsDir);
 * const all = loads.run(['mirrornet-stream', 'vqvae-timbre'], (name) => engine.loadModel(name));
 * await loads.model('vqvae-timbre');      // its load has ended (well or not)
 * await loads.kinds(['mirrornet-stream']); // every load of the first of these kinds that has any
 */
export class BundledLoads {
  private readonly pending = new Map<string, { kind: string | undefined; done: Promise<void> }>();

  constructor(private readonly modelsDir: string) {}

  /** Loads `names` one after another with `load`; resolves with those loaded and those that failed. */
  async run(names: readonly string[], load: (name: string) => Promise<unknown>, failed: (name: string, err: Error) => void): Promise<{ loaded: string[]; failed: string[] }> {
    const ends = new Map<string, () => void>();
    for (const name of names) {
      let end!: () => void;
      const done = new Promise<void>((resolve) => (end = resolve));
      ends.set(name, end);
      this.pending.set(name, { kind: this.kindOf(name), done });
    }
    const out = { loaded: [] as string[], failed: [] as string[] };
    for (const name of names) {
      try {
        await load(name);
        out.loaded.push(name);
      } catch (err) {
        out.failed.push(name);
        failed(name, err as Error);
      } finally {
        this.pending.delete(name);
        ends.get(name)!();
      }
    }
    return out;
  }

  get loading(): boolean {
    return this.pending.size > 0;
  }

  /** Resolves once `name`'s load has ended, when it is one of those still loading. */
  async model(name: string): Promise<void> {
    await this.pending.get(name)?.done;
  }

  /** Resolves once every model of the first of `kinds` that has one still loading has ended; `loadedKinds` have priority when earlier. */
  async kinds(kinds: readonly string[], loadedKinds: ReadonlySet<string>): Promise<void> {
    for (const kind of kinds) {
      const waiting = [...this.pending.values()].filter((p) => p.kind === kind);
      if (waiting.length > 0) {
        await Promise.all(waiting.map((p) => p.done));
        return;
      }
      if (loadedKinds.has(kind)) return;
    }
    await this.all();
  }

  /** Resolves once every load still running has ended. */
  async all(): Promise<void> {
    await Promise.all([...this.pending.values()].map((p) => p.done));
  }

  /** The kind model folder `name`'s manifest names (undefined when unreadable). */
  kindOf(name: string): string | undefined {
    try {
      const manifest = JSON.parse(readFileSync(path.join(this.modelsDir, name, `${name}.json`), 'utf8')) as { kind?: unknown };
      return typeof manifest.kind === 'string' ? manifest.kind : undefined;
    } catch {
      return undefined;
    }
  }
}
