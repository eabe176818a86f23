import assert from "assert";
import { resolveBatchModel } from "../../src/bedrock/batch_model.ts";
import { toAnthropicInput } from "../../src/bedrock/anthropic.ts";
import { toNovaInput } from "../../src/bedrock/nova.ts";
import { assertRefuses } from "./_assert.ts";

const HI = [{ role: "user", content: "Hi" }];

Deno.test("every chat format refuses max_tokens above the model's documented output limit", () => {
  const cases: [string, string, number][] = [
    ["anthropic.claude-3-haiku-20240307-v1:0", "Claude 3 Haiku", 4096],
    ["amazon.nova-micro-v1:0", "Nova Micro", 5000],
    ["meta.llama3-1-8b-instruct-v1:0", "Llama 3.1 8B Instruct", 2048],
    ["mistral.mistral-small-2402-v1:0", "Mistral Small (24.02)", 8192],
    ["mistral.mistral-large-2407-v1:0", "Mistral Large 2 (24.07)", 8192],
    ["openai.gpt-oss-20b-1:0", "gpt-oss-20b", 128000],
  ];
  for (const [model, name, max] of cases) {
    const translator = resolveBatchModel(model).translator("/v1/chat/completions");
    for (const key of ["max_tokens", "max_completion_tokens"]) {
      const error = assertRefuses(
        () => translator.toModelInput({ messages: HI, [key]: max + 1 }, { modelId: model }),
        `body.${key}`,
        `parameter ${key} must be at most ${max}, the output limit of ${name}, got ${max + 1}`,
      );
      assert.equal(error.code, "unsupported_value");
      const ok = translator.toModelInput({ messages: HI, [key]: max }, { modelId: model });
      assert.equal(translator.maxOutputTokens(ok), max, model);
    }
  }
});

Deno.test("a deployment default above the model's limit is capped, not refused", () => {
  const input = toAnthropicInput({ messages: HI }, {
    modelId: "anthropic.claude-3-haiku-20240307-v1:0",
    defaultMaxTokens: 100_000,
  });
  assert.equal(input.max_tokens, 4096);
  const nova = toNovaInput({ messages: HI }, { modelId: "amazon.nova-micro-v1:0" });
  assert.equal(nova.inferenceConfig.maxTokens, 4096);
});

Deno.test("Responses lines name max_output_tokens in the limit error", () => {
  const translator = resolveBatchModel("anthropic.claude-3-haiku-20240307-v1:0").translator(
    "/v1/responses",
  );
  assertRefuses(
    () => translator.toModelInput({ input: "Hi", max_output_tokens: 5000 }, { modelId: "x" }),
    "body.max_output_tokens",
    "Cannot translate for Claude: parameter max_output_tokens must be at most 4096, the output limit of Claude 3 Haiku, got 5000",
  );
});

Deno.test("images are refused for text-only models, naming the model", () => {
  const image = {
    role: "user",
    content: [{ type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgo=" } }],
  };
  assertRefuses(
    () =>
      toAnthropicInput({ messages: [image] }, {
        modelId: "anthropic.claude-3-5-haiku-20241022-v1:0",
      }),
    "body.messages[0].content[0]",
    "Cannot translate for Claude: Claude 3.5 Haiku takes text only, not images",
  );
  assertRefuses(
    () =>
      resolveBatchModel("qwen.qwen3-32b-v1:0").translator("/v1/chat/completions").toModelInput(
        { messages: [image] },
        { modelId: "qwen.qwen3-32b-v1:0" },
      ),
    "body.messages[0].content[0]",
    "Cannot translate for Qwen3 32B: Qwen3 32B takes text only, not images",
  );
});

Deno.test("Llama vision models point images at Converse jobs", () => {
  const model = "us.meta.llama4-scout-17b-instruct-v1:0";
  const body = {
    messages: [{
      role: "user",
      content: [{ type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgo=" } }],
    }],
  };
  assertRefuses(
    () =>
      resolveBatchModel(model).translator("/v1/chat/completions").toModelInput(body, {
        modelId: model,
      }),
    "body.messages[0].content",
    "images need a Converse job for Llama 4 Scout 17B Instruct",
  );
  const converse = resolveBatchModel(model, { invocationType: "converse" })
    .translator("/v1/chat/completions").toModelInput(body, { modelId: model });
  assert.deepEqual(converse.messages, [{
    role: "user",
    content: [{ image: { format: "png", source: { bytes: "iVBORw0KGgo=" } } }],
  }]);
});
