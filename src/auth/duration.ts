/**
 * LiteLLM's duration strings (`30s`, `10m`, `12h`, `30d`, `2w`, `1mo`), used
 * for key lifetimes (`duration`) and budget windows (`budget_duration`).
 * @module
 */
import { z } from "zod";

/** A duration unit LiteLLM accepts: seconds, minutes, hours, days, weeks, months. */
export type DurationUnit = "s" | "m" | "h" | "d" | "w" | "mo";

/** A parsed duration. */
export interface Duration {
  value: number;
  unit: DurationUnit;
}

const PATTERN = /^(\d{1,9})(mo|[smhdw])$/;
const UNIT_MS: Record<Exclude<DurationUnit, "mo">, number> = {
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};
/** The largest epoch millisecond a `Date` can hold. */
const MAX_TIME = 8.64e15;

/**
 * Parses a LiteLLM duration string.
 * @param text e.g. `30d`; surrounding spaces are ignored
 * @throws {SyntaxError} when the text is not a number followed by s, m, h, d, w or mo
 * @example
 * ```ts
 * import { parseDuration } from "./duration.ts";
 * parseDuration("12h"); // { value: 12, unit: "h" }
 * ```
 */
export function parseDuration(text: string): Duration {
  const match = PATTERN.exec(text.trim());
  if (!match) {
    throw new SyntaxError(
      `Cannot parse duration '${text.slice(0, 40)}': expected a whole number and a unit ` +
        "s, m, h, d, w or mo, such as 30s, 10m, 12h, 30d, 2w or 1mo",
    );
  }
  return { value: Number(match[1]), unit: match[2] as DurationUnit };
}

/**
 * The epoch millisecond `text` after `from`. Months are calendar months in
 * UTC, clamped to the last day of the target month (Jan 31 + 1mo = Feb 28),
 * as LiteLLM does.
 * @param from epoch milliseconds to count from
 * @param text a LiteLLM duration string
 * @throws {SyntaxError} when `text` is not a duration
 * @throws {RangeError} when the end lies beyond what a date can hold
 * @example
 * ```ts
 * import { addDuration } from "./duration.ts";
 * addDuration(0, "30s"); // 30000
 * ```
 */
export function addDuration(from: number, text: string): number {
  const { value, unit } = parseDuration(text);
  let end: number;
  if (unit === "mo") {
    const start = new Date(from);
    const months = start.getUTCMonth() + value;
    const year = start.getUTCFullYear() + Math.floor(months / 12);
    const month = months % 12;
    const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
    const target = new Date(from);
    target.setUTCFullYear(year, month, Math.min(start.getUTCDate(), lastDay));
    end = target.getTime();
  } else {
    end = from + value * UNIT_MS[unit];
  }
  if (!Number.isFinite(end) || end > MAX_TIME) {
    throw new RangeError(`Cannot use duration '${text.trim()}': it ends too far in the future`);
  }
  return end;
}

/**
 * Milliseconds in `text`, counted from `from` (only months depend on it).
 * @throws {SyntaxError} when `text` is not a duration
 * @throws {RangeError} when the end lies beyond what a date can hold
 */
export function durationMs(text: string, from: number = Date.now()): number {
  return addDuration(from, text) - from;
}

/** Zod schema of a duration string, for request bodies. */
export const DurationText = z.string().trim().refine((text) => {
  try {
    addDuration(0, text);
    return true;
  } catch {
    return false;
  }
}, { error: "expected a duration such as 30s, 10m, 12h, 30d, 2w or 1mo" });
