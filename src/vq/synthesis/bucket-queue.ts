/**
 * The priority queue of the phase-gradient heap integration (src/vq/synthesis/pghi.ts): entries
 * 0..size-1 by key (a log-magnitude), loudest first. A bucket queue (`perNeper` buckets per
 * neper from a floor up) instead of a binary heap: O(1) per entry; within a bucket (under
 * 0.1 dB at 100 per neper) the order is last in, first out. src/native/addon/pghi.cc keeps the
 * same order. Buffers are allocated in the constructor (real-time safe).
 *
 * @example
 * const q = new BucketQueue(3 * 513, 1153);
 * q.start(keys, threshold, 100);
 * q.push(e);
 * const loudest = q.pop(); // callers check q.size > 0
 */
export class BucketQueue {
  size = 0;
  private keys: Float64Array = new Float64Array(0);
  private readonly buckets: Int32Array;
  private readonly next: Int32Array;
  private floor = 0;
  private scale = 1;
  private top = 0;

  constructor(entries: number, buckets: number) {
    this.buckets = new Int32Array(buckets);
    this.next = new Int32Array(entries);
  }

  /** Empties the queue; entry e's key is keys[e], bucketed from `floor` at `perNeper` per neper. */
  start(keys: Float64Array, floor: number, perNeper: number): void {
    this.keys = keys;
    this.floor = floor;
    this.scale = perNeper;
    this.size = 0;
    this.top = 0;
    this.buckets.fill(-1);
  }

  /** Queues `e` in the bucket of its key (clamped to the buckets there are). */
  push(e: number): void {
    const { buckets } = this;
    let b = Math.floor((this.keys[e] - this.floor) * this.scale);
    b = b < 0 ? 0 : b >= buckets.length ? buckets.length - 1 : b;
    this.next[e] = buckets[b];
    buckets[b] = e;
    if (b > this.top) this.top = b;
    this.size++;
  }

  /** Takes an entry from the loudest non-empty bucket (callers check size > 0). */
  pop(): number {
    const { buckets } = this;
    let b = this.top;
    while (buckets[b] < 0) b--;
    this.top = b;
    const e = buckets[b];
    buckets[b] = this.next[e];
    this.size--;
    return e;
  }
}
