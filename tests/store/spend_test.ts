import assert from "assert";
import { openDenoKvStore } from "../../src/store/deno_kv_store.ts";
import type { Store } from "../../src/store/store.ts";
import {
  createKey,
  getKeyByHash,
  getTeam,
  getUser,
  type KeyRecord,
} from "../../src/store/api_keys.ts";
import { addSpend, effectiveSpend } from "../../src/store/spend.ts";
import { createTeam } from "../../src/store/teams.ts";

const T0 = Date.UTC(2025, 0, 1);

function keyRecord(hash: string, extra: Partial<KeyRecord> = {}): KeyRecord {
  return {
    hash,
    keyName: "sk-...test",
    keyAlias: null,
    models: [],
    userId: "u1",
    teamId: "t1",
    metadata: {},
    maxBudget: null,
    budgetDuration: null,
    budgetResetAt: null,
    spend: 0,
    expiresAt: null,
    createdAt: T0,
    deletedAt: null,
    ...extra,
  };
}

async function withKv(fn: (kv: Store) => Promise<void>) {
  const kv = await openDenoKvStore(":memory:");
  try {
    await fn(kv);
  } finally {
    await kv.close();
  }
}

Deno.test("addSpend() adds to key, user and team without losing concurrent additions", async () => {
  await withKv(async (kv) => {
    await createTeam(kv, {
      teamId: "t1",
      teamAlias: null,
      models: [],
      maxBudget: null,
      budgetDuration: null,
      budgetResetAt: null,
      spend: 0,
      metadata: {},
      createdAt: T0,
    });
    await createKey(kv, keyRecord("h1"));
    const target = { keyHash: "h1", userId: "u1", teamId: "t1" };
    await Promise.all(Array.from({ length: 20 }, () => addSpend(kv, target, 0.25, { now: T0 })));
    assert.equal((await getKeyByHash(kv, "h1"))?.spend, 5);
    assert.equal((await getUser(kv, "u1"))?.spend, 5);
    assert.equal((await getTeam(kv, "t1"))?.spend, 5);
    // Missing records are skipped, not created.
    await addSpend(kv, { keyHash: "nope", userId: "ghost" }, 1, { now: T0 });
    assert.equal(await getUser(kv, "ghost"), null);
  });
});

Deno.test("addSpend() starts a new budget window once budgetResetAt has passed", async () => {
  await withKv(async (kv) => {
    const day = 86_400_000;
    await createKey(
      kv,
      keyRecord("h2", {
        userId: null,
        teamId: null,
        budgetDuration: "1d",
        budgetResetAt: T0 + day,
      }),
    );
    await addSpend(kv, { keyHash: "h2" }, 2, { now: T0 + 1000 });
    let key = (await getKeyByHash(kv, "h2"))!;
    assert.equal(key.spend, 2);
    assert.equal(effectiveSpend(key, T0 + day - 1), 2);
    assert.equal(effectiveSpend(key, T0 + day), 0, "spend of an ended window counts as 0");
    await addSpend(kv, { keyHash: "h2" }, 3, { now: T0 + day + 5 });
    key = (await getKeyByHash(kv, "h2"))!;
    assert.equal(key.spend, 3);
    assert.equal(key.budgetResetAt, T0 + 2 * day + 5);
  });
});
