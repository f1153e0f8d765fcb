import { b, i, type BridgeConnection } from './bridge';
import { TimingWindow } from './latency';

/**
 * The stream's hot path, in the stream worker: blocks from the capture worklet go out as
 * /mb/stream/audio the moment they arrive, /mb/params frames go straight to the synth worklet
 * and /mb/stream/return audio to the return player;
 * the main thread is on neither path. It times what the page adds — a block from capture to
 * send, a frame from arrival to the synth applying it — and the round trip from a block's send
 * to its frame's arrival: frame k covers the input up to sample (k + 1 + lag) hop, so it answers
 * the block holding that sample, shifted by the blocks the bridge reports dropped. Frames are
 * /mb/params (to the synth) or, for VQ streams, /mb/vq/codes.
 */
export interface AudioPathOptions {
  streamId: number;
  blockSize: number;
  /** Input samples per frame (the model's hop at the page's rate; need not be whole). */
  hopSamples: number;
  /** Hops of input the first frame needs beyond its own (a frame longer than its hop: frameLength / hop - 1). */
  frameLag: number;
}

/** The path's counts and timings, as the stream worker measures them and the status view shows them. */
export interface PathTimings {
  blocksSent: number;
  framesIn: number;
  /** Frames missing between consecutive sequence numbers. */
  seqGaps: number;
  roundTripMs: { median: number; max: number };
  pageInputMs: { median: number; max: number };
  pageOutputMs: { median: number; max: number };
}

export interface PathStats extends PathTimings {
  inputPeak: number;
  /** Input blocks the bridge reports dropped on this stream. */
  dropped: number;
  /** Blocks of returned audio (/mb/stream/return) passed to the player. */
  returnedBlocks: number;
}

/** Wall-clock ms with sub-ms resolution, comparable across the page's threads. */
const wallNow = () => performance.timeOrigin + performance.now();
/** Sent-block and arrival times kept for matching (a few seconds of hops). */
const KEEP = 1024;

export class AudioPath {
  streaming = false;
  private blocksSent = 0;
  private framesIn = 0;
  private seqGaps = 0;
  private lastSeq = -1;
  private inputPeak = 0;
  private dropped = 0;
  private returnedBlocks = 0;
  private readonly sentAt = new Map<number, number>();
  private readonly arrivedAt = new Map<number, number>();
  private readonly roundTrip = new TimingWindow();
  private readonly pageInput = new TimingWindow();
  private readonly pageOutput = new TimingWindow();
  private readonly off: (() => void)[];

  constructor(
    private readonly bridge: BridgeConnection,
    private readonly capture: MessagePort,
    private readonly synth: MessagePort,
    private readonly player: MessagePort,
    private readonly o: AudioPathOptions,
  ) {
    capture.onmessage = (e) => this.block(e.data.samples, e.data.wallMs + 0.5, e.data.peak);
    synth.onmessage = (e) => e.data.type === 'applied' && this.applied(e.data.seq, e.data.wallMs + 0.5);
    this.off = [
      bridge.on('/mb/params', (a) => a[0] === o.streamId && this.frame(a[1] as number, a.slice(2) as number[])),
      // The bridge closed the stream (model unloaded, shutdown): stop sending before the page hears of it.
      bridge.on('/mb/stream/closed', (a) => a[0] === o.streamId && (this.streaming = false)),
      bridge.on('/mb/vq/codes', (a) => a[0] === o.streamId && this.frame(a[1] as number, null)),
      bridge.on('/mb/stream/return', (a) => a[0] === o.streamId && this.returned(a[1] as Uint8Array)),
      bridge.on('/mb/status/stream', (a) => a[0] === o.streamId && (this.dropped = a[4] as number)),
    ];
  }

  /** A fresh stream: counts and matching start again (the timing windows keep their history). */
  restart(): void {
    this.sentAt.clear();
    this.arrivedAt.clear();
    this.lastSeq = -1;
    this.blocksSent = 0;
    this.dropped = 0;
    this.synth.postMessage({ type: 'reset' });
    this.player.postMessage({ type: 'reset' });
  }

  private block(samples: Float32Array, capturedAt: number, peak: number): void {
    this.inputPeak = Math.max(peak, this.inputPeak * 0.9);
    if (!this.streaming) return;
    const bytes = new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength);
    if (!this.bridge.send('/mb/stream/audio', i(this.o.streamId), b(bytes))) return;
    const now = wallNow();
    this.pageInput.add(Math.max(0, now - capturedAt));
    this.sentAt.set(this.blocksSent, now);
    this.sentAt.delete(this.blocksSent - KEEP);
    this.blocksSent++;
  }

  private frame(seq: number, values: number[] | null): void {
    if (values) this.synth.postMessage({ type: 'frame', seq, values });
    const now = wallNow();
    this.framesIn++;
    if (this.lastSeq >= 0 && seq > this.lastSeq + 1) this.seqGaps += seq - this.lastSeq - 1;
    this.lastSeq = seq;
    const block = Math.ceil(((seq + 1 + this.o.frameLag) * this.o.hopSamples) / this.o.blockSize) - 1;
    const sent = this.sentAt.get(block + this.dropped);
    if (sent !== undefined) this.roundTrip.add(now - sent);
    this.arrivedAt.set(seq, now);
    this.arrivedAt.delete(seq - KEEP);
  }

  /** Returned audio to the player: the blob's bytes copied into a Float32Array of its own (and moved). */
  private returned(blob: Uint8Array): void {
    const samples = new Float32Array(blob.byteLength >> 2);
    new Uint8Array(samples.buffer).set(blob.subarray(0, samples.length * 4));
    this.returnedBlocks++;
    this.player.postMessage({ type: 'audio', samples }, [samples.buffer]);
  }

  private applied(seq: number, at: number): void {
    const arrived = this.arrivedAt.get(seq);
    if (arrived !== undefined) this.pageOutput.add(Math.max(0, at - arrived));
  }

  stats(): PathStats {
    const w = (t: TimingWindow) => ({ median: t.median, max: t.max });
    return {
      blocksSent: this.blocksSent,
      framesIn: this.framesIn,
      seqGaps: this.seqGaps,
      roundTripMs: w(this.roundTrip),
      pageInputMs: w(this.pageInput),
      pageOutputMs: w(this.pageOutput),
      inputPeak: this.inputPeak,
      dropped: this.dropped,
      returnedBlocks: this.returnedBlocks,
    };
  }

  dispose(): void {
    this.off.forEach((off) => off());
    this.capture.close();
    this.synth.close();
    this.player.close();
  }
}
