import assert from "assert";
import { errorOf, MASTER_KEY, T0, withApp } from "../_helpers/app.ts";

const DAY = 86_400_000;

Deno.test("key lifecycle: generate, use, info, update, delete, then 401 'was deleted'", async () => {
  await withApp(async (t) => {
    const { key, body } = await t.generateKey({
      models: ["claude"],
      key_alias: "ci-bot",
      duration: "30d",
      max_budget: 10,
      metadata: { owner: "ci" },
    });
    assert.match(key, /^sk-/);
    assert.equal(body.key_name, `sk-...${key.slice(-4)}`);
    assert.equal(body.key_alias, "ci-bot");
    assert.deepEqual(body.models, ["claude"]);
    assert.equal(body.max_budget, 10);
    assert.equal(body.spend, 0);
    assert.equal(body.expires, new Date(T0 + 30 * DAY).toISOString());
    assert.match(String(body.token), /^[0-9a-f]{64}$/);

    // Use: the key lists the one model it may use.
    const models = await t.json("GET", "/v1/models", { key });
    assert.equal(models.status, 200);
    assert.deepEqual((models.body.data as { id: string }[]).map((m) => m.id), ["claude"]);

    // Info, by raw key and by hash.
    const info = await t.json("GET", `/key/info?key=${encodeURIComponent(key)}`, {
      key: MASTER_KEY,
    });
    assert.equal(info.status, 200);
    assert.equal(info.body.key, body.token);
    const infoObj = info.body.info as Record<string, unknown>;
    assert.equal(infoObj.key_alias, "ci-bot");
    assert.deepEqual(infoObj.metadata, { owner: "ci" });
    const byHash = await t.json("GET", `/key/info?key=${body.token}`, { key: MASTER_KEY });
    assert.deepEqual(byHash.body, info.body);

    // Update: more models, new alias, new lifetime counted from now.
    t.clock.advance(DAY);
    const updated = await t.json("POST", "/key/update", {
      key: MASTER_KEY,
      body: {
        key,
        models: ["claude", "nova"],
        key_alias: "ci-bot-2",
        duration: "1h",
        user_id: null,
      },
    });
    assert.equal(updated.status, 200, JSON.stringify(updated.body));
    assert.deepEqual(updated.body.models, ["claude", "nova"]);
    assert.equal(updated.body.key_alias, "ci-bot-2");
    assert.equal(updated.body.expires, new Date(T0 + DAY + 3_600_000).toISOString());
    assert.equal(updated.body.max_budget, 10, "null and absent fields stay unchanged");
    const after = await t.json("GET", "/v1/models", { key });
    assert.deepEqual((after.body.data as { id: string }[]).map((m) => m.id), ["claude", "nova"]);

    // Delete, then the key is refused with a clear message.
    const deleted = await t.json("POST", "/key/delete", { key: MASTER_KEY, body: { keys: [key] } });
    assert.equal(deleted.status, 200);
    assert.deepEqual(deleted.body, { deleted_keys: [body.token] });
    const refused = await t.json("GET", "/v1/models", { key });
    assert.equal(refused.status, 401);
    assert.equal(errorOf(refused.body).message, `API key ${body.key_name} was deleted`);
    assert.equal(errorOf(refused.body).type, "authentication_error");
    const gone = await t.json("GET", `/key/info?key=${body.token}`, { key: MASTER_KEY });
    assert.equal(gone.status, 404);
    const again = await t.json("POST", "/key/delete", { key: MASTER_KEY, body: { keys: [key] } });
    assert.equal(again.status, 404, "deleting twice is an error");
  });
});

Deno.test("keys are stored hashed: no KV entry contains the raw key", async () => {
  await withApp(async (t) => {
    await t.json("POST", "/team/new", { key: MASTER_KEY, body: { team_id: "team-a" } });
    const raws = [
      (await t.generateKey({ user_id: "alice", team_id: "team-a", key_alias: "a" })).key,
      (await t.generateKey({ key: "sk-my-custom-secret-value-1234" })).key,
    ];
    const user = await t.json("POST", "/user/new", { key: MASTER_KEY, body: { user_id: "bob" } });
    raws.push(String(user.body.key));
    await t.json("POST", "/key/update", {
      key: MASTER_KEY,
      body: { key: raws[1], metadata: { note: "x" } },
    });
    let entries = 0;
    for await (const entry of t.store.list({ prefix: [] })) {
      entries++;
      // The auth epoch is a KvU64 (a bigint inside).
      const dump = JSON.stringify(entry.key) +
        JSON.stringify(entry.value, (_, v) => typeof v === "bigint" ? String(v) : v);
      for (const raw of raws) {
        assert.ok(!dump.includes(raw), `raw key found in ${JSON.stringify(entry.key)}`);
        // The secret part alone must not appear either.
        assert.ok(!dump.includes(raw.slice(3)), `key body found in ${JSON.stringify(entry.key)}`);
      }
    }
    assert.ok(entries >= 6, `expected key, index, user and team entries, found ${entries}`);
    // Responses other than the generate response never echo the raw key.
    const list = await t.request("GET", "/key/list?return_full_object=true", { key: MASTER_KEY });
    const text = await list.text();
    for (const raw of raws) assert.ok(!text.includes(raw.slice(3)));
  });
});

Deno.test("a key is refused with 401 once it expires", async () => {
  await withApp(async (t) => {
    const { key, body } = await t.generateKey({ duration: "1h" });
    assert.equal((await t.request("GET", "/v1/models", { key })).status, 200);
    t.clock.advance(3_600_000 - 1);
    assert.equal((await t.request("GET", "/v1/models", { key })).status, 200);
    t.clock.advance(1);
    const res = await t.json("GET", "/v1/models", { key });
    assert.equal(res.status, 401);
    assert.equal(errorOf(res.body).code, "expired_api_key");
    assert.equal(
      errorOf(res.body).message,
      `API key ${body.key_name} expired at ${new Date(T0 + 3_600_000).toISOString()}`,
    );
    // An admin may revive it with duration "-1" (never expires).
    await t.json("POST", "/key/update", { key: MASTER_KEY, body: { key, duration: "-1" } });
    assert.equal((await t.request("GET", "/v1/models", { key })).status, 200);
  });
});

Deno.test("POST /key/generate without duration makes a key that never expires", async () => {
  await withApp(async (t) => {
    const { key, body } = await t.generateKey();
    assert.equal(body.expires, null);
    assert.deepEqual(body.models, []);
    t.clock.advance(3650 * DAY);
    assert.equal((await t.request("GET", "/v1/models", { key })).status, 200);
  });
});

Deno.test("POST /key/generate accepts a custom sk- key once and refuses others", async () => {
  await withApp(async (t) => {
    const custom = "sk-custom-0123456789";
    const { key } = await t.generateKey({ key: custom });
    assert.equal(key, custom);
    assert.equal((await t.request("GET", "/v1/models", { key: custom })).status, 200);

    const dup = await t.json("POST", "/key/generate", { key: MASTER_KEY, body: { key: custom } });
    assert.equal(dup.status, 400);
    assert.equal(errorOf(dup.body).param, "key");
    assert.equal(errorOf(dup.body).code, "duplicate_key");

    const bad = await t.json("POST", "/key/generate", { key: MASTER_KEY, body: { key: "abc" } });
    assert.equal(bad.status, 400);
    assert.equal(errorOf(bad.body).param, "key");
    assert.match(String(errorOf(bad.body).message), /starts with 'sk-'/);

    const master = await t.json("POST", "/key/generate", {
      key: MASTER_KEY,
      body: { key: MASTER_KEY },
    });
    assert.equal(master.status, 400);
  });
});

Deno.test("POST /key/generate refuses an unknown team, a taken alias and a bad duration", async () => {
  await withApp(async (t) => {
    const team = await t.json("POST", "/key/generate", {
      key: MASTER_KEY,
      body: { team_id: "no-such-team" },
    });
    assert.equal(team.status, 400);
    assert.equal(errorOf(team.body).param, "team_id");
    assert.equal(
      errorOf(team.body).message,
      "Cannot assign key to team 'no-such-team': the team does not exist",
    );

    await t.generateKey({ key_alias: "taken" });
    const alias = await t.json("POST", "/key/generate", {
      key: MASTER_KEY,
      body: { key_alias: "taken" },
    });
    assert.equal(alias.status, 400);
    assert.equal(errorOf(alias.body).param, "key_alias");

    const duration = await t.json("POST", "/key/generate", {
      key: MASTER_KEY,
      body: { duration: "30 days" },
    });
    assert.equal(duration.status, 400);
    assert.equal(errorOf(duration.body).param, "duration");

    const models = await t.json("POST", "/key/generate", {
      key: MASTER_KEY,
      body: { models: "claude" },
    });
    assert.equal(models.status, 400);
    assert.deepEqual(errorOf(models.body), {
      message: "Invalid models: expected array, received string",
      type: "invalid_request_error",
      param: "models",
      code: "invalid_value",
    });
    // A deleted key frees its alias.
    const { key } = await t.generateKey({ key_alias: "reusable" });
    await t.json("POST", "/key/delete", { key: MASTER_KEY, body: { keys: [key] } });
    await t.generateKey({ key_alias: "reusable" });
  });
});

Deno.test("POST /key/generate creates an unknown user_id implicitly", async () => {
  await withApp(async (t) => {
    const { body } = await t.generateKey({ user_id: "new-user" });
    assert.equal(body.user_id, "new-user");
    const info = await t.json("GET", "/user/info?user_id=new-user", { key: MASTER_KEY });
    assert.equal(info.status, 200);
    assert.deepEqual((info.body.keys as { token: string }[]).map((k) => k.token), [body.token]);
  });
});

Deno.test("GET /key/list filters by user and team and paginates newest first", async () => {
  await withApp(async (t) => {
    await t.json("POST", "/team/new", { key: MASTER_KEY, body: { team_id: "t1" } });
    const tokens: string[] = [];
    for (let i = 0; i < 5; i++) {
      t.clock.advance(1000);
      const { body } = await t.generateKey({
        user_id: i % 2 === 0 ? "even" : "odd",
        team_id: i < 2 ? "t1" : null,
      });
      tokens.push(String(body.token));
    }
    const all = await t.json("GET", "/key/list", { key: MASTER_KEY });
    assert.deepEqual(all.body, {
      keys: [...tokens].reverse(),
      total_count: 5,
      current_page: 1,
      total_pages: 1,
    });
    const page2 = await t.json("GET", "/key/list?size=2&page=2", { key: MASTER_KEY });
    assert.deepEqual(page2.body.keys, [tokens[2], tokens[1]]);
    assert.equal(page2.body.total_pages, 3);
    const even = await t.json("GET", "/key/list?user_id=even", { key: MASTER_KEY });
    assert.deepEqual(even.body.keys, [tokens[4], tokens[2], tokens[0]]);
    const team = await t.json("GET", "/key/list?team_id=t1&user_id=odd", { key: MASTER_KEY });
    assert.deepEqual(team.body.keys, [tokens[1]]);
    const full = await t.json("GET", "/key/list?team_id=t1&return_full_object=true", {
      key: MASTER_KEY,
    });
    assert.deepEqual((full.body.keys as { token: string }[]).map((k) => k.token), [
      tokens[1],
      tokens[0],
    ]);
    const bad = await t.json("GET", "/key/list?size=1000", { key: MASTER_KEY });
    assert.equal(bad.status, 400);
    assert.equal(errorOf(bad.body).param, "size");
  });
});

Deno.test("POST /key/update moves a key between teams and refuses unknown keys", async () => {
  await withApp(async (t) => {
    await t.json("POST", "/team/new", { key: MASTER_KEY, body: { team_id: "a" } });
    await t.json("POST", "/team/new", { key: MASTER_KEY, body: { team_id: "b" } });
    const { key, body } = await t.generateKey({ team_id: "a" });
    await t.json("POST", "/key/update", { key: MASTER_KEY, body: { key, team_id: "b" } });
    const a = await t.json("GET", "/key/list?team_id=a", { key: MASTER_KEY });
    const b = await t.json("GET", "/key/list?team_id=b", { key: MASTER_KEY });
    assert.deepEqual(a.body.keys, []);
    assert.deepEqual(b.body.keys, [body.token]);
    const missing = await t.json("POST", "/key/update", {
      key: MASTER_KEY,
      body: { key: "sk-unknown", models: [] },
    });
    assert.equal(missing.status, 404);
    assert.equal(errorOf(missing.body).type, "not_found_error");
  });
});

Deno.test("POST /key/delete takes hashes and aliases, and deletes nothing if one is unknown", async () => {
  await withApp(async (t) => {
    const one = await t.generateKey({ key_alias: "one" });
    const two = await t.generateKey();
    const refused = await t.json("POST", "/key/delete", {
      key: MASTER_KEY,
      body: { keys: [two.body.token, "sk-does-not-exist"] },
    });
    assert.equal(refused.status, 404);
    assert.equal((await t.request("GET", "/v1/models", { key: two.key })).status, 200);
    const res = await t.json("POST", "/key/delete", {
      key: MASTER_KEY,
      body: { keys: [two.body.token], key_aliases: ["one"] },
    });
    assert.deepEqual(res.body, { deleted_keys: [two.body.token, one.body.token] });
    assert.equal((await t.request("GET", "/v1/models", { key: one.key })).status, 401);
    const empty = await t.json("POST", "/key/delete", { key: MASTER_KEY, body: {} });
    assert.equal(empty.status, 400);
    assert.equal(errorOf(empty.body).param, "keys");
  });
});

Deno.test("GET /key/info lets a virtual key read only its own info", async () => {
  await withApp(async (t) => {
    const mine = await t.generateKey({ key_alias: "mine" });
    const other = await t.generateKey();
    const own = await t.json("GET", "/key/info", { key: mine.key });
    assert.equal(own.status, 200);
    assert.equal(own.body.key, mine.body.token);
    const ownByParam = await t.json("GET", `/key/info?key=${mine.body.token}`, { key: mine.key });
    assert.equal(ownByParam.status, 200);
    const foreign = await t.json("GET", `/key/info?key=${other.body.token}`, { key: mine.key });
    assert.equal(foreign.status, 403);
    assert.equal(errorOf(foreign.body).type, "permission_error");
    const adminNoParam = await t.json("GET", "/key/info", { key: MASTER_KEY });
    assert.equal(adminNoParam.status, 400);
    assert.equal(errorOf(adminNoParam.body).param, "key");
  });
});

Deno.test("raw keys never reach the log", async () => {
  const lines: string[] = [];
  // deno-lint-ignore no-console
  const original = console.error;
  // deno-lint-ignore no-console
  console.error = (line: unknown) => lines.push(String(line));
  try {
    await withApp(async (t) => {
      const { key } = await t.generateKey({ key: "sk-log-secret-abcdef", user_id: "u" });
      await t.json("POST", "/key/update", { key: MASTER_KEY, body: { key, models: ["claude"] } });
      await t.json("POST", "/key/delete", { key: MASTER_KEY, body: { keys: [key] } });
      await t.json("GET", "/v1/models", { key });
    });
  } finally {
    // deno-lint-ignore no-console
    console.error = original;
  }
  assert.ok(lines.some((l) => l.includes("Key generated")), "the flow was logged");
  assert.ok(lines.every((l) => !l.includes("log-secret") && !l.includes(MASTER_KEY)));
});

Deno.test("two concurrent generates of one custom key: exactly one wins", async () => {
  await withApp(async (t) => {
    const body = { key: "sk-race-0123456789" };
    const results = await Promise.all(
      [1, 2, 3].map(() => t.json("POST", "/key/generate", { key: MASTER_KEY, body })),
    );
    assert.deepEqual(results.map((r) => r.status).sort(), [200, 400, 400]);
  });
});
