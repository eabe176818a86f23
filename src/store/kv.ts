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
 * An atomic operation wrapped so that an async function can return it.
 * Deno's `AtomicOperation` defines a `then` that throws, so a Promise can
 * never resolve to a bare one: `return op` from an async attempt fails with
 * "'Deno.AtomicOperation' is not a promise". Return `commit(op)` instead.
 */
export class PendingCommit {
  /** @param op the atomic to commit */
  constructor(readonly op: Deno.AtomicOperation) {}
}

/** Wraps `op` for {@linkcode commitWithRetry}; see {@linkcode PendingCommit}. */
export function commit(op: Deno.AtomicOperation): PendingCommit {
  return new PendingCommit(op);
}

/**
 * Runs `attempt` until it commits. `attempt` reads what it needs, builds an
 * atomic with checks and returns `commit(op)` (a synchronous attempt may
 * return the bare atomic), or returns another value to stop without
 * writing. A failed check or a locked database re-runs it.
 * @returns the commit result, or the value `attempt` returned instead
 * @throws {ContentionError} after `maxAttempts` lost races
 * @example
 * ```ts ignore
 * await commitWithRetry("rename file", async () => {
 *   const entry = await kv.get<FileRecord>(fileKey(id));
 *   if (!entry.value) return null; // stop: nothing to write
 *   return commit(kv.atomic().check(entry).set(entry.key, { ...entry.value, name }));
 * });
 * ```
 */
export async function commitWithRetry<T>(
  what: string,
  attempt: () => Deno.AtomicOperation | PendingCommit | T | Promise<PendingCommit | T>,
  maxAttempts = 20,
): Promise<Deno.KvCommitResult | T> {
  for (let i = 0; i < maxAttempts; i++) {
    const returned = attempt();
    // Never await a bare AtomicOperation: its `then` throws.
    const settled = returned instanceof Deno.AtomicOperation ? returned : await returned;
    const op = settled instanceof PendingCommit
      ? settled.op
      : settled instanceof Deno.AtomicOperation
      ? settled
      : undefined;
    if (op === undefined) return settled as T;
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
