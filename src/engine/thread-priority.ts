import { getPriority, setPriority } from 'node:os';
import { log } from '../core/log';

/**
 * Sets the calling thread's nice value (Linux keeps one per thread, so the other threads keep
 * theirs). Elsewhere the same call would change the whole process, so it is not made there.
 * Job workers lower theirs (EngineOptions.jobNice: jobs yield), model hosts raise theirs once
 * they serve live streams (EngineOptions.liveNice), and `serve` raises its I/O thread the same
 * way; Linux allows a raise only to a process with the right (root, CAP_SYS_NICE, or an
 * RLIMIT_NICE that reaches it). A new thread starts at its parent's value, so each worker sets
 * its own. Returns whether the thread now has `nice`.
 *
 * @example
 * setThreadNice(-10, 'model host mirrornet-stream'); // false, with a debug line, where not allowed
 */
export function setThreadNice(nice: number, who: string): boolean {
  if (process.platform !== 'linux') return false;
  try {
    if (getPriority(0) !== nice) setPriority(0, nice);
    return true;
  } catch (err) {
    const say = nice < 0 ? log.debug : log.warn;
    say(`${who}: cannot take nice ${nice} (${(err as Error).message}); it shares the CPU with every other thread at its priority`);
    return false;
  }
}
