import { MbError } from '../../core/errors';
import { HarmonicRenderer } from './harmonic';
import { HopOverlapAdd } from './hop-overlap-add';
import { PhaseReconstructor, type PhaseLookahead } from './pghi';

/**
 * What the two spectral syntheses share: one frame's magnitude spectrum (frameLength / 2 + 1
 * bins) gets its phase from the stream's phase reconstruction (src/vq/synthesis/pghi.ts), is
 * inverse-transformed with the synthesis window and overlap-added at hop; reset also restarts
 * the phase history. With `lookahead` 1 (offline decoding) the phase of frame t uses frame
 * t + 1's magnitudes, so the output comes one hop later (`delay`): the first push writes a
 * hop of silence and `flush` writes frameLength samples (the last frame included).
 */
abstract class SpectralOverlapAdd extends HopOverlapAdd {
  private readonly phase: PhaseReconstructor;
  private readonly frame: Float32Array;

  constructor(frameLength: number, hop: number, segmentLength: number, lookahead: PhaseLookahead) {
    super(frameLength, hop, segmentLength, 2);
    this.phase = new PhaseReconstructor(frameLength, hop, { lookahead });
    this.frame = new Float32Array(frameLength);
  }

  override get delay(): number {
    return this.phase.lookahead * this.hop;
  }

  protected addMagnitudes(magnitudes: Float32Array, offset: number, gain: number, out: Float32Array, outOffset: number): void {
    if (this.phase.next(magnitudes, this.frame, offset, gain)) this.addFrame();
    this.emit(out, outOffset);
  }

  override flush(out: Float32Array, outOffset = 0): void {
    if (this.phase.flush(this.frame)) this.addFrame();
    super.flush(out, outOffset);
  }

  override reset(): void {
    super.reset();
    this.phase?.reset();
  }

  private addFrame(): void {
    const { frame, pending, frameLength } = this;
    for (let i = 0; i < frameLength; i++) pending[i] += frame[i];
  }
}

/**
 * Overlap-add of magnitude spectra (manifest `audio.settings.synthesis: "pghi"`): the decoder
 * gives each frame's STFT magnitude (segmentLength = frameLength / 2 + 1 bins, |rfft| of the
 * Hann-windowed frame), and the phase comes from phase-gradient heap integration over the
 * stream (src/vq/synthesis/pghi.ts; causal by default, `lookahead` 1 for offline decoding), so partials
 * continue from frame to frame and onsets stay compact. Inverse FFT, synthesis window,
 * overlap-add at hop.
 *
 * @example
 * const ola = new PghiOverlapAdd(1024, 256, 513);
 * ola.push(magnitudes, hopOut, 0, 0, gain); // hopOut holds the next 256 finished samples
 */
export class PghiOverlapAdd extends SpectralOverlapAdd {
  constructor(frameLength: number, hop: number, segmentLength: number, lookahead: PhaseLookahead = 0) {
    super(frameLength, hop, segmentLength, lookahead);
    if (segmentLength !== frameLength / 2 + 1) {
      throw new MbError('MB_ERR_BAD_ARGS', `pghi synthesis needs segments of frameLength / 2 + 1 = ${frameLength / 2 + 1} magnitudes, got ${segmentLength}`);
    }
  }

  /** Adds one frame's magnitudes times `gain`, writes `hop` finished samples to `out`. */
  push(segment: Float32Array, out: Float32Array, segmentOffset = 0, outOffset = 0, gain = 1): void {
    this.checkSegment(segment, segmentOffset);
    this.addMagnitudes(segment, segmentOffset, gain, out, outOffset);
  }
}

/**
 * The harmonic decoder's synthesis (manifest `audio.settings.synthesis: "harmonic-pghi"`):
 * each segment holds a harmonic and a noise envelope (2 x (frameLength / 2 + 1) values,
 * src/vq/synthesis/harmonic.ts); the frame's pitch (`f0`, set before each push: the pitch carried
 * beside the code) draws the harmonics into a magnitude spectrum, then as PghiOverlapAdd.
 *
 * @example
 * const ola = new HarmonicOverlapAdd(1024, 256, 1026, 16000);
 * ola.f0 = 220;
 * ola.push(envelopes, hopOut, 0, 0, gain);
 */
export class HarmonicOverlapAdd extends SpectralOverlapAdd {
  private readonly renderer: HarmonicRenderer;
  private readonly magnitudes: Float32Array;

  constructor(frameLength: number, hop: number, segmentLength: number, sampleRate: number, lookahead: PhaseLookahead = 0) {
    super(frameLength, hop, segmentLength, lookahead);
    if (segmentLength !== frameLength + 2) {
      throw new MbError('MB_ERR_BAD_ARGS', `harmonic synthesis needs segments of 2 x (frameLength / 2 + 1) = ${frameLength + 2} values, got ${segmentLength}`);
    }
    this.renderer = new HarmonicRenderer(frameLength, sampleRate);
    this.magnitudes = new Float32Array(frameLength / 2 + 1);
  }

  /** Adds one frame (its envelopes times `gain`, at pitch `this.f0`), writes `hop` finished samples. */
  push(segment: Float32Array, out: Float32Array, segmentOffset = 0, outOffset = 0, gain = 1): void {
    this.checkSegment(segment, segmentOffset);
    this.renderer.render(segment, segmentOffset, this.f0, this.magnitudes, gain);
    this.addMagnitudes(this.magnitudes, 0, 1, out, outOffset);
  }
}
