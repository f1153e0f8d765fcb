/**
 * Minimal leveled logger writing to stderr, so stdout stays clean for --json output.
 * `MB_LOG=debug|info|warn|error|silent` sets the level (default info).
 */
const LEVELS = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 } as const;
export type LogLevel = keyof typeof LEVELS;

let current: LogLevel = (process.env.MB_LOG as LogLevel) in LEVELS ? (process.env.MB_LOG as LogLevel) : 'info';
const warnedOnce = new Set<string>();

export function setLogLevel(level: LogLevel): void {
  current = level;
}

function emit(level: LogLevel, msg: string): void {
  if (LEVELS[level] < LEVELS[current]) return;
  process.stderr.write(`[mirrorbridge ${level}] ${msg}\n`);
}

export const log = {
  debug: (msg: string) => emit('debug', msg),
  info: (msg: string) => emit('info', msg),
  warn: (msg: string) => emit('warn', msg),
  error: (msg: string) => emit('error', msg),
  /** Warns once per key for the life of the process. */
  warnOnce(key: string, msg: string): void {
    if (warnedOnce.has(key)) return;
    warnedOnce.add(key);
    emit('warn', msg);
  },
};
