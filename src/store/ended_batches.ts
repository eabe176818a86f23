/**
 * Batches that reached a terminal status, kept in memory: nothing changes a
 * batch after that, so clients polling a finished batch are answered
 * without a store read.
 * @module
 */
import type { BatchRecord } from "./batches.ts";

/** Entries kept before the cache starts over. */
const MAX_ENDED_BATCHES = 2_000;

/** A bounded map of ended batches by id. */
export class EndedBatches {
  readonly #batches = new Map<string, BatchRecord>();

  /** The ended batch with this id, if this process has seen it. */
  get(id: string): BatchRecord | undefined {
    return this.#batches.get(id);
  }

  /** Remembers `batch` (the caller checks it has ended). */
  add(batch: BatchRecord): void {
    if (this.#batches.size >= MAX_ENDED_BATCHES) this.#batches.clear();
    this.#batches.set(batch.id, batch);
  }
}
