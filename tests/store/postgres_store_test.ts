/**
 * What only the PostgreSQL store has: expiry checked on every read, the
 * sweeper, its versioned schema, isolation by schema, and how it behaves
 * while the server is down. The Store contract itself is in
 * `conformance_test.ts`.
 */
import assert from "assert";
import postgres from "postgres";
import { StoreUnavailableError } from "../../src/store/store.ts";
import { openPostgresStore } from "../../src/store/postgres_store.ts";
import { COMMIT_LOCK_CLASS, SCHEMA_VERSION } from "../../src/store/_postgres_schema.ts";
import { encodeKey, keyLockId } from "../../src/store/_key_bytes.ts";
import { openStore } from "../../src/store/open_store.ts";
import { freePort, POSTGRES_SKIP, startPostgres } from "../_helpers/postgres.ts";

/** Polls (bounded) until some session waits for an advisory lock. */
async function waitForLockWaiter(sql: postgres.ISql): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const [row] = await sql`SELECT count(*)::int AS n FROM pg_locks
      WHERE locktype = 'advisory' AND NOT granted`;
    if (row?.n) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error("Timed out waiting for the commit to wait on its lock");
}

Deno.test({
  name: "PostgresStore",
  ignore: POSTGRES_SKIP !== null,
  async fn(t) {
    const server = await startPostgres();
    try {
      await t.step("hides an entry once its expireIn has passed, and sweeps it", async () => {
        let now = 1_000_000;
        const store = await openPostgresStore(server.url, {
          schema: "expiry",
          sweepIntervalMs: 0,
          now: () => now,
        });
        try {
          await store.atomic()
            .set(["lease", "b1"], { holder: "a" }, { expireIn: 5_000 })
            .set(["lease", "b2"], { holder: "b" }, { expireIn: 50_000 })
            .set(["kept"], 1)
            .commit();
          now += 4_999;
          assert.deepEqual((await store.get(["lease", "b1"])).value, { holder: "a" });
          assert.equal(await store.sweepExpired(), 0);
          now += 1;
          assert.deepEqual(await store.get(["lease", "b1"]), {
            key: ["lease", "b1"],
            value: null,
            versionstamp: null,
          });
          assert.equal((await store.getMany([["lease", "b1"], ["lease", "b2"]]))[0]!.value, null);
          const listed = await Array.fromAsync(store.list({ prefix: ["lease"] }));
          assert.deepEqual(listed.map((e) => e.key), [["lease", "b2"]]);
          // An expired entry counts as absent for a check, so a new lease can be taken.
          const taken = await store.atomic()
            .check({ key: ["lease", "b1"], versionstamp: null })
            .set(["lease", "b1"], { holder: "c" }, { expireIn: 5_000 })
            .commit();
          assert.ok(taken.ok);
          now += 50_000;
          assert.equal(await store.sweepExpired(), 2);
          assert.equal(await store.sweepExpired(), 0);
          assert.equal((await store.get(["kept"])).value, 1);
          // A sum on an expired entry starts from 0.
          await store.atomic().set(["n"], "x", { expireIn: 10 }).commit();
          now += 10;
          await store.atomic().sum(["n"], 4).commit();
          assert.equal((await store.get(["n"])).value, 4);
        } finally {
          await store.close();
        }
      });

      await t.step("sweeps expired entries on its own every sweepIntervalMs", async () => {
        let now = 1_000_000;
        const store = await openPostgresStore(server.url, {
          schema: "sweeper",
          sweepIntervalMs: 20,
          now: () => now,
        });
        const sql = postgres(server.url, { max: 1, onnotice: false });
        try {
          await store.atomic().set(["lease", "b1"], 1, { expireIn: 1_000 }).commit();
          now += 1_000;
          for (let i = 0;; i++) {
            const [row] = await sql`SELECT count(*)::int AS n FROM sweeper.entries`;
            if (row?.n === 0) break;
            assert.ok(i < 500, "the sweeper never ran");
            await new Promise((r) => setTimeout(r, 10));
          }
        } finally {
          await sql.end();
          await store.close();
        }
      });

      await t.step(
        "creates its schema once, records the version, and refuses a newer one",
        async () => {
          const first = await openPostgresStore(server.url, { schema: "versioned" });
          await first.atomic().set(["a"], 1).commit();
          await first.close();
          const again = await openPostgresStore(server.url, { schema: "versioned" });
          assert.equal((await again.get(["a"])).value, 1);
          await again.close();

          const sql = postgres(server.url, { max: 1, onnotice: false });
          try {
            const rows = await sql`SELECT version FROM versioned.schema_version ORDER BY version`;
            assert.deepEqual(rows.map((r) => r.version), [SCHEMA_VERSION]);
            await sql`INSERT INTO versioned.schema_version (version) VALUES (${
              SCHEMA_VERSION + 1
            })`;
            await assert.rejects(
              () => openPostgresStore(server.url, { schema: "versioned" }),
              /schema versioned is at version 2, this Batchgate knows up to 1/,
            );
            // Nothing else is created in the database: only the schema asked for.
            const schemas = await sql`SELECT nspname FROM pg_namespace
            WHERE nspname NOT LIKE 'pg_%' AND nspname <> 'information_schema' ORDER BY nspname`;
            assert.ok(!schemas.some((r) => r.nspname === "batchgate"));
            const [publicTables] = await sql`SELECT count(*)::int AS n FROM pg_tables
            WHERE schemaname = 'public'`;
            assert.equal(publicTables?.n, 0);
          } finally {
            await sql.end();
          }
        },
      );

      await t.step("instances starting together migrate the schema once", async () => {
        const stores = await Promise.all(
          Array.from({ length: 4 }, () => openPostgresStore(server.url, { schema: "racing" })),
        );
        const results = await Promise.all(
          stores.map((s, i) => s.atomic().set(["i", `${i}`], i).commit()),
        );
        assert.ok(results.every((r) => r.ok));
        assert.equal((await Array.fromAsync(stores[0]!.list({ prefix: ["i"] }))).length, 4);
        for (const store of stores) await store.close();
      });

      await t.step("keeps two schemas apart", async () => {
        const a = await openPostgresStore(server.url, { schema: "tenant_a" });
        const b = await openPostgresStore(server.url, { schema: "tenant_b" });
        try {
          await a.atomic().set(["x"], "a").commit();
          assert.equal((await b.get(["x"])).value, null);
          assert.deepEqual(await Array.fromAsync(b.list({ prefix: [] })), []);
        } finally {
          await a.close();
          await b.close();
        }
      });

      await t.step("rejects a schema name that is not a plain identifier", async () => {
        await assert.rejects(
          () => openPostgresStore(server.url, { schema: 'x"; DROP SCHEMA public; --' }),
          TypeError,
        );
      });

      await t.step(
        "throws StoreUnavailableError while the server is down, then recovers",
        async () => {
          const store = await openPostgresStore(server.url, {
            schema: "restart",
            sweepIntervalMs: 0,
          });
          try {
            await store.atomic().set(["batch", "1"], { status: "in_progress" }).commit();
            await server.down();
            await assert.rejects(() => store.get(["batch", "1"]), StoreUnavailableError);
            await assert.rejects(
              () => store.atomic().set(["batch", "1"], { status: "failed" }).commit(),
              StoreUnavailableError,
            );
            await assert.rejects(
              () => Array.fromAsync(store.list({ prefix: ["batch"] })),
              StoreUnavailableError,
            );
            await server.up();
            // The pool reconnects on its own; nothing committed was lost.
            assert.deepEqual((await store.get(["batch", "1"])).value, { status: "in_progress" });
            assert.ok((await store.atomic().set(["batch", "2"], {}).commit()).ok);
          } finally {
            await store.close();
          }
        },
      );

      await t.step("a commit in flight when the server stops fails as unavailable", async () => {
        const store = await openPostgresStore(server.url, {
          schema: "inflight",
          sweepIntervalMs: 0,
        });
        const holder = postgres(server.url, { max: 1, onnotice: false });
        try {
          // Another session holds the key's commit lock, so the commit waits inside the server.
          const lockId = keyLockId(encodeKey(["batch", "1"]));
          const reserved = await holder.reserve();
          await reserved`SELECT pg_advisory_lock(${COMMIT_LOCK_CLASS}, ${lockId})`;
          const pending = store.atomic().set(["batch", "1"], { status: "completed" }).commit();
          const failed = pending.then(() => null, (e) => e);
          await waitForLockWaiter(reserved);
          await server.down();
          const error = await failed;
          assert.ok(error instanceof StoreUnavailableError, String(error));
          await server.up();
          assert.equal((await store.get(["batch", "1"])).versionstamp, null);
        } finally {
          await holder.end({ timeout: 1 });
          await store.close();
        }
      });

      await t.step("cannot open on a port where no server listens", async () => {
        const url = `postgres://postgres:x@127.0.0.1:${freePort()}/postgres`;
        const error = await openPostgresStore(url).then(() => null, (e) => e);
        assert.ok(error instanceof StoreUnavailableError, String(error));
        assert.match(
          error.message,
          /^Cannot open PostgreSQL store \(schema batchgate\): PostgreSQL is unavailable/,
        );
      });

      await t.step("a wrong password is an error, not unavailability", async () => {
        const url = server.url.replace(/:[^:@]*@/, ":wrong@");
        const error = await openPostgresStore(url).then(() => null, (e) => e);
        assert.ok(
          error instanceof Error && !(error instanceof StoreUnavailableError),
          String(error),
        );
      });

      await t.step("openStore() opens PostgreSQL for a URL and Deno KV for a path", async () => {
        const pg = await openStore({ url: server.url, path: ":memory:", schema: "open_store" });
        assert.equal(pg.kind, "postgres");
        await pg.close();
        const kv = await openStore({ path: ":memory:" });
        assert.equal(kv.kind, "deno-kv");
        await kv.close();
        await assert.rejects(
          () => openStore({ url: "mysql://u:p@h/db" }),
          /mysql: URLs are not supported/,
        );
        await assert.rejects(() => openStore({}), TypeError);
      });
    } finally {
      await server.stop();
    }
  },
});
