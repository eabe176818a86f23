/**
 * Time and scheduling, injected: everything that reads the time or waits
 * takes a {@linkcode Clock}, so tests drive time instead of sleeping.
 * @module
 */

/** The current time and timers. */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  /**
   * Runs `fn` once after `ms` milliseconds.
   * @returns a function that cancels the timer if it has not fired
   */
  setTimer(fn: () => void, ms: number): () => void;
}

/** Wall-clock time and real timers. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(fn, ms) {
    const id = setTimeout(fn, ms);
    return () => clearTimeout(id);
  },
};

/** Resolves after `ms` on `clock`. */
export function sleep(clock: Clock, ms: number): Promise<void> {
  return new Promise((resolve) => clock.setTimer(resolve, ms));
}
