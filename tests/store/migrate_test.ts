import assert from "assert";
import type { Store } from "../../src/store/store.ts";
import { openDenoKvStore } from "../../src/store/deno_kv_store.ts";
import { openPostgresStore } from "../../src/store/postgres_store.ts";
import { migrate, type MigrateReport } from "../../src/store/migrate.ts";
import { POSTGRES_SKIP, startPostgres } from "../_helpers/postgres.ts";

/** A single-instance deployment's state, in the shapes the record modules write. */
async function seed(kv: Store, batches: number): Promise<void> {
  const op = kv.atomic()
    .set(["key", "hash1"], { hash: "hash1", keyAlias: "ci", spend: 1.25, models: [] })
    .set(["user", "u1"], { userId: "u1", teams: ["t1"] })
    .set(["team", "t1"], { teamId: "t1", maxBudget: 10 })
    .set(["lease", "batch_0"], { holder: "old-instance", expiresAt: 1 }, { expireIn: 60_000 })
    .sum(["auth_epoch"], 7);
  assert.ok((await op.commit()).ok);
  for (let i = 0; i < batches; i += 25) {
    const page = kv.atomic();
    for (let j = i; j < Math.min(batches, i + 25); j++) {
      const id = `batch_${String(j).padStart(4, "0")}`;
      page.set(["batch", id], { id, status: "completed", note: "é\u0000😀" })
        .set(["batch_by_owner", "u1", id], id);
    }
    assert.ok((await page.commit()).ok);
  }
}

async function all(store: Store) {
  return (await Array.fromAsync(store.list({ prefix: [] }))).map((e) => [e.key, e.value]);
}

Deno.test({
  name: "migrate() copies a Deno KV store into PostgreSQL, verifies it, and can run again",
  ignore: POSTGRES_SKIP !== null,
  async fn() {
    const server = await startPostgres();
    const dir = await Deno.makeTempDir();
    const kv = await openDenoKvStore(`${dir}/batchgate.kv`);
    const pg = await openPostgresStore(server.url, { sweepIntervalMs: 0 });
    try {
      await seed(kv, 130);
      const progress: MigrateReport[] = [];
      const exclude = [["lease"]];
      const report = await migrate(kv, pg, {
        pageSize: 50,
        exclude,
        onProgress: (r) => progress.push(r),
      });
      const total = 5 + 2 * 130;
      assert.deepEqual(report, {
        read: total,
        written: total - 1,
        unchanged: 0,
        excluded: 1,
        verified: total - 1,
      });
      // Pages of 50: the listing really was read in pieces.
      assert.equal(progress.length, Math.ceil(total / 50));
      assert.deepEqual(
        await all(pg),
        (await all(kv)).filter(([key]) => (key as string[])[0] !== "lease"),
      );
      // The counter is still a counter on PostgreSQL.
      assert.ok((await pg.atomic().sum(["auth_epoch"], 1).commit()).ok);
      assert.equal((await pg.get(["auth_epoch"])).value, 8);

      // A second run writes only what changed since.
      await kv.atomic().set(["team", "t1"], { teamId: "t1", maxBudget: 20 }).commit();
      const again = await migrate(kv, pg, { pageSize: 50, exclude });
      assert.deepEqual(again, {
        read: total,
        written: 2,
        unchanged: total - 3,
        excluded: 1,
        verified: total - 1,
      });
      assert.deepEqual((await pg.get(["team", "t1"])).value, { teamId: "t1", maxBudget: 20 });
      assert.equal((await pg.get(["auth_epoch"])).value, 7);
    } finally {
      await pg.close();
      await kv.close();
      await server.stop();
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test("migrate() copies between two Deno KV stores in commits Deno KV accepts", async () => {
  const from = await openDenoKvStore(":memory:");
  const to = await openDenoKvStore(":memory:");
  try {
    // 60 KiB values: a page of them must be split into several commits.
    const big = "x".repeat(60 * 1024);
    for (let i = 0; i < 30; i++) {
      assert.ok((await from.atomic().set(["file", `f${i}`], { big, i }).commit()).ok);
    }
    const report = await migrate(from, to);
    assert.equal(report.written, 30);
    assert.equal(report.verified, 30);
    assert.deepEqual((await to.get(["file", "f29"])).value, { big, i: 29 });
  } finally {
    await from.close();
    await to.close();
  }
});
