import { checkInt } from './errors';

/**
 * FIFO queue of fixed capacity for any item (messages, jobs, audio blocks), by the real-time
 * rule of the project: storage is allocated once, a push never blocks or grows memory, and
 * when the queue is full the oldest item is dropped, counted in `dropped` and handed to
 * `onDrop`.
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
