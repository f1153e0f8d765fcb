import type { MaxApi } from './maxApi';
import type { Frame } from './session';

/**
 * A guest [mb.bridge]'s side of the shared Max session: what the host sends it goes out of its
 * own outlet, to its console and into its dicts, in the order sent; a dict read is answered
 * back over the session (`answer`). `onReady` runs when the host's `ready` passes through.
 *
 * @example
 * const relay = new HostRelay(api, () => (ready = true), (frame) => channel.send(frame));
 * new FrameChannel(socket, (f) => void relay.take(f), onClose);
 */
export class HostRelay {
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly api: MaxApi,
    private readonly onReady: () => void,
    private readonly answer: (frame: Frame) => void,
  ) {}

  take(frame: Frame): Promise<void> {
    this.queue = this.queue.then(async () => {
      const api = this.api;
      if (frame.t === 'o') {
        if (frame.a[0] === 'ready') this.onReady();
        await (api.outlet as (...a: unknown[]) => Promise<void>)(...frame.a).catch(() => undefined);
      } else if (frame.t === 'p') {
        await (api.post as (...a: unknown[]) => Promise<void>)(...frame.a).catch(() => undefined);
      } else if (frame.t === 'd') {
        await (api.setDict as (n: string, v: unknown) => Promise<unknown>)(frame.n, frame.v).catch(() => undefined);
      } else if (frame.t === 'g') {
        const v = await (api.getDict(frame.n) as Promise<unknown>).catch(() => undefined);
        this.answer({ t: 'gv', r: frame.r, v });
      }
    });
    return this.queue;
  }
}
