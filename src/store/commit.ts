/**
 * Check-and-set writes with retries. Every write of a record module goes
 * through {@linkcode commitWithRetry}: several instances may share one store,
 * so a check can lose to another writer, and the attempt then runs again on
 * fresh reads.
 * @module
 */
import type { AtomicWrite, CommitResult } from "./store.ts";
import { ContentionError } from "./errors.ts";

/** What an attempt returns to have its atomic committed; see {@linkcode commit}. */
export class PendingCommit {
  /** @param op the atomic to commit */
  constructor(readonly op: AtomicWrite) {}
}

/** Marks `op` as the write an attempt of {@linkcode commitWithRetry} wants committed. */
export function commit(op: AtomicWrite): PendingCommit {
  return new PendingCommit(op);
}

/**
 * Runs `attempt` until it commits. `attempt` reads what it needs, builds an
 * atomic with checks and returns `commit(op)`, or returns another value to
 * stop without writing. A failed check re-runs it.
 * @returns the commit result, or the value `attempt` returned instead
 * @throws {ContentionError} after `maxAttempts` lost races
 * @example
 * ```ts ignore
 * await commitWithRetry("rename file", async () => {
 *   const entry = await store.get<FileRecord>(fileKey(id));
 *   if (!entry.value) return null; // stop: nothing to write
 *   return commit(store.atomic().check(entry).set(entry.key, { ...entry.value, name }));
 * });
 * ```
 */
export async function commitWithRetry<T>(
  what: string,
  attempt: () => PendingCommit | T | Promise<PendingCommit | T>,
  maxAttempts = 20,
): Promise<CommitResult | T> {
  for (let i = 0; i < maxAttempts; i++) {
    const settled = await attempt();
    if (!(settled instanceof PendingCommit)) return settled;
    const result = await settled.op.commit();
    if (result.ok) return result;
    await new Promise((r) => setTimeout(r, Math.min(200, 5 * 2 ** i) * Math.random()));
  }
  throw new ContentionError(what);
}
