/**
 * The PostgreSQL store's schema, as numbered migrations embedded in code (no
 * SQL file is read at run time, so `deno compile` keeps working). Start-up
 * applies the missing ones in one transaction under an advisory lock, so
 * instances starting together do not race, and refuses a schema newer than
 * this build knows: it is never downgraded.
 * @module
 */
import type { Sql } from "postgres";

/** Advisory lock class of the store's per-key commit locks (two-int form, its own keyspace). */
export const COMMIT_LOCK_CLASS = 0x42470001;

/** SQLSTATE that the commit function raises for a sum on a non-counter value. */
export const SUM_ON_VALUE_SQLSTATE = "BG001";

/** One migration: `sql(schema)` gives its statements for the quoted schema name. */
interface Migration {
  version: number;
  sql: (schema: string) => string;
}

/**
 * Migration 1: the entries table, the versionstamp sequence and the commit
 * function.
 *
 * `commit_atomic` runs a whole atomic write in one round trip. It first takes
 * a transaction advisory lock per key it checks or writes (ids pre-sorted by
 * the caller, so two commits never wait on each other in a cycle); in READ
 * COMMITTED each later statement of a volatile function sees every commit
 * that released those locks, so the checks read the latest versionstamps and
 * nobody can write those keys until this commit ends. The versionstamp is
 * drawn only after the locks are held, so a key's versionstamps always grow.
 * Values are JSON text (not jsonb, which rejects `\u0000` and reorders
 * object keys); counters are numeric(20,0), wrapping at 2^64 like Deno KV's
 * unsigned 64-bit sums.
 */
const MIGRATION_1 = (s: string) => `
CREATE SEQUENCE ${s}.versionstamp AS bigint;

CREATE TABLE ${s}.entries (
  key bytea PRIMARY KEY,
  value text,
  counter numeric(20, 0),
  versionstamp bigint NOT NULL,
  expires_at bigint,
  CONSTRAINT value_or_counter CHECK ((value IS NULL) <> (counter IS NULL))
);

CREATE INDEX entries_expires_at ON ${s}.entries (expires_at) WHERE expires_at IS NOT NULL;

CREATE FUNCTION ${s}.now_ms(p_now bigint) RETURNS bigint
LANGUAGE sql STABLE AS $$
  SELECT coalesce(p_now, (extract(epoch FROM statement_timestamp()) * 1000)::bigint)
$$;

CREATE FUNCTION ${s}.commit_atomic(
  p_now bigint,
  p_lock_ids integer[],
  p_check_keys bytea[],
  p_check_stamps bigint[],
  p_ops text[],
  p_keys bytea[],
  p_values text[],
  p_numbers numeric[],
  p_expire_in bigint[]
) RETURNS bigint
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  now_ms bigint := coalesce(p_now, (extract(epoch FROM clock_timestamp()) * 1000)::bigint);
  stamp bigint;
  failed integer;
  i integer;
BEGIN
  PERFORM pg_advisory_xact_lock(${COMMIT_LOCK_CLASS}, id) FROM unnest(p_lock_ids) AS id;

  SELECT count(*) INTO failed
  FROM unnest(p_check_keys, p_check_stamps) AS c(key, stamp)
  LEFT JOIN ${s}.entries e
    ON e.key = c.key AND (e.expires_at IS NULL OR e.expires_at > now_ms)
  WHERE e.versionstamp IS DISTINCT FROM c.stamp;
  IF failed > 0 THEN
    RETURN NULL;
  END IF;

  stamp := nextval('${s}.versionstamp');
  FOR i IN 1 .. coalesce(array_length(p_ops, 1), 0) LOOP
    IF p_ops[i] = 'set' THEN
      INSERT INTO ${s}.entries AS e (key, value, counter, versionstamp, expires_at)
      VALUES (p_keys[i], p_values[i], NULL, stamp, now_ms + p_expire_in[i])
      ON CONFLICT (key) DO UPDATE
        SET value = excluded.value, counter = NULL, versionstamp = stamp,
            expires_at = excluded.expires_at;
    ELSIF p_ops[i] = 'delete' THEN
      DELETE FROM ${s}.entries WHERE key = p_keys[i];
    ELSE
      IF EXISTS (
        SELECT 1 FROM ${s}.entries e
        WHERE e.key = p_keys[i] AND e.counter IS NULL
          AND (e.expires_at IS NULL OR e.expires_at > now_ms)
      ) THEN
        RAISE EXCEPTION 'Failed to perform ''sum'' mutation on a non-U64 value in the database'
          USING ERRCODE = '${SUM_ON_VALUE_SQLSTATE}';
      END IF;
      INSERT INTO ${s}.entries AS e (key, value, counter, versionstamp, expires_at)
      VALUES (p_keys[i], NULL, p_numbers[i] % 18446744073709551616, stamp, NULL)
      ON CONFLICT (key) DO UPDATE
        SET counter = CASE
              WHEN e.counter IS NULL OR e.expires_at <= now_ms THEN excluded.counter
              ELSE (e.counter + excluded.counter) % 18446744073709551616
            END,
            value = NULL, versionstamp = stamp, expires_at = NULL;
    END IF;
  END LOOP;
  RETURN stamp;
END
$$;
`;

const MIGRATIONS: readonly Migration[] = [{ version: 1, sql: MIGRATION_1 }];

/** The schema version this build writes. */
export const SCHEMA_VERSION = MIGRATIONS.length;

/** A valid unquoted schema name, so it can be put into SQL text. */
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Quotes a schema name for SQL text.
 * @throws {TypeError} for anything but lower-case letters, digits and `_`
 */
export function quoteSchema(name: string): string {
  if (!SCHEMA_NAME.test(name)) {
    throw new TypeError(
      `Cannot use PostgreSQL schema "${name}": use lower-case letters, digits and _ (at most 63)`,
    );
  }
  return `"${name}"`;
}

/**
 * Creates the schema or brings it up to {@linkcode SCHEMA_VERSION}.
 * @returns the version found before (0 for a new schema)
 * @throws {Error} when the schema is newer than this build
 */
export async function migrateSchema(sql: Sql, schema: string): Promise<number> {
  const s = quoteSchema(schema);
  return await sql.begin(async (tx) => {
    // One bigint lock per schema name, in the one-bigint keyspace (the commit locks use the other).
    await tx`SELECT pg_advisory_xact_lock(hashtextextended(${"batchgate schema " + schema}, 0))`;
    await tx.unsafe(`CREATE SCHEMA IF NOT EXISTS ${s}`);
    await tx.unsafe(
      `CREATE TABLE IF NOT EXISTS ${s}.schema_version (
        version integer PRIMARY KEY,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`,
    );
    const [row] = await tx.unsafe<{ version: number }[]>(
      `SELECT coalesce(max(version), 0)::integer AS version FROM ${s}.schema_version`,
    );
    const found = row?.version ?? 0;
    if (found > SCHEMA_VERSION) {
      throw new Error(
        `Cannot open PostgreSQL store: schema ${schema} is at version ${found}, this Batchgate knows up to ${SCHEMA_VERSION} (upgrade Batchgate; schemas are never downgraded)`,
      );
    }
    for (const migration of MIGRATIONS) {
      if (migration.version <= found) continue;
      await tx.unsafe(migration.sql(s)).simple();
      await tx.unsafe(`INSERT INTO ${s}.schema_version (version) VALUES ($1)`, [
        migration.version,
      ]);
    }
    return found;
  });
}
