/** The parts of the `osc` package (osc.js) codec that mirrorbridge uses. */
declare module 'osc' {
  export interface MetaArg {
    type: string;
    value: unknown;
  }
  export interface RawMessage {
    address: string;
    args: MetaArg[] | MetaArg;
  }
  export interface TimeTag {
    raw?: [number, number];
    native?: number;
  }
  export interface RawBundle {
    timeTag: TimeTag;
    packets: (RawMessage | RawBundle)[];
  }
  export interface CodecOptions {
    metadata?: boolean;
    unpackSingleArgs?: boolean;
  }
  export function readPacket(data: Uint8Array, options?: CodecOptions): RawMessage | RawBundle;
  export function writePacket(packet: RawMessage | RawBundle, options?: CodecOptions): Uint8Array;
  export function timeTag(secs?: number, now?: number): TimeTag;
}
