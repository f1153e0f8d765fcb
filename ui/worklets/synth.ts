import { ContinuousSynth } from '../../src/synth/continuous';
import { PARAM_SPECS, SET1 } from '../../src/synth/params';

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
  private record: { samples: Float32Array; written: number; frames: SynthRecording['frames'] } | null = null;
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
        this.record = { samples: new Float32Array(Math.round(m.seconds * sampleRate)), written: 0, frames: [] };
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
    this.record?.frames.push({ frame: currentFrame, seq, values: [...this.frame] });
    this.framesFrom.postMessage({ type: 'applied', seq, frame: currentFrame, wallMs: Date.now() });
  }

  private dump(): void {
    const r = this.record;
    if (!r) return;
    const n = Math.min(r.written, r.samples.length);
    const start = r.written - n;
    const samples = new Float32Array(n);
    for (let i = 0; i < n; i++) samples[i] = r.samples[(start + i) % r.samples.length];
    const startFrame = currentFrame - n;
    const out: SynthRecording = { type: 'recording', sampleRate, startFrame, samples, frames: r.frames.filter((f) => f.frame >= startFrame) };
    this.port.postMessage(out, [samples.buffer]);
  }

  process(_inputs: Float32Array[][], outputs: Float32Array[][]): boolean {
    const out = outputs[0];
    if (!out?.[0]) return true;
    this.synth.process(out[0]);
    for (let c = 1; c < out.length; c++) out[c].set(out[0]);
    const r = this.record;
    if (r) {
      const buf = r.samples;
      for (let i = 0; i < out[0].length; i++) buf[(r.written + i) % buf.length] = out[0][i];
      r.written += out[0].length;
    }
    return true;
  }
}

registerProcessor('mb-synth', SynthProcessor);
