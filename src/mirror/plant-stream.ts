import { MbError } from '../core/errors';
import { checkArgValue } from '../core/arg-spec';
import type { Hz, Samples } from '../core/units';
import { StreamResampler } from '../audio/resample';
import { auditorySpectrogram, normalizePower } from '../dsp/auditory';
import type { OnnxModel } from '../models';
import { SAMPLE_RATE } from '../engine/limits';
import type { StreamOutput, StreamProcessor } from '../engine/types';
import { PLANT_FEATURE_RATE, PLANT_HOP_SECONDS } from '../plants/features';
import { PlantModel } from './plant-model';

/**
 * Live streams on a learned plant model (kind `mirrornet-plant`): the model hears one render
 * of its plant at a time (one note of `seconds`, e.g. 1 s), so the stream keeps the newest
 * `seconds` of input (resampled to 8 kHz as it arrives) and, every `hopSeconds` (0.25 s), runs
 * the encoder on that window: one frame of the plant's parameters per hop, in the plant's schema
 * order (units, ranges, grids: the manifest's, which are the plant's). A window quieter than
 * SILENCE_RMS gives no frame (the model would hear noise normalized to unit power), so a silent
 * input leaves the synth where it was. The first frame comes once a whole window has arrived;
 * the algorithmic latency is the window (plus the resampler's delay).
 *
 * @example
 * const s = await PlantStreamProcessor.create(model, 44100);
 * for (const out of await s.process(block)) pd.send(out.params!); // one frame per 0.25 s
 */
/** -80 dBFS: below it a window is silence. */
export const SILENCE_RMS = 1e-4;

export class PlantStreamProcessor implements StreamProcessor {
  readonly latencySamples: Samples;
  readonly latencyParts: Readonly<Record<string, Samples>>;
  private readonly plant: PlantModel;
  private readonly resampler: StreamResampler | null;
  /** The newest window at 8 kHz, oldest first after `pos` (a ring). */
  private readonly ring: Float32Array;
  private readonly window: Float32Array;
  private readonly hop: number;
  private pos = 0;
  private filled = 0;
  private sinceHop = 0;
  private due = 0;

  private constructor(model: OnnxModel, readonly inputRate: Hz) {
    this.plant = PlantModel.fromModel(model);
    const n = this.plant.windowSamples(PLANT_FEATURE_RATE);
    this.ring = new Float32Array(n);
    this.window = new Float32Array(n);
    this.hop = Math.max(1, Math.round(Math.min(PLANT_HOP_SECONDS, this.plant.schema.seconds) * PLANT_FEATURE_RATE));
    this.resampler = inputRate === PLANT_FEATURE_RATE ? null : new StreamResampler(inputRate, PLANT_FEATURE_RATE);
    const toInput = (s: number) => Math.round((s * inputRate) / PLANT_FEATURE_RATE);
    const resampler = this.resampler ? toInput(this.resampler.latencySamples) : 0;
    this.latencyParts = { window: toInput(n), resampler };
    this.latencySamples = toInput(n) + resampler;
  }

  static async create(model: OnnxModel, inputRate: Hz): Promise<PlantStreamProcessor> {
    checkArgValue(SAMPLE_RATE, inputRate, 'stream sample rate');
    const p = new PlantStreamProcessor(model, inputRate);
    await p.plant.encode([new Float32Array(128 * p.plant.frames)]); // prepare: the session's first run
    return p;
  }

  get model(): PlantModel {
    return this.plant;
  }

  async process(block: Float32Array): Promise<StreamOutput[]> {
    if (this.resampler) this.resampler.push(block, (chunk) => this.add(chunk));
    else this.add(block);
    const outputs: StreamOutput[] = [];
    // a block longer than a hop completes several hops: each gets the window as it is now
    for (; this.due > 0; this.due--) {
      const out = await this.infer();
      if (out) outputs.push(out);
    }
    return outputs;
  }

  dispose(): void {
    this.resampler?.reset();
  }

  private add(samples: Float32Array): void {
    const n = this.ring.length;
    for (let i = 0; i < samples.length; i++) {
      this.ring[this.pos] = samples[i];
      this.pos = (this.pos + 1) % n;
      if (this.filled < n) this.filled++;
      if (++this.sinceHop >= this.hop) {
        this.sinceHop = 0;
        if (this.filled === n) this.due = Math.min(this.due + 1, 4);
      }
    }
  }

  private async infer(): Promise<StreamOutput | null> {
    const n = this.ring.length;
    this.window.set(this.ring.subarray(this.pos), 0);
    this.window.set(this.ring.subarray(0, this.pos), n - this.pos);
    let acc = 0;
    for (let i = 0; i < n; i++) acc += this.window[i] * this.window[i];
    if (Math.sqrt(acc / n) < SILENCE_RMS) return null;
    const spec = auditorySpectrogram(normalizePower(this.window), { sampleRate: PLANT_FEATURE_RATE });
    if (spec.channels !== 128) throw new MbError('MB_ERR_MODEL_SHAPE', `auditory spectrogram has ${spec.channels} channels, the model reads 128`);
    const [params] = await this.plant.encode([this.plant.fit(spec)]);
    return { params };
  }
}
