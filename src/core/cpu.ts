import { availableParallelism, loadavg } from 'node:os';

/** The bridge process's CPU use between two readings (all its threads), and the machine's load. */
export interface CpuLoad {
  /** CPU time the process used since the previous reading, in % of one core (may pass 100 with several threads busy). */
  processPercent: number;
  /** Seconds the reading spans. */
  overSeconds: number;
  cores: number;
  /** The machine's 1-minute load average. */
  loadAverage: number;
}

let last = { at: process.hrtime.bigint(), usage: process.cpuUsage() };
let latest: CpuLoad | null = null;
/** The shortest span a reading covers: status requests come several times a second. */
const MIN_SECONDS = 1;

/**
 * Reads the process's CPU use since the previous reading (the status verb calls it on every
 * /mb/status of any client); a call sooner than MIN_SECONDS after it answers that reading again.
 *
 * @example
 * cpuLoad().processPercent; // 23.4
 */
export function cpuLoad(): CpuLoad {
  const at = process.hrtime.bigint();
  const usage = process.cpuUsage();
  const seconds = Number(at - last.at) / 1e9;
  if (latest && seconds < MIN_SECONDS) return latest;
  const used = (usage.user - last.usage.user + usage.system - last.usage.system) / 1e6;
  last = { at, usage };
  latest = { processPercent: seconds > 0 ? +((100 * used) / seconds).toFixed(1) : 0, overSeconds: +seconds.toFixed(3), cores: availableParallelism(), loadAverage: +loadavg()[0].toFixed(2) };
  return latest;
}
