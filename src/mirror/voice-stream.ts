import type { Hz, Samples } from '../core/units';
import { StreamResampler } from '../audio/resample';
import { CausalPitchTracker } from '../dsp/pitch-stream';
import { spectralShape, type SpectralShape } from '../dsp/descriptors-spectral';
import { FramePowerSpectrum } from '../dsp/stft';
import type { OnnxModel } from '../models';
import type { ControlView, StreamOutput, StreamProcessor } from '../engine/types';
import { MirrorStreamProcessor } from './stream';
import { voiceMapOf, type VoiceMapSettings } from './voice-controls';
import { VoiceMapping } from './voice-mapping';

/** Rate the pitch tracker runs at (inputs below it are tracked at their own rate). */
const PITCH_RATE: Hz = 16000;
/** Samples (at the tracker's rate) of the newest audio the spectral centroid is taken over: 16 ms at 16 kHz. */
const CENTROID_FRAME = 256;

export interface VoiceStreamOptions {
  /** The client's controls (the mapping is read from them every block); none: defaults. */
  controls?: ControlView;
  streamId?: number;
}

/** Where a stream's latency comes from, in samples at the stream's rate. */
export interface VoiceLatency {
  /** Note path: resampling to the tracker's rate plus the centre of its integration window. */
  noteAlgorithmic: Samples;
  /** A frame is sent once per hop, so a sample waits up to one hop (on average half). */
  hopBuffering: Samples;
  /** Timbre path (the model's look-ahead, chunking, filters, resampling), as MirrorStreamProcessor reports it. */
  timbreAlgorithmic: Samples;
}

/**
 * A live voice stream over MIDI 36-96: the MirrorNet stream model fused with a causal DSP pitch
 * tracker, then the per-stream mapping (voice-mapping.ts).
 *
 * Which part does what:
 * - the note: CausalPitchTracker (the project's YIN on the newest samples, at 16 kHz), because
 *   the stream model covers MIDI 62-74 only and lags by its look-ahead and chunk;
 * - the gate (duration): the tracker's voicing (a clear period opens it, periodicity keeps it
 *   open) and the input level against the gate threshold, at the note's latency;
 * - volume and cutoff (timbre source `voice`, the default): the input level and the voice's
 *   spectral centroid over the newest 16 ms (Hann, at the tracker's rate), because the model's
 *   did not follow them on held-out voices (bench/voice/timbre.ts);
 * - resonance, attack, decay (and volume, cutoff with the timbre source `model`): the model's
 *   newest frame (it runs beside the tracker on the same audio, and its frames arrive later by
 *   its own latency);
 * - with the mapping's pitch source set to `model`, the note is the model's own (62-74).
 *
 * One frame per 8-ms hop of input, sent as soon as the hop's audio is in (the note does not wait
 * for the model). `latencySamples` is the note's algorithmic latency; `latency` splits it.
 *
 * @example
 * const s = await VoiceStreamProcessor.create(model, 48000, { controls: ctx.controls, streamId: 1 });
 * for (const out of await s.process(block)) synth.setFrame(out.params!);
 */
export class VoiceStreamProcessor implements StreamProcessor {
  readonly latencySamples: Samples;
  readonly latency: VoiceLatency;

  /** The split the engine puts in /mb/status (StreamStatus.latencySplit.parts). */
  get latencyParts(): Readonly<Record<string, number>> {
    return { ...this.latency };
  }
  readonly frameRate: number;
  private readonly resampler: StreamResampler | null;
  private readonly tracker: CausalPitchTracker;
  private readonly spectrum = new FramePowerSpectrum(CENTROID_FRAME);
  private readonly newest = new Float32Array(CENTROID_FRAME);
  private readonly power = new Float32Array(CENTROID_FRAME / 2 + 1);
  private readonly shape: SpectralShape = { centroid: 0, bandwidth: 0, flatness: 0, rolloff: 0 };
  private readonly binHz: Hz;
  private readonly mapping: VoiceMapping;
  private readonly hop: Samples;
  private readonly noteIndex: number;
  private readonly gateIndex: number;
  /** Samples tracked so far, and the frames sent (frame k ends at round((k + 1) hop)). */
  private tracked = 0;
  private frames = 0;
  private latest: Float32Array | null = null;
  private settings: VoiceMapSettings | null = null;
  private pending: StreamOutput[] = [];

  private constructor(private readonly model: MirrorStreamProcessor, readonly inputRate: Hz, entries: OnnxModel['manifest']['params'], private readonly options: VoiceStreamOptions) {
    const pitchRate = Math.min(PITCH_RATE, inputRate);
    this.resampler = pitchRate === inputRate ? null : new StreamResampler(inputRate, pitchRate);
    this.tracker = new CausalPitchTracker({ sampleRate: pitchRate });
    this.binHz = pitchRate / CENTROID_FRAME;
    this.frameRate = model.frameRate;
    this.hop = pitchRate / this.frameRate;
    const params = entries ?? [];
    this.mapping = new VoiceMapping(params, this.frameRate);
    this.noteIndex = params.findIndex((e) => e.name === 'note');
    this.gateIndex = params.findIndex((e) => e.name === 'duration');
    const toInput = (n: number) => Math.round((n * inputRate) / pitchRate);
    this.latency = {
      noteAlgorithmic: toInput((this.resampler?.latencySamples ?? 0) + this.tracker.latencySamples),
      hopBuffering: toInput(this.hop),
      timbreAlgorithmic: model.latencySamples,
    };
    this.latencySamples = this.latency.noteAlgorithmic;
  }

  static async create(model: OnnxModel, inputRate: Hz, options: VoiceStreamOptions = {}): Promise<VoiceStreamProcessor> {
    const inner = await MirrorStreamProcessor.create(model, inputRate);
    return new VoiceStreamProcessor(inner, inputRate, model.manifest.params, options);
  }

  get latencyMs(): number {
    return (1000 * this.latencySamples) / this.inputRate;
  }

  /** Frames whose model parameters were dropped by the inner stream (it fell behind). */
  get dropped(): number {
    return this.model.dropped;
  }

  async process(block: Float32Array): Promise<StreamOutput[]> {
    this.refreshSettings();
    const modelFrames = await this.model.process(block);
    if (modelFrames.length > 0) this.latest = modelFrames[modelFrames.length - 1].params ?? null;
    if (this.resampler) this.resampler.push(block, (chunk) => this.track(chunk));
    else this.track(block);
    const out = this.pending;
    this.pending = [];
    return out;
  }

  dispose(): void {
    this.model.dispose();
    this.resampler?.reset();
    this.tracker.reset();
  }

  private refreshSettings(): void {
    const s = voiceMapOf(this.options.controls, this.options.streamId ?? 0);
    if (s !== this.settings) {
      this.settings = s;
      this.mapping.configure(s);
    }
  }

  /** Feeds the tracker hop by hop (a hop need not be a whole number of samples); each completed hop gives one frame. */
  private track(samples: Float32Array): void {
    for (let i = 0; i < samples.length; ) {
      const end = Math.round((this.frames + 1) * this.hop);
      const take = Math.min(end - this.tracked, samples.length - i);
      this.tracker.push(samples.subarray(i, i + take));
      this.tracked += take;
      i += take;
      if (this.tracked === end) {
        this.frames++;
        this.pending.push(this.frame());
      }
    }
  }

  /** Spectral centroid of the newest CENTROID_FRAME samples the tracker holds. */
  private centroid(): Hz {
    this.tracker.newest(this.newest);
    this.spectrum.compute(this.newest, 0, this.power);
    return spectralShape(this.power, this.binHz, this.shape).centroid;
  }

  private frame(): StreamOutput {
    const est = this.tracker.estimate();
    const fromModel = this.settings?.pitch === 'model';
    const modelNote = this.latest && this.noteIndex >= 0 ? 62 + 12 * this.latest[this.noteIndex] : NaN;
    const modelGate = this.latest !== null && this.gateIndex >= 0 && this.latest[this.gateIndex] > 0.5;
    const { normalized, units } = this.mapping.next({
      midi: fromModel ? modelNote : est.midi,
      voiced: fromModel ? modelGate : est.voiced,
      periodic: fromModel ? modelGate : est.periodic,
      levelDb: est.levelDb,
      model: this.latest,
      centroidHz: this.settings?.timbre === 'model' ? NaN : this.centroid(),
    });
    return { params: normalized, units };
  }
}
