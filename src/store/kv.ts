/**
 * Opening Deno KV and committing atomics with retries. Every KV write in
 * Batchgate goes through {@linkcode commitWithRetry}, because several
 * instances may share one database and a local file throws
 * `database is locked` under contention.
 * @module
 */

/**
 * Opens the KV database: a local path, `:memory:`, or an `http(s)://` KV
 * Connect URL (token from `DENO_KV_ACCESS_TOKEN`).
 */
export async function openKv(pathOrUrl: string): Promise<Deno.Kv> {
  if (!/^https?:\/\//.test(pathOrUrl) && pathOrUrl !== ":memory:") {
    const dir = pathOrUrl.replace(/[^/]*$/, "");
    if (dir) await Deno.mkdir(dir, { recursive: true });
  }
  return await Deno.openKv(pathOrUrl);
}

/** Thrown when a check-and-set kept losing to other writers. */
export class ContentionError extends Error {
  constructor(what: string) {
    super(`Cannot ${what}: too many concurrent updates, try again`);
    this.name = "ContentionError";
  }
}

function isLocked(error: unknown): boolean {
  return error instanceof Error && /database is locked|busy/i.test(error.message);
}

/**
 * Runs `attempt` until it commits. `attempt` reads what it needs, builds an
 * atomic with checks and returns it, or returns a value (not an atomic) to
 * stop without writing. A failed check or a locked database re-runs it.
 * @returns the commit result, or the value `attempt` returned instead
 * @throws {ContentionError} after `maxAttempts` lost races
 */
export async function commitWithRetry<T>(
  what: string,
  attempt: () => Promise<Deno.AtomicOperation | T>,
  maxAttempts = 20,
): Promise<Deno.KvCommitResult | T> {
  for (let i = 0; i < maxAttempts; i++) {
    const op = await attempt();
    if (!(op instanceof Deno.AtomicOperation)) return op;
    try {
      const result = await op.commit();
      if (result.ok) return result;
    } catch (error) {
      if (!isLocked(error)) throw error;
    }
    await new Promise((r) => setTimeout(r, Math.min(200, 5 * 2 ** i) * Math.random()));
  }
  throw new ContentionError(what);
}

/** Reads `key` strongly, retrying while the database is locked. */
export async function getWithRetry<T>(kv: Deno.Kv, key: Deno.KvKey): Promise<Deno.KvEntryMaybe<T>> {
  for (let i = 0;; i++) {
    try {
      return await kv.get<T>(key);
    } catch (error) {
      if (!isLocked(error) || i >= 20) throw error;
      await new Promise((r) => setTimeout(r, 10 * Math.random() * (i + 1)));
    }
  }
}

/** Collects a KV listing into values (for small, bounded listings). */
export async function listValues<T>(
  kv: Deno.Kv,
  selector: Deno.KvListSelector,
  options: Deno.KvListOptions = {},
): Promise<T[]> {
  const out: T[] = [];
  for await (const entry of kv.list<T>(selector, options)) out.push(entry.value);
  return out;
}
