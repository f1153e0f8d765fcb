import { AudioPath, type AudioPathOptions } from './audio-path';
import { BridgeConnection } from './bridge';
import type { OscArg } from '../src/net/osc/wire';

/**
 * The page's stream worker: it holds the WebSocket to the bridge and the stream's hot path
 * (audio-path.ts), and mirrors every message and connection change to the main thread, which
 * sends through it (bridge-client.ts). Messages in: connect, send, listen, audio (the two
 * worklet ports), streaming, stats, stop. Messages out: osc, state, stats.
 */
export type ToWorker =
  | { type: 'connect'; url: string }
  | { type: 'send'; address: string; args: OscArg[] }
  | { type: 'listen'; address: string }
  | { type: 'audio'; capture: MessagePort; synth: MessagePort; player: MessagePort; options: AudioPathOptions }
  | { type: 'streaming'; on: boolean; restart: boolean }
  | { type: 'stats' }
  | { type: 'stop' };

let bridge: BridgeConnection | null = null;
let path: AudioPath | null = null;

const post = (m: unknown) => (self as unknown as Worker).postMessage(m);

self.onmessage = (e: MessageEvent<ToWorker>) => {
  const m = e.data;
  switch (m.type) {
    case 'connect':
      bridge = new BridgeConnection(m.url);
      bridge.onAny((address, values) => post({ type: 'osc', address, values }));
      bridge.onState((state) => post({ type: 'state', state, retryAt: bridge!.retryAt - performance.now() }));
      return;
    case 'send':
      bridge?.send(m.address, ...m.args);
      return;
    case 'listen':
      bridge?.listen(m.address);
      return;
    case 'audio':
      path?.dispose();
      path = bridge && new AudioPath(bridge, m.capture, m.synth, m.player, m.options);
      return;
    case 'streaming':
      if (path && m.restart) path.restart();
      if (path) path.streaming = m.on;
      return;
    case 'stats':
      post({ type: 'stats', stats: path?.stats() ?? null });
      return;
    case 'stop':
      path?.dispose();
      path = null;
      return;
  }
};
