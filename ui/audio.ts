import type { ReturnRecording } from './worklets/return';
import type { SynthRecording } from './worklets/synth';

/**
 * The page's audio graph: microphone → capture worklet (blocks of one stream hop); the plant's
 * synth worklet (driven by parameter frames) and the return player (audio a VQ stream sends
 * back) → speakers. The stream worker talks to both worklets through ports of
 * their own (workerPorts); this thread only sets them up, names the parameters and records.
 *
 * @example
 * const audio = await PerformerAudio.start({ blockSeconds: 0.008, controlRate: 125 });
 * const { capture, synth } = audio.workerPorts();
 */
export interface PerformerAudioOptions {
  /** Block length in seconds (the stream's hop); the block size is this at the context's rate. */
  blockSeconds: number;
  controlRate: number;
}

/** A signal's level in dBFS (full scale: a sample of 1). */
export interface Level {
  rmsDb: number;
  peakDb: number;
}

function levelOf(node: AnalyserNode, buf: Float32Array<ArrayBuffer>): Level {
  node.getFloatTimeDomainData(buf);
  let sum = 0;
  let peak = 0;
  for (let i = 0; i < buf.length; i++) {
    sum += buf[i] * buf[i];
    peak = Math.max(peak, Math.abs(buf[i]));
  }
  return { rmsDb: 10 * Math.log10(sum / buf.length), peakDb: 20 * Math.log10(peak) };
}

export class PerformerAudio {
  onError: (message: string) => void = () => {};
  private recordingWaiter: ((r: SynthRecording) => void) | null = null;
  private returnWaiter: ((r: ReturnRecording) => void) | null = null;

  private constructor(
    readonly context: AudioContext,
    private readonly stream: MediaStream,
    private readonly capture: AudioWorkletNode,
    private readonly synth: AudioWorkletNode,
    private readonly player: AudioWorkletNode,
    /** Samples per block sent to the stream. */
    readonly blockSize: number,
    /** The microphone's signal and the page's output (synth + returned audio), for the level meters. */
    private readonly meters: { input: AnalyserNode; output: AnalyserNode },
  ) {
    synth.port.onmessage = (e) => {
      const m = e.data;
      if (m.type === 'recording') this.recordingWaiter?.(m);
      else if (m.type === 'error') this.onError(m.message);
    };
    player.port.onmessage = (e) => e.data.type === 'recording' && this.returnWaiter?.(e.data);
  }

  /** Asks for the microphone (throws a DOMException such as NotAllowedError when refused) and builds the graph. */
  static async start(options: PerformerAudioOptions): Promise<PerformerAudio> {
    const stream = await navigator.mediaDevices.getUserMedia({ audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: false, channelCount: 1 } });
    const context = new AudioContext({ latencyHint: 'interactive' });
    try {
      await context.audioWorklet.addModule('capture-worklet.js');
      await context.audioWorklet.addModule('synth-worklet.js');
      await context.audioWorklet.addModule('return-worklet.js');
      const blockSize = Math.round(options.blockSeconds * context.sampleRate);
      const capture = new AudioWorkletNode(context, 'mb-capture', { numberOfInputs: 1, numberOfOutputs: 1, processorOptions: { blockSize } });
      const synth = new AudioWorkletNode(context, 'mb-synth', { numberOfInputs: 0, numberOfOutputs: 1, outputChannelCount: [2], processorOptions: { controlRate: options.controlRate } });
      const player = new AudioWorkletNode(context, 'mb-return', { numberOfInputs: 0, numberOfOutputs: 1, outputChannelCount: [2], processorOptions: { prebuffer: 2 * blockSize } });
      const mute = new GainNode(context, { gain: 0 });
      const source = context.createMediaStreamSource(stream);
      source.connect(capture).connect(mute).connect(context.destination);
      synth.connect(context.destination);
      player.connect(context.destination);
      const input = new AnalyserNode(context, { fftSize: 2048 });
      const output = new AnalyserNode(context, { fftSize: 2048 });
      source.connect(input);
      synth.connect(output);
      player.connect(output);
      await context.resume();
      return new PerformerAudio(context, stream, capture, synth, player, blockSize, { input, output });
    } catch (err) {
      stream.getTracks().forEach((t) => t.stop());
      await context.close();
      throw err;
    }
  }

  /**
   * New ports to the two worklets, for the stream worker: blocks come out of the first, frames
   * go into the second, and neither passes through the main thread.
   */
  workerPorts(): { capture: MessagePort; synth: MessagePort; player: MessagePort } {
    const channel = (node: AudioWorkletNode) => {
      const c = new MessageChannel();
      node.port.postMessage({ type: 'port', port: c.port1 }, [c.port1]);
      return c.port2;
    };
    return { capture: channel(this.capture), synth: channel(this.synth), player: channel(this.player) };
  }

  /** Output latency of the device, in ms (what the browser reports). */
  get outputLatencyMs(): number {
    return ((this.context.baseLatency ?? 0) + (this.context.outputLatency ?? 0)) * 1000;
  }

  /** The input's and the output's level over the last 2048 samples: RMS and peak in dBFS (-Infinity: silence). */
  levels(): { input: Level; output: Level } {
    return { input: levelOf(this.meters.input, this.scratch), output: levelOf(this.meters.output, this.scratch) };
  }

  private readonly scratch = new Float32Array(2048);

  setParamNames(names: string[]): void {
    this.synth.port.postMessage({ type: 'names', names });
  }

  /** Starts keeping the last `seconds` of the synth's and the returned audio's output (for inspection and tests). */
  record(seconds: number): void {
    this.synth.port.postMessage({ type: 'record', seconds });
    this.player.port.postMessage({ type: 'record', seconds });
  }

  returned(): Promise<ReturnRecording> {
    return new Promise((resolve) => {
      this.returnWaiter = resolve;
      this.player.port.postMessage({ type: 'dump' });
    });
  }

  recording(): Promise<SynthRecording> {
    return new Promise((resolve) => {
      this.recordingWaiter = resolve;
      this.synth.port.postMessage({ type: 'dump' });
    });
  }

  async dispose(): Promise<void> {
    this.stream.getTracks().forEach((t) => t.stop());
    this.capture.disconnect();
    this.synth.disconnect();
    this.player.disconnect();
    this.meters.input.disconnect();
    this.meters.output.disconnect();
    await this.context.close();
  }
}
