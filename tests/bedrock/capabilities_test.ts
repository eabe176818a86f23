import assert from "assert";
import {
  baseModelOf,
  CAPABILITIES,
  capabilitiesOf,
  maxOutputTokens,
} from "../../src/bedrock/capabilities.ts";
import { BATCH_ENDPOINTS } from "../../src/bedrock/translator.ts";
import { PRICE_TABLE } from "../../src/pricing/price_table.ts";

Deno.test("capabilitiesOf() finds rows through profile ids, ARNs, routes and variants", () => {
  const cases: [string, string | undefined][] = [
    ["anthropic.claude-3-haiku-20240307-v1:0", "Claude 3 Haiku"],
    ["bedrock/converse/global.anthropic.claude-sonnet-4-5-20250929-v1:0", "Claude Sonnet 4.5"],
    ["us.anthropic.claude-sonnet-4-20250514-v1:0", "Claude Sonnet 4"],
    ["eu.anthropic.claude-sonnet-4-6", "Claude Sonnet 4.6"],
    ["global.anthropic.claude-opus-4-6-v1", "Claude Opus 4.6"],
    ["anthropic.claude-opus-4-1-20250805-v1:0", "Claude Opus 4.1"],
    ["anthropic.claude-opus-4-20250514-v1:0", "Claude Opus 4"],
    ["arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-lite-v1:0", "Nova Lite"],
    ["amazon.nova-lite-v1:0:300k", "Nova Lite"],
    ["global.amazon.nova-2-lite-v1:0", "Nova 2 Lite"],
    ["us.meta.llama4-maverick-17b-instruct-v1:0", "Llama 4 Maverick 17B Instruct"],
    ["mistral.mistral-large-2407-v1:0", "Mistral Large 2 (24.07)"],
    ["mistral.mistral-large-2402-v1:0", "Mistral Large (24.02)"],
    ["openai.gpt-oss-120b-1:0", "gpt-oss-120b"],
    ["qwen.qwen3-coder-480b-a35b-v1:0", "Qwen3 Coder 480B A35B"],
    ["deepseek.v3-v1:0", "DeepSeek-V3.1"],
    ["deepseek.v3.2", undefined],
    ["amazon.titan-embed-text-v2:0", "Titan Text Embeddings V2"],
    ["amazon.titan-embed-text-v1", "Titan Text Embeddings G1"],
    ["cohere.embed-multilingual-v3", "Cohere Embed Multilingual v3"],
    ["amazon.nova-2-multimodal-embeddings-v1:0", "Nova Multimodal Embeddings"],
    ["arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc123", undefined],
    ["gpt-4o-mini", undefined],
  ];
  for (const [model, name] of cases) assert.equal(capabilitiesOf(model)?.name, name, model);
});

Deno.test("capabilitiesOf() follows base_model for application inference profiles", () => {
  const arn = "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc123";
  assert.equal(baseModelOf(arn), null);
  const caps = capabilitiesOf(arn, { baseModel: "anthropic.claude-3-5-haiku-20241022-v1:0" });
  assert.equal(caps?.name, "Claude 3.5 Haiku");
  assert.equal(
    capabilitiesOf(arn, { baseModel: "bedrock/us.amazon.nova-pro-v1:0" })?.name,
    "Nova Pro",
  );
});

Deno.test("capabilitiesOf() reads custom models as their base model", () => {
  const arn =
    "arn:aws:bedrock:us-east-1:123456789012:custom-model/amazon.nova-micro-v1:0:128k/abcdefghijkl";
  assert.equal(capabilitiesOf(arn)?.name, "Nova Micro");
});

Deno.test("maxOutputTokens() gives each family's documented output limit", () => {
  const cases: [string, number | undefined][] = [
    ["anthropic.claude-3-haiku-20240307-v1:0", 4096],
    ["anthropic.claude-3-5-sonnet-20241022-v2:0", 8192],
    ["us.anthropic.claude-3-7-sonnet-20250219-v1:0", 64000],
    ["anthropic.claude-opus-4-1-20250805-v1:0", 32000],
    ["global.anthropic.claude-haiku-4-5-20251001-v1:0", 64000],
    ["anthropic.claude-opus-4-6-v1", 128000],
    ["amazon.nova-micro-v1:0", 5000],
    ["us.amazon.nova-premier-v1:0", 25000],
    ["meta.llama3-1-8b-instruct-v1:0", 2048],
    ["meta.llama3-1-405b-instruct-v1:0", 4096],
    ["mistral.mixtral-8x7b-instruct-v0:1", 4096],
    ["us.mistral.pixtral-large-2502-v1:0", 4096],
    ["openai.gpt-oss-20b-1:0", 128000],
    ["amazon.titan-embed-text-v2:0", undefined],
    ["somebody.new-model-v1:0", undefined],
  ];
  for (const [model, max] of cases) assert.equal(maxOutputTokens(model), max, model);
});

Deno.test("CAPABILITIES rows are consistent", () => {
  const ids = new Set<string>();
  for (const row of CAPABILITIES) {
    assert.ok(!ids.has(row.id), `duplicate row ${row.id}`);
    ids.add(row.id);
    assert.equal(row.id, row.id.toLowerCase(), row.id);
    for (const e of row.endpoints) assert.ok(BATCH_ENDPOINTS.includes(e), row.id);
    if (row.batch === "no") {
      assert.deepEqual(row.endpoints, [], row.id);
      continue;
    }
    assert.ok(row.native !== null || row.converse, `${row.id} has no request format`);
    if (row.embedding) {
      assert.deepEqual(row.endpoints, ["/v1/embeddings"], row.id);
      assert.ok(!row.converse, `${row.id}: Converse takes no embedding model`);
      assert.equal(row.maxOutputTokens, null, row.id);
      assert.ok(row.embedding.dimensions.length > 0 && row.embedding.maxInputs >= 1, row.id);
    } else {
      assert.deepEqual(row.endpoints, ["/v1/chat/completions", "/v1/responses"], row.id);
      assert.ok(row.maxOutputTokens !== null && row.maxOutputTokens > 0, row.id);
    }
    if (row.forcedTool) assert.ok(row.tools, `${row.id} forces tools it lacks`);
  }
});

Deno.test("every batch-capable row has a price", () => {
  for (const row of CAPABILITIES) {
    if (row.batch === "no") continue;
    const priced = Object.keys(PRICE_TABLE).some((key) =>
      key.startsWith(row.id) && (key.length === row.id.length || "-:".includes(key[row.id.length]!))
    );
    assert.ok(priced, `no price for ${row.id}`);
  }
});
