import { closeSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import * as path from 'node:path';
import { log } from '../src/core/log';

/**
 * One engine per Max session (issue 19 item 4). Every [mb.bridge] starts its own node.script
 * process; the first one to claim the session's local socket is the host and runs the engine,
 * the others are guests: they pass their messages to the host over the socket and put what
 * comes back out of their own outlet. When the host's process ends (its patch was closed),
 * each guest claims the socket again: one becomes the new host (its engine loads the models
 * and it says `ready` again), the others attach to it.
 *
 * The socket is a Unix socket in the temporary folder (a named pipe on Windows), one per user.
 * Frames are JSON lines:
 *   guest → host  {"t":"m","s":selector,"a":[args]}  a message for the guest's own client
 *                 {"t":"gv","r":n,"v":dict}             the answer to a dict read
 *   host → guest  {"t":"o","a":[atoms]}                 out of the guest's outlet
 *                 {"t":"p","a":[text, level?]}          a console line
 *                 {"t":"d","n":name,"v":dict}           write a dict (before the outlet that names it)
 *                 {"t":"g","r":n,"n":name}              read a dict (the `run` verb)
 *
 * @example
 * const claim = await claimSession(defaultSessionPath());
 * if (claim.role === 'host') serveGuests(claim.server, (conn) => ...);
 */
export type Frame =
  | { t: 'm'; s: string; a: unknown[] }
  | { t: 'gv'; r: number; v: unknown }
  | { t: 'o'; a: unknown[] }
  | { t: 'p'; a: unknown[] }
  | { t: 'd'; n: string; v: unknown }
  | { t: 'g'; r: number; n: string };

export function defaultSessionPath(): string {
  let user = 'user';
  try {
    user = userInfo().username.replace(/[^\w.-]/g, '_') || user;
  } catch {
    // no user name: one session per machine
  }
  return process.platform === 'win32' ? `\\\\.\\pipe\\mirrorbridge-${user}` : path.join(tmpdir(), `mirrorbridge-${user}.sock`);
}

export type Claim = { role: 'host'; server: net.Server } | { role: 'guest'; socket: net.Socket };

/**
 * Joins the session at `file` as a guest when a host answers there, or becomes its host.
 * Bridges that find no host race for `file.lock` (created exclusively, holding the winner's
 * pid): the winner clears a socket file left by a host that died and listens; the others wait
 * and connect to it. A lock whose process is gone is stale and removed.
 */
export async function claimSession(file: string, attempts = 100): Promise<Claim> {
  const lock = `${file}.lock`;
  for (let i = 0; i < attempts; i++) {
    const socket = await connect(file);
    if (socket) return { role: 'guest', socket };
    let fd: number | undefined;
    try {
      fd = openSync(lock, 'wx');
      writeFileSync(fd, String(process.pid));
      closeSync(fd);
    } catch {
      if (fd !== undefined) closeSync(fd);
      if (!lockHolderAlive(lock)) rmSync(lock, { force: true });
      await new Promise((r) => setTimeout(r, 20));
      continue;
    }
    if (process.platform !== 'win32') rmSync(file, { force: true });
    const server = await listen(file);
    if (server) {
      server.once('close', () => rmSync(lock, { force: true }));
      return { role: 'host', server };
    }
    rmSync(lock, { force: true });
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`cannot claim the mirrorbridge session at ${file}`);
}

function lockHolderAlive(lock: string): boolean {
  try {
    const pid = Number(readFileSync(lock, 'utf8'));
    if (!Number.isInteger(pid) || pid <= 0) return false;
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: alive but another user's; ENOENT: gone already (try again)
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function connect(file: string): Promise<net.Socket | undefined> {
  return new Promise((resolve) => {
    const socket = net.connect(file);
    socket.once('connect', () => {
      socket.removeAllListeners('error');
      resolve(socket);
    });
    socket.once('error', () => resolve(undefined));
  });
}

function listen(file: string): Promise<net.Server | undefined> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(undefined));
    server.listen(file, () => {
      server.removeAllListeners('error');
      server.on('error', (err) => log.warn(`mirrorbridge session: ${err.message}`));
      resolve(server);
    });
  });
}

/** JSON-line framing over a socket: `send` writes one frame, `onFrame` gets each one in order. */
export class FrameChannel {
  private buffer = '';
  private closed = false;

  constructor(
    readonly socket: net.Socket,
    onFrame: (frame: Frame) => void,
    onClose: () => void,
  ) {
    socket.setEncoding('utf8');
    socket.setNoDelay(true);
    socket.on('data', (chunk: string) => {
      this.buffer += chunk;
      let at: number;
      while ((at = this.buffer.indexOf('\n')) >= 0) {
        const line = this.buffer.slice(0, at);
        this.buffer = this.buffer.slice(at + 1);
        if (!line) continue;
        try {
          onFrame(JSON.parse(line) as Frame);
        } catch (err) {
          log.warn(`mirrorbridge session: a bad frame was dropped (${(err as Error).message})`);
        }
      }
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      if (this.closed) return;
      this.closed = true;
      onClose();
    });
  }

  send(frame: Frame): void {
    if (!this.closed) this.socket.write(`${JSON.stringify(frame)}\n`);
  }

  close(): void {
    this.closed = true;
    this.socket.destroy();
  }
}
