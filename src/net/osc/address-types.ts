/**
 * Types of the OSC address table (address-table.ts), the single source for handlers,
 * docs/osc.md, the OSCQuery namespace and patch validation.
 */

/** OSC type tags mirrorbridge reads and writes. Incoming 'i' also accepts integral 'f'/'d' (Pd sends floats). */
export type OscTypeTag = 'i' | 'f' | 's' | 'b';

/** What a string argument names; decides how it is checked. */
export type StringFormat = 'model-name' | 'file' | 'descriptor' | 'address' | 'host' | 'text';

export interface ArgSpec {
  readonly name: string;
  readonly type: OscTypeTag;
  readonly description: string;
  /** Inclusive numeric range. */
  readonly min?: number;
  readonly max?: number;
  /** Allowed values of a string argument. */
  readonly values?: readonly string[];
  readonly format?: StringFormat;
  readonly unit?: string;
  /** Trailing argument that may be left out. */
  readonly optional?: boolean;
  /** Last argument repeated between min and max times (e.g. audio samples as floats). */
  readonly repeat?: { readonly min: number; readonly max: number };
  /** A blob argument holding little-endian float32 values, at most `maxBytes` long. */
  readonly blob?: { readonly encoding: 'float32le'; readonly maxBytes: number };
}

export type AddressGroup = 'connection' | 'models' | 'streams' | 'audio' | 'params' | 'vq' | 'jobs' | 'status' | 'errors';

export interface AddressEntry {
  /** Full OSC address; `{name}` marks a part filled from a model manifest (parameter names). */
  readonly address: string;
  readonly group: AddressGroup;
  /** in: clients send it to the server; out: the server sends it. */
  readonly direction: 'in' | 'out';
  /** OSCQuery access: clients write 'in' addresses and read (listen to) 'out' addresses. */
  readonly access: 'r' | 'w';
  readonly description: string;
  /** Accepted argument lists; the first is the main one, others are alternatives (e.g. a blob). */
  readonly signatures: readonly (readonly ArgSpec[])[];
  /** Addresses the server answers with (besides /mb/error). */
  readonly replies?: readonly string[];
  /** Sent outside the /mb root to a third-party peer (Wekinator); not in the OSCQuery namespace. */
  readonly external?: boolean;
}
