import assert from "assert";
import {
  type BatchPrice,
  batchPriceFor,
  costOf,
  ModelPrice,
  normalizeModelId,
  onDemandPriceFor,
  PRICE_TABLE,
} from "../../src/pricing/mod.ts";

const HAIKU_3 = "anthropic.claude-3-haiku-20240307-v1:0";
const SONNET_45 = "anthropic.claude-sonnet-4-5-20250929-v1:0";

/** Runs `fn` with the logger's output (console.error, see src/log.ts) captured. */
function captureLog(fn: () => void): string[] {
  const lines: string[] = [];
  const sink = globalThis.console;
  const original = sink.error;
  sink.error = (line: unknown) => void lines.push(String(line));
  try {
    fn();
  } finally {
    sink.error = original;
  }
  return lines;
}

Deno.test("normalizeModelId() strips cross-region profile prefixes", () => {
  for (const prefix of ["us.", "eu.", "apac.", "global.", "us-gov.", "jp.", "au.", "ca."]) {
    assert.equal(normalizeModelId(prefix + HAIKU_3), HAIKU_3, prefix);
  }
  assert.equal(normalizeModelId(HAIKU_3), HAIKU_3);
  assert.equal(normalizeModelId("amazon.nova-lite-v1:0"), "amazon.nova-lite-v1:0");
});

Deno.test("normalizeModelId() resolves foundation-model and inference-profile ARNs", () => {
  assert.equal(
    normalizeModelId(`arn:aws:bedrock:us-east-1::foundation-model/${HAIKU_3}`),
    HAIKU_3,
  );
  assert.equal(
    normalizeModelId(`arn:aws:bedrock:eu-west-1:123456789012:inference-profile/eu.${HAIKU_3}`),
    HAIKU_3,
  );
  assert.equal(
    normalizeModelId(`arn:aws-us-gov:bedrock:us-gov-west-1::foundation-model/${HAIKU_3}`),
    HAIKU_3,
  );
});

Deno.test("normalizeModelId() strips bedrock/ routes and provisioned variant suffixes", () => {
  assert.equal(normalizeModelId(`bedrock/us.${HAIKU_3}`), HAIKU_3);
  assert.equal(normalizeModelId(`bedrock/converse/${HAIKU_3}`), HAIKU_3);
  assert.equal(normalizeModelId(`${HAIKU_3}:200k`), HAIKU_3);
});

Deno.test("normalizeModelId() leaves opaque ARNs alone", () => {
  const arn = "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc123";
  assert.equal(normalizeModelId(arn), arn);
});

Deno.test("batchPriceFor() gives profile ids and ARNs the base model's table price", () => {
  const base = batchPriceFor(HAIKU_3, {});
  assert.deepEqual(base, {
    inputPerToken: 0.125e-6,
    outputPerToken: 0.625e-6,
    known: true,
    source: "table",
  });
  for (const id of [`us.${HAIKU_3}`, `eu.${HAIKU_3}`, `apac.${HAIKU_3}`, `global.${HAIKU_3}`]) {
    assert.deepEqual(batchPriceFor(id, {}), base, id);
  }
  assert.deepEqual(
    batchPriceFor(`arn:aws:bedrock:us-east-1::foundation-model/${HAIKU_3}`, {}),
    base,
  );
});

Deno.test("batchPriceFor() halves on-demand when AWS publishes no batch rate", () => {
  const price = batchPriceFor("meta.llama3-2-11b-instruct-v1:0", {});
  assert.equal(price.inputPerToken, 0.08e-6);
  assert.equal(price.outputPerToken, 0.08e-6);
});

Deno.test("batchPriceFor() adds the regional premium to Claude 4.5 outside global profiles", () => {
  const global = batchPriceFor(`global.${SONNET_45}`, {});
  assert.equal(global.inputPerToken, 1.5e-6);
  assert.equal(global.outputPerToken, 7.5e-6);
  const geo = batchPriceFor(`us.${SONNET_45}`, {});
  assert.equal(geo.inputPerToken, 1.65e-6);
  assert.equal(geo.outputPerToken, 8.25e-6);
  assert.deepEqual(batchPriceFor(SONNET_45, {}), geo);
  // Models without a premium cost the same everywhere.
  assert.deepEqual(batchPriceFor(`us.${HAIKU_3}`, {}), batchPriceFor(`global.${HAIKU_3}`, {}));
});

Deno.test("batchPriceFor() lets model_info batch fields win over everything", () => {
  const price = batchPriceFor(HAIKU_3, {
    input_cost_per_token_batches: 1e-6,
    output_cost_per_token_batches: 2e-6,
    input_cost_per_token: 8e-6,
    output_cost_per_token: 9e-6,
  });
  assert.deepEqual(price, {
    inputPerToken: 1e-6,
    outputPerToken: 2e-6,
    known: true,
    source: "config",
  });
});

Deno.test("batchPriceFor() halves model_info on-demand fields over the table", () => {
  const price = batchPriceFor(HAIKU_3, { input_cost_per_token: 3e-6, output_cost_per_token: 5e-6 });
  assert.deepEqual(price, {
    inputPerToken: 1.5e-6,
    outputPerToken: 2.5e-6,
    known: true,
    source: "config",
  });
});

Deno.test("batchPriceFor() resolves input and output independently", () => {
  const price = batchPriceFor(HAIKU_3, { input_cost_per_token_batches: 4e-7 });
  assert.equal(price.inputPerToken, 4e-7);
  assert.equal(price.outputPerToken, 0.625e-6);
  assert.equal(price.source, "config");
});

Deno.test("batchPriceFor() prices an unknown model from model_info alone", () => {
  const price = batchPriceFor("acme.secret-model-v1:0", { input_cost_per_token: 2e-6 });
  assert.deepEqual(price, {
    inputPerToken: 1e-6,
    outputPerToken: 0,
    known: true,
    source: "config",
  });
});

Deno.test("batchPriceFor() reports an unknown model as unpriced at 0 and logs it once", () => {
  const id = `us.acme.unknown-${crypto.randomUUID()}-v1:0`;
  let price: BatchPrice | undefined;
  const lines = captureLog(() => {
    price = batchPriceFor(id, {});
    batchPriceFor(id, {});
    batchPriceFor(normalizeModelId(id), {});
  });
  assert.deepEqual(price, {
    inputPerToken: 0,
    outputPerToken: 0,
    known: false,
    source: "unpriced",
  });
  assert.equal(lines.length, 1);
  const entry: unknown = JSON.parse(lines[0] ?? "");
  assert.ok(entry && typeof entry === "object" && "level" in entry && "modelId" in entry);
  assert.equal(entry.level, "warn");
  assert.equal(entry.modelId, id);
});

Deno.test("batchPriceFor() does not log a priced model", () => {
  const lines = captureLog(() => {
    batchPriceFor(HAIKU_3, {});
    batchPriceFor("acme.configured-only-v1:0", { output_cost_per_token_batches: 1e-6 });
  });
  assert.deepEqual(lines, []);
});

Deno.test("onDemandPriceFor() prefers model_info, then the table, then doubled batch fields", () => {
  assert.deepEqual(onDemandPriceFor(`us.${HAIKU_3}`, {}), {
    inputPerToken: 0.25e-6,
    outputPerToken: 1.25e-6,
    known: true,
    source: "table",
  });
  assert.deepEqual(onDemandPriceFor(HAIKU_3, { input_cost_per_token: 1e-6 }), {
    inputPerToken: 1e-6,
    outputPerToken: 1.25e-6,
    known: true,
    source: "config",
  });
  assert.deepEqual(onDemandPriceFor("acme.x-v1:0", { output_cost_per_token_batches: 3e-7 }), {
    inputPerToken: 0,
    outputPerToken: 6e-7,
    known: true,
    source: "config",
  });
  assert.equal(onDemandPriceFor(`us.${SONNET_45}`, {}).inputPerToken, 3.3e-6);
  assert.equal(onDemandPriceFor("acme.nothing-v1:0", {}).known, false);
});

Deno.test("costOf() charges Claude 3 Haiku 0.75 USD for 1M in + 1M out in batch", () => {
  const price = batchPriceFor(HAIKU_3, {});
  assert.equal(costOf({ inputTokens: 1_000_000, outputTokens: 0 }, price), 0.125);
  assert.equal(costOf({ inputTokens: 0, outputTokens: 1_000_000 }, price), 0.625);
  assert.equal(costOf({ inputTokens: 1_000_000, outputTokens: 1_000_000 }, price), 0.75);
});

Deno.test("costOf() gives exact figures for small and odd token counts", () => {
  const nova = batchPriceFor("amazon.nova-micro-v1:0", {});
  // 0.0175 USD/1M in, 0.07 USD/1M out: 0.0021604975 + 0.00069132.
  assert.equal(costOf({ inputTokens: 1, outputTokens: 1 }, nova), 0.0000000875);
  assert.equal(costOf({ inputTokens: 123_457, outputTokens: 9_876 }, nova), 0.0028518175);
  const sonnet = batchPriceFor("anthropic.claude-3-5-sonnet-20241022-v2:0", {});
  assert.equal(costOf({ inputTokens: 3, outputTokens: 7 }, sonnet), 0.000057);
  assert.equal(costOf({ inputTokens: 0, outputTokens: 0 }, sonnet), 0);
  const unpriced: BatchPrice = {
    inputPerToken: 0,
    outputPerToken: 0,
    known: false,
    source: "unpriced",
  };
  assert.equal(costOf({ inputTokens: 10, outputTokens: 10 }, unpriced), 0);
});

Deno.test("costOf() rejects negative or fractional token counts", () => {
  const price = batchPriceFor(HAIKU_3, {});
  assert.throws(() => costOf({ inputTokens: -1, outputTokens: 0 }, price), RangeError);
  assert.throws(() => costOf({ inputTokens: 0, outputTokens: 1.5 }, price), RangeError);
  assert.throws(() => costOf({ inputTokens: Number.NaN, outputTokens: 0 }, price), RangeError);
});

Deno.test("PRICE_TABLE entries are valid, positive and no dearer in batch", () => {
  const ids = Object.keys(PRICE_TABLE);
  assert.ok(ids.length >= 30);
  for (const [id, entry] of Object.entries(PRICE_TABLE)) {
    ModelPrice.parse(entry);
    assert.equal(normalizeModelId(id), id, `${id} is not a base id`);
    assert.ok(entry.inputPerToken > 0, id);
    if (!id.includes("embed")) assert.ok(entry.outputPerToken > 0, id);
    const batch = batchPriceFor(id, {});
    assert.equal(batch.source, "table", id);
    assert.ok(batch.inputPerToken > 0 && batch.inputPerToken <= entry.inputPerToken, id);
    assert.ok(batch.outputPerToken <= entry.outputPerToken, id);
    assert.ok(batch.inputPerToken >= entry.inputPerToken * 0.5 - 1e-15, id);
  }
});

Deno.test("PRICE_TABLE covers the batch-capable model families", () => {
  for (
    const id of [
      HAIKU_3,
      "anthropic.claude-3-sonnet-20240229-v1:0",
      "anthropic.claude-3-opus-20240229-v1:0",
      "anthropic.claude-3-5-haiku-20241022-v1:0",
      "anthropic.claude-3-5-sonnet-20240620-v1:0",
      "anthropic.claude-3-5-sonnet-20241022-v2:0",
      "anthropic.claude-3-7-sonnet-20250219-v1:0",
      "anthropic.claude-sonnet-4-20250514-v1:0",
      "amazon.nova-micro-v1:0",
      "amazon.nova-lite-v1:0",
      "amazon.nova-pro-v1:0",
      "amazon.nova-premier-v1:0",
      "meta.llama3-1-8b-instruct-v1:0",
      "meta.llama3-1-70b-instruct-v1:0",
      "meta.llama3-1-405b-instruct-v1:0",
      "meta.llama3-3-70b-instruct-v1:0",
      "mistral.mistral-large-2402-v1:0",
      "mistral.mistral-small-2402-v1:0",
      "amazon.titan-embed-text-v2:0",
    ]
  ) {
    assert.ok(PRICE_TABLE[id], id);
  }
});

Deno.test("batchPriceFor() prices an application inference profile by model_info.base_model", () => {
  const arn = "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc123";
  assert.equal(batchPriceFor(arn, {}).known, false);
  assert.deepEqual(batchPriceFor(arn, { base_model: HAIKU_3 }), batchPriceFor(HAIKU_3, {}));
  assert.deepEqual(
    onDemandPriceFor(arn, { base_model: `bedrock/us.${HAIKU_3}` }).inputPerToken,
    0.25e-6,
  );
  // model_info prices still win over the base model's table price.
  assert.equal(
    batchPriceFor(arn, { base_model: HAIKU_3, input_cost_per_token_batches: 1e-6 }).inputPerToken,
    1e-6,
  );
});

Deno.test("batchPriceFor() halves on-demand for the models added with Converse jobs", () => {
  const cases: [string, number, number][] = [
    ["openai.gpt-oss-120b-1:0", 0.075e-6, 0.3e-6],
    ["qwen.qwen3-32b-v1:0", 0.075e-6, 0.3e-6],
    ["deepseek.v3-v1:0", 0.29e-6, 0.84e-6],
    ["us.mistral.pixtral-large-2502-v1:0", 1e-6, 3e-6],
    ["cohere.embed-english-v3", 0.05e-6, 0],
    ["global.anthropic.claude-opus-4-6-v1", 2.5e-6, 12.5e-6],
    ["us.anthropic.claude-opus-4-6-v1", 2.75e-6, 13.75e-6],
  ];
  for (const [id, input, output] of cases) {
    const price = batchPriceFor(id, {});
    assert.equal(price.inputPerToken, input, id);
    assert.equal(price.outputPerToken, output, id);
    assert.equal(price.source, "table", id);
  }
});
