import { readFileSync, writeFileSync } from 'node:fs';
import { WaveFile } from 'wavefile';
import { MbError, checkInt } from '../core/errors';

/**
 * WAV reading and writing on top of the `wavefile` library (no hand-written RIFF parser).
 *
 * Reading accepts 8/16/24/32-bit integer PCM and 32/64-bit float, any channel count, and
 * returns mono float samples in [-1, 1] (channels are averaged). Integer samples are scaled
 * by 2^(bits-1), so the most negative code reads as exactly -1.
 *
 * @example
 * const { samples, sampleRate } = readWav('voice.wav');
 * writeWav('copy.wav', samples, sampleRate, { bitDepth: '24' });
 */
export interface WavData {
  /** Mono samples in [-1, 1]; multi-channel files are mixed down by averaging. */
  samples: Float32Array;
  sampleRate: number;
  /** Channel count of the file (before mix-down). */
  channels: number;
  /** wavefile's bit-depth code: '8', '16', '24', '32', '32f' or '64'. */
  bitDepth: string;
}

/** Bit depths `writeWav` / `encodeWav` can produce. */
export type WavBitDepth = '16' | '24' | '32' | '32f';

export interface WavWriteOptions {
  /** Sample format; default '16'. Integer formats clip to [-1, 1] first. */
  bitDepth?: WavBitDepth;
}

/** What a WaveFile exposes about its format; wavefile types `fmt` only as `object`. */
interface WavFormatChunk {
  audioFormat: number;
  numChannels: number;
  sampleRate: number;
  /** WAVE_FORMAT_EXTENSIBLE sub-format GUID as four uint32; the first is the format tag. */
  subformat?: number[];
}

const READABLE_BIT_DEPTHS = new Set(['8', '16', '24', '32', '32f', '64']);
const WRITABLE_BIT_DEPTHS: readonly WavBitDepth[] = ['16', '24', '32', '32f'];
const PCM = 1;
const IEEE_FLOAT = 3;
const EXTENSIBLE = 0xfffe;

/**
 * Reads a WAV file (path) or WAV bytes (Buffer / Uint8Array) into mono float samples.
 *
 * Throws MB_ERR_NOT_FOUND when the path does not exist and MB_ERR_BAD_AUDIO when the bytes
 * are not a WAV, use a compressed or unsupported format, hold no samples, or hold NaN/Inf.
 *
 * @example
 * const wav = readWav('in.wav');
 * console.log(wav.sampleRate, wav.channels, wav.bitDepth, wav.samples.length);
 */
export function readWav(pathOrBuffer: string | Uint8Array): WavData {
  const label = typeof pathOrBuffer === 'string' ? pathOrBuffer : 'buffer';
  const bytes = typeof pathOrBuffer === 'string' ? readFileBytes(pathOrBuffer) : pathOrBuffer;
  const wav = parseWave(bytes, label);
  const fmt = wav.fmt as WavFormatChunk;
  // wavefile decodes extensible float data (Pd's `-bytes 4`, many DAWs) as integers: read it here.
  const extensibleFloat = fmt.audioFormat === EXTENSIBLE && fmt.subformat?.[0] === IEEE_FLOAT;
  const bitDepth = extensibleFloat && wav.bitDepth === '32' ? '32f' : wav.bitDepth;
  const supportedFormat = fmt.audioFormat === PCM || fmt.audioFormat === IEEE_FLOAT || fmt.audioFormat === EXTENSIBLE;
  if (!supportedFormat || !READABLE_BIT_DEPTHS.has(bitDepth)) {
    throw new MbError(
      'MB_ERR_BAD_AUDIO',
      `${label}: unsupported WAV encoding (format tag ${fmt.audioFormat}, bit depth '${bitDepth}'); ` +
        `expected PCM 8/16/24/32-bit or float 32/64-bit`,
    );
  }
  const channels = fmt.numChannels;
  if (!Number.isInteger(channels) || channels < 1) {
    throw new MbError('MB_ERR_BAD_AUDIO', `${label}: WAV declares ${channels} channels`);
  }
  const interleaved = extensibleFloat ? decodeFloatData(wav, bitDepth) : (wav.getSamples(true, Float64Array) as Float64Array);
  const frames = Math.floor(interleaved.length / channels);
  if (frames === 0) throw new MbError('MB_ERR_BAD_AUDIO', `${label}: WAV holds no audio samples`);
  const samples = mixDown(interleaved, channels, frames, sampleDecoder(bitDepth));
  const bad = samples.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) {
    throw new MbError('MB_ERR_BAD_AUDIO', `${label}: sample ${bad} is not a finite number (NaN or Inf)`);
  }
  return { samples, sampleRate: fmt.sampleRate, channels, bitDepth };
}

/**
 * Encodes mono samples (or an array of equally long channels) as WAV bytes.
 *
 * @example
 * const bytes = encodeWav(new Float32Array(16000), 16000, { bitDepth: '32f' });
 */
export function encodeWav(
  samples: Float32Array | readonly Float32Array[],
  sampleRate: number,
  options: WavWriteOptions = {},
): Buffer {
  const bitDepth = options.bitDepth ?? '16';
  if (!WRITABLE_BIT_DEPTHS.includes(bitDepth)) {
    throw new MbError('MB_ERR_BAD_ARGS', `bitDepth must be one of ${WRITABLE_BIT_DEPTHS.join(', ')}, got ${String(bitDepth)}`);
  }
  checkInt('sampleRate', sampleRate, 1, 768000);
  const channels = samples instanceof Float32Array ? [samples] : samples;
  checkChannels(channels);
  const encoded = channels.map((ch) => encodeChannel(ch, bitDepth));
  const wav = new WaveFile();
  wav.fromScratch(channels.length, sampleRate, bitDepth, channels.length === 1 ? encoded[0] : encoded);
  return Buffer.from(wav.toBuffer());
}

/**
 * Writes mono samples (or equally long channels) to a WAV file; default 16-bit PCM.
 * Integer formats clip to [-1, 1]; '32f' stores the values as they are.
 *
 * @example
 * writeWav('out.wav', samples, 16000);                    // 16-bit
 * writeWav('out32.wav', samples, 16000, { bitDepth: '32f' });
 */
export function writeWav(
  path: string,
  samples: Float32Array | readonly Float32Array[],
  sampleRate: number,
  options: WavWriteOptions = {},
): void {
  const bytes = encodeWav(samples, sampleRate, options);
  try {
    writeFileSync(path, bytes);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new MbError('MB_ERR_NOT_FOUND', `cannot write ${path}: its folder does not exist`);
    throw new MbError('MB_ERR_BAD_ARGS', `cannot write ${path}: ${(err as Error).message}`);
  }
}

function readFileBytes(path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new MbError('MB_ERR_NOT_FOUND', `WAV file not found: ${path}`);
    if (code === 'EISDIR') throw new MbError('MB_ERR_BAD_AUDIO', `${path} is a folder, not a WAV file`);
    throw new MbError('MB_ERR_BAD_AUDIO', `cannot read ${path}: ${(err as Error).message}`);
  }
}

function parseWave(bytes: Uint8Array, label: string): WaveFile {
  if (bytes.length === 0) throw new MbError('MB_ERR_BAD_AUDIO', `${label}: file is empty, not a WAV`);
  try {
    return new WaveFile(bytes);
  } catch (err) {
    throw new MbError('MB_ERR_BAD_AUDIO', `${label}: not a readable WAV file (${(err as Error).message})`);
  }
}

/** Maps a raw wavefile sample value to [-1, 1] for the given bit-depth code. */
/** Little-endian IEEE float samples of the data chunk, interleaved. */
function decodeFloatData(wav: WaveFile, bitDepth: string): Float64Array {
  const raw = (wav.data as { samples: Uint8Array }).samples;
  const size = bitDepth === '64' ? 8 : 4;
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const out = new Float64Array(Math.floor(raw.byteLength / size));
  for (let i = 0; i < out.length; i++) out[i] = size === 8 ? view.getFloat64(i * 8, true) : view.getFloat32(i * 4, true);
  return out;
}

function sampleDecoder(bitDepth: string): (v: number) => number {
  if (bitDepth === '32f' || bitDepth === '64') return (v) => v;
  if (bitDepth === '8') return (v) => (v - 128) / 128; // 8-bit WAV is unsigned
  const scale = 1 / 2 ** (Number(bitDepth) - 1);
  return (v) => v * scale;
}

function mixDown(interleaved: Float64Array, channels: number, frames: number, decode: (v: number) => number): Float32Array {
  const out = new Float32Array(frames);
  for (let i = 0; i < frames; i++) {
    let sum = 0;
    for (let c = 0; c < channels; c++) sum += decode(interleaved[i * channels + c]);
    out[i] = sum / channels;
  }
  return out;
}

function checkChannels(channels: readonly Float32Array[]): void {
  if (channels.length === 0) throw new MbError('MB_ERR_BAD_AUDIO', 'no channels to write');
  const n = channels[0].length;
  if (n === 0) throw new MbError('MB_ERR_BAD_AUDIO', 'no samples to write');
  channels.forEach((ch, c) => {
    if (ch.length !== n) throw new MbError('MB_ERR_BAD_ARGS', `channel ${c} has ${ch.length} samples, channel 0 has ${n}`);
    const bad = ch.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) throw new MbError('MB_ERR_BAD_AUDIO', `channel ${c} sample ${bad} is not a finite number (NaN or Inf)`);
  });
}

/** Converts floats to the integer codes wavefile expects (or passes floats through for '32f'). */
function encodeChannel(ch: Float32Array, bitDepth: WavBitDepth): Float64Array {
  const out = new Float64Array(ch.length);
  if (bitDepth === '32f') {
    out.set(ch);
    return out;
  }
  const full = 2 ** (Number(bitDepth) - 1);
  for (let i = 0; i < ch.length; i++) {
    const clipped = Math.max(-1, Math.min(1, ch[i]));
    out[i] = Math.max(-full, Math.min(full - 1, Math.round(clipped * full)));
  }
  return out;
}
