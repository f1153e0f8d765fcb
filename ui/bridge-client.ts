import type { AudioPathOptions, PathStats } from './audio-path';
import type { ConnectionState, OscValues } from './bridge';
import type { ToWorker } from './stream-worker';
import type { OscArg } from '../src/net/osc/wire';

/**
 * The main thread's side of the bridge: the same calls as BridgeConnection (on, onState, send,
 * listen), carried to and from the stream worker that holds the WebSocket, plus the audio path's
 * set-up and figures.
 *
 * @example
 * const bridge = new BridgeClient(`ws://${location.host}/`);
 * bridge.on('/mb/pong', (args) => console.log(args[0]));
 */
export class BridgeClient {
  state: ConnectionState = 'connecting';
  /** performance.now() ms of the next reconnect attempt, while closed. */
  retryAt = 0;
  /** The audio path's latest figures (refreshed by requestStats). */
  pathStats: PathStats | null = null;
  private readonly worker = new Worker('stream-worker.js');
  private handlers = new Map<string, ((args: OscValues) => void)[]>();
  private stateHandlers: ((s: ConnectionState) => void)[] = [];

  constructor(url: string) {
    this.worker.onmessage = (e) => this.receive(e.data);
    this.post({ type: 'connect', url });
  }

  private post(m: ToWorker, transfer: Transferable[] = []): void {
    this.worker.postMessage(m, transfer);
  }

  private receive(m: { type: 'osc'; address: string; values: OscValues } | { type: 'state'; state: ConnectionState; retryAt: number } | { type: 'stats'; stats: PathStats | null }): void {
    if (m.type === 'osc') for (const h of this.handlers.get(m.address) ?? []) h(m.values);
    else if (m.type === 'stats') this.pathStats = m.stats;
    else {
      this.state = m.state;
      this.retryAt = performance.now() + m.retryAt;
      for (const h of this.stateHandlers) h(m.state);
    }
  }

  on(address: string, handler: (args: OscValues) => void): () => void {
    this.handlers.set(address, [...(this.handlers.get(address) ?? []), handler]);
    return () => this.handlers.set(address, (this.handlers.get(address) ?? []).filter((h) => h !== handler));
  }

  onState(handler: (s: ConnectionState) => void): () => void {
    this.stateHandlers.push(handler);
    return () => (this.stateHandlers = this.stateHandlers.filter((h) => h !== handler));
  }

  /** Sends one OSC message; false while the bridge is away (as far as this thread knows). */
  send(address: string, ...args: OscArg[]): boolean {
    if (this.state !== 'open') return false;
    this.post({ type: 'send', address, args });
    return true;
  }

  listen(address: string): void {
    this.post({ type: 'listen', address });
  }

  /** Hands the worklets' ports to the worker: blocks and frames then bypass this thread. */
  attachAudio(ports: { capture: MessagePort; synth: MessagePort; player: MessagePort }, options: AudioPathOptions): void {
    this.post({ type: 'audio', ...ports, options }, [ports.capture, ports.synth, ports.player]);
  }

  setStreaming(on: boolean, restart: boolean): void {
    this.post({ type: 'streaming', on, restart });
  }

  requestStats(): void {
    this.post({ type: 'stats' });
  }

  detachAudio(): void {
    this.post({ type: 'stop' });
  }
}
