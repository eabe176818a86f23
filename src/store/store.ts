/**
 * The one store interface: an ordered key-value store with atomic,
 * check-and-set writes, expiring entries and counters. Every record module
 * in `src/store/` is written against it, so the code above does not know
 * whether Deno KV (the embedded default, `deno_kv_store.ts`) or PostgreSQL
 * (the shared store for several instances) holds the state.
 *
 * Semantics every implementation keeps:
 * - keys are arrays of strings, ordered part by part (then by length);
 * - values are JSON values (what `JSON.stringify` round-trips), or a counter
 *   made by {@linkcode AtomicWrite.sum}, read back as a number;
 * - a commit applies all of its mutations or none, and none when any check
 *   fails (a check with versionstamp null means "the key does not exist");
 * - every committed write gives the key a new versionstamp, greater than
 *   any before it;
 * - an entry written with `expireIn` is invisible once that time has passed;
 * - reads see every commit that finished before they started, from any
 *   process sharing the store.
 * @module
 */

/** A key: its parts are compared in order, as strings. */
export type StoreKey = readonly string[];

/** A stored value, or null for a key that does not exist. */
export interface StoreEntry<T> {
  key: StoreKey;
  value: T | null;
  /** Changes on every write of the key; null when the key does not exist. */
  versionstamp: string | null;
}

/** An entry that exists. */
export interface StoreEntryFound<T> extends StoreEntry<T> {
  value: T;
  versionstamp: string;
}

/** A condition of a commit: `key` is still at `versionstamp` (null: still absent). */
export interface StoreCheck {
  key: StoreKey;
  versionstamp: string | null;
}

/** Which keys a listing reads: under `prefix`, optionally from `start` (inclusive) or up to `end` (exclusive). */
export type ListSelector =
  | { prefix: StoreKey; start?: never; end?: never }
  | { prefix: StoreKey; start: StoreKey; end?: never }
  | { prefix: StoreKey; start?: never; end: StoreKey };

/** Options of {@linkcode Store.list}. */
export interface ListOptions {
  /** Most entries returned. */
  limit?: number;
  /** Newest-last keys come first. */
  reverse?: boolean;
}

/** The result of {@linkcode AtomicWrite.commit}. */
export type CommitResult = { ok: true; versionstamp: string } | { ok: false };

/** A set of checks and mutations committed together. */
export interface AtomicWrite {
  /** Adds conditions; the commit fails (ok: false) unless every one holds. */
  check(...checks: StoreCheck[]): AtomicWrite;
  /** Writes `value` at `key`; with `expireIn` (ms) the entry disappears after that. */
  set(key: StoreKey, value: unknown, options?: { expireIn?: number }): AtomicWrite;
  /** Removes `key` (a missing key is fine). */
  delete(key: StoreKey): AtomicWrite;
  /** Adds `n` to the counter at `key` (a missing key counts as 0). */
  sum(key: StoreKey, n: number): AtomicWrite;
  /**
   * Applies everything, or nothing when a check fails.
   * @throws {StoreUnavailableError} when the store cannot be reached
   */
  commit(): Promise<CommitResult>;
}

/** An ordered key-value store. */
export interface Store {
  /** What backs it, for logs and readiness: `deno-kv` or `postgres`. */
  readonly kind: string;
  /** Reads one key. */
  get<T>(key: StoreKey): Promise<StoreEntry<T>>;
  /** Reads keys in order, one entry per key. */
  getMany<T>(keys: readonly StoreKey[]): Promise<StoreEntry<T>[]>;
  /** Lists entries in key order (reverse: backwards). */
  list<T>(selector: ListSelector, options?: ListOptions): AsyncIterable<StoreEntryFound<T>>;
  /** Starts an atomic write. */
  atomic(): AtomicWrite;
  /** Closes connections; the store is unusable afterwards. */
  close(): Promise<void>;
}

/** The store cannot be reached now (a restart, a failover, a lost connection): try again. */
export class StoreUnavailableError extends Error {
  /**
   * @param message what failed, e.g. "Cannot reach PostgreSQL: connection refused"
   * @param options the underlying error
   */
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "StoreUnavailableError";
  }
}
