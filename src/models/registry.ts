import { EventEmitter } from 'node:events';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { MbError, toMbError } from '../core/errors';
import type { ModelKind } from './manifest';
import { OnnxModel, type OnnxModelOptions } from './onnx-model';
import { MODEL_NAME_RE } from './names';
import { loadManifest } from './validate-manifest';

export interface ModelInfo {
  name: string;
  kind?: ModelKind;
  version?: string;
  loaded: boolean;
  /** Parameter names, for models that output parameters. */
  params?: string[];
  /** Why the model cannot be loaded (invalid manifest), when known. */
  error?: string;
}

/** A counted reference to a loaded model; the model is disposed only after the last release. */
export interface ModelLease {
  readonly model: OnnxModel;
  release(): void;
}

/**
 * The models folder as a set of names. Models are loaded and unloaded by NAME only — a name
 * is a folder directly inside the models folder, never a path.
 *
 * Hot swap: loading a name that is already loaded builds the new model completely first and
 * only then replaces the old one; a failed load throws and leaves the old one serving. The
 * old model is disposed when its last lease is released.
 *
 * Events: 'loaded' (model), 'swapped' (model, previous), 'unloaded' (name).
 *
 * @example
 * const registry = new ModelRegistry('models');
 * await registry.load('mirror-small');
 * const lease = registry.acquire('mirror-small');
 * try { await lease.model.run('encoder', feeds); } finally { lease.release(); }
 */
export class ModelRegistry extends EventEmitter {
  private readonly models = new Map<string, OnnxModel>();
  private readonly leases = new Map<OnnxModel, number>();
  private readonly retired = new Set<OnnxModel>();
  private readonly pending = new Map<string, Promise<unknown>>();

  /**
   * Called with a new model before it replaces the loaded one (or is first listed); a throw
   * refuses the load. The engine's model hosts load, check and warm their copy here.
   */
  beforeCommit?: (model: OnnxModel) => Promise<void>;

  constructor(
    readonly dir: string,
    private readonly onnxOptions: Partial<OnnxModelOptions> & { manifestOnly?: boolean } = {},
  ) {
    super();
  }

  /** Every folder in the models folder with a valid name, loaded or not. */
  async list(): Promise<ModelInfo[]> {
    let entries: import('node:fs').Dirent[];
    try {
      entries = await fs.readdir(this.dir, { withFileTypes: true });
    } catch {
      return [...this.models.values()].map((m) => this.info(m.name));
    }
    const names = entries.filter((e) => (e.isDirectory() || e.isSymbolicLink()) && MODEL_NAME_RE.test(e.name)).map((e) => e.name);
    const infos = await Promise.all(names.sort().map((name) => this.describe(name)));
    return infos.filter((i): i is ModelInfo => i !== undefined);
  }

  /** What the registry knows about a loaded model. */
  info(name: string): ModelInfo {
    const m = this.models.get(name);
    if (!m) return { name, loaded: false };
    return { name, kind: m.manifest.kind, version: m.manifest.version, loaded: true, params: m.manifest.params?.map((p) => p.name) };
  }

  get(name: string): OnnxModel | undefined {
    return this.models.get(name);
  }

  loaded(): OnnxModel[] {
    return [...this.models.values()];
  }

  /** Loads (or hot-swaps) the model called `name`. Loads of one name run one after another. */
  load(name: string): Promise<OnnxModel> {
    return this.serialize(name, () => this.loadNow(name));
  }

  /** Unloads `name`; the model is disposed once in-flight users release it. False when it was not loaded. */
  unload(name: string): Promise<boolean> {
    checkModelName(name);
    return this.serialize(name, async () => {
      const model = this.models.get(name);
      if (!model) return false;
      this.models.delete(name);
      await this.retire(model);
      this.emit('unloaded', name);
      return true;
    });
  }

  /** A counted reference to the loaded model `name`; throws MB_ERR_UNKNOWN_MODEL when not loaded. */
  acquire(name: string): ModelLease {
    const model = this.models.get(name);
    if (!model) throw new MbError('MB_ERR_UNKNOWN_MODEL', `model ${JSON.stringify(name)} is not loaded`);
    this.leases.set(model, (this.leases.get(model) ?? 0) + 1);
    let released = false;
    return {
      model,
      release: () => {
        if (released) return;
        released = true;
        this.releaseOne(model);
      },
    };
  }

  /** Unloads everything. */
  async dispose(): Promise<void> {
    await Promise.allSettled([...this.pending.values()]);
    const all = [...this.models.values()];
    this.models.clear();
    await Promise.all(all.map((m) => m.dispose()));
  }

  private async loadNow(name: string): Promise<OnnxModel> {
    const dir = await this.folderOf(name);
    const manifest = await loadManifest(dir);
    const { manifestOnly, ...onnx } = this.onnxOptions;
    const model = manifestOnly ? OnnxModel.manifestOnly(dir, manifest) : await OnnxModel.load(dir, manifest, onnx);
    if (this.beforeCommit) {
      try {
        await this.beforeCommit(model);
      } catch (err) {
        await model.dispose();
        throw err;
      }
    }
    const previous = this.models.get(name);
    this.models.set(name, model);
    if (previous) {
      this.emit('swapped', model, previous);
      await this.retire(previous);
    } else {
      this.emit('loaded', model);
    }
    return model;
  }

  private async describe(name: string): Promise<ModelInfo | undefined> {
    if (this.models.has(name)) return this.info(name);
    try {
      const m = await loadManifest(path.join(this.dir, name));
      return { name, kind: m.kind, version: m.version, loaded: false, params: m.params?.map((p) => p.name) };
    } catch (err) {
      return { name, loaded: false, error: toMbError(err).toLine() };
    }
  }

  private async folderOf(name: string): Promise<string> {
    checkModelName(name);
    const dir = path.join(path.resolve(this.dir), name);
    const stat = await fs.stat(dir).catch(() => undefined);
    if (!stat?.isDirectory()) throw new MbError('MB_ERR_UNKNOWN_MODEL', `no model ${JSON.stringify(name)} in ${this.dir}`);
    return dir;
  }

  private serialize<T>(name: string, task: () => Promise<T>): Promise<T> {
    const before = this.pending.get(name) ?? Promise.resolve();
    const run = before.catch(() => undefined).then(task);
    const settled = run.catch(() => undefined);
    this.pending.set(name, settled);
    void settled.then(() => {
      if (this.pending.get(name) === settled) this.pending.delete(name);
    });
    return run;
  }

  private async retire(model: OnnxModel): Promise<void> {
    if ((this.leases.get(model) ?? 0) === 0) {
      this.leases.delete(model);
      await model.dispose();
    } else {
      this.retired.add(model);
    }
  }

  private releaseOne(model: OnnxModel): void {
    const left = (this.leases.get(model) ?? 1) - 1;
    if (left > 0) {
      this.leases.set(model, left);
      return;
    }
    this.leases.delete(model);
    if (this.retired.delete(model)) void model.dispose();
  }
}

/** Throws MB_ERR_BAD_ARGS unless `name` is a valid model name (a folder name, never a path). */
export function checkModelName(name: unknown): string {
  if (typeof name !== 'string' || name.length > 128 || !MODEL_NAME_RE.test(name)) {
    throw new MbError('MB_ERR_BAD_ARGS', `model name must match ${MODEL_NAME_RE} (a folder in the models folder, never a path), got ${JSON.stringify(name)?.slice(0, 80)}`);
  }
  return name;
}
