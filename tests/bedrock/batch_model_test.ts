import assert from "assert";
import { ModelSupportError, resolveBatchModel } from "../../src/bedrock/batch_model.ts";

const APP_PROFILE = "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc123";
const CHAT = ["/v1/chat/completions", "/v1/responses"];

function assertSupportError(fn: () => unknown, code: string, fragment: string): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof ModelSupportError, String(e));
    assert.equal(e.code, code);
    assert.ok(e.message.includes(fragment), e.message);
    assert.ok(!e.message.endsWith("."));
    return true;
  });
}

Deno.test("resolveBatchModel() runs native families as InvokeModel and the rest as Converse", () => {
  const cases: [string, string, string, string[]][] = [
    ["bedrock/anthropic.claude-3-haiku-20240307-v1:0", "InvokeModel", "anthropic", CHAT],
    ["us.amazon.nova-pro-v1:0", "InvokeModel", "nova", CHAT],
    ["meta.llama3-1-8b-instruct-v1:0", "InvokeModel", "llama", CHAT],
    ["mistral.mistral-large-2407-v1:0", "InvokeModel", "mistral-chat", CHAT],
    ["openai.gpt-oss-120b-1:0", "Converse", "converse", CHAT],
    ["qwen.qwen3-32b-v1:0", "Converse", "converse", CHAT],
    ["amazon.titan-embed-text-v2:0", "InvokeModel", "titan-embed", ["/v1/embeddings"]],
    ["cohere.embed-english-v3", "InvokeModel", "cohere-embed", ["/v1/embeddings"]],
    ["amazon.nova-2-multimodal-embeddings-v1:0", "InvokeModel", "nova-embed", ["/v1/embeddings"]],
  ];
  for (const [model, invocation, family, endpoints] of cases) {
    const resolved = resolveBatchModel(model);
    assert.equal(resolved.invocationType, invocation, model);
    assert.equal(resolved.family, family, model);
    assert.deepEqual(resolved.endpoints, endpoints, model);
    assert.ok(resolved.known, model);
    for (const endpoint of endpoints) {
      const translator = resolved.translator(endpoint);
      assert.equal(translator.endpoint, endpoint);
      assert.equal(translator.invocationType, invocation);
      assert.equal(translator.family, family);
      assert.equal(resolved.translator(endpoint), translator, "translators are cached");
    }
  }
});

Deno.test("resolveBatchModel() switches native families with the route or batch_invocation_type", () => {
  const viaRoute = resolveBatchModel(
    "bedrock/converse/us.anthropic.claude-3-5-haiku-20241022-v1:0",
  );
  assert.equal(viaRoute.invocationType, "Converse");
  assert.equal(viaRoute.family, "converse");
  const viaOption = resolveBatchModel("amazon.nova-lite-v1:0", { invocationType: "converse" });
  assert.equal(viaOption.invocationType, "Converse");
  const invoke = resolveBatchModel("bedrock/invoke/amazon.nova-lite-v1:0");
  assert.equal(invoke.invocationType, "InvokeModel");
  assertSupportError(
    () => resolveBatchModel("bedrock/converse/amazon.nova-lite-v1:0", { invocationType: "invoke" }),
    "unsupported_invocation",
    "its route says converse but batch_invocation_type says invoke",
  );
  assertSupportError(
    () => resolveBatchModel("openai.gpt-oss-20b-1:0", { invocationType: "invoke" }),
    "unsupported_invocation",
    "Batchgate writes no native request body for gpt-oss-20b, run it as Converse",
  );
  assertSupportError(
    () => resolveBatchModel("bedrock/converse/amazon.titan-embed-text-v2:0"),
    "unsupported_invocation",
    "Titan Text Embeddings V2 does not take Converse requests",
  );
});

Deno.test("resolveBatchModel() needs base_model for application inference profiles", () => {
  assertSupportError(
    () => resolveBatchModel(`bedrock/${APP_PROFILE}`),
    "needs_base_model",
    "set model_info.base_model",
  );
  const resolved = resolveBatchModel(APP_PROFILE, {
    baseModel: "anthropic.claude-3-haiku-20240307-v1:0",
  });
  assert.equal(resolved.family, "anthropic");
  assert.equal(resolved.capabilities.name, "Claude 3 Haiku");
  // The profile ARN is no help to the translator: the bound capabilities decide.
  const input = resolved.translator("/v1/chat/completions").toModelInput(
    { messages: [{ role: "user", content: "Hi" }] },
    { modelId: APP_PROFILE },
  );
  assert.equal(input.anthropic_version, "bedrock-2023-05-31");
});

Deno.test("resolveBatchModel() refuses models batch cannot run and unknown endpoints", () => {
  assertSupportError(
    () => resolveBatchModel("amazon.nova-canvas-v1:0"),
    "unsupported_model",
    "Nova Canvas is not a text or embedding model",
  );
  assertSupportError(
    () =>
      resolveBatchModel(
        "arn:aws:bedrock:us-east-1:123456789012:provisioned-model/abcdefghijkl",
      ),
    "unsupported_model",
    "batch inference does not run provisioned models",
  );
  const titan = resolveBatchModel("amazon.titan-embed-text-v2:0");
  assert.equal(titan.supports("/v1/chat/completions"), false);
  assertSupportError(
    () => titan.translator("/v1/chat/completions"),
    "unsupported_endpoint",
    "Cannot run /v1/chat/completions requests on model 'amazon.titan-embed-text-v2:0': Titan Text Embeddings V2 serves /v1/embeddings",
  );
  assertSupportError(
    () => resolveBatchModel("openai.gpt-oss-20b-1:0").translator("/v1/completions"),
    "unsupported_endpoint",
    "serves /v1/chat/completions and /v1/responses",
  );
});

Deno.test("resolveBatchModel() runs unknown models as Converse with no limits", () => {
  const resolved = resolveBatchModel("bedrock/somebody.brand-new-model-v1:0");
  assert.equal(resolved.known, false);
  assert.equal(resolved.invocationType, "Converse");
  assert.equal(resolved.capabilities.maxOutputTokens, null);
  const input = resolved.translator("/v1/chat/completions").toModelInput(
    { messages: [{ role: "user", content: "Hi" }], max_tokens: 1_000_000 },
    { modelId: "somebody.brand-new-model-v1:0" },
  );
  assert.deepEqual(input.inferenceConfig, { maxTokens: 1_000_000 });
});
