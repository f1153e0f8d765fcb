import * as dgram from 'node:dgram';
import type { AddressInfo } from 'node:net';
import { decodePacket, encodeMessage, type OscArg, type OscMessage } from '../../src/net/osc/wire';
import type { OscRouter } from '../../src/net/osc/router';
import type { ClientSession } from '../../src/net/osc/session';

/** Plain-JS OSC args from shorthand: integers → i, other numbers → f, strings → s, bytes → b. */
export function args(...values: (number | string | Uint8Array | OscArg)[]): OscArg[] {
  return values.map((v) => {
    if (typeof v === 'number') return { type: Number.isInteger(v) ? 'i' : 'f', value: v };
    if (typeof v === 'string') return { type: 's', value: v };
    if (v instanceof Uint8Array) return { type: 'b', value: v };
    return v;
  });
}

export const f = (value: number): OscArg => ({ type: 'f', value });

export function floatBlob(samples: ArrayLike<number>): Uint8Array {
  const bytes = new Uint8Array(samples.length * 4);
  const dv = new DataView(bytes.buffer);
  for (let i = 0; i < samples.length; i++) dv.setFloat32(i * 4, samples[i], true);
  return bytes;
}

export async function until(cond: () => boolean, ms = 5000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

/** Collects decoded messages (bundles unwrapped) with their bundle time tags. */
export class Inbox {
  readonly messages: (OscMessage & { timeTag?: number; packet: number })[] = [];
  packets = 0;
  bundles = 0;

  push(bytes: Uint8Array): void {
    const p = decodePacket(bytes);
    if (p.timeTag !== undefined) this.bundles++;
    const packet = this.packets++;
    for (const m of p.messages) this.messages.push({ ...m, timeTag: p.timeTag, packet });
  }

  of(address: string): (OscMessage & { timeTag?: number; packet: number })[] {
    return this.messages.filter((m) => m.address === address);
  }

  values(address: string): unknown[][] {
    return this.of(address).map((m) => m.args.map((a) => a.value));
  }

  async next(address: string, ms = 5000): Promise<unknown[]> {
    const start = this.of(address).length;
    await until(() => this.of(address).length > start, ms, address);
    return this.values(address)[start];
  }

  async first(address: string, ms = 5000): Promise<unknown[]> {
    await until(() => this.of(address).length > 0, ms, address);
    return this.values(address)[0];
  }

  clear(): void {
    this.messages.length = 0;
  }
}

/** A session attached to a router through an in-memory sink. */
export function memoryClient(router: OscRouter, id = 'mem:1') {
  const inbox = new Inbox();
  const session = router.attach(id, 'udp', { ready: () => true, send: (bytes, done) => { inbox.push(bytes); done(); } }, { remoteHost: '127.0.0.1' }) as ClientSession;
  return {
    session,
    inbox,
    send: (address: string, ...a: (number | string | Uint8Array | OscArg)[]) => router.receive(session, encodeMessage({ address, args: args(...a) })),
    raw: (bytes: Uint8Array) => router.receive(session, bytes),
  };
}

/** A UDP OSC client on loopback: one socket sends, a second one (registered with /mb/hello) receives. */
export class UdpClient {
  readonly inbox = new Inbox();
  private constructor(
    readonly tx: dgram.Socket,
    readonly rx: dgram.Socket,
    readonly serverPort: number,
  ) {
    rx.on('message', (buf) => this.inbox.push(buf));
  }

  static async open(serverPort: number): Promise<UdpClient> {
    const bind = () =>
      new Promise<dgram.Socket>((resolve) => {
        const s = dgram.createSocket('udp4');
        s.bind(0, '127.0.0.1', () => resolve(s));
      });
    return new UdpClient(await bind(), await bind(), serverPort);
  }

  get rxPort(): number {
    return (this.rx.address() as AddressInfo).port;
  }

  sendBytes(bytes: Uint8Array): Promise<void> {
    return new Promise((resolve, reject) => this.tx.send(bytes, this.serverPort, '127.0.0.1', (err) => (err ? reject(err) : resolve())));
  }

  send(address: string, ...a: (number | string | Uint8Array | OscArg)[]): Promise<void> {
    return this.sendBytes(encodeMessage({ address, args: args(...a) }));
  }

  async hello(): Promise<void> {
    await this.send('/mb/hello', this.rxPort);
    await this.inbox.first('/mb/welcome');
  }

  close(): void {
    this.tx.close();
    this.rx.close();
  }
}
