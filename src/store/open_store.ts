/**
 * Opens the store a deployment asked for: PostgreSQL when there is a
 * database URL (`--store`, `general_settings.database_url`, `DATABASE_URL`),
 * else Deno KV at a path, as before. Knows nothing of the config module, so
 * the caller decides where the URL and the path come from.
 * @module
 */
import type { Store } from "./store.ts";
import { openDenoKvStore } from "./deno_kv_store.ts";
import { openPostgresStore } from "./postgres_store.ts";

/** Options of {@linkcode openStore}. */
export interface OpenStoreOptions {
  /** A `postgres://` or `postgresql://` URL; wins over `path` when both are given. */
  url?: string | undefined;
  /** A Deno KV file path, `:memory:`, or a KV Connect `http(s)://` URL. */
  path?: string | undefined;
  /** PostgreSQL only: the schema of Batchgate's tables (default `batchgate`). */
  schema?: string | undefined;
  /** PostgreSQL only: most connections in the pool (default 10). */
  poolSize?: number | undefined;
}

/**
 * Opens PostgreSQL for `url`, else Deno KV for `path`.
 * @throws {TypeError} when `url` is not a PostgreSQL URL, or neither is given
 * @throws {import("./store.ts").StoreUnavailableError} when PostgreSQL cannot be reached
 * @example
 * ```ts ignore
 * const store = await openStore({ url: Deno.env.get("DATABASE_URL"), path: "data/batchgate.kv" });
 * ```
 */
export async function openStore(options: OpenStoreOptions): Promise<Store> {
  const { url, path } = options;
  if (url) {
    if (!/^postgres(ql)?:\/\//.test(url)) {
      throw new TypeError(
        `Cannot open store: ${
          url.split(":")[0]
        }: URLs are not supported, use postgres:// or postgresql://`,
      );
    }
    return await openPostgresStore(url, {
      ...(options.schema !== undefined ? { schema: options.schema } : {}),
      ...(options.poolSize !== undefined ? { poolSize: options.poolSize } : {}),
    });
  }
  if (path) return await openDenoKvStore(path);
  throw new TypeError("Cannot open store: give a PostgreSQL URL or a Deno KV path");
}
