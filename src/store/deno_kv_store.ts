/**
 * {@linkcode Store} on Deno KV: a local file (the default), `:memory:` for
 * tests, or a KV Connect URL. Two processes on one file see each other's
 * writes but often get `database is locked`; reads and commits retry that here,
 * so the record modules never see it.
 * @module
 */
import type {
  AtomicWrite,
  CommitResult,
  ListOptions,
  ListSelector,
  Store,
  StoreCheck,
  StoreEntry,
  StoreEntryFound,
  StoreKey,
} from "./store.ts";

/** How often a locked read or commit is tried before the error is thrown. */
const LOCKED_ATTEMPTS = 25;

function isLocked(error: unknown): boolean {
  return error instanceof Error && /database is locked|busy/i.test(error.message);
}

async function retryLocked<T>(fn: () => Promise<T>): Promise<T> {
  for (let attempt = 1;; attempt++) {
    try {
      return await fn();
    } catch (error) {
      if (!isLocked(error) || attempt >= LOCKED_ATTEMPTS) throw error;
      await new Promise((r) => setTimeout(r, Math.min(100, 2 * attempt) * Math.random()));
    }
  }
}

/** Counters are KV's unsigned 64-bit integers in the store, numbers outside it. */
function fromKv<T>(entry: Deno.KvEntryMaybe<unknown>): StoreEntry<T> {
  const value = entry.value instanceof Deno.KvU64 ? Number(entry.value.value) : entry.value;
  return { key: entry.key as string[], value: value as T | null, versionstamp: entry.versionstamp };
}

/**
 * Opens a Deno KV store.
 * @param pathOrUrl a file path (its folder is created), `:memory:`, or an `http(s)://` KV Connect
 *   URL (token from `DENO_KV_ACCESS_TOKEN`)
 */
export async function openDenoKvStore(pathOrUrl: string): Promise<Store> {
  if (!/^https?:\/\//.test(pathOrUrl) && pathOrUrl !== ":memory:") {
    const dir = pathOrUrl.replace(/[^/]*$/, "");
    if (dir) await Deno.mkdir(dir, { recursive: true });
  }
  return new DenoKvStore(await Deno.openKv(pathOrUrl));
}

/** A {@linkcode Store} over an open `Deno.Kv`. */
export class DenoKvStore implements Store {
  readonly kind = "deno-kv";
  readonly #kv: Deno.Kv;

  /** @param kv the database; closed by {@linkcode DenoKvStore.close} */
  constructor(kv: Deno.Kv) {
    this.#kv = kv;
  }

  async get<T>(key: StoreKey): Promise<StoreEntry<T>> {
    return fromKv<T>(await retryLocked(() => this.#kv.get(key as string[])));
  }

  async getMany<T>(keys: readonly StoreKey[]): Promise<StoreEntry<T>[]> {
    const out: StoreEntry<T>[] = [];
    // KV reads at most 10 keys per call.
    for (let i = 0; i < keys.length; i += 10) {
      const page = keys.slice(i, i + 10) as string[][];
      const entries = await retryLocked(() => this.#kv.getMany<unknown[]>(page));
      for (const entry of entries) out.push(fromKv<T>(entry));
    }
    return out;
  }

  async *list<T>(
    selector: ListSelector,
    options: ListOptions = {},
  ): AsyncIterable<StoreEntryFound<T>> {
    const iter = this.#kv.list<unknown>(selector as Deno.KvListSelector, {
      ...(options.limit !== undefined ? { limit: options.limit } : {}),
      ...(options.reverse ? { reverse: true } : {}),
    });
    for await (const entry of iter) yield fromKv<T>(entry) as StoreEntryFound<T>;
  }

  atomic(): AtomicWrite {
    return new DenoKvAtomic(this.#kv);
  }

  close(): Promise<void> {
    this.#kv.close();
    return Promise.resolve();
  }
}

type Mutation = (op: Deno.AtomicOperation) => void;

/**
 * Collects checks and mutations, and builds the KV atomic at commit time,
 * so a locked commit can be sent again as a fresh atomic.
 */
class DenoKvAtomic implements AtomicWrite {
  readonly #kv: Deno.Kv;
  readonly #checks: StoreCheck[] = [];
  readonly #mutations: Mutation[] = [];

  constructor(kv: Deno.Kv) {
    this.#kv = kv;
  }

  check(...checks: StoreCheck[]): AtomicWrite {
    this.#checks.push(...checks);
    return this;
  }

  set(key: StoreKey, value: unknown, options: { expireIn?: number } = {}): AtomicWrite {
    this.#mutations.push((op) =>
      op.set(
        key as string[],
        value,
        options.expireIn !== undefined ? { expireIn: options.expireIn } : undefined,
      )
    );
    return this;
  }

  delete(key: StoreKey): AtomicWrite {
    this.#mutations.push((op) => op.delete(key as string[]));
    return this;
  }

  sum(key: StoreKey, n: number): AtomicWrite {
    this.#mutations.push((op) => op.sum(key as string[], BigInt(n)));
    return this;
  }

  commit(): Promise<CommitResult> {
    return retryLocked(async () => {
      const op = this.#kv.atomic();
      for (const c of this.#checks) {
        op.check({ key: c.key as string[], versionstamp: c.versionstamp });
      }
      for (const mutate of this.#mutations) mutate(op);
      const result = await op.commit();
      return result.ok ? { ok: true, versionstamp: result.versionstamp } : { ok: false };
    });
  }
}
