import { MbError } from '../src/core/errors';
import type { Engine } from '../src/engine';
import { startServers, type ServerHandles } from '../src/net';
import { int, reply, str } from '../src/verbs/replies';
import type { Reply } from '../src/verbs/spec';

/**
 * `server/start` and `server/stop` from Max: the OSC and WebSocket servers over the bridge's
 * engine, so Pd and browsers join the session; at most one pair at a time.
 *
 * @example
 * const servers = new BridgeServers();
 * await servers.serve(engine, 9130, 9131, console.log); // /mb/server/serving 9130 9131 <url>
 */
export class BridgeServers {
  private handles?: ServerHandles;

  get running(): boolean {
    return this.handles !== undefined;
  }

  async serve(engine: Engine, oscPort: number | undefined, httpPort: number | undefined, post: (text: string) => void): Promise<Reply> {
    if (this.handles) throw new MbError('MB_ERR_BUSY', `already serving on OSC ${this.handles.oscPort}, HTTP ${this.handles.httpPort}; send server/stop first`);
    const s = await startServers(engine, { oscPort, httpPort });
    this.handles = s;
    post(`OSC udp://${s.host}:${s.oscPort}, OSCQuery ${s.oscQueryUrl}`);
    return reply('/mb/server/serving', int(s.oscPort), int(s.httpPort), str(s.oscQueryUrl));
  }

  async stop(): Promise<Reply> {
    const handles = this.handles;
    this.handles = undefined;
    await handles?.close();
    return reply('/mb/server/serving', int(0), int(0), str(''));
  }
}
