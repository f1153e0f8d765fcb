import * as osc from 'osc';
import { MbError } from '../../core/errors';
import type { Atom, Reply } from '../../verbs/spec';

/**
 * The OSC wire format boundary: the `osc` package (osc.js) encodes and decodes, and every decode is
 * guarded here so that no malformed packet escapes as an exception. Transports only see
 * `decodePacket` (flat list of messages, bundles unwrapped) and `encodeBundle`.
 *
 * @example
 * const bytes = encodeBundle([{ address: '/mb/pong', args: [oscInt(7)] }]);
 * decodePacket(bytes).messages[0].address; // '/mb/pong'
 */
/** OSC arguments and messages are the verb table's atoms and replies, as they are. */
export type OscArg = Atom;
export type OscMessage = Reply;

export interface DecodedPacket {
  messages: OscMessage[];
  /** Time tag of the outermost bundle in ms since the epoch, when the packet was a bundle. */
  timeTag?: number;
}

export const oscInt = (value: number): OscArg => ({ type: 'i', value: value | 0 });
export const oscFloat = (value: number): OscArg => ({ type: 'f', value });
export const oscString = (value: string): OscArg => ({ type: 's', value });
export const oscBlob = (value: Uint8Array): OscArg => ({ type: 'b', value });

/** Bundles nested deeper than this, or holding more messages, are refused. */
export const MAX_BUNDLE_DEPTH = 8;
export const MAX_MESSAGES_PER_PACKET = 1024;

const READ_OPTIONS: osc.CodecOptions = { metadata: true, unpackSingleArgs: false };

function isBundle(p: osc.RawMessage | osc.RawBundle): p is osc.RawBundle {
  return (p as osc.RawBundle).packets !== undefined;
}

function flatten(p: osc.RawMessage | osc.RawBundle, out: OscMessage[], depth: number): void {
  if (!isBundle(p)) {
    if (out.length >= MAX_MESSAGES_PER_PACKET) throw new Error(`more than ${MAX_MESSAGES_PER_PACKET} messages in one packet`);
    out.push({ address: p.address, args: Array.isArray(p.args) ? p.args : [p.args] });
    return;
  }
  if (depth >= MAX_BUNDLE_DEPTH) throw new Error(`bundles nested deeper than ${MAX_BUNDLE_DEPTH}`);
  for (const inner of p.packets) flatten(inner, out, depth + 1);
}

/**
 * Decodes one datagram or WebSocket frame. Never throws anything but MbError
 * (MB_ERR_BAD_ARGS, "malformed OSC packet: ...").
 */
export function decodePacket(bytes: Uint8Array): DecodedPacket {
  try {
    // osc.js reads blobs relative to the underlying ArrayBuffer, so the packet must start at
    // offset 0 of a buffer holding nothing else; copy it when it does not.
    const own = bytes.byteOffset === 0 && bytes.buffer.byteLength === bytes.byteLength ? bytes : new Uint8Array(bytes);
    const packet = osc.readPacket(own, READ_OPTIONS);
    const messages: OscMessage[] = [];
    flatten(packet, messages, 0);
    const native = isBundle(packet) ? packet.timeTag.native : undefined;
    return { messages, timeTag: typeof native === 'number' && Number.isFinite(native) ? native : undefined };
  } catch (err) {
    if (err instanceof MbError) throw err;
    throw new MbError('MB_ERR_BAD_ARGS', `malformed OSC packet (${bytes.length} bytes): ${(err as Error)?.message ?? String(err)}`.slice(0, 300));
  }
}

/** Encodes messages as one bundle whose time tag is `timeMs` (ms since the epoch; default now). */
export function encodeBundle(messages: OscMessage[], timeMs: number = nowMs()): Uint8Array {
  return guardEncode(() => osc.writePacket({ timeTag: { native: timeMs }, packets: messages }, READ_OPTIONS));
}

/** Encodes one plain message (used only where a peer cannot take bundles). */
export function encodeMessage(message: OscMessage): Uint8Array {
  return guardEncode(() => osc.writePacket(message, READ_OPTIONS));
}

function guardEncode(fn: () => Uint8Array): Uint8Array {
  try {
    return fn();
  } catch (err) {
    throw new MbError('MB_ERR_INTERNAL', `cannot encode OSC: ${(err as Error).message}`);
  }
}

/** Wall-clock time in ms with sub-millisecond resolution, for time tags. */
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}
