import { describe, expect, it } from 'vitest';
import { FloatRingBuffer } from '../../src/audio/ringbuffer';
import { thrownCode } from './signals';

const f32 = (...v: number[]): Float32Array => new Float32Array(v);

describe('FloatRingBuffer', () => {
  it('reads back what was written, in order, across the wrap point', () => {
    const rb = new FloatRingBuffer(5);
    const out = new Float32Array(5);
    rb.write(f32(1, 2, 3));
    expect(rb.read(out, 2)).toBe(2);
    expect(Array.from(out.subarray(0, 2))).toEqual([1, 2]);
    rb.write(f32(4, 5, 6, 7)); // wraps
    expect(rb.available).toBe(5);
    expect(rb.free).toBe(0);
    expect(rb.read(out)).toBe(5);
    expect(Array.from(out)).toEqual([3, 4, 5, 6, 7]);
    expect(rb.dropped).toBe(0);
    expect(rb.read(out)).toBe(0);
  });

  it('drops the oldest samples on overflow and counts them', () => {
    const rb = new FloatRingBuffer(4);
    rb.write(f32(1, 2, 3));
    rb.write(f32(4, 5, 6));
    expect(rb.dropped).toBe(2);
    const out = new Float32Array(4);
    expect(rb.read(out)).toBe(4);
    expect(Array.from(out)).toEqual([3, 4, 5, 6]);
  });

  it('keeps only the newest `capacity` samples of a block larger than itself', () => {
    const rb = new FloatRingBuffer(3);
    rb.write(f32(9));
    rb.write(f32(1, 2, 3, 4, 5));
    expect(rb.dropped).toBe(3);
    const out = new Float32Array(3);
    rb.read(out);
    expect(Array.from(out)).toEqual([3, 4, 5]);
  });

  it('peek does not consume; discard and clear do not count as drops', () => {
    const rb = new FloatRingBuffer(4);
    rb.write(f32(1, 2, 3, 4));
    const out = new Float32Array(2);
    expect(rb.peek(out)).toBe(2);
    expect(rb.available).toBe(4);
    expect(rb.discard(3)).toBe(3);
    expect(rb.read(out)).toBe(1);
    expect(out[0]).toBe(4);
    rb.write(f32(7, 8));
    rb.clear();
    expect(rb.available).toBe(0);
    expect(rb.dropped).toBe(0);
  });

  it('refuses a capacity that is not a positive integer', () => {
    expect(thrownCode(() => new FloatRingBuffer(0))).toBe('MB_ERR_BAD_ARGS');
    expect(thrownCode(() => new FloatRingBuffer(2.5))).toBe('MB_ERR_BAD_ARGS');
  });
});
