import { MbError } from '../core/errors';
import type { Hz } from '../core/units';
import type { VqGeometry } from './geometry';

/** f0 as a decoder that takes pitch sees it: 0 or less stays unvoiced (0), else clamped to [fmin, fmax]. */
export function clampDecoderPitch(f0: Hz, range: { fmin: Hz; fmax: Hz }): Hz {
  return f0 > 0 ? Math.min(range.fmax, Math.max(range.fmin, f0)) : 0;
}

/**
 * Unit-gain segments of every code for a decoder that also sees the frame's pitch (manifest
 * audio.settings.decoderPitch): each code is decoded ahead, once unvoiced and once at each
 * pitch anchor fmin x 2^(a x anchorOctaves) up to fmax; a voiced frame blends the two anchors
 * around its f0 linearly in log-frequency (f0 clamped to [fmin, fmax]). So decoding a code
 * series needs no inference per frame, as for a decoder without pitch.
 *
 * @example
 * const anchors = new PitchAnchors(geometry);
 * const f0 = anchors.inputPitches(); // the decoder's f0 input for code k: rows k*rows .. (k+1)*rows-1
 * anchors.fill(await decoder(latentsRepeated, f0));
 * const seg = anchors.segment(code, 220); // a view, valid until the next call
 */
export class PitchAnchors {
  /** Segments per code: unvoiced, then the anchors. */
  readonly rows: number;
  private readonly codes: number;
  private readonly segmentLength: number;
  private readonly step: number;
  private readonly range: { fmin: Hz; fmax: Hz };
  private table: Float32Array = new Float32Array(0);
  private readonly blended: Float32Array;

  constructor(g: Pick<VqGeometry, 'codes' | 'segmentLength' | 'decoderPitch'>) {
    if (!g.decoderPitch) throw new MbError('MB_ERR_INTERNAL', 'PitchAnchors needs a geometry with decoderPitch');
    const { anchorOctaves, fmin, fmax } = g.decoderPitch;
    this.step = anchorOctaves;
    this.range = { fmin, fmax };
    this.rows = 1 + Math.ceil(Math.log2(fmax / fmin) / anchorOctaves - 1e-9) + 1;
    this.codes = g.codes;
    this.segmentLength = g.segmentLength;
    this.blended = new Float32Array(g.segmentLength);
  }

  /** The pitch of row r of a code (0 for the unvoiced row 0), the last anchor clamped to fmax. */
  pitchOfRow(r: number): Hz {
    return r === 0 ? 0 : Math.min(this.range.fmax, this.range.fmin * 2 ** ((r - 1) * this.step));
  }

  /** The decoder's f0 input for the whole table: codes x rows, code-major. */
  inputPitches(): Float32Array {
    const out = new Float32Array(this.codes * this.rows);
    for (let k = 0; k < this.codes; k++) {
      for (let r = 0; r < this.rows; r++) out[k * this.rows + r] = this.pitchOfRow(r);
    }
    return out;
  }

  /** Takes the decoder's output for inputPitches() (codes x rows x segmentLength, unit gain). */
  fill(segments: Float32Array): void {
    if (segments.length !== this.codes * this.rows * this.segmentLength) {
      throw new MbError('MB_ERR_MODEL_SHAPE', `the decoder gave ${segments.length} values for the pitch anchors, expected ${this.codes * this.rows * this.segmentLength}`);
    }
    this.table = segments;
  }

  /** f0 as the decoder sees it (clampDecoderPitch). */
  clampPitch(f0: Hz): Hz {
    return clampDecoderPitch(f0, this.range);
  }

  /** Code k's unit-gain segment at pitch f0 (Hz, 0 or less: unvoiced): a view, valid until the next call. */
  segment(k: number, f0: Hz): Float32Array {
    const s = this.segmentLength;
    const base = k * this.rows;
    if (!(f0 > 0)) return this.table.subarray(base * s, (base + 1) * s);
    const u = Math.log2(this.clampPitch(f0) / this.range.fmin) / this.step;
    const a = Math.min(this.rows - 2, Math.floor(u));
    const p = (base + 1 + a) * s;
    const t = this.table;
    if (a + 2 >= this.rows) return t.subarray(p, p + s);
    // The last interval may be shorter than a step (the last anchor is clamped to fmax).
    const lo = this.pitchOfRow(a + 1);
    const hi = this.pitchOfRow(a + 2);
    const w = Math.min(1, Math.max(0, Math.log2(this.clampPitch(f0) / lo) / Math.log2(hi / lo)));
    const q = p + s;
    const out = this.blended;
    for (let i = 0; i < s; i++) out[i] = t[p + i] + w * (t[q + i] - t[p + i]);
    return out;
  }
}
