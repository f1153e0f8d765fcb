import { describe, expect, it } from 'vitest';
import { decodePacket, encodeBundle } from '../../src/net/osc/wire';
import { vqReplies as vqMessages } from '../../src/verbs/replies';
import { VERB_TABLE as OSC_TABLE } from '../../src/verbs/table';

describe('/mb/stream/return', () => {
  it('is in the address table as an outgoing float32 blob', () => {
    const entry = OSC_TABLE.find((e) => e.address === '/mb/stream/return');
    expect(entry?.direction).toBe('out');
    expect(entry?.signatures[0][1]).toMatchObject({ type: 'b', blob: { encoding: 'float32le' } });
  });

  it('carries a VQ frame\'s audio as little-endian float32 that decodes to the same samples', () => {
    const audio = Float32Array.of(0.5, -0.25, 0.125, 1e-3);
    const messages = vqMessages({ clientId: 'c', streamId: 3, model: 'vq', seq: 9, time: 0, codes: Int32Array.of(7), audio });
    const ret = messages.find((m) => m.address === '/mb/stream/return');
    expect(ret).toBeDefined();
    const packet = decodePacket(encodeBundle(messages));
    const decoded = JSON.stringify(packet);
    expect(decoded).toContain('/mb/stream/return');
    const blob = ret!.args[1].value as Uint8Array;
    const back = new Float32Array(blob.buffer.slice(blob.byteOffset, blob.byteOffset + blob.byteLength));
    expect(Array.from(back)).toEqual(Array.from(audio));
    expect(ret!.args[0].value).toBe(3);
  });

  it('is not sent for frames without audio', () => {
    const messages = vqMessages({ clientId: 'c', streamId: 3, model: 'vq', seq: 9, time: 0, codes: Int32Array.of(7) });
    expect(messages.some((m) => m.address === '/mb/stream/return')).toBe(false);
  });
});
