import assert from "assert";
import { familyOf, translatorFor, TRANSLATORS } from "../../src/bedrock/translators.ts";
import type { ModelFamily } from "../../src/bedrock/translator.ts";
import { assertRefuses } from "./_assert.ts";

const FAMILY_TABLE: [string, ModelFamily | undefined][] = [
  ["anthropic.claude-3-haiku-20240307-v1:0", "anthropic"],
  ["us.anthropic.claude-3-5-sonnet-20240620-v1:0", "anthropic"],
  ["global.anthropic.claude-sonnet-4-20250514-v1:0", "anthropic"],
  ["eu.anthropic.claude-3-7-sonnet-20250219-v1:0", "anthropic"],
  ["apac.anthropic.claude-3-5-haiku-20241022-v1:0", "anthropic"],
  ["us-gov.anthropic.claude-3-haiku-20240307-v1:0", "anthropic"],
  ["amazon.nova-lite-v1:0", "nova"],
  ["us.amazon.nova-pro-v1:0", "nova"],
  ["amazon.nova-micro-v1:0", "nova"],
  ["us.amazon.nova-premier-v1:0", "nova"],
  ["global.amazon.nova-2-lite-v1:0", "nova"],
  ["meta.llama3-1-8b-instruct-v1:0", "llama"],
  ["us.meta.llama3-3-70b-instruct-v1:0", "llama"],
  ["us.meta.llama4-maverick-17b-instruct-v1:0", "llama"],
  ["mistral.mistral-large-2402-v1:0", "mistral"],
  ["mistral.mistral-small-2402-v1:0", "mistral"],
  ["mistral.mixtral-8x7b-instruct-v0:1", "mistral"],
  ["mistral.mistral-7b-instruct-v0:2", "mistral"],
  ["amazon.titan-embed-text-v2:0", "titan-embed"],
  ["amazon.titan-embed-text-v1", "titan-embed"],
  [
    "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0",
    "anthropic",
  ],
  ["arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-embed-text-v2:0", "titan-embed"],
  [
    "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-3-5-haiku-20241022-v1:0",
    "anthropic",
  ],
  ["arn:aws-us-gov:bedrock:us-gov-west-1::foundation-model/amazon.nova-lite-v1:0", "nova"],
  ["arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/a1b2c3d4e5f6", undefined],
  ["arn:aws:bedrock:us-east-1:123456789012:custom-model/anthropic.claude-v2/abc", undefined],
  ["arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.somebody.model-v1:0", undefined],
  ["mistral.mistral-large-2407-v1:0", "mistral-chat"],
  ["us.mistral.pixtral-large-2502-v1:0", "mistral-chat"],
  ["amazon.nova-canvas-v1:0", undefined],
  ["amazon.titan-embed-image-v1", "titan-embed"],
  ["amazon.titan-text-express-v1", undefined],
  ["meta.llama2-13b-chat-v1", undefined],
  ["cohere.embed-english-v3", "cohere-embed"],
  ["cohere.embed-multilingual-v3", "cohere-embed"],
  ["amazon.nova-2-multimodal-embeddings-v1:0", "nova-embed"],
  ["openai.gpt-oss-120b-1:0", undefined],
  ["qwen.qwen3-32b-v1:0", undefined],
  ["gpt-4o-mini", undefined],
  ["", undefined],
];

Deno.test("familyOf() reads the family of model ids, profile ids and ARNs", () => {
  for (const [id, family] of FAMILY_TABLE) assert.equal(familyOf(id), family, id);
});

Deno.test("translatorFor() returns the native family's translator, bound to the model", () => {
  const nova = translatorFor("us.amazon.nova-pro-v1:0");
  assert.equal(nova.family, "nova");
  assert.equal(nova.fromModelOutput, TRANSLATORS.nova.fromModelOutput);
  for (const [family, translator] of Object.entries(TRANSLATORS)) {
    assert.equal(translator.family, family);
  }
});

Deno.test("translatorFor() throws a clear error for unknown families", () => {
  assert.throws(
    () => translatorFor("cohere.command-r-v1:0"),
    (e: Error) =>
      e.message ===
        "Cannot translate for model 'cohere.command-r-v1:0': Batchgate writes no InvokeModel body for it, run it as Converse",
  );
  assert.throws(
    () => translatorFor("arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/x1"),
    /application inference profile ARN does not name its model/,
  );
});

const CHAT_MODELS: [ModelFamily, string, string][] = [
  ["anthropic", "anthropic.claude-3-haiku-20240307-v1:0", "Claude"],
  ["nova", "amazon.nova-lite-v1:0", "Nova"],
  ["llama", "meta.llama3-1-8b-instruct-v1:0", "Llama"],
  ["mistral", "mistral.mistral-large-2402-v1:0", "Mistral"],
  ["mistral-chat", "mistral.mistral-large-2407-v1:0", "Mistral"],
  ["converse", "openai.gpt-oss-20b-1:0", "gpt-oss-20b"],
];

const REFUSED: [string, unknown, string][] = [
  ["n", 3, "parameter n must be 1, got 3"],
  ["stream", true, "parameter stream must be false, got true"],
  ["logprobs", true, "parameter logprobs is not supported, got true"],
  ["top_logprobs", 2, "parameter top_logprobs is not supported"],
  ["presence_penalty", 0.5, "parameter presence_penalty must be 0, got 0.5"],
  ["frequency_penalty", -1, "parameter frequency_penalty must be 0, got -1"],
  ["logit_bias", { "50256": -100 }, "parameter logit_bias is not supported"],
  ["seed", 42, "parameter seed is not supported, got 42"],
  ["modalities", ["text", "audio"], 'parameter modalities must be ["text"]'],
  ["audio", { voice: "alloy", format: "wav" }, "parameter audio is not supported"],
  ["prediction", { type: "content", content: "x" }, "parameter prediction is not supported"],
  ["reasoning_effort", "high", "parameter reasoning_effort is not supported"],
  ["functions", [{ name: "f" }], "parameter functions is deprecated"],
  ["temperature", 1.5, "parameter temperature must be between 0 and 1, got 1.5"],
  ["best_of", 2, "parameter best_of is not supported"],
];

Deno.test("every chat translator refuses parameters Bedrock cannot honour, naming them", () => {
  for (const [family, modelId, label] of CHAT_MODELS) {
    for (const [key, value, fragment] of REFUSED) {
      const body = { messages: [{ role: "user", content: "Hi" }], [key]: value };
      assertRefuses(
        () => TRANSLATORS[family].toModelInput(body, { modelId }),
        `body.${key}`,
        `Cannot translate for ${label}: ${fragment}`,
      );
    }
  }
});

Deno.test("prompt-template translators refuse response_format beyond text", () => {
  for (
    const [family, modelId, label] of CHAT_MODELS.filter(([f]) => f === "llama" || f === "mistral")
  ) {
    assertRefuses(
      () =>
        TRANSLATORS[family].toModelInput({
          messages: [{ role: "user", content: "Hi" }],
          response_format: { type: "json_object" },
        }, { modelId }),
      "body.response_format",
      `Cannot translate for ${label}: parameter response_format must be {"type":"text"}`,
    );
  }
});

Deno.test("every chat translator accepts neutral values and ignores harmless parameters", () => {
  const body = {
    model: "gpt-4o-mini",
    messages: [{ role: "user", content: "Hi", name: "alice" }],
    n: 1,
    stream: false,
    logprobs: false,
    presence_penalty: 0,
    frequency_penalty: 0,
    logit_bias: {},
    seed: null,
    response_format: { type: "text" },
    modalities: ["text"],
    user: "user-1",
    metadata: { run: "nightly" },
    store: false,
    service_tier: "auto",
    stream_options: null,
    safety_identifier: "abc",
    prompt_cache_key: "k",
  };
  for (const [family, modelId] of CHAT_MODELS) {
    const input = TRANSLATORS[family].toModelInput(body, { modelId });
    const text = JSON.stringify(input);
    assert.ok(text.includes("Hi"), family);
    for (const leaked of ["gpt-4o-mini", "user-1", "nightly", "alice"]) {
      assert.ok(!text.includes(leaked), `${family} leaked ${leaked}`);
    }
  }
});

Deno.test("every chat translator refuses a body that is not an object", () => {
  for (const [family, modelId, label] of CHAT_MODELS) {
    assertRefuses(
      () => TRANSLATORS[family].toModelInput([1, 2], { modelId }),
      "body",
      `Cannot translate for ${label}: body must be a JSON object`,
    );
  }
});
