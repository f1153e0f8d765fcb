import { describe, expect, it } from 'vitest';
import { readWav } from '../../src/audio/wav';

/** A WAVE_FORMAT_EXTENSIBLE file with IEEE-float samples, as Pd's `soundfiler -bytes 4` writes. */
function extensibleFloatWav(samples: number[], sampleRate: number): Buffer {
  const data = Buffer.alloc(samples.length * 4);
  samples.forEach((v, i) => data.writeFloatLE(v, i * 4));
  const fmt = Buffer.alloc(40);
  fmt.writeUInt16LE(0xfffe, 0); // WAVE_FORMAT_EXTENSIBLE
  fmt.writeUInt16LE(1, 2); // channels
  fmt.writeUInt32LE(sampleRate, 4);
  fmt.writeUInt32LE(sampleRate * 4, 8);
  fmt.writeUInt16LE(4, 12); // block align
  fmt.writeUInt16LE(32, 14); // bits
  fmt.writeUInt16LE(22, 16); // extension size
  fmt.writeUInt16LE(32, 18); // valid bits
  fmt.writeUInt32LE(4, 20); // channel mask
  // KSDATAFORMAT_SUBTYPE_IEEE_FLOAT 00000003-0000-0010-8000-00aa00389b71
  Buffer.from([3, 0, 0, 0, 0, 0, 0x10, 0, 0x80, 0, 0, 0xaa, 0, 0x38, 0x9b, 0x71]).copy(fmt, 24);
  const chunk = (id: string, body: Buffer) => {
    const h = Buffer.alloc(8);
    h.write(id, 0, 'ascii');
    h.writeUInt32LE(body.length, 4);
    return Buffer.concat([h, body]);
  };
  const body = Buffer.concat([Buffer.from('WAVE'), chunk('fmt ', fmt), chunk('data', data)]);
  return chunk('RIFF', body);
}

describe('readWav, extensible float', () => {
  it('reads WAVE_FORMAT_EXTENSIBLE float data as floats (not as integers)', () => {
    const values = [0, 0.25, -0.5, 0.75, -1];
    const wav = readWav(extensibleFloatWav(values, 16000));
    expect(wav.bitDepth).toBe('32f');
    expect(wav.sampleRate).toBe(16000);
    expect(Array.from(wav.samples)).toEqual(values);
  });
});
