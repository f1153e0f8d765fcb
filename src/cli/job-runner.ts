import * as path from 'node:path';
import { MbError } from '../core/errors';
import type { Engine } from '../engine/engine';
import type { Control, JobEvent, JobPathSpec } from '../engine/types';
import type { ParsedArgs } from '../verbs/spec';

/** The client the CLI is in its engine: its jobs and controls belong to it. */
export const CLI_CLIENT = 'cli';

export interface CliJob {
  /** Folder holding models/<name>/. */
  modelsDir: string;
  /** The model the job runs on, loaded by name. */
  model: string;
  /** The job's file arguments (absolute paths) and how the job uses them, checked before the model loads. */
  files: readonly { path: string; mode: JobPathSpec[string] }[];
  /** Live controls the job reads (e.g. the VQ plane point), set for the CLI client first. */
  controls?: readonly Control[];
  /** Queues the job, as a front door does: through the verb's handler. */
  submit(engine: Engine, clientId: string): Promise<unknown>;
}

/** The file arguments among a verb's parsed arguments, with how the job uses each (e.g. src/mirror/jobs.ts RESYNTH_FILES). */
export function jobFiles(args: ParsedArgs, spec: Readonly<JobPathSpec>): CliJob['files'] {
  return Object.entries(spec).filter(([name]) => args.has(name)).map(([name, mode]) => ({ path: args.str(name), mode }));
}

/**
 * Runs one of the engine's offline jobs for the CLI in an in-process engine, so a command
 * and the OSC/Max verb are one implementation: checks the files and the controls, loads the
 * model, queues the job and waits for its done (the result) or failed (its error, thrown)
 * event. Everything that can be refused without the model is refused before it loads.
 *
 * The engine's jobs read and write only inside its files folder, which keeps remote clients
 * (OSC, WebSocket, Max) out of the rest of the disk. The CLI's files folder is the filesystem
 * root of the paths given, so any path the user types is legal: safe here, because the engine
 * opens no door to anyone else and the process runs with the user's own permissions on paths
 * the user chose, exactly as a direct call would. Paths arrive absolute (resolved from the
 * working directory by the caller).
 *
 * @example
 * const result = await runCliJob({ modelsDir, model: 'mirrornet-melody', files: [{ path: abs, mode: 'read' }], submit });
 */
export async function runCliJob(job: CliJob): Promise<unknown> {
  const { createEngine } = await import('../app/create');
  const root = path.parse(job.files[0]?.path ?? process.cwd()).root;
  // One job and no live streams: it runs here, without a worker thread to start.
  const { engine } = await createEngine({ modelsDir: job.modelsDir, filesDir: root, jobWorkers: 0 });
  try {
    for (const f of job.files) await engine.files.resolve(f.path, f.mode);
    for (const c of job.controls ?? []) engine.setControl(CLI_CLIENT, c);
    await engine.loadModel(job.model);
    const finished = jobOutcome(engine, CLI_CLIENT);
    try {
      await job.submit(engine, CLI_CLIENT);
    } catch (err) {
      finished.cancel();
      throw err;
    }
    return await finished.result;
  } finally {
    await engine.dispose();
  }
}

/** The outcome of the next job `clientId` queues: its result, or its error without the queue's "job N (name): " prefix. */
function jobOutcome(engine: Engine, clientId: string): { result: Promise<unknown>; cancel(): void } {
  let id: number | undefined;
  let listener: (e: JobEvent) => void = () => undefined;
  const result = new Promise<unknown>((resolve, reject) => {
    listener = (e: JobEvent) => {
      if (e.clientId !== clientId) return;
      if (id === undefined && e.state === 'queued') id = e.id;
      if (e.id !== id) return;
      if (e.state === 'done') resolve(e.result);
      else if (e.state === 'failed') {
        const prefix = `job ${e.id} (${e.name}): `;
        const message = e.error?.message ?? 'failed';
        reject(new MbError(e.error?.code ?? 'MB_ERR_INTERNAL', message.startsWith(prefix) ? message.slice(prefix.length) : message));
      } else if (e.state === 'cancelled') reject(new MbError('MB_ERR_INTERNAL', `job ${e.id} (${e.name}) was cancelled`));
    };
    engine.on('job', listener);
  });
  const off = () => engine.off('job', listener);
  result.then(off, off);
  return { result, cancel: off };
}
