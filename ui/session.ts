import { PerformerAudio } from './audio';
import { b, i, s, type BridgeConnection } from './bridge';
import { framesPerSecond, type PageModel, type PageParam } from './catalog';
import { TimingWindow } from './latency';

/**
 * One performer's live stream from the page: microphone blocks out as /mb/stream/audio (one
 * block per model hop), /mb/params frames back into the page's synth, /mb/params/units into the
 * curves. It times what the page adds — a block's wait from capture to send, a frame's wait
 * from arrival to the synth — and the round trip from a block's send to its frame's arrival
 * (frame k covers the input up to sample (k + 1) hop, so it answers the block holding that
 * sample). A reconnect re-opens the stream.
 *
 * @example
 * const live = new LiveSession(bridge, model);
 * live.onFrame = (t, units) => curves.push(t, units);
 * await live.start();
 */
export type LiveState = 'idle' | 'starting' | 'opening' | 'streaming' | 'stopped' | 'failed';

export interface LiveStats {
  state: LiveState;
  /** Why the stream is not streaming, when it is not. */
  reason: string;
  model: string;
  sampleRate: number;
  blockSize: number;
  algorithmicLatencySamples: number;
  blocksSent: number;
  framesIn: number;
  /** Frames missing between consecutive sequence numbers. */
  seqGaps: number;
  roundTripMs: { median: number; max: number };
  pageInputMs: { median: number; max: number };
  pageOutputMs: { median: number; max: number };
  deviceOutputMs: number;
  server: { latencySamples: number; dropped: number; frames: number; computeMs: number };
  lastUnits: number[];
  inputPeak: number;
}

const STREAM_ID = 1;
/** Sent-block times kept for matching frames (a few seconds of hops). */
const KEEP = 1024;

export class LiveSession {
  state: LiveState = 'idle';
  reason = '';
  audio: PerformerAudio | null = null;
  /** Parameters of the stream's frames, in frame order, with the manifest's ranges and units. */
  params: PageParam[] = [];
  onFrame: (t: number, units: number[]) => void = () => {};
  onParams: (params: PageParam[]) => void = () => {};
  onChange: () => void = () => {};
  private latencySamples = 0;
  /** Input samples per frame (the model's hop at the page's rate; need not be whole). */
  private hopSamples = 0;
  private blocksSent = 0;
  private framesIn = 0;
  private seqGaps = 0;
  private lastSeq = -1;
  private inputPeak = 0;
  private lastUnits: number[] = [];
  private readonly sentAt = new Map<number, number>();
  private readonly arrivedAt = new Map<number, number>();
  private readonly roundTrip = new TimingWindow();
  private readonly pageInput = new TimingWindow();
  private readonly pageOutput = new TimingWindow();
  private server = { latencySamples: 0, dropped: 0, frames: 0, computeMs: NaN };
  private started = 0;
  private poll = 0;
  private readonly off: (() => void)[];

  constructor(
    private readonly bridge: BridgeConnection,
    readonly model: PageModel,
  ) {
    this.off = [
      bridge.on('/mb/stream/opened', (a) => a[0] === STREAM_ID && this.opened(a[2] as number)),
      bridge.on('/mb/stream/paramnames', (a) => a[0] === STREAM_ID && this.names(a.slice(1) as string[])),
      bridge.on('/mb/params', (a) => a[0] === STREAM_ID && this.frame(a[1] as number, a.slice(2) as number[])),
      bridge.on('/mb/params/units', (a) => a[0] === STREAM_ID && this.units(a.slice(2) as number[])),
      bridge.on('/mb/stream/closed', (a) => a[0] === STREAM_ID && this.stop(`stream closed by the bridge: ${String(a[1])}`)),
      bridge.on('/mb/status/stream', (a) => a[0] === STREAM_ID && Object.assign(this.server, { latencySamples: a[3], dropped: a[4], frames: a[5] })),
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
    try {
      const fps = framesPerSecond(this.model);
      this.audio = await PerformerAudio.start({ blockSeconds: 1 / fps, controlRate: fps });
    } catch (err) {
      const e = err as DOMException;
      this.fail(e.name === 'NotAllowedError' ? 'microphone permission denied: allow the microphone for this page and press Start again' : `audio failed: ${e.message}`);
      return;
    }
    this.audio.onBlock = (samples, capturedAt, peak) => this.block(samples, capturedAt, peak);
    this.audio.onApplied = (seq, at) => this.applied(seq, at);
    this.audio.onError = (message) => this.fail(`synth refused a frame: ${message}`);
    this.poll = window.setInterval(() => this.bridge.send('/mb/status'), 1000);
    this.open();
  }

  private open(): void {
    const audio = this.audio!;
    this.sentAt.clear();
    this.arrivedAt.clear();
    this.lastSeq = -1;
    this.blocksSent = 0;
    this.started = performance.now();
    this.hopSamples = audio.context.sampleRate / framesPerSecond(this.model);
    audio.resetSynth();
    if (this.bridge.send('/mb/stream/open', i(STREAM_ID), i(audio.context.sampleRate), i(audio.blockSize), s(this.model.name))) this.setState('opening', '');
    else this.setState('stopped', 'waiting for the bridge');
  }

  private opened(latencySamples: number): void {
    this.latencySamples = latencySamples;
    this.setState('streaming', '');
  }

  private names(names: string[]): void {
    const byName = new Map((this.model.params ?? []).map((p) => [p.name, p]));
    this.params = names.map((n) => byName.get(n) ?? { name: n, range: [0, 1], unit: '' });
    this.audio?.setParamNames(names);
    this.onParams(this.params);
  }

  private block(samples: Float32Array, capturedAt: number, peak: number): void {
    this.inputPeak = Math.max(peak, this.inputPeak * 0.9);
    if (this.state !== 'streaming') return;
    const bytes = new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength);
    if (!this.bridge.send('/mb/stream/audio', i(STREAM_ID), b(bytes))) return;
    const now = performance.now();
    this.pageInput.add(now - capturedAt);
    this.sentAt.set(this.blocksSent, now);
    this.sentAt.delete(this.blocksSent - KEEP);
    this.blocksSent++;
  }

  private frame(seq: number, values: number[]): void {
    const now = performance.now();
    this.framesIn++;
    if (this.lastSeq >= 0 && seq > this.lastSeq + 1) this.seqGaps += seq - this.lastSeq - 1;
    this.lastSeq = seq;
    const block = Math.ceil(((seq + 1) * this.hopSamples) / this.audio!.blockSize) - 1;
    const sent = this.sentAt.get(block);
    if (sent !== undefined) this.roundTrip.add(now - sent);
    this.arrivedAt.set(seq, now);
    this.arrivedAt.delete(seq - KEEP);
    this.audio?.setFrame(seq, values);
  }

  private units(values: number[]): void {
    this.lastUnits = values;
    this.onFrame((performance.now() - this.started) / 1000, values);
  }

  private applied(seq: number, at: number): void {
    const arrived = this.arrivedAt.get(seq);
    if (arrived !== undefined) this.pageOutput.add(Math.max(0, at - arrived));
  }

  private statusJson(text: string): void {
    try {
      const st = JSON.parse(text) as { streams?: { id: number; clientId: string; computeMs?: { mean: number } }[] };
      const mine = st.streams?.find((x) => x.id === STREAM_ID && x.computeMs);
      if (mine?.computeMs) this.server.computeMs = mine.computeMs.mean;
    } catch {
      /* a status the page cannot read leaves the last figures */
    }
  }

  private stop(reason: string): void {
    this.setState('stopped', reason);
  }

  private fail(reason: string): void {
    this.setState('failed', reason);
  }

  private setState(state: LiveState, reason: string): void {
    this.state = state;
    this.reason = reason;
    this.onChange();
  }

  stats(): LiveStats {
    const w = (t: TimingWindow) => ({ median: t.median, max: t.max });
    return {
      state: this.state,
      reason: this.reason,
      model: this.model.name,
      sampleRate: this.audio?.context.sampleRate ?? 0,
      blockSize: this.audio?.blockSize ?? 0,
      algorithmicLatencySamples: this.latencySamples,
      blocksSent: this.blocksSent,
      framesIn: this.framesIn,
      seqGaps: this.seqGaps,
      roundTripMs: w(this.roundTrip),
      pageInputMs: w(this.pageInput),
      pageOutputMs: w(this.pageOutput),
      deviceOutputMs: this.audio?.outputLatencyMs ?? NaN,
      server: { ...this.server },
      lastUnits: this.lastUnits,
      inputPeak: this.inputPeak,
    };
  }

  async dispose(): Promise<void> {
    clearInterval(this.poll);
    this.off.forEach((off) => off());
    this.bridge.send('/mb/stream/close', i(STREAM_ID));
    await this.audio?.dispose();
    this.audio = null;
    this.setState('idle', '');
  }
}
