/**
 * A clock that tests move by hand: `advance` moves the time and runs the
 * timers that came due, so tests drive time instead of sleeping.
 * @module
 */
import type { Clock } from "../../src/clock.ts";

interface Timer {
  id: number;
  due: number;
  fn: () => void;
}

/** A {@linkcode Clock} whose time moves only when the test says so. */
export class ManualClock implements Clock {
  /** The current time, epoch ms. Setting it runs no timers; {@linkcode advance} does. */
  ms: number;
  #timers: Timer[] = [];
  #nextId = 0;

  /** @param startMs the time it starts at */
  constructor(startMs: number) {
    this.ms = startMs;
  }

  now(): number {
    return this.ms;
  }

  setTimer(fn: () => void, ms: number): () => void {
    const timer = { id: this.#nextId++, due: this.ms + Math.max(0, ms), fn };
    this.#timers.push(timer);
    return () => {
      this.#timers = this.#timers.filter((t) => t !== timer);
    };
  }

  /** Timers not yet run. */
  get pendingTimers(): number {
    return this.#timers.length;
  }

  /** Moves the time by `ms`, running each timer that comes due at its time, in order. */
  advance(ms: number): void {
    const end = this.ms + ms;
    while (true) {
      const due = this.#timers.filter((t) => t.due <= end)
        .sort((a, b) => a.due - b.due || a.id - b.id)[0];
      if (!due) break;
      this.#timers = this.#timers.filter((t) => t !== due);
      this.ms = Math.max(this.ms, due.due);
      due.fn();
    }
    this.ms = end;
  }
}
