/**
 * A fixed-capacity FIFO that drops its OLDEST entry when full and counts what it dropped
 * (DESIGN.md: every queue is bounded; on overflow drop the oldest and count it). Storage is
 * a ring allocated once.
 *
 * @example
 * const q = new BoundedQueue<number>(2, (n) => console.log('dropped', n));
 * q.push(1); q.push(2); q.push(3); // logs "dropped 1"
 * q.shift(); // 2
 */
export class BoundedQueue<T> {
  private readonly items: (T | undefined)[];
  private head = 0;
  private count = 0;
  /** Entries dropped on overflow since creation. */
  dropped = 0;

  constructor(
    readonly capacity: number,
    private readonly onDrop?: (item: T) => void,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`capacity must be a positive integer, got ${capacity}`);
    this.items = new Array<T | undefined>(capacity);
  }

  get length(): number {
    return this.count;
  }

  /** Appends; when full, drops the oldest first. Returns false when something was dropped. */
  push(item: T): boolean {
    let kept = true;
    if (this.count === this.capacity) {
      const old = this.shift()!;
      this.dropped++;
      kept = false;
      this.onDrop?.(old);
    }
    this.items[(this.head + this.count) % this.capacity] = item;
    this.count++;
    return kept;
  }

  shift(): T | undefined {
    if (this.count === 0) return undefined;
    const item = this.items[this.head];
    this.items[this.head] = undefined;
    this.head = (this.head + 1) % this.capacity;
    this.count--;
    return item;
  }

  peek(): T | undefined {
    return this.count === 0 ? undefined : this.items[this.head];
  }

  /** Removes and returns everything, oldest first. */
  drain(): T[] {
    const out: T[] = [];
    while (this.count > 0) out.push(this.shift()!);
    return out;
  }

  /** Sum of `measure` over the queued entries. */
  sum(measure: (item: T) => number): number {
    let total = 0;
    for (let i = 0; i < this.count; i++) total += measure(this.items[(this.head + i) % this.capacity]!);
    return total;
  }
}
