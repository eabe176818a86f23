/**
 * The one logger. Everything Batchgate prints goes through here, as one JSON
 * line per event on stderr, so logs stay machine-readable and secrets can be
 * kept out in one place.
 * @module
 */

/** Severity of a log line. */
export type LogLevel = "debug" | "info" | "warn" | "error";

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };
let threshold: LogLevel = "info";
const warnedOnce = new Set<string>();

/** Sets the lowest level that is printed (`BATCHGATE_LOG_LEVEL` at start-up). */
export function setLogLevel(level: LogLevel): void {
  threshold = level;
}

function write(level: LogLevel, msg: string, fields?: Record<string, unknown>): void {
  if (ORDER[level] < ORDER[threshold]) return;
  const line = JSON.stringify({ time: new Date().toISOString(), level, msg, ...fields });
  // The logger is the one place allowed to print.
  // deno-lint-ignore no-console
  console.error(line);
}

/** Structured logger: `log.info("batch created", { batchId })`. */
export const log = {
  debug: (msg: string, fields?: Record<string, unknown>) => write("debug", msg, fields),
  info: (msg: string, fields?: Record<string, unknown>) => write("info", msg, fields),
  warn: (msg: string, fields?: Record<string, unknown>) => write("warn", msg, fields),
  error: (msg: string, fields?: Record<string, unknown>) => write("error", msg, fields),
  /** Warns only the first time a given `key` is seen in this process. */
  warnOnce(key: string, msg: string, fields?: Record<string, unknown>) {
    if (warnedOnce.has(key)) return;
    warnedOnce.add(key);
    write("warn", msg, fields);
  },
};

/** Prints a line for a person on stdout (CLI output such as the demo banner). */
export function say(text: string): void {
  // deno-lint-ignore no-console
  console.log(text);
}
