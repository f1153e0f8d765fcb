import { describe, expect, it } from 'vitest';
import { BoundedQueue } from '../../src/audio/ringbuffer';

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

  it('wraps around its ring many times', () => {
    const q = new BoundedQueue<number>(4);
    const out: number[] = [];
    for (let i = 0; i < 1000; i++) {
      q.push(i);
      if (i % 2 === 0) out.push(q.shift()!);
    }
    expect(out.every((v, i) => i === 0 || v > out[i - 1])).toBe(true);
    expect(q.length).toBe(4);
  });

  it.each([0, -1, 1.5])('refuses capacity %d', (c) => {
    expect(() => new BoundedQueue(c)).toThrowError(expect.objectContaining({ code: 'MB_ERR_BAD_ARGS' }));
  });
});
