/**
 * The background poller: a timer loop on the injected clock that runs the
 * lifecycle's poll cycle. So that a job that ends is seen within
 * `batch_poll_interval_seconds`, cycles start a little more often than that
 * (by the length of a cycle).
 * @module
 */
import type { AppDeps } from "../deps.ts";
import { log } from "../log.ts";
import { type PollCycleStats, runPollCycle } from "../batches/lifecycle.ts";
import { ORPHAN_GRACE_MS, sweepExpiredFiles, sweepOrphanObjects } from "../files/files.ts";

/** Polls Bedrock for unfinished batches until stopped. */
export class Poller {
  readonly #deps: AppDeps;
  readonly #intervalMs: number;
  #cancelTimer: (() => void) | undefined;
  #cycle: Promise<unknown> | null = null;
  #stopped = false;
  #orphansSweptAt = -Infinity;

  /**
   * @param deps the app's dependencies (the clock schedules the cycles)
   * @param intervalMs the poll interval; default `batch_poll_interval_seconds`
   */
  constructor(deps: AppDeps, intervalMs = deps.config.general.batch_poll_interval_seconds * 1000) {
    this.#deps = deps;
    this.#intervalMs = intervalMs;
  }

  /** Starts polling: a first cycle now, then one per interval less the last cycle's length. */
  start(): void {
    this.#schedule(0);
  }

  #schedule(delayMs: number): void {
    if (this.#stopped) return;
    this.#cancelTimer = this.#deps.clock.setTimer(() => {
      const started = this.#deps.clock.now();
      this.#cycle = this.runCycle()
        .catch((error) => log.error("Poll cycle failed", { error: String(error) }))
        .finally(() => {
          this.#cycle = null;
          this.#schedule(nextCycleDelayMs(this.#intervalMs, this.#deps.clock.now() - started));
        });
    }, delayMs);
  }

  /** Stops polling and waits for a running cycle. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#cancelTimer?.();
    await this.#cycle;
  }

  /** Runs one poll cycle now. */
  async runCycle(): Promise<PollCycleStats> {
    const stats = await runPollCycle(this.#deps);
    await sweepExpiredFiles(this.#deps).catch((error) =>
      log.error("Cannot sweep expired files", { error: String(error) })
    );
    // Listing every upload's objects is not for each cycle: once per grace period is enough.
    const now = this.#deps.clock.now();
    if (now - this.#orphansSweptAt >= ORPHAN_GRACE_MS) {
      this.#orphansSweptAt = now;
      await sweepOrphanObjects(this.#deps).catch((error) =>
        log.error("Cannot sweep orphaned upload objects", { error: String(error) })
      );
    }
    return stats;
  }
}

/**
 * How long after a cycle that took `tookMs` the next one starts. A job that
 * ends just after a List call is seen at the next one, plus the time a cycle
 * takes to reach its batch: so cycles start one interval apart less the last
 * cycle's length (never faster than twice an interval), and a finished job is
 * seen within one interval however long a cycle over many batches takes.
 */
export function nextCycleDelayMs(intervalMs: number, tookMs: number): number {
  const period = Math.max(intervalMs / 2, intervalMs - tookMs);
  return Math.max(0, period - tookMs);
}

export { needsAction } from "../batches/lifecycle.ts";
