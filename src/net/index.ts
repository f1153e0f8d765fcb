import { checkInt, MbError } from '../core/errors';
import { log } from '../core/log';
import type { Engine } from '../engine/engine';
import { OscRouter, type RouterOptions } from './osc/router';
import { UdpTransport } from './osc/udp';
import { WsServer, type WsOptions } from './ws/server';

/**
 * Starts the bridge's network side over one engine: OSC over UDP (default 9130) and
 * HTTP + WebSocket with the OSCQuery namespace (default 9131), both on 127.0.0.1 unless
 * `allowLan` is set explicitly. Port 0 picks a free port (tests).
 *
 * @example
 * const servers = await startServers(engine, { oscPort: 9130, httpPort: 9131 });
 * console.log(`OSC udp://${servers.host}:${servers.oscPort}  OSCQuery ${servers.oscQueryUrl}`);
 * process.on('SIGINT', () => void servers.close());
 */
export interface ServerOptions {
  oscPort: number;
  httpPort: number;
  host: string;
  /** Shared WebSocket token (?token=… or x-mb-token header); meant for LAN use. */
  token?: string;
  /** Required to bind anything but loopback; prints a warning. */
  allowLan: boolean;
  /** Extra browser origins allowed to open a WebSocket. */
  allowedOrigins: string[];
  silenceTimeoutMs: number;
  heartbeatMs: number;
  maxPayload: number;
  clientQueue: number;
  version: string;
  /** The built browser page served at /ui/ (default dist/ui at the package root). */
  uiDir?: string;
}

export interface ServerHandles {
  router: OscRouter;
  udp: UdpTransport;
  ws: WsServer;
  host: string;
  oscPort: number;
  httpPort: number;
  oscQueryUrl: string;
  /** The browser page (http://127.0.0.1:9131/ui/ by default). */
  uiUrl: string;
  close(): Promise<void>;
}

export function serverDefaults(): ServerOptions {
  return {
    oscPort: 9130,
    httpPort: 9131,
    host: '127.0.0.1',
    allowLan: false,
    allowedOrigins: [],
    silenceTimeoutMs: 30_000,
    heartbeatMs: 10_000,
    maxPayload: 256 * 1024,
    clientQueue: 256,
    version: '0.1.0',
  };
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

function checkServerOptions(o: ServerOptions): void {
  checkInt('oscPort', o.oscPort, 0, 65535);
  checkInt('httpPort', o.httpPort, 0, 65535);
  if (!isLoopback(o.host) && !o.allowLan) {
    throw new MbError('MB_ERR_BAD_ARGS', `host ${o.host} is not loopback; opening to the LAN needs the explicit allowLan flag (--allow-lan)`);
  }
  if (o.token !== undefined && (o.token.length < 8 || /\s/.test(o.token))) {
    throw new MbError('MB_ERR_BAD_ARGS', 'token must be at least 8 characters without spaces');
  }
}

function bindError(err: unknown, what: string, port: number): MbError {
  const code = (err as NodeJS.ErrnoException).code;
  const why = code === 'EADDRINUSE' ? `port ${port} is in use (another mirrorbridge?); pick another port` : (err as Error).message;
  return new MbError('MB_ERR_BAD_ARGS', `cannot start ${what}: ${why}`);
}

export async function startServers(engine: Engine, options: Partial<ServerOptions> = {}): Promise<ServerHandles> {
  const o = { ...serverDefaults(), ...options };
  checkServerOptions(o);
  if (o.allowLan) {
    log.warn(`opened to the LAN on ${o.host}: OSC over UDP has no authentication${o.token ? '' : ' and WebSocket has no token (set one)'}; use only on a trusted network`);
  }
  const routerOptions: Partial<RouterOptions> = { silenceTimeoutMs: o.silenceTimeoutMs, allowLan: o.allowLan, clientQueue: o.clientQueue, version: o.version };
  const router = new OscRouter(engine, routerOptions);
  let udp: UdpTransport | undefined;
  try {
    udp = await UdpTransport.open(router, { host: o.host, port: o.oscPort }).catch((err) => {
      throw bindError(err, 'OSC over UDP', o.oscPort);
    });
    const wsOptions: Partial<WsOptions> & { host: string; port: number } = {
      host: o.host,
      port: o.httpPort,
      token: o.token,
      allowedOrigins: o.allowedOrigins,
      heartbeatMs: o.heartbeatMs,
      maxPayload: o.maxPayload,
      udp: { host: udp.host, port: udp.port },
      ...(o.uiDir ? { uiDir: o.uiDir } : {}),
    };
    const ws = await WsServer.open(router, wsOptions).catch((err) => {
      throw bindError(err, 'HTTP/WebSocket', o.httpPort);
    });
    const urlHost = o.host.includes(':') ? `[${o.host}]` : o.host;
    const handles: ServerHandles = {
      router,
      udp,
      ws,
      host: o.host,
      oscPort: udp.port,
      httpPort: ws.port,
      oscQueryUrl: `http://${urlHost}:${ws.port}/`,
      uiUrl: `http://${urlHost}:${ws.port}/ui/`,
      close: async () => {
        router.close();
        await Promise.all([udp!.close(), ws.close()]);
      },
    };
    return handles;
  } catch (err) {
    router.close();
    await udp?.close();
    throw err;
  }
}

export { OscRouter } from './osc/router';
export { UdpTransport } from './osc/udp';
export { WsServer } from './ws/server';
export { buildNamespace } from './osc/oscquery';
