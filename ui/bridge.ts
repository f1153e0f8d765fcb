import { decodePacket, encodeMessage, type OscArg } from '../src/net/osc/wire';

/**
 * The page's connection to the bridge: the WebSocket every OSCQuery client uses (binary frames
 * are OSC packets, text frames LISTEN/IGNORE), through the project's own OSC codec
 * (src/net/osc/wire.ts). It runs in the page's stream worker (stream-worker.ts), off the main
 * thread, so that drawing never delays audio on its way to the bridge or frames to the synth. When the bridge goes away it reconnects with backoff (0.5 s doubling
 * to 8 s) and tells its listeners, which re-open their streams.
 *
 * @example
 * const bridge = new BridgeConnection(`ws://${location.host}/`);
 * bridge.on('/mb/pong', (args) => console.log(args[0]));
 * bridge.onState((s) => s === 'open' && bridge.send('/mb/ping', i(7)));
 */
export type ConnectionState = 'connecting' | 'open' | 'closed';
export type OscValues = unknown[];

export const i = (value: number): OscArg => ({ type: 'i', value: value | 0 });
export const f = (value: number): OscArg => ({ type: 'f', value });
export const s = (value: string): OscArg => ({ type: 's', value });
export const b = (value: Uint8Array): OscArg => ({ type: 'b', value });

const BACKOFF_MS = [500, 1000, 2000, 4000, 8000];

export class BridgeConnection {
  state: ConnectionState = 'connecting';
  /** When the next reconnect attempt starts (performance.now() ms), while closed. */
  retryAt = 0;
  packetsIn = 0;
  private ws: WebSocket | null = null;
  private attempt = 0;
  private readonly handlers = new Map<string, ((args: OscValues, timeTag?: number) => void)[]>();
  private readonly anyHandlers: ((address: string, args: OscValues) => void)[] = [];
  private stateHandlers: ((s: ConnectionState) => void)[] = [];
  private readonly listens = new Set<string>();
  private disposed = false;

  constructor(private readonly url: string) {
    this.open();
  }

  /** Calls `handler` with the argument values of every message at `address`; returns its removal. */
  on(address: string, handler: (args: OscValues, timeTag?: number) => void): () => void {
    this.handlers.set(address, [...(this.handlers.get(address) ?? []), handler]);
    return () => this.handlers.set(address, (this.handlers.get(address) ?? []).filter((h) => h !== handler));
  }

  /** Calls `handler` with every message received, after the handlers of its address. */
  onAny(handler: (address: string, args: OscValues) => void): void {
    this.anyHandlers.push(handler);
  }

  onState(handler: (s: ConnectionState) => void): () => void {
    this.stateHandlers.push(handler);
    return () => (this.stateHandlers = this.stateHandlers.filter((h) => h !== handler));
  }

  /** Sends one OSC message; false (and nothing sent) while the bridge is away. */
  send(address: string, ...args: OscArg[]): boolean {
    if (this.ws?.readyState !== WebSocket.OPEN) return false;
    this.ws.send(encodeMessage({ address, args }));
    return true;
  }

  /** OSCQuery LISTEN; kept across reconnects. */
  listen(address: string): void {
    this.listens.add(address);
    this.ws?.readyState === WebSocket.OPEN && this.ws.send(JSON.stringify({ COMMAND: 'LISTEN', DATA: address }));
  }

  dispose(): void {
    this.disposed = true;
    this.ws?.close();
  }

  private setState(state: ConnectionState): void {
    this.state = state;
    for (const h of this.stateHandlers) h(state);
  }

  private open(): void {
    this.setState('connecting');
    const ws = new WebSocket(this.url);
    ws.binaryType = 'arraybuffer';
    this.ws = ws;
    ws.onopen = () => {
      this.attempt = 0;
      for (const a of this.listens) ws.send(JSON.stringify({ COMMAND: 'LISTEN', DATA: a }));
      this.setState('open');
    };
    ws.onmessage = (e) => typeof e.data !== 'string' && this.receive(new Uint8Array(e.data as ArrayBuffer));
    ws.onclose = () => {
      if (this.ws !== ws) return;
      this.ws = null;
      if (this.disposed) return;
      const wait = BACKOFF_MS[Math.min(this.attempt++, BACKOFF_MS.length - 1)];
      this.retryAt = performance.now() + wait;
      this.setState('closed');
      setTimeout(() => this.open(), wait);
    };
  }

  private receive(bytes: Uint8Array): void {
    this.packetsIn++;
    const packet = decodePacket(bytes);
    for (const m of packet.messages) {
      const values = m.args.map((a) => a.value);
      for (const h of this.handlers.get(m.address) ?? []) h(values, packet.timeTag);
      for (const h of this.anyHandlers) h(m.address, values);
    }
  }
}
