import { str } from '../src/verbs/replies';
import type { Reply } from '../src/verbs/spec';
import { entryOf } from '../src/verbs/table';
import { toMaxList, type MaxMessage } from './atoms';
import type { MaxApi } from './maxApi';

/** Replies whose last argument is JSON: it goes to this dict and the message names the dict. */
const JSON_DICTS: Record<string, string> = { '/mb/job/done': 'mb.job', '/mb/status/json': 'mb.status' };

/**
 * What the Max bridge says: replies out of node.script's outlet as Max lists (JSON results
 * into their dict first), errors as `error <code> <message>` plus a console line, warnings to
 * the console. max-api's calls return Promises that reject when the patcher is gone; those are
 * counted, never thrown into the event loop.
 *
 * @example
 * const outlet = new BridgeOutlet(api);
 * outlet.send(reply('/mb/ready'));          // -> "ready"
 * outlet.error('MB_ERR_BUSY', 'the engine is starting');
 */
export class BridgeOutlet {
  /** Outlet calls that failed (Max closing, patcher gone). */
  failures = 0;

  constructor(private readonly api: MaxApi) {}

  /** One reply out of the outlet; JSON results go to their dict first. */
  send(r: Reply): void {
    const dict = JSON_DICTS[r.address];
    if (dict) {
      const at = r.args.length - 1;
      const json = String(r.args[at].value);
      const value = r.address === '/mb/job/done' ? { id: r.args[0].value, name: r.args[1].value, result: parseJson(json) } : parseJson(json);
      void this.setDict(dict, value as Record<string, unknown>).then(() => this.out(toMaxList({ ...r, args: [...r.args.slice(0, at), str(dict)] })));
      return;
    }
    // Only what the Max door has (the per-parameter addresses are OSC listeners' only).
    if (entryOf(r.address)?.doors.includes('max')) this.out(toMaxList(r));
  }

  error(code: string, message: string): void {
    this.out(['error', code, message]);
    this.api.post(`mirrorbridge: ${code}: ${message}`, this.api.POST_LEVELS.ERROR).catch(() => undefined);
  }

  warn(message: string): void {
    this.api.post(`mirrorbridge: ${message}`, this.api.POST_LEVELS.WARN).catch(() => undefined);
  }

  /** A line in the Max console. */
  post(message: string): void {
    this.api.post(`mirrorbridge: ${message}`).catch(() => undefined);
  }

  private out(message: MaxMessage): void {
    this.api.outlet(...message).catch(() => {
      this.failures++;
    });
  }

  private setDict(name: string, value: Record<string, unknown>): Promise<void> {
    return this.api.setDict(name, JSON.parse(JSON.stringify(value ?? {}))).then(
      () => undefined,
      (err: unknown) => this.warn(`cannot write dict ${name}: ${(err as Error).message}`),
    );
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return { text };
  }
}
