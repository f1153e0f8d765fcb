/**
 * The Viterbi trellis of descriptor selection with continuity (select.ts, select-stream.ts):
 * per frame it keeps the `beam` cheapest codes of the frame's cost vector, and `decode`
 * finds the cheapest path through them under the codes' path costs. Buffers are allocated
 * once, for `capacity` frames.
 *
 * @example
 * const trellis = new Trellis(32, frames);
 * for (const cost of frameCosts) trellis.addFrame(cost);
 * trellis.decode(selector.transition, selector.codes, 0.5, -1, path);
 */
/** Viterbi trellis over the `beam` cheapest codes per frame. */
export class Trellis {
  private readonly candidates: Int32Array;
  private readonly costs: Float32Array;
  private readonly back: Int32Array;
  private readonly prev: Float64Array;
  private readonly next: Float64Array;
  private frames = 0;

  constructor(
    readonly beam: number,
    capacity: number,
  ) {
    this.candidates = new Int32Array(beam * capacity);
    this.costs = new Float32Array(beam * capacity);
    this.back = new Int32Array(beam * capacity);
    this.prev = new Float64Array(beam);
    this.next = new Float64Array(beam);
  }

  get length(): number {
    return this.frames;
  }

  /** Keeps the beam cheapest codes of a frame's full cost vector. */
  addFrame(cost: Float32Array): void {
    smallest(cost, this.beam, this.candidates, this.costs, this.frames * this.beam);
    this.frames++;
  }

  /** Drops the oldest frame (streaming window). */
  shift(): void {
    this.candidates.copyWithin(0, this.beam, this.frames * this.beam);
    this.costs.copyWithin(0, this.beam, this.frames * this.beam);
    this.frames--;
  }

  /**
   * Cheapest path through the stored frames, starting from code `from` (or free when -1);
   * writes it to `out`.
   */
  decode(transition: Float32Array, k: number, continuity: number, from: number, out: Int32Array): void {
    const b = this.beam;
    const n = this.frames;
    const cand = this.candidates;
    const costs = this.costs;
    const back = this.back;
    let prev = this.prev;
    let next = this.next;
    for (let m = 0; m < b; m++) prev[m] = costs[m] + (from >= 0 ? continuity * transition[from * k + cand[m]] : 0);
    for (let t = 1; t < n; t++) {
      const prevBase = (t - 1) * b;
      for (let m = 0; m < b; m++) {
        // The path-cost matrix is symmetric: read the row of this frame's code.
        const row = cand[t * b + m] * k;
        let best = Infinity;
        let arg = 0;
        for (let j = 0; j < b; j++) {
          const c = prev[j] + continuity * transition[row + cand[prevBase + j]];
          if (c < best) {
            best = c;
            arg = j;
          }
        }
        next[m] = best + costs[t * b + m];
        back[t * b + m] = arg;
      }
      const swap = prev;
      prev = next;
      next = swap;
    }
    let m = 0;
    for (let j = 1; j < b; j++) if (prev[j] < prev[m]) m = j;
    for (let t = n - 1; t >= 0; t--) {
      out[t] = cand[t * b + m];
      m = back[t * b + m];
    }
  }
}

/**
 * Indices and values of the `count` smallest entries of `cost` (unordered), written at
 * `offset`: a max-heap of the best so far, so each entry costs one comparison and a
 * replacement log2(count) steps.
 */
function smallest(cost: Float32Array, count: number, idx: Int32Array, val: Float32Array, offset: number): void {
  const siftDown = (start: number) => {
    let i = start;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= count) return;
      const r = l + 1;
      const c = r < count && val[offset + r] > val[offset + l] ? r : l;
      if (val[offset + c] <= val[offset + i]) return;
      const tv = val[offset + c];
      val[offset + c] = val[offset + i];
      val[offset + i] = tv;
      const ti = idx[offset + c];
      idx[offset + c] = idx[offset + i];
      idx[offset + i] = ti;
      i = c;
    }
  };
  for (let m = 0; m < count; m++) {
    idx[offset + m] = m;
    val[offset + m] = cost[m];
  }
  for (let m = (count >> 1) - 1; m >= 0; m--) siftDown(m);
  for (let k = count; k < cost.length; k++) {
    if (cost[k] >= val[offset]) continue;
    idx[offset] = k;
    val[offset] = cost[k];
    siftDown(0);
  }
}
