import * as dgram from 'node:dgram';
import type { AddressInfo } from 'node:net';
import { log } from '../../core/log';
import type { OscRouter } from './router';
import type { ClientSession } from './session';

/**
 * OSC over UDP. Each sender address:port is one client; replies go to the port it
 * registered with /mb/hello (Pd's [netsend] does not receive on its sending socket) or
 * back to the sending port. Socket errors are logged, never thrown.
 *
 * @example
 * const udp = await UdpTransport.open(router, { host: '127.0.0.1', port: 9130 });
 * udp.port; // the bound port (useful with port 0)
 */
export interface UdpOptions {
  host: string;
  port: number;
  /** Datagrams in flight per client before its queue holds back. */
  maxInFlight?: number;
}

interface Peer {
  address: string;
  replyPort: number;
  inFlight: number;
}

export class UdpTransport {
  sendErrors = 0;

  private constructor(
    private readonly socket: dgram.Socket,
    private readonly router: OscRouter,
    private readonly maxInFlight: number,
  ) {
    socket.on('message', (buf, rinfo) => this.onMessage(buf, rinfo));
    socket.on('error', (err) => log.error(`udp: ${err.message}`));
    router.sendDatagram = (bytes, port, host) => this.sendTo(bytes, port, host, () => undefined);
  }

  static open(router: OscRouter, options: UdpOptions): Promise<UdpTransport> {
    // A large receive buffer absorbs bursts of audio blocks (the kernel caps it at rmem_max).
    const socket = dgram.createSocket({ type: options.host.includes(':') ? 'udp6' : 'udp4', reuseAddr: false, recvBufferSize: 4 << 20 });
    return new Promise((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(options.port, options.host, () => {
        socket.off('error', reject);
        resolve(new UdpTransport(socket, router, options.maxInFlight ?? 64));
      });
    });
  }

  get port(): number {
    return (this.socket.address() as AddressInfo).port;
  }

  get host(): string {
    return (this.socket.address() as AddressInfo).address;
  }

  close(): Promise<void> {
    this.router.sendDatagram = undefined;
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }

  private onMessage(buf: Buffer, rinfo: dgram.RemoteInfo): void {
    const session = this.sessionOf(rinfo);
    if (session) this.router.receive(session, buf);
  }

  private sessionOf(rinfo: dgram.RemoteInfo): ClientSession | undefined {
    const id = `udp:${rinfo.address}:${rinfo.port}`;
    const existing = this.router.clients.get(id);
    if (existing) return existing;
    const peer: Peer = { address: rinfo.address, replyPort: rinfo.port, inFlight: 0 };
    const session = this.router.attach(id, 'udp', {
      ready: () => peer.inFlight < this.maxInFlight,
      send: (bytes, done) => {
        peer.inFlight++;
        this.sendTo(bytes, peer.replyPort, peer.address, () => {
          peer.inFlight--;
          done();
        });
      },
    }, {
      remoteHost: rinfo.address,
      setReplyPort: (port) => (peer.replyPort = port > 0 ? port : rinfo.port),
    });
    return session;
  }

  /** Sends one datagram; `done` runs once, after success or failure (a closed socket included). */
  private sendTo(bytes: Uint8Array, port: number, host: string, done: () => void): void {
    try {
      this.socket.send(bytes, port, host, (err) => {
        if (err) this.sendErrors++;
        done();
      });
    } catch {
      this.sendErrors++;
      setImmediate(done);
    }
  }
}
