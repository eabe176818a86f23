import assert from "assert";
import { errorOf, MASTER_KEY, testConfig, withApp } from "../_helpers/app.ts";

const ADMIN_ROUTES: [string, string][] = [
  ["POST", "/key/generate"],
  ["POST", "/key/update"],
  ["POST", "/key/delete"],
  ["GET", "/key/list"],
  ["POST", "/user/new"],
  ["GET", "/user/info?user_id=u"],
  ["POST", "/user/update"],
  ["POST", "/team/new"],
  ["GET", "/team/info?team_id=t"],
  ["POST", "/team/update"],
];

/** Asserts an OpenAI error body: exactly message, type, param and code. */
function assertOpenAIError(body: Record<string, unknown>, status: number, type: string) {
  const error = errorOf(body);
  assert.deepEqual(Object.keys(error).sort(), ["code", "message", "param", "type"], `${status}`);
  assert.equal(error.type, type);
  assert.equal(typeof error.message, "string");
  assert.ok(!String(error.message).endsWith("."), "messages have no final period");
}

Deno.test("admin routes answer 401 without a key and 403 for a virtual key", async () => {
  await withApp(async (t) => {
    const { key } = await t.generateKey();
    for (const [method, path] of ADMIN_ROUTES) {
      const anonymous = await t.json(method, path, { body: method === "POST" ? {} : undefined });
      assert.equal(anonymous.status, 401, `${method} ${path} without a key`);
      assertOpenAIError(anonymous.body, 401, "authentication_error");
      assert.equal(errorOf(anonymous.body).code, "missing_api_key");

      const virtual = await t.json(method, path, {
        key,
        body: method === "POST" ? {} : undefined,
      });
      assert.equal(virtual.status, 403, `${method} ${path} with a virtual key`);
      assertOpenAIError(virtual.body, 403, "permission_error");
    }
  });
});

Deno.test("a wrong key gets 401 'Invalid API key' on every route that needs a key", async () => {
  await withApp(async (t) => {
    for (const [method, path] of [...ADMIN_ROUTES, ["GET", "/v1/models"], ["GET", "/key/info"]]) {
      const res = await t.json(method!, path!, { key: "sk-wrong" });
      assert.equal(res.status, 401, `${method} ${path}`);
      assert.equal(errorOf(res.body).message, "Invalid API key");
    }
  });
});

Deno.test("the master key and virtual keys work in all three auth headers", async () => {
  await withApp(async (t) => {
    const { key } = await t.generateKey({ models: ["nova"] });
    for (const header of ["authorization", "x-litellm-api-key", "api-key"] as const) {
      const admin = await t.request("GET", "/key/list", { key: MASTER_KEY, header });
      assert.equal(admin.status, 200, `master key in ${header}`);
      await admin.body?.cancel();
      const virtual = await t.json("GET", "/v1/models", { key, header });
      assert.equal(virtual.status, 200, `virtual key in ${header}`);
      assert.deepEqual((virtual.body.data as { id: string }[]).map((m) => m.id), ["nova"]);
    }
  });
});

Deno.test("errors are OpenAI-shaped for 400, 401, 403, 404 and 405", async () => {
  await withApp(async (t) => {
    const { key } = await t.generateKey();
    const cases: [number, string, Promise<{ status: number; body: Record<string, unknown> }>][] = [
      [400, "invalid_request_error", t.json("POST", "/team/new", { key: MASTER_KEY, body: "{" })],
      [401, "authentication_error", t.json("GET", "/v1/models")],
      [403, "permission_error", t.json("GET", "/key/list", { key })],
      [404, "not_found_error", t.json("GET", "/no/such/route", { key: MASTER_KEY })],
      [404, "not_found_error", t.json("GET", "/team/info?team_id=none", { key: MASTER_KEY })],
      [405, "invalid_request_error", t.json("DELETE", "/key/generate", { key: MASTER_KEY })],
    ];
    for (const [status, type, pending] of cases) {
      const res = await pending;
      assert.equal(res.status, status, JSON.stringify(res.body));
      assertOpenAIError(res.body, status, type);
    }
  });
});

Deno.test("malformed JSON and wrong field types answer 400 naming the field", async () => {
  await withApp(async (t) => {
    const malformed = await t.json("POST", "/key/generate", { key: MASTER_KEY, body: "{nope" });
    assert.equal(malformed.status, 400);
    assert.equal(errorOf(malformed.body).code, "invalid_json");
    assert.match(String(errorOf(malformed.body).message), /^Cannot parse request body: /);

    const notObject = await t.json("POST", "/key/generate", { key: MASTER_KEY, body: "[1]" });
    assert.equal(notObject.status, 400);
    assert.equal(errorOf(notObject.body).param, null);

    const nested = await t.json("POST", "/user/new", {
      key: MASTER_KEY,
      body: { teams: ["ok", 7] },
    });
    assert.equal(nested.status, 400);
    assert.equal(errorOf(nested.body).param, "teams[1]");
    assert.equal(
      errorOf(nested.body).message,
      "Invalid teams[1]: expected string, received number",
    );

    const budget = await t.json("POST", "/team/new", {
      key: MASTER_KEY,
      body: { max_budget: -1 },
    });
    assert.equal(budget.status, 400);
    assert.equal(errorOf(budget.body).param, "max_budget");

    const big = await t.json("POST", "/team/new", {
      key: MASTER_KEY,
      body: { metadata: { blob: "x".repeat(20_000) } },
    });
    assert.equal(big.status, 400);
    assert.equal(errorOf(big.body).param, "metadata");
  });
});

Deno.test("without a master key every caller acts as the admin", async () => {
  const config = testConfig(`
model_list: []
`);
  await withApp(async (t) => {
    const res = await t.json("POST", "/key/generate", { body: {} });
    assert.equal(res.status, 200);
  }, { config });
});
