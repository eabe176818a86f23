import assert from "assert";
import { errorOf, MASTER_KEY, T0, withApp } from "../_helpers/app.ts";

const admin = { key: MASTER_KEY };

Deno.test("POST /team/new and GET /team/info show the team, its members and its keys", async () => {
  await withApp(async (t) => {
    const created = await t.json("POST", "/team/new", {
      ...admin,
      body: {
        team_id: "research",
        team_alias: "Research",
        models: ["claude"],
        max_budget: 100,
        budget_duration: "30d",
        metadata: { cost_center: 42 },
      },
    });
    assert.equal(created.status, 200);
    assert.equal(created.body.team_id, "research");
    assert.equal(created.body.team_alias, "Research");
    assert.equal(created.body.max_budget, 100);
    assert.equal(created.body.spend, 0);
    assert.equal(created.body.budget_reset_at, new Date(T0 + 30 * 86_400_000).toISOString());

    await t.json("POST", "/user/new", {
      ...admin,
      body: { user_id: "ana", teams: ["research"], auto_create_key: false },
    });
    const { body: key } = await t.generateKey({ team_id: "research", user_id: "ana" });
    const info = await t.json("GET", "/team/info?team_id=research", admin);
    assert.equal(info.status, 200);
    assert.equal(info.body.team_id, "research");
    const teamInfo = info.body.team_info as Record<string, unknown>;
    assert.deepEqual(teamInfo.models, ["claude"]);
    assert.deepEqual(teamInfo.metadata, { cost_center: 42 });
    assert.deepEqual(teamInfo.members_with_roles, [{ user_id: "ana", role: "user" }]);
    assert.deepEqual((info.body.keys as { token: string }[]).map((k) => k.token), [key.token]);

    const generated = await t.json("POST", "/team/new", { ...admin, body: {} });
    assert.match(String(generated.body.team_id), /^[0-9a-f-]{36}$/);
    const dup = await t.json("POST", "/team/new", { ...admin, body: { team_id: "research" } });
    assert.equal(dup.status, 400);
    assert.equal(errorOf(dup.body).param, "team_id");
    const missing = await t.json("GET", "/team/info?team_id=nope", admin);
    assert.equal(missing.status, 404);
    const noParam = await t.json("GET", "/team/info", admin);
    assert.equal(noParam.status, 400);
    assert.equal(errorOf(noParam.body).param, "team_id");
  });
});

Deno.test("POST /user/new makes a user and, like LiteLLM, a key for it", async () => {
  await withApp(async (t) => {
    await t.json("POST", "/team/new", { ...admin, body: { team_id: "ops" } });
    const res = await t.json("POST", "/user/new", {
      ...admin,
      body: {
        user_id: "sam",
        user_email: "sam@example.com",
        user_role: "internal_user",
        models: ["nova"],
        teams: ["ops"],
        max_budget: 5,
      },
    });
    assert.equal(res.status, 200);
    assert.equal(res.body.user_id, "sam");
    assert.equal(res.body.user_email, "sam@example.com");
    assert.deepEqual(res.body.teams, ["ops"]);
    assert.match(String(res.body.key), /^sk-/);

    // The user's key can use only the user's models.
    const models = await t.json("GET", "/v1/models", { key: String(res.body.key) });
    assert.deepEqual((models.body.data as { id: string }[]).map((m) => m.id), ["nova"]);

    const info = await t.json("GET", "/user/info?user_id=sam", admin);
    assert.equal(info.status, 200);
    assert.equal(info.body.user_id, "sam");
    assert.equal((info.body.user_info as Record<string, unknown>).max_budget, 5);
    assert.deepEqual((info.body.keys as { token: string }[]).map((k) => k.token), [res.body.token]);
    assert.deepEqual((info.body.teams as { team_id: string }[]).map((x) => x.team_id), ["ops"]);

    const noKey = await t.json("POST", "/user/new", { ...admin, body: { auto_create_key: false } });
    assert.equal(noKey.status, 200);
    assert.match(String(noKey.body.user_id), /^[0-9a-f-]{36}$/);
    assert.equal(noKey.body.key, undefined);

    const dup = await t.json("POST", "/user/new", { ...admin, body: { user_id: "sam" } });
    assert.equal(dup.status, 400);
    assert.equal(errorOf(dup.body).param, "user_id");
    const badTeam = await t.json("POST", "/user/new", { ...admin, body: { teams: ["nope"] } });
    assert.equal(badTeam.status, 400);
    assert.equal(errorOf(badTeam.body).param, "teams");
    assert.equal((await t.json("GET", "/user/info?user_id=ghost", admin)).status, 404);
  });
});

Deno.test("POST /user/update changes fields and moves team membership", async () => {
  await withApp(async (t) => {
    await t.json("POST", "/team/new", { ...admin, body: { team_id: "a" } });
    await t.json("POST", "/team/new", { ...admin, body: { team_id: "b" } });
    await t.json("POST", "/user/new", {
      ...admin,
      body: { user_id: "kim", teams: ["a"], auto_create_key: false },
    });
    const res = await t.json("POST", "/user/update", {
      ...admin,
      body: { user_id: "kim", teams: ["b"], max_budget: 3, user_email: null },
    });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.teams, ["b"]);
    assert.equal(res.body.max_budget, 3);
    const a = await t.json("GET", "/team/info?team_id=a", admin);
    const b = await t.json("GET", "/team/info?team_id=b", admin);
    assert.deepEqual((a.body.team_info as Record<string, unknown>).members_with_roles, []);
    assert.deepEqual((b.body.team_info as Record<string, unknown>).members_with_roles, [
      { user_id: "kim", role: "user" },
    ]);
    const missing = await t.json("POST", "/user/update", { ...admin, body: { user_id: "x" } });
    assert.equal(missing.status, 404);
  });
});
