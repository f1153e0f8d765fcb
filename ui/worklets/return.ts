import { FloatRingBuffer } from '../../src/audio/ringbuffer';
import { OutputRecorder } from './recorder';

/**
 * Plays the audio a stream returns (/mb/stream/return: a VQ stream's input re-synthesized from
 * the codebook) through a jitter buffer: it starts, and starts again after running dry, once
 * `prebuffer` samples are in (two of the stream's blocks), so uneven arrival is not heard as
 * clicks; overflow drops the oldest (src/audio/ringbuffer.ts). Blocks come on the port the page
 * hands it ({ type: 'port', port }: the stream worker's) as { type: 'audio', samples }.
 *
 * Messages in (own port): port, record, dump. Out: { type: 'recording', sampleRate, startFrame,
 * samples, underruns, dropped }.
 */
export interface ReturnPlayerOptions {
  prebuffer: number;
}

export interface ReturnRecording {
  type: 'recording';
  sampleRate: number;
  startFrame: number;
  samples: Float32Array;
  /** Times the buffer ran dry while playing. */
  underruns: number;
  /** Samples dropped on overflow. */
  dropped: number;
}

type Message = { type: 'port'; port: MessagePort } | { type: 'audio'; samples: Float32Array } | { type: 'record'; seconds: number } | { type: 'dump' } | { type: 'reset' };

class ReturnPlayer extends AudioWorkletProcessor {
  private readonly buffer = new FloatRingBuffer(sampleRate);
  private readonly recorder = new OutputRecorder();
  private readonly prebuffer: number;
  private playing = false;
  private underruns = 0;

  constructor(options: AudioWorkletNodeOptions) {
    super(options);
    this.prebuffer = (options.processorOptions as ReturnPlayerOptions).prebuffer;
    this.port.onmessage = (e: MessageEvent<Message>) => this.onMessage(e.data);
  }

  private onMessage(m: Message): void {
    switch (m.type) {
      case 'port':
        m.port.onmessage = (e: MessageEvent<Message>) => this.onMessage(e.data);
        return;
      case 'audio':
        this.buffer.write(m.samples);
        return;
      case 'reset':
        this.buffer.discard(this.buffer.available);
        this.playing = false;
        return;
      case 'record':
        this.recorder.start(m.seconds, sampleRate);
        return;
      case 'dump': {
        const { samples, startFrame } = this.recorder.dump(currentFrame);
        const out: ReturnRecording = { type: 'recording', sampleRate, startFrame, samples, underruns: this.underruns, dropped: this.buffer.dropped };
        this.port.postMessage(out, [samples.buffer]);
        return;
      }
    }
  }

  process(_inputs: Float32Array[][], outputs: Float32Array[][]): boolean {
    const out = outputs[0];
    if (!out?.[0]) return true;
    const block = out[0];
    if (!this.playing && this.buffer.available >= this.prebuffer) this.playing = true;
    const got = this.playing ? this.buffer.read(block) : 0;
    if (got < block.length) {
      block.fill(0, got);
      if (this.playing) {
        this.playing = false;
        this.underruns++;
      }
    }
    for (let c = 1; c < out.length; c++) out[c].set(block);
    this.recorder.write(block);
    return true;
  }
}

registerProcessor('mb-return', ReturnPlayer);
