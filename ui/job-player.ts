import type { BridgeClient } from './bridge-client';
import type { OscArg } from '../src/net/osc/wire';

/**
 * Plays what a job renders for the page: a code clicked on the codebook map or a curve drawn
 * with the mouse (/mb/job/draw), a point on the interpolation plane (/mb/job/vq plane), a melody
 * re-rendered (/mb/job/resynth). The job runs on the bridge's job workers like any client's; the
 * page learns its id from /mb/job/queued (its own jobs' replies come to it in order), and on
 * /mb/job/done fetches the WAV the job wrote from the files folder (/ui/files/) and plays it. One
 * job at a time per player: a new request takes over from a pending one.
 *
 * @example
 * const player = new JobPlayer(bridge, statusLine, token);
 * await player.play({ what: 'code', values: [17] }, '/mb/job/draw', [s('vqvae-timbre'), s(player.file('draw')), s('code'), f(1), f(17)]);
 */
export interface Played {
  what: string;
  values: number[];
  sampleRate: number;
  samples: Float32Array;
}

/** A short id of this tab, so two tabs do not overwrite each other's sounds. */
const TAB = Math.random().toString(36).slice(2, 8);

interface Request {
  label: { what: string; values: number[] };
  /** The job name /mb/job/queued carries. */
  job: string;
  id?: number;
  /** What to do with the job's result (play its WAV, or hand it back). */
  done: (result: JobResult) => Promise<void>;
  reject: (e: Error) => void;
}

/** A job's result as /mb/job/done carries it. */
export type JobResult = Record<string, unknown> & { out?: string; cancelled?: boolean };

export class JobPlayer {
  last: Played | null = null;
  /** Renders played so far. */
  count = 0;
  private context: AudioContext | null = null;
  private request: Request | null = null;
  private readonly offs: (() => void)[];

  constructor(
    private readonly bridge: BridgeClient,
    private readonly status: HTMLElement,
    private readonly token: string | null,
  ) {
    this.offs = [
      bridge.on('/mb/job/queued', (a) => {
        if (this.request && this.request.id === undefined && a[1] === this.request.job) this.request.id = Number(a[0]);
      }),
      bridge.on('/mb/job/done', (a) => {
        const request = this.request;
        if (!request || Number(a[0]) !== request.id) return;
        const result = JSON.parse(String(a[2])) as JobResult;
        if (result.cancelled) return this.fail('the job was cancelled');
        void request.done(result).then(() => {
          if (this.request === request) this.request = null;
        });
      }),
      bridge.on('/mb/error', (a) => {
        // A refusal of the request, or its job's failure (a failed job's /mb/error names no id);
        // blocks of a closing stream are not about it.
        if (!this.request || a[0] === 'MB_ERR_UNKNOWN_STREAM') return;
        this.fail(`${String(a[0])}: ${String(a[1])}`);
      }),
    ];
  }

  /** This tab's file for renders of one kind (overwritten by the next). */
  file(kind: string): string {
    return `ui-${kind}-${TAB}.wav`;
  }

  /** True while a request waits for its job. */
  get busy(): boolean {
    return this.request !== null;
  }

  /** Sends `address args` (a job verb whose job is `job`) and plays the WAV its job writes. */
  play(label: { what: string; values: number[] }, address: string, args: OscArg[], job = 'vq'): Promise<void> {
    this.context ??= new AudioContext();
    void this.context.resume();
    return new Promise((resolve, reject) => {
      this.send(label, address, args, job, reject, async (result) => {
        await this.fetchAndPlay(label, result);
        resolve();
      });
    });
  }

  /** Sends `address args` and hands back its job's result (e.g. /mb/job/infer's notes). */
  result(label: { what: string; values: number[] }, address: string, args: OscArg[], job: string): Promise<JobResult> {
    return new Promise((resolve, reject) =>
      this.send(label, address, args, job, reject, async (result) => {
        this.status.textContent = `${describe(label)}: done`;
        resolve(result);
      }),
    );
  }

  private send(label: Request['label'], address: string, args: OscArg[], job: string, reject: (e: Error) => void, done: Request['done']): void {
    this.request?.reject(new Error('replaced by a newer request'));
    this.request = { label, job, done, reject };
    this.status.textContent = `working: ${describe(label)}…`;
    if (!this.bridge.send(address, ...args)) this.fail('the bridge is away');
  }

  private fail(reason: string): void {
    this.status.textContent = reason;
    this.request?.reject(new Error(reason));
    this.request = null;
  }

  private async fetchAndPlay(label: Request['label'], result: JobResult): Promise<void> {
    if (!result.out) return this.fail('the job wrote no sound');
    const name = result.out.split(/[\\/]/).pop()!;
    const query = `?n=${++this.count}${this.token ? `&token=${encodeURIComponent(this.token)}` : ''}`;
    try {
      const res = await fetch(`/ui/files/${encodeURIComponent(name)}${query}`);
      if (!res.ok) throw new Error(`${res.status} ${await res.text()}`);
      const buffer = await this.context!.decodeAudioData(await res.arrayBuffer());
      const source = new AudioBufferSourceNode(this.context!, { buffer });
      source.connect(this.context!.destination);
      source.start();
      this.last = { ...label, sampleRate: buffer.sampleRate, samples: buffer.getChannelData(0).slice() };
      this.status.textContent = `playing ${describe(label)} (${buffer.duration.toFixed(2)} s)`;
    } catch (err) {
      this.fail(`cannot play the render: ${(err as Error).message}`);
    }
  }

  dispose(): void {
    for (const off of this.offs) off();
    void this.context?.close();
  }
}

function describe(label: { what: string; values: number[] }): string {
  if (label.what === 'code') return `code ${label.values.join(', ')}`;
  if (label.what === 'plane') return `the plane at (${label.values.map((v) => v.toFixed(2)).join(', ')})`;
  if (label.what === 'transcribe') return 'the transcription of the melody';
  if (label.what === 're-render') return 'the melody re-rendered through the synth';
  return `the drawn ${label.what} curve`;
}
