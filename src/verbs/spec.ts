import type { ArgSpec } from '../core/arg-spec';
import type { Engine } from '../engine/engine';

/**
 * Types of the verb table (table.ts): every verb a client can send — its address, arguments,
 * replies, the front doors it exists at and its one handler — and every message the server
 * sends. OSC over UDP and WebSocket, Max (selector = address without /mb/) and the CLI parse
 * through it; docs/osc.md, the OSCQuery namespace, the Max refpages and the patch validator
 * are generated from it.
 *
 * @example
 * const verb: Verb = {
 *   address: '/mb/ping', group: 'connection', direction: 'in', access: 'w', doors: ['osc', 'max'],
 *   description: 'Round-trip check.', signatures: [[{ name: 'token', type: 'i', description: 'Echoed.' }]],
 *   replies: ['/mb/pong'],
 *   handler: (a) => [reply('/mb/pong', int(a.int('token')))],
 * };
 */
export type { ArgSpec } from '../core/arg-spec';

/** The front doors. WebSocket clients speak OSC packets and share the 'osc' door. */
export type Door = 'osc' | 'max';
export const DOORS: readonly Door[] = ['osc', 'max'];

export type VerbGroup = 'connection' | 'models' | 'streams' | 'audio' | 'params' | 'vq' | 'jobs' | 'status' | 'files' | 'server' | 'errors';

/** One typed argument, as OSC carries it ('i', 'f', 's', 'b'); Max atoms are typed the same way on the way in. */
export interface Atom {
  type: string;
  value: unknown;
}

/** A message the server sends: an out address of the table and its arguments. */
export interface Reply {
  address: string;
  args: Atom[];
}

interface EntryBase {
  /** Full address; `{name}` marks a part filled from a model manifest (parameter names). */
  readonly address: string;
  readonly group: VerbGroup;
  readonly description: string;
  /** Accepted argument lists; the first is the main one, others are alternatives (e.g. a blob). */
  readonly signatures: readonly (readonly ArgSpec[])[];
  /** The doors it exists at. */
  readonly doors: readonly Door[];
}

/** A message the server sends. */
export interface OutEntry extends EntryBase {
  readonly direction: 'out';
  /** OSCQuery access: clients read (listen to) out addresses. */
  readonly access: 'r';
  /** Sent outside the /mb root to a third-party peer (Wekinator); not in the OSCQuery namespace. */
  readonly external?: boolean;
  /** Sent only to clients that /mb/listen to it, the stream's owner included. */
  readonly listenOnly?: boolean;
}

/** A verb: a message a client sends, and what the server does with it. */
export interface Verb extends EntryBase {
  readonly direction: 'in';
  /** OSCQuery access: clients write in addresses. */
  readonly access: 'w';
  /** Addresses the server answers with (besides /mb/error). */
  readonly replies?: readonly string[];
  /** False for verbs a door runs before its engine exists (Max `config`). Default true. */
  readonly needsEngine?: boolean;
  /** Runs on the audio path: a door must not wait for it (Max answers MB_ERR_BUSY while starting). */
  readonly realtime?: boolean;
  readonly handler: VerbHandler;
}

export type TableEntry = Verb | OutEntry;

/**
 * What a front door offers the handlers besides the engine. Each verb uses only what the doors
 * it is declared at provide; `need` turns a missing one into MB_ERR_UNSUPPORTED.
 */
export interface DoorServices {
  readonly name: Door;
  readonly version: string;
  /** True when this client hears `address` from the engine's events anyway (so a reply would repeat it). */
  hears(address: string): boolean;
  /** OSC over UDP: where replies go from now on; returns the port in use. */
  setReplyPort?(port: number): number;
  /** OSC: subscribes to an out address or a container of them (MB_ERR_UNKNOWN_ADDRESS otherwise). */
  listen?(address: string): void;
  ignore?(address: string): void;
  /** OSC: ends the session. */
  detach?(reason: string): void;
  /** OSC over UDP: Wekinator output of a stream to host:port (port 0 stops it). */
  wekinator?(streamId: number, host: string, port: number): void;
  /** Counters of the door's transport for /mb/status. */
  netStatus?(): { clients: number; droppedOut: number; details: Record<string, unknown> };
  /** Max: the stream bare lists of samples go to. */
  setDefaultStream?(id: number): void;
  /** Max: starts or stops the OSC/WebSocket servers over the same engine. */
  serve?(oscPort: number | undefined, httpPort: number | undefined): Promise<Reply>;
  unserve?(): Promise<Reply>;
  /** Max: sets an engine option before the engine exists. */
  configure?(key: string, value: string): void;
  /** Max: runs the request held in a [dict] {"command": "<selector>", "args": [...]}. */
  runDict?(name: string): Promise<void>;
}

export interface VerbContext {
  /** The engine (a door starts it before running a verb that needs it). */
  readonly engine: Engine;
  /** The client in the engine: streams, jobs and controls belong to it. */
  readonly clientId: string;
  readonly door: DoorServices;
}

/** A verb's arguments, checked against its signature and named (args.ts makes them). */
export interface ParsedArgs {
  int(name: string): number;
  float(name: string): number;
  str(name: string): string;
  optStr(name: string): string | undefined;
  optInt(name: string): number | undefined;
  /** Repeated floats or a float32 blob, the same shape either way. */
  floats(name: string): Float32Array;
  has(name: string): boolean;
}

export type VerbHandler = (args: ParsedArgs, ctx: VerbContext) => Reply[] | void | Promise<Reply[] | void>;
