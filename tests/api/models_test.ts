import assert from "assert";
import { MASTER_KEY, type TestApp, testConfig, withApp } from "../_helpers/app.ts";
import { batchPriceFor, onDemandPriceFor } from "../../src/pricing/prices.ts";

async function modelIds(t: TestApp, key: string): Promise<string[]> {
  const res = await t.json("GET", "/v1/models", { key });
  assert.equal(res.status, 200);
  assert.equal(res.body.object, "list");
  return (res.body.data as { id: string }[]).map((m) => m.id);
}

async function groupNames(t: TestApp, key: string): Promise<string[]> {
  const res = await t.json("GET", "/model_group/info", { key });
  assert.equal(res.status, 200);
  return (res.body.data as { model_group: string }[]).map((g) => g.model_group);
}

Deno.test("GET /v1/models lists every model group for the master key in OpenAI's shape", async () => {
  await withApp(async (t) => {
    const res = await t.json("GET", "/v1/models", { key: MASTER_KEY });
    assert.deepEqual(res.body, {
      object: "list",
      data: [
        { id: "claude", object: "model", created: t.clock.ms / 1000, owned_by: "batchgate" },
        { id: "nova", object: "model", created: t.clock.ms / 1000, owned_by: "batchgate" },
      ],
    });
    const alias = await t.json("GET", "/models", { key: MASTER_KEY });
    assert.deepEqual(alias.body, res.body);
    assert.equal((await t.request("GET", "/v1/models")).status, 401);
  });
});

Deno.test("model listings show a key only its own models; an empty list means all", async () => {
  await withApp(async (t) => {
    const all = await t.generateKey({ models: [] });
    const nova = await t.generateKey({ models: ["nova"] });
    const allProxy = await t.generateKey({ models: ["all-proxy-models"] });
    const unknown = await t.generateKey({ models: ["not-configured"] });
    assert.deepEqual(await modelIds(t, all.key), ["claude", "nova"]);
    assert.deepEqual(await modelIds(t, nova.key), ["nova"]);
    assert.deepEqual(await modelIds(t, allProxy.key), ["claude", "nova"]);
    assert.deepEqual(await modelIds(t, unknown.key), []);
    assert.deepEqual(await groupNames(t, nova.key), ["nova"]);
    assert.deepEqual(await groupNames(t, unknown.key), []);
  });
});

Deno.test("a team key may use the intersection of its models and the team's", async () => {
  await withApp(async (t) => {
    const admin = { key: MASTER_KEY };
    await t.json("POST", "/team/new", {
      ...admin,
      body: { team_id: "claude-only", models: ["claude"] },
    });
    await t.json("POST", "/team/new", { ...admin, body: { team_id: "open", models: [] } });
    const teamOnly = await t.generateKey({ team_id: "claude-only" });
    const both = await t.generateKey({ team_id: "claude-only", models: ["claude", "nova"] });
    const disjoint = await t.generateKey({ team_id: "claude-only", models: ["nova"] });
    const openTeam = await t.generateKey({ team_id: "open", models: ["nova"] });
    assert.deepEqual(await modelIds(t, teamOnly.key), ["claude"]);
    assert.deepEqual(await modelIds(t, both.key), ["claude"]);
    assert.deepEqual(await modelIds(t, disjoint.key), []);
    assert.deepEqual(await modelIds(t, openTeam.key), ["nova"]);
    assert.deepEqual(await groupNames(t, both.key), ["claude"]);

    // A team's new model list applies to its keys at once.
    const updated = await t.json("POST", "/team/update", {
      ...admin,
      body: { team_id: "claude-only", models: ["claude", "nova"] },
    });
    assert.equal(updated.status, 200);
    assert.deepEqual(await modelIds(t, both.key), ["claude", "nova"]);
    assert.deepEqual(await modelIds(t, disjoint.key), ["nova"]);
  });
});

Deno.test("GET /model_group/info reports mode, providers, and costs from model_info or the price table", async () => {
  const config = testConfig(`
model_list:
  - model_name: claude
    litellm_params:
      model: bedrock/us.anthropic.claude-3-5-sonnet-20240620-v1:0
      s3_bucket_name: b
      aws_batch_role_arn: arn:aws:iam::1:role/R
    model_info:
      mode: batch
      input_cost_per_token: 0.000003
      output_cost_per_token: 0.000015
      input_cost_per_token_batches: 0.0000015
  - model_name: claude
    litellm_params:
      model: bedrock/us.anthropic.claude-3-5-sonnet-20240620-v1:0
      s3_bucket_name: b
      aws_batch_role_arn: arn:aws:iam::1:role/R
    model_info:
      output_cost_per_token_batches: 0.0000075
  - model_name: nova
    litellm_params:
      model: bedrock/us.amazon.nova-lite-v1:0
      s3_bucket_name: b
      aws_batch_role_arn: arn:aws:iam::1:role/R
  - model_name: mystery
    litellm_params:
      model: bedrock/acme.unknown-model-v1:0
      s3_bucket_name: b
      aws_batch_role_arn: arn:aws:iam::1:role/R
general_settings:
  master_key: ${MASTER_KEY}
`);
  const novaOnDemand = onDemandPriceFor("us.amazon.nova-lite-v1:0");
  const novaBatch = batchPriceFor("us.amazon.nova-lite-v1:0");
  await withApp(async (t) => {
    const res = await t.json("GET", "/model_group/info", { key: MASTER_KEY });
    assert.deepEqual(res.body, {
      data: [
        {
          model_group: "claude",
          providers: ["bedrock"],
          mode: "batch",
          max_input_tokens: null,
          max_output_tokens: null,
          input_cost_per_token: 0.000003,
          output_cost_per_token: 0.000015,
          input_cost_per_token_batches: 0.0000015,
          // The first deployment's on-demand output price, halved for batch.
          output_cost_per_token_batches: 0.0000075,
          unpriced: false,
          tpm: null,
          rpm: null,
        },
        {
          model_group: "nova",
          providers: ["bedrock"],
          mode: "batch",
          max_input_tokens: null,
          max_output_tokens: null,
          input_cost_per_token: novaOnDemand.inputPerToken,
          output_cost_per_token: novaOnDemand.outputPerToken,
          input_cost_per_token_batches: novaBatch.inputPerToken,
          output_cost_per_token_batches: novaBatch.outputPerToken,
          unpriced: false,
          tpm: null,
          rpm: null,
        },
        {
          model_group: "mystery",
          providers: ["bedrock"],
          mode: "batch",
          max_input_tokens: null,
          max_output_tokens: null,
          input_cost_per_token: null,
          output_cost_per_token: null,
          input_cost_per_token_batches: null,
          output_cost_per_token_batches: null,
          unpriced: true,
          tpm: null,
          rpm: null,
        },
      ],
    });
    assert.ok(Math.abs(novaBatch.inputPerToken - 0.03e-6) < 1e-15, "Nova Lite batch input price");
    const one = await t.json("GET", "/model_group/info?model_group=nova", { key: MASTER_KEY });
    assert.deepEqual((one.body.data as { model_group: string }[]).map((g) => g.model_group), [
      "nova",
    ]);
  }, { config });
});
