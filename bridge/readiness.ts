import type { JobEvent } from '../src/engine';

/**
 * What the Max bridge keeps while its engine starts, and how it tells the patch its state.
 *
 * node.script starts the Node process after the patch has loaded; once the bridge's handlers
 * are registered, messages reach it, but the engine (models) is still loading. Those messages
 * wait here in arrival order, bounded (DESIGN: every queue is bounded), and run once the
 * engine is ready. JobActivity turns the engine's 'job' events into busy/idle changes.
 *
 * @example
 * const pending = new PendingMessages(64);
 * if (!pending.push({ run: () => run(message), drop: () => undefined })) reportOnce('MB_ERR_BUSY', 'too many messages before ready');
 * engineReady.then(() => pending.drain().forEach((m) => m.run()));
 */
export interface HeldMessage {
  /** Runs it (after ready). */
  run(): void;
  /** It will never run (the engine failed to start). */
  drop(): void;
}

export class PendingMessages {
  private items: HeldMessage[] = [];
  /** Messages refused because the queue was full (since the last drain). */
  overflowed = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`PendingMessages: capacity must be an integer >= 1, got ${capacity}`);
  }

  get length(): number {
    return this.items.length;
  }

  /** Holds `message`; false (and counted) when the queue is full. */
  push(message: HeldMessage): boolean {
    if (this.items.length >= this.capacity) {
      this.overflowed++;
      return false;
    }
    this.items.push(message);
    return true;
  }

  /** Everything held, in arrival order; the queue is empty (and its overflow count reset) after. */
  drain(): HeldMessage[] {
    const items = this.items;
    this.items = [];
    this.overflowed = 0;
    return items;
  }
}

/**
 * Busy while any job of the engine is queued or running, idle when none is: `onChange` is
 * called once per change, never twice with the same value. It counts job ids itself from the
 * 'job' events (queued/running in, done/failed/cancelled out), so a job it never saw queued
 * still counts from its 'running' event.
 */
export class JobActivity {
  private readonly active = new Set<number>();

  constructor(private readonly onChange: (busy: boolean) => void) {}

  get busy(): boolean {
    return this.active.size > 0;
  }

  /** The engine's 'job' listener. */
  readonly onJob = (e: JobEvent): void => {
    const before = this.busy;
    if (e.state === 'queued' || e.state === 'running') this.active.add(e.id);
    else if (e.state === 'done' || e.state === 'failed' || e.state === 'cancelled') this.active.delete(e.id);
    if (this.busy !== before) this.onChange(this.busy);
  };
}

/**
 * Lets the first of a run of alike errors through, then at most one per window, each saying
 * how many were held back since: `admit` returns the note to append ('' for the first, " (N
 * more like it in the last 2.0 s)" after that) or undefined to stay quiet. Bounded: causes
 * not seen for ten windows are forgotten.
 *
 * @example
 * const limit = new RepeatLimiter(2000);
 * const note = limit.admit('MB_ERR_UNKNOWN_STREAM 3', Date.now());
 * if (note !== undefined) report(`no stream 3${note}`);
 */
export class RepeatLimiter {
  private readonly causes = new Map<string, { at: number; held: number }>();

  constructor(readonly windowMs: number) {}

  admit(cause: string, now: number): string | undefined {
    const c = this.causes.get(cause);
    if (c && now - c.at < this.windowMs) {
      c.held++;
      return undefined;
    }
    if (this.causes.size > 256) for (const [k, v] of this.causes) if (now - v.at > 10 * this.windowMs) this.causes.delete(k);
    this.causes.set(cause, { at: now, held: 0 });
    return c && c.held > 0 ? ` (${c.held} more like it in the last ${(this.windowMs / 1000).toFixed(1)} s)` : '';
  }
}
