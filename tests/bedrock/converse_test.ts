import assert from "assert";
import {
  converseTranslator,
  fromConverseOutput,
  toConverseInput,
} from "../../src/bedrock/converse.ts";
import { ConverseRequest } from "../../src/bedrock/converse_body.ts";
import { ChatCompletion } from "../../src/bedrock/openai_chat.ts";
import { assertRefuses, CONTEXT } from "./_assert.ts";

const OSS = { modelId: "openai.gpt-oss-120b-1:0" };
const CLAUDE = { modelId: "us.anthropic.claude-3-5-sonnet-20241022-v2:0" };
const NOVA = { modelId: "amazon.nova-pro-v1:0" };
const SONNET_45 = { modelId: "global.anthropic.claude-sonnet-4-5-20250929-v1:0" };
const PNG = "data:image/png;base64,iVBORw0KGgo=";

Deno.test("toConverseInput() maps messages, system, images and inferenceConfig", () => {
  const input = toConverseInput({
    messages: [
      { role: "system", content: "Be terse." },
      { role: "developer", content: [{ type: "text", text: "Use English." }] },
      {
        role: "user",
        content: [{ type: "text", text: "What is this?" }, {
          type: "image_url",
          image_url: { url: PNG },
        }],
      },
      { role: "assistant", content: "A logo." },
      { role: "user", content: "Sure?" },
      { role: "user", content: "Really?" },
    ],
    max_completion_tokens: 300,
    temperature: 0.2,
    top_p: 0.9,
    stop: "END",
  }, CLAUDE);
  assert.deepEqual(input, {
    messages: [
      {
        role: "user",
        content: [{ text: "What is this?" }, {
          image: { format: "png", source: { bytes: "iVBORw0KGgo=" } },
        }],
      },
      { role: "assistant", content: [{ text: "A logo." }] },
      { role: "user", content: [{ text: "Sure?" }, { text: "Really?" }] },
    ],
    system: [{ text: "Be terse." }, { text: "Use English." }],
    inferenceConfig: { maxTokens: 300, temperature: 0.2, topP: 0.9, stopSequences: ["END"] },
  });
  assert.ok(ConverseRequest.safeParse(input).success);
});

Deno.test("toConverseInput() sets maxTokens by default, capped at the model's limit", () => {
  assert.equal(
    toConverseInput({ messages: [{ role: "user", content: "Hi" }] }, OSS).inferenceConfig
      .maxTokens,
    4096,
  );
  assert.equal(
    toConverseInput({ messages: [{ role: "user", content: "Hi" }] }, {
      modelId: "meta.llama3-1-8b-instruct-v1:0",
    }).inferenceConfig.maxTokens,
    2048,
  );
});

Deno.test("toConverseInput() puts top_k where each family reads it, and refuses it elsewhere", () => {
  const body = { messages: [{ role: "user", content: "Hi" }], top_k: 40 };
  assert.deepEqual(toConverseInput(body, CLAUDE).additionalModelRequestFields, { top_k: 40 });
  assert.deepEqual(toConverseInput(body, NOVA).additionalModelRequestFields, {
    inferenceConfig: { topK: 40 },
  });
  assertRefuses(
    () => toConverseInput(body, OSS),
    "body.top_k",
    "Cannot translate for gpt-oss-120b: parameter top_k is not supported",
  );
});

Deno.test("toConverseInput() refuses tools: Converse batch jobs fail records with toolConfig", () => {
  const tools = [{ type: "function", function: { name: "lookup" } }];
  assertRefuses(
    () => toConverseInput({ messages: [{ role: "user", content: "x" }], tools }, CLAUDE),
    "body.tools",
    "tools are not supported in Converse batch jobs, Bedrock fails records with toolConfig; set batch_invocation_type: invoke to use the model's native request body",
  );
  assertRefuses(
    () => toConverseInput({ messages: [{ role: "user", content: "x" }], tools }, OSS),
    "body.tools",
    "Bedrock fails records with toolConfig",
  );
  assertRefuses(
    () =>
      toConverseInput({
        messages: [
          { role: "user", content: "x" },
          {
            role: "assistant",
            content: null,
            tool_calls: [{ id: "c1", type: "function", function: { name: "f", arguments: "{}" } }],
          },
        ],
      }, OSS),
    "body.messages[1].tool_calls",
    "tools are not supported in Converse batch jobs",
  );
  assertRefuses(
    () =>
      toConverseInput({
        messages: [{ role: "user", content: "x" }, {
          role: "tool",
          tool_call_id: "c1",
          content: "1",
        }],
      }, OSS),
    "body.messages[1]",
    "tools are not supported in Converse batch jobs",
  );
  // "auto" and "none" without tools ask for nothing.
  toConverseInput({ messages: [{ role: "user", content: "x" }], tool_choice: "none" }, OSS);
});

Deno.test("toConverseInput() sends json_schema as outputConfig.textFormat where Bedrock has structured outputs", () => {
  const schema = { type: "object", properties: { a: { type: "string" } }, required: ["a"] };
  const input = toConverseInput({
    messages: [{ role: "user", content: "x" }],
    response_format: { type: "json_schema", json_schema: { name: "out", schema, strict: true } },
  }, SONNET_45);
  assert.deepEqual(input.outputConfig, {
    textFormat: {
      type: "json_schema",
      structure: { jsonSchema: { schema: JSON.stringify(schema), name: "out" } },
    },
  });
  assertRefuses(
    () =>
      toConverseInput({
        messages: [{ role: "user", content: "x" }],
        response_format: { type: "json_object" },
      }, SONNET_45),
    "body.response_format",
    "response_format json_object is not supported, send json_schema with a schema",
  );
  assertRefuses(
    () =>
      toConverseInput({
        messages: [{ role: "user", content: "x" }],
        response_format: { type: "json_schema", json_schema: { name: "out", schema } },
      }, NOVA),
    "body.response_format",
    "Cannot translate for Nova Pro: response_format json_schema is not supported, Bedrock documents no structured outputs for this model in Converse jobs; set batch_invocation_type: invoke",
  );
});

Deno.test("toConverseInput() refuses what Converse cannot carry", () => {
  assertRefuses(
    () => toConverseInput({ messages: [{ role: "assistant", content: "x" }] }, OSS),
    "body.messages[0].role",
    "the first non-system message must come from the user",
  );
  assertRefuses(
    () => toConverseInput({ messages: [{ role: "user", content: "" }] }, OSS),
    "body.messages[0].content",
    "message content must not be empty",
  );
  assertRefuses(
    () => toConverseInput({ messages: [{ role: "user", content: "x" }], stop: ["a", ""] }, OSS),
    "body.stop",
    "stop sequences must not be empty",
  );
  assertRefuses(
    () => toConverseInput({ messages: [{ role: "user", content: "x" }], n: 2 }, OSS),
    "body.n",
    "Cannot translate for gpt-oss-120b: parameter n must be 1, got 2",
  );
});

Deno.test("fromConverseOutput() reads text, drops reasoning, maps stop reasons and usage", () => {
  const body = fromConverseOutput({
    output: {
      message: {
        role: "assistant",
        content: [{ reasoningContent: { reasoningText: { text: "hmm" } } }, { text: "Hello" }, {
          text: "!",
        }],
      },
    },
    stopReason: "max_tokens",
    usage: { inputTokens: 9, outputTokens: 3, totalTokens: 12, cacheReadInputTokens: 4 },
    metrics: { latencyMs: 412 },
  }, CONTEXT);
  assert.ok(ChatCompletion.safeParse(body).success);
  assert.equal(body.choices[0]!.message.content, "Hello!");
  assert.equal(body.choices[0]!.finish_reason, "length");
  assert.deepEqual(body.usage, {
    prompt_tokens: 13,
    completion_tokens: 3,
    total_tokens: 16,
    prompt_tokens_details: { cached_tokens: 4 },
  });
  const map: [string, string][] = [
    ["end_turn", "stop"],
    ["stop_sequence", "stop"],
    ["tool_use", "tool_calls"],
    ["content_filtered", "content_filter"],
    ["guardrail_intervened", "content_filter"],
    ["model_context_window_exceeded", "length"],
  ];
  for (const [stopReason, finish] of map) {
    const out = fromConverseOutput({
      output: { message: { content: [{ text: "x" }] } },
      stopReason,
    }, CONTEXT);
    assert.equal(out.choices[0]!.finish_reason, finish, stopReason);
  }
  assert.deepEqual(
    converseTranslator.usageOf({
      usage: { inputTokens: 9, outputTokens: 3, cacheWriteInputTokens: 2 },
    }),
    { inputTokens: 11, outputTokens: 3 },
  );
});

Deno.test("fromConverseOutput() fails a record whose output the model malformed", () => {
  assertRefuses(
    () =>
      fromConverseOutput({
        output: { message: { content: [{ text: "{" }] } },
        stopReason: "malformed_model_output",
      }, CONTEXT),
    "modelOutput.stopReason",
    "Cannot read Converse output: the model's output was malformed (stopReason malformed_model_output)",
  );
  assertRefuses(
    () => fromConverseOutput({ stopReason: "end_turn" }, CONTEXT),
    "modelOutput.output",
    "Cannot read Converse output",
  );
});
