import assert from "assert";
import OpenAI from "openai";
import {
  chatLines,
  generateKey,
  type Stack,
  STACK_MASTER_KEY,
  startStack,
  uploadJsonl,
  waitForBatch,
  waitForJobProgress,
} from "../_helpers/stack.ts";
import { batchPriceFor, costOf } from "../../src/pricing/prices.ts";

const CREATE = { endpoint: "/v1/chat/completions", completion_window: "24h" } as const;
const CLAUDE = "us.anthropic.claude-3-5-sonnet-20240620-v1:0";

async function admin(stack: Stack, method: string, path: string, body?: unknown) {
  const res = await fetch(`${stack.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${STACK_MASTER_KEY}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json();
  assert.equal(res.status, 200, `${method} ${path}: ${JSON.stringify(json)}`);
  return json;
}

async function spendOf(stack: Stack, key: string) {
  const keyInfo = await admin(stack, "GET", `/key/info?key=${encodeURIComponent(key)}`);
  const user = await admin(stack, "GET", "/user/info?user_id=u-spend");
  const team = await admin(stack, "GET", "/team/info?team_id=t-spend");
  return {
    key: keyInfo.info.spend as number,
    user: user.user_info.spend as number,
    team: team.team_info.spend as number,
  };
}

Deno.test("spend lands on key, user and team exactly once across a crash during finalization", async () => {
  const stack = await startStack({ subprocess: true });
  try {
    await admin(stack, "POST", "/team/new", { team_id: "t-spend", team_alias: "spenders" });
    const key = await generateKey(stack, {
      user_id: "u-spend",
      team_id: "t-spend",
      key_alias: "k1",
    });
    const file = await uploadJsonl(stack.client(key), chatLines(100));
    // Killed after the output files are written, at the size check just before the commit.
    const written = stack.holdResponse(
      "s3",
      (r) =>
        r.method === "GET" && r.search.includes("list-type=2") && r.search.includes("errors.jsonl"),
    );
    const batch = await stack.client(key).batches.create({ input_file_id: file.id, ...CREATE });
    await written;
    await stack.stopBatchgate({ kill: true });
    await stack.startBatchgate();
    const done = await waitForBatch(stack.client(key), batch.id);
    assert.equal(done.status, "completed");
    const usage = done.usage!;
    assert.ok(usage.input_tokens > 0 && usage.output_tokens > 0);
    assert.equal(usage.total_tokens, usage.input_tokens + usage.output_tokens);
    const expected = costOf(
      { inputTokens: usage.input_tokens, outputTokens: usage.output_tokens },
      batchPriceFor(CLAUDE),
    );
    assert.ok(expected > 0);
    // Let another poll cycle pass: nothing may be counted twice.
    await new Promise((r) => setTimeout(r, 600));
    const spend = await spendOf(stack, key);
    assert.deepEqual(spend, { key: expected, user: expected, team: expected });

    const logs = await admin(stack, "GET", "/spend/logs?team_id=t-spend");
    assert.equal(logs.length, 1);
    assert.equal(logs[0].request_id, batch.id);
    assert.equal(logs[0].spend, expected);
    assert.equal(logs[0].prompt_tokens, usage.input_tokens);
    assert.equal(logs[0].model_group, "bedrock-batch-claude");
    assert.equal(logs[0].model, CLAUDE);
    assert.equal(logs[0].metadata.user_api_key_alias, "k1");
    assert.equal(logs[0].user, "u-spend");
    const none = await admin(stack, "GET", "/spend/logs?user_id=someone-else");
    assert.equal(none.length, 0);
    const dated = await admin(
      stack,
      "GET",
      "/spend/logs?start_date=2000-01-01&end_date=2000-01-02",
    );
    assert.equal(dated.length, 0);
    // Only one output file was registered despite the conversion running twice.
    const outputs = (await stack.client(key).files.list({ purpose: "batch_output" })).data;
    assert.equal(outputs.length, 1);
  } finally {
    await stack.close();
  }
});

Deno.test("a cancelled batch is charged for the records that ran; model_info prices win", async () => {
  const stack = await startStack({
    stepMs: 1000,
    claudeModelInfo:
      "\n      input_cost_per_token_batches: 0.001\n      output_cost_per_token_batches: 0.002",
  });
  try {
    const key = await generateKey(stack, {});
    const client = stack.client(key);
    const file = await uploadJsonl(client, chatLines(150));
    const batch = await client.batches.create({ input_file_id: file.id, ...CREATE });
    await waitForJobProgress(stack);
    await client.batches.cancel(batch.id);
    const done = await waitForBatch(client, batch.id);
    assert.equal(done.status, "cancelled");
    assert.ok(done.request_counts!.completed > 0);
    const usage = done.usage!;
    const expected = Math.round((usage.input_tokens * 0.001 + usage.output_tokens * 0.002) * 1e10) /
      1e10;
    const info = await admin(stack, "GET", `/key/info?key=${encodeURIComponent(key)}`);
    assert.equal(info.info.spend, expected);
  } finally {
    await stack.close();
  }
});

Deno.test("budgets refuse uploads and batches, estimates refuse big batches, dry runs create nothing", async (t) => {
  const stack = await startStack();
  try {
    const text = chatLines(100);
    await t.step("dry run returns the count and estimate and creates no job", async () => {
      const client = stack.client();
      const file = await uploadJsonl(client, text);
      const res = await fetch(`${stack.url}/v1/batches`, {
        method: "POST",
        headers: {
          authorization: `Bearer ${STACK_MASTER_KEY}`,
          "content-type": "application/json",
        },
        body: JSON.stringify({ input_file_id: file.id, ...CREATE, dry_run: true }),
      });
      const plan = await res.json();
      assert.equal(res.status, 200, JSON.stringify(plan));
      assert.equal(plan.object, "batch.dry_run");
      assert.equal(plan.request_count, 100);
      assert.equal(plan.estimate.max_output_tokens, 100 * 100);
      assert.ok(plan.estimate.input_tokens > 0);
      assert.ok(plan.estimate.cost > 0);
      // The SDK's extra body keys arrive the same way.
      const viaSdk = await client.batches.create(
        {
          input_file_id: file.id,
          ...CREATE,
          extra_body: { dry_run: true },
        } as OpenAI.BatchCreateParams,
      ) as unknown as { object: string };
      assert.equal(viaSdk.object, "batch.dry_run");
      assert.equal(stack.emulator.requests.length, 0);
      assert.equal((await client.batches.list()).data.length, 0);
    });

    await t.step("an estimate over the budget is refused with both figures", async () => {
      const key = await generateKey(stack, { max_budget: 0.0001 });
      const client = stack.client(key);
      const file = await uploadJsonl(client, text);
      const error = await client.batches.create({ input_file_id: file.id, ...CREATE }).then(
        () => assert.fail("should be refused"),
        (e) => e,
      );
      assert.equal(error.status, 400);
      assert.equal(error.code, "budget_exceeded");
      assert.match(
        error.message,
        /worst-case cost of \$[0-9.]+ exceeds the \$0\.0001 left of the budget of key/,
      );
      assert.equal(stack.emulator.requests.length, 0);
    });

    await t.step("a spent budget refuses uploads and batch creation", async () => {
      await admin(stack, "POST", "/team/new", { team_id: "t-broke", max_budget: 0 });
      const key = await generateKey(stack, { team_id: "t-broke" });
      const error = await uploadJsonl(stack.client(key), text).then(
        () => assert.fail("should be refused"),
        (e) => e,
      );
      assert.equal(error.status, 400);
      assert.match(error.message, /Cannot upload file: the budget of team 't-broke' is spent/);

      // A file uploaded while budget was left cannot start a batch once it is spent.
      const spender = await generateKey(stack, { max_budget: 5, key_alias: "spender" });
      const file = await uploadJsonl(stack.client(spender), text);
      await admin(stack, "POST", "/key/update", { key: spender, max_budget: 0 });
      const refused = await stack.client(spender).batches.create({
        input_file_id: file.id,
        ...CREATE,
      })
        .then(() => assert.fail("should be refused"), (e) => e);
      assert.equal(refused.status, 400);
      assert.match(refused.message, /Cannot create batch: the budget of key 'spender' is spent/);
    });
  } finally {
    await stack.close();
  }
});
