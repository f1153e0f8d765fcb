import { MbError } from '../core/errors';
import type { DescriptorName } from '../dsp/descriptors';
import { argmin, checkContinuity, CodeSelector, DEFAULT_BEAM, type SelectionOptions } from './select';
import { Trellis } from './trellis';

/**
 * Streaming code selection: one target frame in, one code out, for live descriptor curves
 * (a performer's voice analysed frame by frame, an OSC-driven curve).
 *
 * Without continuity each frame takes its nearest code at once. With continuity the
 * selector runs Viterbi over a receding window of `lag` + 1 frames that starts from the
 * code it last emitted, and emits the first code of the best path: `lag` = 0 is greedy
 * (cheapest code given the previous one); a larger lag looks ahead and costs `lag` frames of
 * latency (`latencyFrames`). Work per frame is bounded (beam^2 x (lag + 1)); buffers are
 * allocated up front.
 *
 * @example
 * const live = new StreamSelector(selector, { continuity: 0.5, lag: 4 });
 * const out = live.push({ centroid: 1200 }); // null while the window fills
 * if (out) decodeFrame(out.code, out.gain);
 */
export interface StreamSelection {
  code: number;
  gain: number;
  /** Index of the target frame this code answers. */
  frame: number;
}

export interface StreamSelectorOptions extends SelectionOptions {
  /** Look-ahead frames with continuity; default 0. */
  lag?: number;
}

export class StreamSelector {
  readonly latencyFrames: number;
  private readonly continuity: number;
  private readonly trellis: Trellis | null;
  private readonly cost: Float32Array;
  private readonly path: Int32Array;
  private readonly loudness: Float32Array;
  private readonly inside = new Map<DescriptorName, number>();
  private previous = -1;
  private framesIn = 0;
  private framesOut = 0;

  constructor(
    private readonly selector: CodeSelector,
    private readonly options: StreamSelectorOptions = {},
  ) {
    this.continuity = checkContinuity(options.continuity);
    const lag = options.lag ?? 0;
    if (!Number.isInteger(lag) || lag < 0 || lag > 256) throw new MbError('MB_ERR_BAD_ARGS', `lag must be an integer in [0, 256], got ${lag}`);
    this.latencyFrames = this.continuity > 0 ? lag : 0;
    this.cost = new Float32Array(selector.codes);
    this.trellis = this.continuity > 0 ? new Trellis(Math.min(selector.codes, options.beam ?? DEFAULT_BEAM), lag + 1) : null;
    this.path = new Int32Array(lag + 1);
    this.loudness = new Float32Array(lag + 1);
  }

  /** Share of frames so far whose target lay inside the codebook's range, per descriptor. */
  get coverage(): Partial<Record<DescriptorName, number>> {
    return Object.fromEntries([...this.inside].map(([n, c]) => [n, this.framesIn ? c / this.framesIn : 1]));
  }

  /** Takes one frame of target values; returns the code for frame `framesIn - latencyFrames`, or null. */
  push(values: Partial<Record<DescriptorName, number>>): StreamSelection | null {
    const targets = Object.entries(values ?? {}).map(([name, v]) => ({ name: name as DescriptorName, values: Float32Array.of(v as number), source: 'stream' }));
    const p = this.selector.prepare(targets, this.options);
    for (const [name, share] of Object.entries(p.coverage.perDescriptor)) {
      this.inside.set(name as DescriptorName, (this.inside.get(name as DescriptorName) ?? 0) + (share as number));
    }
    this.selector.frameCost(p, 0, this.cost);
    this.framesIn++;
    if (!this.trellis) return this.emit(argmin(this.cost), p.loudness[0]);
    this.loudness[this.trellis.length] = p.loudness[0];
    this.trellis.addFrame(this.cost);
    if (this.trellis.length <= this.latencyFrames) return null;
    return this.step();
  }

  /** Emits the codes still in the look-ahead window (end of the target). */
  flush(): StreamSelection[] {
    const out: StreamSelection[] = [];
    while (this.trellis && this.trellis.length > 0) out.push(this.step());
    return out;
  }

  private step(): StreamSelection {
    const trellis = this.trellis!;
    trellis.decode(this.selector.transition, this.selector.codes, this.continuity, this.previous, this.path);
    const loudness = this.loudness[0];
    this.loudness.copyWithin(0, 1);
    trellis.shift();
    return this.emit(this.path[0], loudness);
  }

  private emit(code: number, loudness: number): StreamSelection {
    this.previous = code;
    const gain = this.selector.gainsFor(Int32Array.of(code), Float32Array.of(loudness))[0];
    return { code, gain, frame: this.framesOut++ };
  }
}
