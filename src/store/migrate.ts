/**
 * Copies a deployment's state from one {@linkcode Store} to another (Deno KV
 * to PostgreSQL for `batchgate migrate --from-kv PATH --to postgres://…`),
 * a page at a time so memory does not grow with the store, then reads both
 * again to verify the copy. Running it twice is safe: entries the target
 * already holds with the same value are left alone.
 *
 * Deno KV's counters (made by `sum`) read back as plain numbers, so every
 * non-negative integer value is written as a counter: it reads the same on
 * the target, and `sum` keeps working on it there.
 *
 * Deno KV does not tell a read when an entry expires, so a copied entry that
 * was written with `expireIn` is permanent on the target; pass the prefixes
 * of such short-lived keys (leases) in `exclude`.
 * @module
 */
import type { Store, StoreEntry, StoreEntryFound, StoreKey } from "./store.ts";

/** Options of {@linkcode migrate}. */
export interface MigrateOptions {
  /** Entries read per page (default 500). */
  pageSize?: number;
  /** Prefixes not copied, e.g. leases. */
  exclude?: readonly StoreKey[];
  /** Called after each page with the counts so far. */
  onProgress?: (report: MigrateReport) => void;
}

/** What {@linkcode migrate} did. */
export interface MigrateReport {
  /** Entries read from the source (excluded ones included). */
  read: number;
  /** Entries written to the target. */
  written: number;
  /** Entries the target already held with the same value. */
  unchanged: number;
  /** Entries under an `exclude` prefix. */
  excluded: number;
  /** Entries found equal on the target by the verification pass. */
  verified: number;
}

/** One commit stays well inside Deno KV's limits (100 checks, 1,000 mutations, 800 KiB; a JSON character may take 2 bytes there). */
const COMMIT_ENTRIES = 100;
const COMMIT_BYTES = 300 * 1024;
const PAGE_ATTEMPTS = 10;

/**
 * Copies every entry of `from` into `to`, then verifies that `to` holds each
 * one with an equal value.
 * @throws {Error} when an entry differs after the copy, or a page kept
 *   conflicting with another writer
 * @example
 * ```ts ignore
 * const report = await migrate(kvStore, pgStore, { exclude: [["lease"]] });
 * ```
 */
export async function migrate(
  from: Store,
  to: Store,
  options: MigrateOptions = {},
): Promise<MigrateReport> {
  const report: MigrateReport = { read: 0, written: 0, unchanged: 0, excluded: 0, verified: 0 };
  const exclude = options.exclude ?? [];
  for await (const page of pages(from, options.pageSize ?? 500)) {
    const wanted = page.filter((entry) => !exclude.some((prefix) => isUnder(entry.key, prefix)));
    report.read += page.length;
    report.excluded += page.length - wanted.length;
    const { written, unchanged } = await copyPage(wanted, to);
    report.written += written;
    report.unchanged += unchanged;
    options.onProgress?.({ ...report });
  }
  for await (const page of pages(from, options.pageSize ?? 500)) {
    const wanted = page.filter((entry) => !exclude.some((prefix) => isUnder(entry.key, prefix)));
    const targets = await to.getMany(wanted.map((entry) => entry.key));
    wanted.forEach((entry, i) => {
      if (!sameValue(entry.value, targets[i]!.value)) {
        throw new Error(
          `Cannot verify migration: ${JSON.stringify(entry.key)} differs on the target`,
        );
      }
    });
    report.verified += wanted.length;
  }
  return report;
}

/** Lists all of `store` in pages, each page its own short read. */
async function* pages(store: Store, size: number): AsyncIterable<StoreEntryFound<unknown>[]> {
  let start: StoreKey | undefined;
  for (;;) {
    const selector = start ? { prefix: [], start } : { prefix: [] };
    // `start` is inclusive: read one more and drop the key the last page ended on.
    const page: StoreEntryFound<unknown>[] = [];
    for await (const entry of store.list<unknown>(selector, { limit: size + (start ? 1 : 0) })) {
      if (start && sameKey(entry.key, start)) continue;
      page.push(entry);
    }
    if (page.length === 0) return;
    yield page;
    start = page[page.length - 1]!.key;
  }
}

/** Writes the entries `to` lacks or holds differently, with checks, retrying a lost race. */
async function copyPage(
  entries: StoreEntryFound<unknown>[],
  to: Store,
): Promise<{ written: number; unchanged: number }> {
  let written = 0;
  let unchanged = 0;
  for (let i = 0; i < entries.length;) {
    const chunk: StoreEntryFound<unknown>[] = [];
    let bytes = 0;
    while (i < entries.length && chunk.length < COMMIT_ENTRIES && bytes < COMMIT_BYTES) {
      const entry = entries[i++]!;
      chunk.push(entry);
      bytes += JSON.stringify(entry.value)?.length ?? 0;
    }
    for (let attempt = 1;; attempt++) {
      const targets = await to.getMany(chunk.map((entry) => entry.key));
      const changed = chunk.filter((entry, j) => !sameTarget(entry.value, targets[j]!));
      if (changed.length === 0) {
        unchanged += chunk.length;
        break;
      }
      const op = to.atomic();
      chunk.forEach((entry, j) => {
        const target = targets[j]!;
        if (sameTarget(entry.value, target)) return;
        op.check({ key: entry.key, versionstamp: target.versionstamp });
        if (isCounter(entry.value)) op.delete(entry.key).sum(entry.key, entry.value);
        else op.set(entry.key, entry.value);
      });
      if ((await op.commit()).ok) {
        written += changed.length;
        unchanged += chunk.length - changed.length;
        break;
      }
      if (attempt >= PAGE_ATTEMPTS) {
        throw new Error(
          `Cannot copy ${
            JSON.stringify(chunk[0]!.key)
          } and the entries after it: the target kept changing`,
        );
      }
    }
  }
  return { written, unchanged };
}

function isCounter(value: unknown): value is number {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0;
}

function sameTarget(value: unknown, target: StoreEntry<unknown>): boolean {
  return target.versionstamp !== null && sameValue(value, target.value);
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function sameKey(a: StoreKey, b: StoreKey): boolean {
  return a.length === b.length && a.every((part, i) => part === b[i]);
}

function isUnder(key: StoreKey, prefix: StoreKey): boolean {
  return key.length > prefix.length && prefix.every((part, i) => part === key[i]);
}
