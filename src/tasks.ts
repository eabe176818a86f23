/**
 * Background work of this process (finalizations started by a request),
 * de-duplicated by key and awaited at shutdown.
 * @module
 */
import { log } from "./log.ts";

/** A set of running background tasks. */
export class BackgroundTasks {
  #running = new Map<string, Promise<void>>();

  /** Starts `fn` unless a task with `key` already runs. */
  run(key: string, fn: () => Promise<unknown>): void {
    if (this.#running.has(key)) return;
    const task = (async () => {
      try {
        await fn();
      } catch (error) {
        log.error("Background task failed", { task: key, error: String(error) });
      } finally {
        this.#running.delete(key);
      }
    })();
    this.#running.set(key, task);
  }

  /** True while a task with `key` runs. */
  has(key: string): boolean {
    return this.#running.has(key);
  }

  /** Waits for every running task. */
  async drain(): Promise<void> {
    while (this.#running.size > 0) await Promise.all(this.#running.values());
  }
}
