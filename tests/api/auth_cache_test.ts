/**
 * Keys are cached in each instance (no KV read per request); changes must
 * still take effect at once on the instance that made them and within a
 * second on other instances sharing the KV.
 * @module
 */
import assert from "assert";
import { errorOf, MASTER_KEY, type TestApp, withApp } from "../_helpers/app.ts";

/** Runs `fn` with two apps (two instances) on one KV file. */
async function withTwoInstances(fn: (a: TestApp, b: TestApp) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir();
  try {
    const kvPath = `${dir}/shared.kv`;
    await withApp((a) => withApp((b) => fn(a, b), { kvPath }), { kvPath });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/**
 * Moves `t`'s clock in 100 ms steps until `probe` returns true; returns the
 * clock ms it took, or throws after `limitMs`.
 */
async function msUntil(
  t: TestApp,
  probe: () => Promise<boolean>,
  limitMs: number,
): Promise<number> {
  let elapsed = 0;
  while (!(await probe())) {
    if (elapsed >= limitMs) throw new Error(`Not seen within ${limitMs} ms`);
    t.clock.advance(100);
    elapsed += 100;
  }
  return elapsed;
}

async function modelIds(t: TestApp, key: string): Promise<{ status: number; ids: string[] }> {
  const res = await t.json("GET", "/v1/models", { key });
  const data = (res.body.data ?? []) as { id: string }[];
  return { status: res.status, ids: data.map((m) => m.id).sort() };
}

Deno.test("a deleted key is refused at once by its instance and within a second by another", async () => {
  await withTwoInstances(async (a, b) => {
    const { key } = await a.generateKey();
    assert.equal((await modelIds(b, key)).status, 200); // b now has the key cached
    assert.equal((await modelIds(a, key)).status, 200);
    const deleted = await a.json("POST", "/key/delete", { key: MASTER_KEY, body: { keys: [key] } });
    assert.equal(deleted.status, 200);
    const onA = await a.json("GET", "/v1/models", { key });
    assert.equal(onA.status, 401);
    assert.match(String(errorOf(onA.body).message), /was deleted/);
    assert.equal((await modelIds(b, key)).status, 200, "b still serves its cached entry");
    const ms = await msUntil(b, async () => (await modelIds(b, key)).status === 401, 3000);
    assert.ok(ms <= 1000, `instance b refused the deleted key after ${ms.toFixed(0)} ms`);
  });
});

Deno.test("a clock set back does not keep a deleted key alive on another instance", async () => {
  await withTwoInstances(async (a, b) => {
    const { key } = await a.generateKey();
    assert.equal((await modelIds(b, key)).status, 200); // b now has the key cached
    const deleted = await a.json("POST", "/key/delete", { key: MASTER_KEY, body: { keys: [key] } });
    assert.equal(deleted.status, 200);
    // The wall clock jumps an hour back (NTP, a VM restored): b must still compare the epoch.
    b.clock.ms -= 3_600_000;
    assert.equal((await modelIds(b, key)).status, 401);
  });
});

Deno.test("key and team model changes reach requests without a restart", async () => {
  await withTwoInstances(async (a, b) => {
    const team = await a.json("POST", "/team/new", {
      key: MASTER_KEY,
      body: { team_id: "team-cache", models: ["claude", "nova"] },
    });
    assert.equal(team.status, 200);
    const { key } = await a.generateKey({ team_id: "team-cache" });
    assert.deepEqual((await modelIds(a, key)).ids, ["claude", "nova"]);
    assert.deepEqual((await modelIds(b, key)).ids, ["claude", "nova"]);

    const update = await a.json("POST", "/team/update", {
      key: MASTER_KEY,
      body: { team_id: "team-cache", models: ["nova"] },
    });
    assert.equal(update.status, 200);
    assert.deepEqual((await modelIds(a, key)).ids, ["nova"]);
    await msUntil(b, async () => (await modelIds(b, key)).ids.join() === "nova", 1000);

    const keyUpdate = await b.json("POST", "/key/update", {
      key: MASTER_KEY,
      body: { key, models: ["claude"] },
    });
    assert.equal(keyUpdate.status, 200);
    // The key allows claude, its team only nova: nothing is left.
    assert.deepEqual((await modelIds(b, key)).ids, []);
    await msUntil(a, async () => (await modelIds(a, key)).ids.length === 0, 1000);
  });
});

Deno.test("an expired key is refused by the cache's clock check, not only on reload", async () => {
  await withApp(async (t) => {
    const { key } = await t.generateKey({ duration: "1h" });
    assert.equal((await modelIds(t, key)).status, 200);
    t.clock.advance(60 * 60 * 1000 + 1);
    const res = await t.json("GET", "/v1/models", { key });
    assert.equal(res.status, 401);
    assert.equal(errorOf(res.body).code, "expired_api_key");
  });
});
