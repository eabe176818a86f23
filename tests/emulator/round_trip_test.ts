/**
 * Translator → emulator → translator, for every request format: what
 * Batchgate writes passes the emulator's strict checks of AWS's documented
 * bodies, and what the emulator answers in each family's own format reads
 * back as the OpenAI body the line asked for.
 */
import assert from "assert";
import { resolveBatchModel, type ResolveOptions } from "../../src/bedrock/batch_model.ts";
import { ChatCompletion } from "../../src/bedrock/openai_chat.ts";
import { EmbeddingList } from "../../src/bedrock/openai_embeddings.ts";
import { ResponseObject } from "../../src/bedrock/openai_responses.ts";
import { emulateRecord, FAIL_MESSAGE } from "../../tools/emulator/replies.ts";

const CONTEXT = { modelGroup: "group", created: 1711475054, responseId: "chatcmpl-rt1" };
const QUESTION = "What is the capital of France?";

function roundTrip(
  model: string,
  endpoint: string,
  body: unknown,
  options: ResolveOptions = {},
): Record<string, unknown> {
  const resolved = resolveBatchModel(model, options);
  const translator = resolved.translator(endpoint);
  const modelInput = translator.toModelInput(body, { modelId: model });
  const outcome = emulateRecord(modelInput, {
    modelId: parseId(model),
    invocationType: resolved.invocationType,
  });
  assert.ok(outcome.ok, `${model}: ${!outcome.ok && outcome.error.errorMessage}`);
  const usage = translator.usageOf(outcome.modelOutput);
  assert.ok(usage.inputTokens >= 0 && usage.outputTokens >= 0);
  return translator.fromModelOutput(outcome.modelOutput, { ...CONTEXT, modelInput });
}

function parseId(model: string): string {
  return model.replace(/^bedrock\/(?:converse\/|invoke\/)?/, "");
}

const CHAT_MODELS: [string, ResolveOptions?][] = [
  ["anthropic.claude-3-haiku-20240307-v1:0"],
  ["us.amazon.nova-lite-v1:0"],
  ["meta.llama3-1-8b-instruct-v1:0"],
  ["us.meta.llama4-maverick-17b-instruct-v1:0"],
  ["mistral.mistral-small-2402-v1:0"],
  ["mistral.mistral-large-2407-v1:0"],
  ["us.mistral.pixtral-large-2502-v1:0"],
  ["openai.gpt-oss-120b-1:0"],
  ["qwen.qwen3-32b-v1:0"],
  ["bedrock/converse/us.anthropic.claude-3-5-haiku-20241022-v1:0"],
  ["amazon.nova-pro-v1:0", { invocationType: "converse" }],
];

Deno.test("every chat format round-trips through the emulator to a chat.completion", () => {
  const body = {
    messages: [
      { role: "system", content: "Answer in one word." },
      { role: "user", content: QUESTION },
    ],
    max_tokens: 50,
    temperature: 0.2,
  };
  for (const [model, options] of CHAT_MODELS) {
    const out = roundTrip(model, "/v1/chat/completions", body, options);
    const parsed = ChatCompletion.safeParse(out);
    assert.ok(parsed.success, model);
    const message = parsed.data.choices[0]!.message;
    // The prompt-template Mistral body puts the system text in the first user turn.
    assert.match(
      message.content!,
      /^Emulated reply to: (Answer in one word\. )?What is the capital/,
    );
    assert.equal(parsed.data.choices[0]!.finish_reason, "stop", model);
  }
});

Deno.test("every chat format round-trips /v1/responses lines to a response object", () => {
  for (const [model, options] of CHAT_MODELS) {
    const out = roundTrip(model, "/v1/responses", {
      input: QUESTION,
      instructions: "Be brief",
    }, options);
    const parsed = ResponseObject.safeParse(out);
    assert.ok(parsed.success, model);
    const item = parsed.data.output[0];
    assert.ok(item?.type === "message", model);
    assert.match(
      item.content[0]!.text,
      /^Emulated reply to: (Be brief )?What is the capital/,
      model,
    );
  }
});

const PERSON = {
  type: "object",
  properties: {
    name: { type: "string" },
    age: { type: "integer" },
    tags: { type: "array", items: { type: "string", enum: ["a", "b"] } },
  },
  required: ["name", "age", "tags"],
  additionalProperties: false,
};

Deno.test("structured outputs reach Bedrock as a forced tool or textFormat and come back as schema JSON", () => {
  const cases: [string, ResolveOptions?][] = [
    ["anthropic.claude-3-haiku-20240307-v1:0"],
    ["global.anthropic.claude-sonnet-4-5-20250929-v1:0"],
    ["bedrock/converse/global.anthropic.claude-sonnet-4-5-20250929-v1:0"],
    ["amazon.nova-micro-v1:0"],
    ["mistral.mistral-large-2407-v1:0"],
    ["openai.gpt-oss-20b-1:0"],
  ];
  for (const [model, options] of cases) {
    const chat = roundTrip(model, "/v1/chat/completions", {
      messages: [{ role: "user", content: "Extract: Jason is 25" }],
      response_format: {
        type: "json_schema",
        json_schema: { name: "person", schema: PERSON, strict: true },
      },
    }, options) as ChatCompletion;
    const choice = chat.choices[0]!;
    assert.equal(choice.finish_reason, "stop", model);
    assert.equal(choice.message.tool_calls, undefined, model);
    const value = JSON.parse(choice.message.content!);
    assert.deepEqual(Object.keys(value).sort(), ["age", "name", "tags"], model);
    assert.equal(typeof value.name, "string");
    assert.ok(Number.isInteger(value.age));
    assert.deepEqual(value.tags, ["a"]);

    const response = roundTrip(model, "/v1/responses", {
      input: "Extract: Jason is 25",
      text: { format: { type: "json_schema", name: "person", schema: PERSON } },
    }, options) as ResponseObject;
    const item = response.output[0];
    assert.ok(item?.type === "message", model);
    assert.deepEqual(Object.keys(JSON.parse(item.content[0]!.text)).sort(), [
      "age",
      "name",
      "tags",
    ]);
  }
});

Deno.test("forced tools come back as tool calls whose arguments fit the tool's schema", () => {
  const tool = {
    type: "function",
    function: {
      name: "get_weather",
      parameters: {
        type: "object",
        properties: { city: { type: "string" }, days: { type: "integer", minimum: 3 } },
      },
    },
  };
  for (
    const model of [
      "anthropic.claude-3-haiku-20240307-v1:0",
      "amazon.nova-lite-v1:0",
      "mistral.mistral-large-2407-v1:0",
    ]
  ) {
    const out = roundTrip(model, "/v1/chat/completions", {
      messages: [{ role: "user", content: "Weather in Paris?" }],
      tools: [tool],
      tool_choice: "required",
    }) as ChatCompletion;
    const choice = out.choices[0]!;
    assert.equal(choice.finish_reason, "tool_calls", model);
    const call = choice.message.tool_calls![0]!;
    assert.equal(call.function.name, "get_weather");
    assert.deepEqual(JSON.parse(call.function.arguments), { city: "emulated", days: 3 }, model);
  }
});

Deno.test("every embedding format round-trips to an embeddings list, floats and base64", () => {
  const cases: [string, unknown, number][] = [
    ["amazon.titan-embed-text-v2:0", { input: QUESTION, dimensions: 256 }, 1],
    ["amazon.titan-embed-text-v1", { input: QUESTION }, 1],
    ["amazon.titan-embed-image-v1", { input: QUESTION, dimensions: 384 }, 1],
    ["cohere.embed-english-v3", { input: ["a", "b", "c"] }, 3],
    ["cohere.embed-v4:0", { input: ["a", "b"], dimensions: 256 }, 2],
    ["amazon.nova-2-multimodal-embeddings-v1:0", { input: QUESTION, dimensions: 1024 }, 1],
  ];
  for (const [model, body, count] of cases) {
    const out = roundTrip(model, "/v1/embeddings", body);
    const parsed = EmbeddingList.safeParse(out);
    assert.ok(parsed.success, model);
    assert.equal(parsed.data.data.length, count, model);
    for (const [i, item] of parsed.data.data.entries()) {
      assert.equal(item.index, i);
      assert.ok(Array.isArray(item.embedding) && item.embedding.length > 0, model);
    }
    if (model.includes("titan-embed-text-v1") || model.includes("titan-embed-image")) continue;
    const base64 = EmbeddingList.parse(
      roundTrip(model, "/v1/embeddings", { ...(body as object), encoding_format: "base64" }),
    );
    const floats = parsed.data.data[0]!.embedding as number[];
    const text = base64.data[0]!.embedding as string;
    assert.equal(typeof text, "string", model);
    assert.equal(atob(text).length, floats.length * 4, model);
  }
});

Deno.test("the emulator fails records that break AWS's documented bodies", () => {
  const converse = { modelId: "openai.gpt-oss-20b-1:0", invocationType: "Converse" as const };
  const cases: [Record<string, unknown>, typeof converse, RegExp][] = [
    [
      { messages: [{ role: "user", content: [{ text: "x" }] }], temperatureX: 1 },
      converse,
      /extraneous key \[temperatureX\] is not permitted/,
    ],
    [
      { messages: [{ role: "user", content: [{ text: "  " }] }] },
      converse,
      /the text field is blank/,
    ],
    [
      { messages: [{ role: "user", content: [{ text: "x", image: {} }] }] },
      converse,
      /exactly one of/,
    ],
    [
      { messages: [{ role: "assistant", content: [{ text: "x" }] }] },
      converse,
      /must start with a user message/,
    ],
    [
      {
        messages: [{ role: "user", content: [{ text: "x" }] }],
        outputConfig: {
          textFormat: { type: "json_schema", structure: { jsonSchema: { schema: "{" } } },
        },
      },
      converse,
      /schema is not valid JSON/,
    ],
    [
      {
        anthropic_version: "bedrock-2023-05-31",
        max_tokens: 5,
        messages: [{ role: "user", content: "x" }],
        model: "x",
      },
      {
        modelId: "anthropic.claude-3-haiku-20240307-v1:0",
        invocationType: "InvokeModel" as "Converse",
      },
      /extraneous key \[model\]/,
    ],
    [
      { texts: ["a"] },
      { modelId: "cohere.embed-english-v3", invocationType: "InvokeModel" as "Converse" },
      /input_type/,
    ],
    [
      { inputText: "a", dimensions: 300 },
      { modelId: "amazon.titan-embed-text-v2:0", invocationType: "InvokeModel" as "Converse" },
      /#\/dimensions/,
    ],
  ];
  for (const [modelInput, options, pattern] of cases) {
    const outcome = emulateRecord(modelInput, options);
    assert.ok(!outcome.ok, JSON.stringify(modelInput));
    assert.equal(outcome.error.errorCode, 400);
    assert.match(outcome.error.errorMessage, /^Malformed input request: /);
    assert.match(outcome.error.errorMessage, pattern);
    assert.notEqual(outcome.error.errorMessage, FAIL_MESSAGE);
  }
});

Deno.test("the emulator takes InvokeModel records only for batch-listed families", () => {
  for (
    const modelId of ["anthropic.claude-v2:1", "amazon.nova-canvas-v1:0", "openai.gpt-oss-20b-1:0"]
  ) {
    const outcome = emulateRecord({ prompt: "x" }, { modelId, invocationType: "InvokeModel" });
    assert.ok(!outcome.ok, modelId);
    assert.match(outcome.error.errorMessage, /has no reply format/);
  }
});
