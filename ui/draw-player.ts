import type { BridgeClient } from './bridge-client';
import { f, s } from './bridge';

/**
 * Plays what /mb/job/draw renders: a code clicked on the codebook map, a descriptor curve drawn
 * with the mouse. The job runs on the bridge's job workers like any client's; the page learns its
 * id from /mb/job/queued (its own jobs' replies come to it in order), and on /mb/job/done fetches
 * the WAV from the files folder (/ui/files/) and plays it. One render at a time per tab: a new
 * request replaces a pending one's playback.
 *
 * @example
 * const player = new DrawPlayer(bridge, 'vqvae-timbre', statusLine);
 * await player.play('code', 1, [17]);
 */
export interface Played {
  what: string;
  values: number[];
  sampleRate: number;
  samples: Float32Array;
}

/** A short id of this tab, so two tabs do not overwrite each other's sound. */
const TAB = Math.random().toString(36).slice(2, 8);

export class DrawPlayer {
  last: Played | null = null;
  private context: AudioContext | null = null;
  private request: { what: string; values: number[]; id?: number; resolve: () => void; reject: (e: Error) => void } | null = null;
  private count = 0;
  private readonly offs: (() => void)[];

  constructor(
    private readonly bridge: BridgeClient,
    private readonly model: string,
    private readonly status: HTMLElement,
    private readonly token: string | null,
  ) {
    this.offs = [
      bridge.on('/mb/job/queued', (a) => {
        if (this.request && this.request.id === undefined && a[1] === 'vq') this.request.id = Number(a[0]);
      }),
      bridge.on('/mb/job/done', (a) => {
        if (this.request && Number(a[0]) === this.request.id) void this.fetchAndPlay(JSON.parse(String(a[2])) as { out?: string; cancelled?: boolean });
      }),
      bridge.on('/mb/error', (a) => {
        // A refusal of the request, or its job's failure (a failed job's /mb/error names no id);
        // blocks of a closing stream are not about it.
        if (!this.request || a[0] === 'MB_ERR_UNKNOWN_STREAM') return;
        this.fail(`${String(a[0])}: ${String(a[1])}`);
      }),
    ];
  }

  /** Asks the bridge to render `values` as `what` (code, or a descriptor) over `seconds`, and plays the result. */
  play(what: string, seconds: number, values: number[]): Promise<void> {
    this.request?.reject(new Error('replaced by a newer request'));
    this.context ??= new AudioContext();
    void this.context.resume();
    const file = `ui-draw-${TAB}.wav`;
    return new Promise((resolve, reject) => {
      this.request = { what, values, resolve, reject };
      this.status.textContent = `rendering ${what === 'code' ? `code ${values.join(', ')}` : `the drawn ${what} curve`}…`;
      if (!this.bridge.send('/mb/job/draw', s(this.model), s(file), s(what), f(seconds), ...values.map((v) => f(v)))) this.fail('the bridge is away');
    });
  }

  private fail(reason: string): void {
    this.status.textContent = reason;
    this.request?.reject(new Error(reason));
    this.request = null;
  }

  private async fetchAndPlay(result: { out?: string; cancelled?: boolean }): Promise<void> {
    const request = this.request!;
    if (result.cancelled || !result.out) return this.fail('the render was cancelled');
    const name = result.out.split(/[\\/]/).pop()!;
    const query = `?n=${++this.count}${this.token ? `&token=${encodeURIComponent(this.token)}` : ''}`;
    try {
      const res = await fetch(`/ui/files/${encodeURIComponent(name)}${query}`);
      if (!res.ok) throw new Error(`${res.status} ${await res.text()}`);
      const buffer = await this.context!.decodeAudioData(await res.arrayBuffer());
      const source = new AudioBufferSourceNode(this.context!, { buffer });
      source.connect(this.context!.destination);
      source.start();
      this.last = { what: request.what, values: request.values, sampleRate: buffer.sampleRate, samples: buffer.getChannelData(0).slice() };
      this.status.textContent = `playing ${request.what === 'code' ? `code ${request.values.join(', ')}` : `the drawn ${request.what} curve`} (${buffer.duration.toFixed(2)} s)`;
      if (this.request === request) this.request = null;
      request.resolve();
    } catch (err) {
      this.fail(`cannot play the render: ${(err as Error).message}`);
    }
  }

  dispose(): void {
    for (const off of this.offs) off();
    void this.context?.close();
  }
}
