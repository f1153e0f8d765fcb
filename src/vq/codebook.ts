import { MbError } from '../core/errors';

/**
 * The codebook as plain numbers, for what the runtime does with it in TypeScript: the latent
 * of a code, the nearest code of a latent (Euclidean, through precomputed squared norms),
 * quantizing a whole series, and checking code indices. VqModel reads the table from its
 * codebook graph at load time and answers these through it.
 *
 * @example
 * const book = new Codebook(latents, 512, 32);
 * const k = book.nearest(z); // index of the closest code
 * book.latent(k); // its latent, a view
 */
export class Codebook {
  /** Squared norm of each code's latent. */
  private readonly norms: Float32Array;

  constructor(
    /** size x latentDim, row-major. */
    readonly latents: Float32Array,
    readonly size: number,
    readonly latentDim: number,
  ) {
    this.norms = rowNorms(latents, latentDim);
  }

  /** The latent of code `k` (a view into the table). */
  latent(k: number): Float32Array {
    const d = this.latentDim;
    return this.latents.subarray(k * d, (k + 1) * d);
  }

  /** Index of the code nearest (Euclidean) to the latent at `latents[offset ..]`. */
  nearest(latents: ArrayLike<number>, offset = 0): number {
    const { size, latentDim: d } = this;
    const cb = this.latents;
    let best = 0;
    let bestScore = Infinity;
    for (let k = 0; k < size; k++) {
      // |z - c|^2 = |z|^2 - 2 z.c + |c|^2; |z|^2 is the same for every k.
      let dot = 0;
      const base = k * d;
      for (let i = 0; i < d; i++) dot += latents[offset + i] * cb[base + i];
      const score = this.norms[k] - 2 * dot;
      if (score < bestScore) {
        bestScore = score;
        best = k;
      }
    }
    return best;
  }

  /** Replaces each latent of a series by its nearest code; returns the codes and the code latents. */
  quantize(latents: Float32Array): { codes: Int32Array; latents: Float32Array } {
    const d = this.latentDim;
    const frames = latents.length / d;
    const codes = new Int32Array(frames);
    const out = new Float32Array(latents.length);
    for (let t = 0; t < frames; t++) {
      codes[t] = this.nearest(latents, t * d);
      out.set(this.latent(codes[t]), t * d);
    }
    return { codes, latents: out };
  }

  /** Latents of a code series (frames x latentDim). Throws MB_ERR_BAD_ARGS for an index outside [0, K). */
  latentsOf(codes: ArrayLike<number>): Float32Array {
    const d = this.latentDim;
    this.checkAll(codes, codes.length);
    const out = new Float32Array(codes.length * d);
    for (let t = 0; t < codes.length; t++) out.set(this.latent(codes[t]), t * d);
    return out;
  }

  /** Checks the first `count` code indices. */
  checkAll(codes: ArrayLike<number>, count: number): void {
    for (let t = 0; t < count; t++) this.check(codes[t], t);
  }

  /** Checks one code index (`index`: its position, for the message). */
  check(c: number, index: number): void {
    const k = this.size;
    if (!Number.isInteger(c) || c < 0 || c >= k) throw new MbError('MB_ERR_BAD_ARGS', `code ${index} must be an integer in [0, ${k - 1}], got ${c}`);
  }
}

function rowNorms(matrix: Float32Array, width: number): Float32Array {
  const rows = matrix.length / width;
  const norms = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let i = 0; i < width; i++) s += matrix[r * width + i] ** 2;
    norms[r] = s;
  }
  return norms;
}
