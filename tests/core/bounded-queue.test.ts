import { describe, expect, it } from 'vitest';
import { BoundedQueue } from '../../src/core/bounded-queue';

describe('BoundedQueue', () => {
  it('keeps order and drops the oldest when full, counting drops', () => {
    const dropped: number[] = [];
    const q = new BoundedQueue<number>(3, (n) => dropped.push(n));
    for (let i = 1; i <= 5; i++) q.push(i);
    expect(q.length).toBe(3);
    expect(q.dropped).toBe(2);
    expect(dropped).toEqual([1, 2]);
    expect(q.peek()).toBe(3);
    expect([...q].reduce((a, n) => a + n, 0)).toBe(12);
    expect(q.drain()).toEqual([3, 4, 5]);
    expect(q.shift()).toBeUndefined();
  });

  it('wraps around its ring many times, matching a plain drop-oldest array', () => {
    const q = new BoundedQueue<number>(4);
    const model: number[] = [];
    let modelDropped = 0;
    const out: number[] = [];
    const want: number[] = [];
    for (let i = 0; i < 1000; i++) {
      q.push(i);
      model.push(i);
      if (model.length > 4) (model.shift(), modelDropped++);
      if (i % 3 === 0) (out.push(q.shift()!), want.push(model.shift()!));
    }
    expect(out).toEqual(want);
    expect([...q]).toEqual(model);
    expect(q.dropped).toBe(modelDropped);
    expect(modelDropped).toBeGreaterThan(0);
  });

  it.each([0, -1, 1.5])('refuses capacity %d', (c) => {
    expect(() => new BoundedQueue(c)).toThrowError(expect.objectContaining({ code: 'MB_ERR_BAD_ARGS' }));
  });

  it('is FIFO and evicts (and returns) the oldest item when full', () => {
    const q = new BoundedQueue<string>(2);
    expect(q.push('a')).toBeUndefined();
    q.push('b');
    expect(q.isFull).toBe(true);
    expect(q.push('c')).toBe('a');
    expect(q.dropped).toBe(1);
    expect([...q]).toEqual(['b', 'c']);
    expect(q.peek()).toBe('b');
    expect(q.shift()).toBe('b');
    expect(q.shift()).toBe('c');
    expect(q.shift()).toBeUndefined();
    expect(q.length).toBe(0);
  });

  it('counts every drop over a long overrun and keeps the newest items', () => {
    const q = new BoundedQueue<number>(3);
    for (let i = 0; i < 10; i++) q.push(i);
    expect(q.dropped).toBe(7);
    expect([...q]).toEqual([7, 8, 9]);
    q.clear();
    expect(q.length).toBe(0);
    expect(q.dropped).toBe(7);
  });
});
