import { ContinuousSynth } from '../../src/synth/continuous';
import { PARAM_SPECS, SET1 } from '../../src/synth/params';
import { OutputRecorder } from './recorder';

/**
 * The plant in the page: src/synth's ContinuousSynth (the same code the bridge renders with),
 * run on the audio thread and driven by the stream's parameter frames.
 *
 * Messages come on its own port and on one the page may hand it ({ type: 'port', port }: the
 * stream worker's, which sends the frames; 'applied' goes back where the frame came from).
 * Messages in: { type: 'names', names } (the stream's parameter names, frame order: frames are
 * mapped onto the synth's own order by name, a missing one takes its default), { type: 'frame',
 * seq, values } (normalized), { type: 'reset' }, { type: 'record', seconds } and { type: 'dump' }
 * (the last seconds of output with the render frame each parameter frame was applied at).
 * Messages out: { type: 'applied', seq, frame, wallMs } (Date.now() when applied), { type: 'recording', ... }, { type: 'error', message }.
 */
export interface SynthWorkletOptions {
  controlRate: number;
}

export interface SynthRecording {
  type: 'recording';
  sampleRate: number;
  /** Render frame of samples[0]. */
  startFrame: number;
  samples: Float32Array;
  /** Each applied parameter frame: the render frame it took effect at, its seq and normalized values (synth order). */
  frames: { frame: number; seq: number; values: number[] }[];
}

type Message =
  | { type: 'names'; names: string[] }
  | { type: 'frame'; seq: number; values: ArrayLike<number> }
  | { type: 'reset' }
  | { type: 'record'; seconds: number }
  | { type: 'dump' }
  | { type: 'port'; port: MessagePort };

class SynthProcessor extends AudioWorkletProcessor {
  private readonly synth: ContinuousSynth;
  private readonly frame = SET1.map((n) => PARAM_SPECS[n].defaultValue);
  /** For each synth parameter, its index in the stream's frames (-1: not sent). */
  private slots: number[] = SET1.map((_, i) => i);
  private readonly recorder = new OutputRecorder();
  private recordedFrames: SynthRecording['frames'] = [];
  private errors = 0;
  private framesFrom: MessagePort;

  constructor(options: AudioWorkletNodeOptions) {
    super(options);
    const { controlRate } = options.processorOptions as SynthWorkletOptions;
    this.synth = new ContinuousSynth({ sampleRate, controlRate });
    this.framesFrom = this.port;
    this.port.onmessage = (e: MessageEvent<Message>) => this.onMessage(e.data);
  }

  private onMessage(m: Message): void {
    switch (m.type) {
      case 'names':
        this.slots = SET1.map((n) => m.names.indexOf(n));
        return;
      case 'frame':
        return this.apply(m.seq, m.values);
      case 'reset':
        this.synth.reset();
        return;
      case 'record':
        this.recorder.start(m.seconds, sampleRate);
        this.recordedFrames = [];
        return;
      case 'dump':
        return this.dump();
      case 'port':
        this.framesFrom = m.port;
        m.port.onmessage = (e: MessageEvent<Message>) => this.onMessage(e.data);
        return;
    }
  }

  private apply(seq: number, values: ArrayLike<number>): void {
    this.slots.forEach((slot, i) => (this.frame[i] = slot >= 0 && slot < values.length ? values[slot] : PARAM_SPECS[SET1[i]].defaultValue));
    try {
      this.synth.setFrame(this.frame);
    } catch (err) {
      if (this.errors++ === 0) this.port.postMessage({ type: 'error', message: (err as Error).message });
      return;
    }
    if (this.recorder.recording) {
      this.recordedFrames.push({ frame: currentFrame, seq, values: [...this.frame] });
      if (this.recordedFrames.length > 8192) this.recordedFrames.splice(0, 4096);
    }
    this.framesFrom.postMessage({ type: 'applied', seq, frame: currentFrame, wallMs: Date.now() });
  }

  private dump(): void {
    if (!this.recorder.recording) return;
    const { samples, startFrame } = this.recorder.dump(currentFrame);
    this.recordedFrames = this.recordedFrames.filter((f) => f.frame >= startFrame);
    const out: SynthRecording = { type: 'recording', sampleRate, startFrame, samples, frames: this.recordedFrames };
    this.port.postMessage(out, [samples.buffer]);
  }

  process(_inputs: Float32Array[][], outputs: Float32Array[][]): boolean {
    const out = outputs[0];
    if (!out?.[0]) return true;
    this.synth.process(out[0]);
    for (let c = 1; c < out.length; c++) out[c].set(out[0]);
    this.recorder.write(out[0]);
    return true;
  }
}

registerProcessor('mb-synth', SynthProcessor);
