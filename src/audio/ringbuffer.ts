import { checkInt } from '../core/errors';

/**
 * Bounded FIFO storage for live paths. Both classes follow the real-time rule of the
 * project: storage is allocated once, a write never blocks or grows memory, and on
 * overflow the oldest content is dropped and counted in `dropped`.
 */

/**
 * Float32 sample FIFO of fixed capacity.
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

/**
 * Generic FIFO queue of fixed capacity (messages, jobs, frames).
 *
 * @example
 * const q = new BoundedQueue<string>(2);
 * q.push('a'); q.push('b'); q.push('c'); // 'a' is dropped and returned
 * q.dropped;  // 1
 * q.shift();  // 'b'
 */
export class BoundedQueue<T> {
  readonly capacity: number;
  /** Items discarded because a push found the queue full. */
  dropped = 0;
  private readonly items: (T | undefined)[];
  private head = 0;
  private count = 0;

  /** `onDrop` sees each item dropped on overflow (e.g. to answer a waiting caller). */
  constructor(capacity: number, private readonly onDrop?: (item: T) => void) {
    this.capacity = checkInt('capacity', capacity, 1, 2 ** 30);
    this.items = new Array<T | undefined>(this.capacity).fill(undefined);
  }

  get length(): number {
    return this.count;
  }

  get isFull(): boolean {
    return this.count === this.capacity;
  }

  /** Appends an item. When full, the oldest item is dropped, counted and returned. */
  push(item: T): T | undefined {
    let evicted: T | undefined;
    if (this.count === this.capacity) {
      evicted = this.shift();
      this.dropped++;
      this.onDrop?.(evicted as T);
    }
    this.items[(this.head + this.count) % this.capacity] = item;
    this.count++;
    return evicted;
  }

  /** Removes and returns the oldest item, or undefined when empty. */
  shift(): T | undefined {
    if (this.count === 0) return undefined;
    const item = this.items[this.head];
    this.items[this.head] = undefined;
    this.head = (this.head + 1) % this.capacity;
    this.count--;
    return item;
  }

  /** The oldest item without removing it. */
  peek(): T | undefined {
    return this.count === 0 ? undefined : this.items[this.head];
  }

  /** Removes and returns everything, oldest first. */
  drain(): T[] {
    const out: T[] = [];
    while (this.count > 0) out.push(this.shift() as T);
    return out;
  }

  /** Empties the queue; `dropped` is kept. */
  clear(): void {
    this.items.fill(undefined);
    this.head = 0;
    this.count = 0;
  }

  /** Iterates oldest to newest without consuming. */
  *[Symbol.iterator](): IterableIterator<T> {
    for (let i = 0; i < this.count; i++) yield this.items[(this.head + i) % this.capacity] as T;
  }
}
