import { describe, expect, it } from 'vitest';
import { decodePacket, encodeBundle, encodeMessage } from '../../src/net/osc/wire';
import { args } from './helpers';

describe('OSC codec', () => {
  it.each([
    ['/mb/ping', args(7)],
    ['/mb/models/load', args('fx')],
    ['/mb/stream/audio', args(1, new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]))],
    ['/mb/bye', []],
  ])('round-trips %s', (address, a) => {
    const [m] = decodePacket(encodeMessage({ address, args: a })).messages;
    expect(m.address).toBe(address);
    expect(m.args.map((x) => (x.value instanceof Uint8Array ? Array.from(x.value) : x.value))).toEqual(a.map((x) => (x.value instanceof Uint8Array ? Array.from(x.value) : x.value)));
  });

  it('keeps a single argument as a one-element list', () => {
    expect(decodePacket(encodeMessage({ address: '/a', args: args(1) })).messages[0].args).toHaveLength(1);
  });

  it('unwraps nested bundles and reads the outer time tag', () => {
    const inner = { timeTag: { native: 1000 }, packets: [{ address: '/b', args: args(2) }] };
    const bytes = encodeBundle([{ address: '/a', args: args(1) }, inner as never], 1_700_000_000_000);
    const p = decodePacket(bytes);
    expect(p.messages.map((m) => m.address)).toEqual(['/a', '/b']);
    expect(Math.abs(p.timeTag! - 1_700_000_000_000)).toBeLessThan(1);
  });

  it('reads blobs from a packet that sits at an offset inside a larger buffer', () => {
    const bytes = encodeMessage({ address: '/x', args: args(new Uint8Array([9, 8, 7, 6])) });
    const pool = new Uint8Array(bytes.length + 13);
    pool.fill(0xee);
    pool.set(bytes, 13);
    const view = pool.subarray(13);
    expect(Array.from(decodePacket(view).messages[0].args[0].value as Uint8Array)).toEqual([9, 8, 7, 6]);
  });

  it.each([
    ['empty', new Uint8Array(0)],
    ['garbage', Uint8Array.from([0xff, 0x00, 0x12])],
    ['no type tags', new TextEncoder().encode('/mb/ping\0\0\0\0')],
    ['bad type tag', new TextEncoder().encode('/a\0\0,Q\0\0')],
    ['truncated int', new TextEncoder().encode('/a\0\0,i\0\0\0\0')],
    ['blob longer than packet', Uint8Array.from([...new TextEncoder().encode('/a\0\0,b\0\0'), 0x7f, 0xff, 0xff, 0xff])],
    ['negative blob length', Uint8Array.from([...new TextEncoder().encode('/a\0\0,b\0\0'), 0xff, 0xff, 0xff, 0xf0])],
    ['bundle with huge element size', Uint8Array.from([...new TextEncoder().encode('#bundle\0'), 0, 0, 0, 0, 0, 0, 0, 1, 0x7f, 0, 0, 0])],
    ['unclosed array', new TextEncoder().encode('/a\0\0,[i\0')],
  ])('turns a malformed packet (%s) into MB_ERR_BAD_ARGS', (_label, bytes) => {
    expect(() => decodePacket(bytes)).toThrow(expect.objectContaining({ code: 'MB_ERR_BAD_ARGS', message: expect.stringMatching(/malformed OSC packet/) }));
  });

  it('refuses bundles nested too deep', () => {
    let packet: unknown = { address: '/x', args: [] };
    for (let i = 0; i < 12; i++) packet = { timeTag: { native: 0 }, packets: [packet] };
    const bytes = encodeBundle([packet as never]);
    expect(() => decodePacket(bytes)).toThrow(expect.objectContaining({ message: expect.stringMatching(/nested deeper/) }));
  });
});
