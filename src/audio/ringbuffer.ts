import { checkInt } from '../core/errors';

/**
 * Float32 sample FIFO of fixed capacity, for live audio paths. It follows the real-time rule
 * of the project: storage is allocated once, a write never blocks or grows memory, and on
 * overflow the oldest samples are dropped and counted in `dropped`. (Queues of anything else:
 * BoundedQueue in src/core/bounded-queue.ts.)
 *
 * @example
 * const rb = new FloatRingBuffer(4);
 * rb.write(new Float32Array([1, 2, 3, 4, 5])); // 1 is dropped
 * rb.dropped;                                   // 1
 * const out = new Float32Array(2);
 * rb.read(out);                                 // 2 -> out = [2, 3]
 */
export class FloatRingBuffer {
  readonly capacity: number;
  /** Samples discarded because writes overran unread data (oldest first). */
  dropped = 0;
  private readonly data: Float32Array;
  private readIndex = 0;
  private count = 0;

  constructor(capacity: number) {
    this.capacity = checkInt('capacity', capacity, 1, 2 ** 30);
    this.data = new Float32Array(this.capacity);
  }

  /** Samples ready to read. */
  get available(): number {
    return this.count;
  }

  /** Room left before a write starts dropping. */
  get free(): number {
    return this.capacity - this.count;
  }

  /** Appends samples; when they do not fit, the oldest samples (buffered or new) are dropped. */
  write(block: ArrayLike<number>): void {
    let start = 0;
    if (block.length > this.capacity) {
      start = block.length - this.capacity;
      this.dropped += start;
    }
    const n = block.length - start;
    const overflow = Math.max(0, this.count + n - this.capacity);
    if (overflow > 0) this.discard(overflow);
    this.dropped += overflow;
    let w = (this.readIndex + this.count) % this.capacity;
    for (let i = start; i < block.length; i++) {
      this.data[w] = block[i];
      w = w + 1 === this.capacity ? 0 : w + 1;
    }
    this.count += n;
  }

  /** Moves up to `out.length` (or `length`) oldest samples into `out`; returns how many. */
  read(out: Float32Array, length: number = out.length): number {
    const n = this.peek(out, Math.min(length, out.length));
    this.discard(n);
    return n;
  }

  /** Copies up to `length` oldest samples into `out` without consuming them; returns how many. */
  peek(out: Float32Array, length: number = out.length): number {
    const n = Math.min(length, out.length, this.count);
    const first = Math.min(n, this.capacity - this.readIndex);
    out.set(this.data.subarray(this.readIndex, this.readIndex + first), 0);
    if (n > first) out.set(this.data.subarray(0, n - first), first);
    return n;
  }

  /** Drops up to `n` oldest samples without counting them as overflow; returns how many. */
  discard(n: number): number {
    const k = Math.max(0, Math.min(n, this.count));
    this.readIndex = (this.readIndex + k) % this.capacity;
    this.count -= k;
    return k;
  }

  /** Empties the buffer; `dropped` is kept (it counts the stream's whole life). */
  clear(): void {
    this.readIndex = 0;
    this.count = 0;
  }
}
