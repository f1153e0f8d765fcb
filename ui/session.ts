import { PerformerAudio } from './audio';
import type { PathTimings } from './audio-path';
import type { BridgeClient } from './bridge-client';
import { i, s } from './bridge';
import type { OscArg } from '../src/net/osc/wire';
import { framesPerSecond, type PageModel, type PageParam } from './catalog';

/**
 * One performer's live stream from the page: it asks for the microphone, builds the audio graph,
 * hands the worklets to the stream worker (which sends the blocks and feeds the frames to the
 * synth, off this thread: audio-path.ts), opens the stream — one block per model hop — and
 * re-opens it after a reconnect, or when its model, unloaded, is loaded again. This thread gets the stream's replies for the views:
 * /mb/params/units for the curves, /mb/vq/codes for the codebook map, status for the panel.
 *
 * @example
 * const live = new LiveSession(bridge, model);
 * live.onFrame = (t, units) => curves.push(t, units);
 * await live.start();
 */
export type LiveState = 'idle' | 'starting' | 'opening' | 'streaming' | 'stopped' | 'failed';

export interface LiveStats extends PathTimings {
  state: LiveState;
  /** Why the stream is not streaming, when it is not. */
  reason: string;
  model: string;
  sampleRate: number;
  blockSize: number;
  algorithmicLatencySamples: number;
  deviceOutputMs: number;
  server: { latencySamples: number; dropped: number; frames: number; computeMs: number };
  lastUnits: number[];
  inputPeak: number;
  /** VQ streams: frames of codes received, blocks of returned audio played. */
  codeFrames: number;
  returnedBlocks: number;
}

export const STREAM_ID = 1;

export class LiveSession {
  state: LiveState = 'idle';
  reason = '';
  audio: PerformerAudio | null = null;
  /** Parameters of the stream's frames, in frame order, with the manifest's ranges and units. */
  params: PageParam[] = [];
  onFrame: (t: number, units: number[]) => void = () => {};
  onParams: (params: PageParam[]) => void = () => {};
  onChange: () => void = () => {};
  /** Called each time the bridge confirms the stream open (first open and every re-open). */
  onOpened: () => void = () => {};
  /** A VQ stream's frame: the codebook indices it used. */
  onCodes: (codes: number[]) => void = () => {};
  private latencySamples = 0;
  private codeFrames = 0;
  /** The bridge closed the stream because its model went: re-open once the model is back. */
  private waitingForModel = false;
  private lastUnits: number[] = [];
  private server = { latencySamples: 0, dropped: 0, frames: 0, computeMs: NaN };
  private started = 0;
  private poll = 0;
  private readonly off: (() => void)[];

  constructor(
    private readonly bridge: BridgeClient,
    readonly model: PageModel,
  ) {
    const mine = (a: unknown[]) => a[0] === STREAM_ID;
    this.off = [
      bridge.on('/mb/stream/opened', (a) => mine(a) && this.opened(a[2] as number)),
      bridge.on('/mb/stream/paramnames', (a) => mine(a) && this.names(a.slice(1) as string[])),
      bridge.on('/mb/params/units', (a) => mine(a) && this.units(a.slice(2) as number[])),
      bridge.on('/mb/vq/codes', (a) => mine(a) && (this.codeFrames++, this.onCodes(a.slice(2) as number[]))),
      bridge.on('/mb/stream/closed', (a) => mine(a) && this.closedByBridge(String(a[1]))),
      bridge.on('/mb/models/unloaded', (a) => a[0] === model.name && this.audio && this.state !== 'streaming' && (this.waitingForModel = true)),
      bridge.on('/mb/models/loaded', (a) => a[0] === model.name && this.waitingForModel && this.audio && this.open()),
      bridge.on('/mb/status/stream', (a) => mine(a) && Object.assign(this.server, { latencySamples: a[3], dropped: a[4], frames: a[5] })),
      bridge.on('/mb/status/json', (a) => this.statusJson(String(a[0]))),
      bridge.on('/mb/error', (a) => this.state === 'opening' && this.fail(`${String(a[0])}: ${String(a[1])}`)),
      bridge.onState((st) => {
        if (st === 'open' && this.audio && this.state !== 'idle') this.open();
        if (st === 'closed' && this.audio) this.stop('the bridge went away; reconnecting');
      }),
    ];
  }

  /** Asks for the microphone, builds the audio graph and opens the stream. */
  async start(): Promise<void> {
    this.setState('starting', '');
    const fps = framesPerSecond(this.model);
    try {
      this.audio = await PerformerAudio.start({ blockSeconds: 1 / fps, controlRate: fps });
    } catch (err) {
      const e = err as DOMException;
      this.fail(e.name === 'NotAllowedError' ? 'microphone permission denied: allow the microphone for this page and press Start again' : `audio failed: ${e.message}`);
      return;
    }
    const audio = this.audio;
    audio.onError = (message) => this.fail(`synth refused a frame: ${message}`);
    const { frameLength, hop } = this.model.audio.settings;
    const frameLag = typeof frameLength === 'number' && typeof hop === 'number' && frameLength > hop ? Math.ceil(frameLength / hop) - 1 : 0;
    this.bridge.attachAudio(audio.workerPorts(), { streamId: STREAM_ID, blockSize: audio.blockSize, hopSamples: audio.context.sampleRate / fps, frameLag });
    this.poll = window.setInterval(() => {
      this.bridge.send('/mb/status');
      this.bridge.requestStats();
    }, 250);
    this.open();
  }

  private open(): void {
    const audio = this.audio!;
    this.waitingForModel = false;
    this.started = performance.now();
    this.server = { latencySamples: 0, dropped: 0, frames: 0, computeMs: NaN };
    this.bridge.setStreaming(false, true);
    if (this.bridge.send('/mb/stream/open', i(STREAM_ID), i(audio.context.sampleRate), i(audio.blockSize), s(this.model.name))) this.setState('opening', '');
    else this.setState('stopped', 'waiting for the bridge');
  }

  private opened(latencySamples: number): void {
    this.latencySamples = latencySamples;
    this.bridge.setStreaming(true, false);
    this.setState('streaming', '');
    this.onOpened();
  }

  /** Sends a stream verb for this stream (the id first, then `args`); false while not streaming. */
  send(address: string, args: OscArg[]): boolean {
    return this.state === 'streaming' && this.bridge.send(address, i(STREAM_ID), ...args);
  }

  private names(names: string[]): void {
    const byName = new Map((this.model.params ?? []).map((p) => [p.name, p]));
    this.params = names.map((n) => byName.get(n) ?? { name: n, range: [0, 1], unit: '' });
    this.audio?.setParamNames(names);
    this.onParams(this.params);
  }

  private units(values: number[]): void {
    this.lastUnits = values;
    this.onFrame((performance.now() - this.started) / 1000, values);
  }

  private statusJson(text: string): void {
    try {
      const st = JSON.parse(text) as { streams?: { id: number; computeMs?: { mean: number } }[] };
      const mine = st.streams?.find((x) => x.id === STREAM_ID && x.computeMs);
      if (mine?.computeMs) this.server.computeMs = mine.computeMs.mean;
    } catch {
      /* a status the page cannot read leaves the last figures */
    }
  }

  private closedByBridge(reason: string): void {
    // Re-opening at once would load the model again behind the back of whoever unloaded it.
    this.waitingForModel = /unload/.test(reason);
    this.stop(`stream closed by the bridge: ${reason}${this.waitingForModel ? `; it re-opens when ${this.model.name} is loaded again` : ''}`);
  }

  private stop(reason: string): void {
    this.bridge.setStreaming(false, false);
    this.setState('stopped', reason);
  }

  private fail(reason: string): void {
    this.bridge.setStreaming(false, false);
    this.setState('failed', reason);
  }

  private setState(state: LiveState, reason: string): void {
    this.state = state;
    this.reason = reason;
    this.onChange();
  }

  stats(): LiveStats {
    const none = { median: NaN, max: NaN };
    const p = this.bridge.pathStats;
    return {
      state: this.state,
      reason: this.reason,
      model: this.model.name,
      sampleRate: this.audio?.context.sampleRate ?? 0,
      blockSize: this.audio?.blockSize ?? 0,
      algorithmicLatencySamples: this.latencySamples,
      blocksSent: p?.blocksSent ?? 0,
      framesIn: p?.framesIn ?? 0,
      seqGaps: p?.seqGaps ?? 0,
      roundTripMs: p?.roundTripMs ?? none,
      pageInputMs: p?.pageInputMs ?? none,
      pageOutputMs: p?.pageOutputMs ?? none,
      deviceOutputMs: this.audio?.outputLatencyMs ?? NaN,
      server: { ...this.server },
      lastUnits: this.lastUnits,
      inputPeak: p?.inputPeak ?? 0,
      codeFrames: this.codeFrames,
      returnedBlocks: p?.returnedBlocks ?? 0,
    };
  }

  async dispose(): Promise<void> {
    clearInterval(this.poll);
    this.off.forEach((off) => off());
    this.bridge.send('/mb/stream/close', i(STREAM_ID));
    this.bridge.detachAudio();
    await this.audio?.dispose();
    this.audio = null;
    this.setState('idle', '');
  }
}
