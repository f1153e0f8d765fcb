import { timingSafeEqual } from 'node:crypto';
import { realpath } from 'node:fs/promises';
import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import { MbError, toMbError } from '../../core/errors';
import { log } from '../../core/log';
import { listenMode } from '../../verbs/table';
import type { OscRouter } from '../osc/router';
import type { ClientSession } from '../osc/session';
import { hostInfo, serveOscQuery } from './oscquery-http';
import { defaultUiDir, isFilesPath, isUiPath, sendText, serveFile, serveUi } from './ui-static';

/**
 * One HTTP + WebSocket server (OSCQuery): HTTP GET serves the namespace and host info, and
 * the browser page below /ui/ (ui-static.ts);
 * WebSocket binary frames carry OSC packets both ways and text frames carry
 * {"COMMAND":"LISTEN"|"IGNORE","DATA":"/mb/params"}. Upgrades are checked (Origin, optional
 * token, connection limit), payloads are capped, and a ping/pong heartbeat drops dead peers.
 *
 * @example
 * const ws = await WsServer.open(router, { host: '127.0.0.1', port: 9131 });
 * // browser: new WebSocket('ws://127.0.0.1:9131'); fetch('http://127.0.0.1:9131/?HOST_INFO')
 * // the page: http://127.0.0.1:9131/ui/
 */
export interface WsOptions {
  host: string;
  port: number;
  /** Shared token required on upgrade (?token=… or x-mb-token header) when set. */
  token?: string;
  /** Origins allowed besides none and localhost ones, e.g. 'http://studio.local:8080'. */
  allowedOrigins: string[];
  maxPayload: number;
  heartbeatMs: number;
  maxConnections: number;
  /** Where OSC over UDP listens, for HOST_INFO. */
  udp?: { host: string; port: number };
  /** The built page served below /ui/ (default dist/ui at the package root). */
  uiDir: string;
}

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);
const HIGH_WATER = 1 << 20;

interface Peer {
  ws: WebSocket;
  session: ClientSession;
  alive: boolean;
}

export class WsServer {
  static getDefaults(): Omit<WsOptions, 'host' | 'port'> {
    return { allowedOrigins: [], maxPayload: 256 * 1024, heartbeatMs: 10_000, maxConnections: 64, uiDir: defaultUiDir() };
  }

  private readonly wss: WebSocketServer;
  private readonly peers = new Set<Peer>();
  private readonly heartbeat: NodeJS.Timeout;
  private nextId = 1;
  rejectedUpgrades = 0;

  private constructor(
    private readonly server: http.Server,
    private readonly router: OscRouter,
    private readonly options: WsOptions,
  ) {
    this.wss = new WebSocketServer({ noServer: true, maxPayload: options.maxPayload, clientTracking: false });
    server.on('request', (req, res) => this.onRequest(req, res));
    server.on('upgrade', (req, socket, head) => this.onUpgrade(req, socket as Socket, head));
    server.on('clientError', (_err, socket) => socket.destroy());
    server.on('error', (err) => log.error(`http: ${err.message}`));
    this.heartbeat = setInterval(() => this.beat(), options.heartbeatMs);
    this.heartbeat.unref();
  }

  static open(router: OscRouter, options: Partial<WsOptions> & { host: string; port: number }): Promise<WsServer> {
    const opts: WsOptions = { ...WsServer.getDefaults(), ...options };
    const server = http.createServer();
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(opts.port, opts.host, () => {
        server.off('error', reject);
        resolve(new WsServer(server, router, opts));
      });
    });
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  get host(): string {
    return (this.server.address() as AddressInfo).address;
  }

  get connections(): number {
    return this.peers.size;
  }

  async close(): Promise<void> {
    clearInterval(this.heartbeat);
    for (const p of this.peers) p.ws.terminate();
    this.server.closeAllConnections?.();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private originAllowed(origin: string | undefined): boolean {
    if (origin === undefined) return true;
    if (this.options.allowedOrigins.includes(origin)) return true;
    try {
      return LOCAL_HOSTS.has(new URL(origin).hostname);
    } catch {
      return false;
    }
  }

  private tokenOk(req: http.IncomingMessage): boolean {
    const want = this.options.token;
    if (!want) return true;
    const url = new URL(req.url ?? '/', 'http://localhost');
    const got = url.searchParams.get('token') ?? req.headers['x-mb-token'];
    if (typeof got !== 'string') return false;
    const a = Buffer.from(got);
    const b = Buffer.from(want);
    return a.length === b.length && timingSafeEqual(a, b);
  }

  private onRequest(req: http.IncomingMessage, res: http.ServerResponse): void {
    const origin = req.headers.origin;
    const cors: Record<string, string> = origin && this.originAllowed(origin) ? { 'Access-Control-Allow-Origin': origin, Vary: 'Origin' } : {};
    const pathname = (req.url ?? '/').split('?')[0];
    if ((req.method === 'GET' || req.method === 'HEAD') && isUiPath(pathname)) {
      if (isFilesPath(pathname)) {
        // The files folder holds what jobs wrote: with a token, only its holders read it.
        if (!this.tokenOk(req)) sendText(res, 401, 'a token is needed: add ?token=... to the address\n', cors);
        else {
          const files = this.router.engine.files;
          void serveFile(req, res, pathname, (rel) => files.resolve(rel, 'read'), () => realpath(files.root), cors);
        }
        return;
      }
      serveUi(req, res, pathname, this.options.uiDir, () => this.router.engine.registry.loaded(), cors);
      return;
    }
    const names = [...new Set(this.router.engine.registry.loaded().flatMap((m) => m.manifest.params?.map((p) => p.name) ?? []))];
    serveOscQuery(req, res, names, hostInfo(this.options.udp, { host: this.host, port: this.port }), cors);
  }

  private refuse(socket: Socket, status: number, reason: string): void {
    this.rejectedUpgrades++;
    socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  }

  private onUpgrade(req: http.IncomingMessage, socket: Socket, head: Buffer): void {
    socket.on('error', () => socket.destroy());
    if (!this.originAllowed(req.headers.origin)) return this.refuse(socket, 403, 'Forbidden');
    if (!this.tokenOk(req)) return this.refuse(socket, 401, 'Unauthorized');
    if (this.peers.size >= this.options.maxConnections) return this.refuse(socket, 503, 'Service Unavailable');
    this.wss.handleUpgrade(req, socket, head, (ws) => this.onConnection(ws, req));
  }

  private onConnection(ws: WebSocket, req: http.IncomingMessage): void {
    const id = `ws:${this.nextId++}`;
    const session = this.router.attach(id, 'ws', {
      ready: () => ws.readyState === WebSocket.OPEN && ws.bufferedAmount < HIGH_WATER,
      send: (bytes, done) => (ws.readyState === WebSocket.OPEN ? ws.send(bytes, { binary: true }, () => done()) : done()),
    }, { remoteHost: req.socket.remoteAddress ?? '' });
    if (!session) {
      ws.close(1013, 'too many clients');
      return;
    }
    const peer: Peer = { ws, session, alive: true };
    this.peers.add(peer);
    ws.on('pong', () => (peer.alive = true));
    ws.on('message', (data, isBinary) => this.onMessage(peer, data, isBinary));
    ws.on('error', (err) => log.debug(`ws ${id}: ${err.message}`));
    ws.on('close', () => {
      this.peers.delete(peer);
      this.router.detach(id, 'disconnected');
    });
  }

  private onMessage(peer: Peer, data: RawData, isBinary: boolean): void {
    peer.alive = true;
    const bytes = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
    if (isBinary) {
      this.router.receive(peer.session, bytes);
      return;
    }
    peer.session.lastSeen = Date.now();
    try {
      this.command(peer.session, bytes.toString('utf8'));
    } catch (err) {
      this.router.sendError(peer.session, toMbError(err, 'MB_ERR_BAD_ARGS'));
    }
  }

  /** OSCQuery text commands: LISTEN and IGNORE. */
  private command(session: ClientSession, text: string): void {
    let cmd: { COMMAND?: unknown; DATA?: unknown };
    try {
      cmd = JSON.parse(text);
    } catch {
      throw new MbError('MB_ERR_BAD_ARGS', `text frames must be JSON like {"COMMAND":"LISTEN","DATA":"/mb/params"}, got ${JSON.stringify(text.slice(0, 60))}`);
    }
    const address = typeof cmd?.DATA === 'string' ? cmd.DATA.replace(/(.)\/$/, '$1') : undefined;
    if (cmd?.COMMAND !== 'LISTEN' && cmd?.COMMAND !== 'IGNORE') throw new MbError('MB_ERR_BAD_ARGS', `COMMAND must be LISTEN or IGNORE, got ${JSON.stringify(cmd?.COMMAND)}`);
    if (!address) throw new MbError('MB_ERR_BAD_ARGS', 'DATA must be an OSC address');
    if (cmd.COMMAND === 'IGNORE') {
      session.listens.delete(address);
      return;
    }
    const mode = listenMode(address);
    if (!mode) throw new MbError('MB_ERR_UNKNOWN_ADDRESS', `${JSON.stringify(address.slice(0, 80))} is not an output address or container of /mb`);
    session.listens.set(address, mode);
  }

  private beat(): void {
    for (const peer of this.peers) {
      if (!peer.alive) {
        peer.ws.terminate();
        continue;
      }
      peer.alive = false;
      try {
        peer.ws.ping();
      } catch {
        peer.ws.terminate();
      }
    }
  }
}
