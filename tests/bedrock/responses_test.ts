import assert from "assert";
import { resolveBatchModel } from "../../src/bedrock/batch_model.ts";
import { chatFromResponses } from "../../src/bedrock/responses.ts";
import { ResponseObject } from "../../src/bedrock/openai_responses.ts";
import { JSON_TOOL_NAME } from "../../src/bedrock/structured_output.ts";
import { assertRefuses } from "./_assert.ts";

const CLAUDE = "anthropic.claude-3-haiku-20240307-v1:0";
const claude = resolveBatchModel(CLAUDE).translator("/v1/responses");
const CONTEXT = { modelGroup: "claude-haiku", created: 1711475054, responseId: "resp_test1" };

Deno.test("chatFromResponses() rewrites input items, instructions and parameters as chat", () => {
  const { body } = chatFromResponses({
    model: "gpt-4.1",
    instructions: "Be brief",
    input: [
      {
        role: "user",
        content: [{ type: "input_text", text: "Weather?" }, {
          type: "input_image",
          image_url: "data:image/png;base64,iVBORw0KGgo=",
          detail: "low",
        }],
      },
      { type: "message", role: "assistant", content: [{ type: "output_text", text: "Checking" }] },
      {
        type: "function_call",
        call_id: "call_1",
        name: "get_weather",
        arguments: '{"city":"Paris"}',
      },
      { type: "function_call_output", call_id: "call_1", output: "sunny" },
    ],
    max_output_tokens: 100,
    temperature: 0.5,
    top_p: 0.9,
    tools: [{
      type: "function",
      name: "get_weather",
      parameters: { type: "object" },
      strict: true,
    }],
    tool_choice: { type: "function", name: "get_weather" },
    parallel_tool_calls: true,
    text: { format: { type: "json_schema", name: "w", schema: { type: "object" }, strict: true } },
    metadata: { run: "1" },
    store: false,
  });
  assert.deepEqual(body, {
    messages: [
      { role: "system", content: "Be brief" },
      {
        role: "user",
        content: [{ type: "text", text: "Weather?" }, {
          type: "image_url",
          image_url: { url: "data:image/png;base64,iVBORw0KGgo=", detail: "low" },
        }],
      },
      {
        role: "assistant",
        content: [{ type: "text", text: "Checking" }],
        tool_calls: [{
          id: "call_1",
          type: "function",
          function: { name: "get_weather", arguments: '{"city":"Paris"}' },
        }],
      },
      { role: "tool", tool_call_id: "call_1", content: "sunny" },
    ],
    max_completion_tokens: 100,
    temperature: 0.5,
    top_p: 0.9,
    parallel_tool_calls: true,
    response_format: {
      type: "json_schema",
      json_schema: { name: "w", schema: { type: "object" }, strict: true },
    },
    tools: [{
      type: "function",
      function: { name: "get_weather", parameters: { type: "object" }, strict: true },
    }],
    tool_choice: { type: "function", function: { name: "get_weather" } },
  });
});

Deno.test("the Responses translator writes the model's native body", () => {
  const input = claude.toModelInput(
    { input: "Hi", instructions: "Be brief", max_output_tokens: 50 },
    { modelId: CLAUDE },
  );
  assert.deepEqual(input, {
    anthropic_version: "bedrock-2023-05-31",
    max_tokens: 50,
    system: "Be brief",
    messages: [{ role: "user", content: [{ type: "text", text: "Hi" }] }],
  });
  const structured = claude.toModelInput({
    input: "Extract",
    text: { format: { type: "json_schema", name: "p", schema: { type: "object" } } },
  }, { modelId: CLAUDE });
  assert.deepEqual(structured.tool_choice, { type: "tool", name: JSON_TOOL_NAME });
});

Deno.test("the Responses translator answers with a response object", () => {
  const body = claude.fromModelOutput({
    content: [{ type: "text", text: "Hello" }, {
      type: "tool_use",
      id: "toolu_1",
      name: "lookup",
      input: { q: "x" },
    }],
    stop_reason: "tool_use",
    usage: { input_tokens: 10, output_tokens: 4, cache_read_input_tokens: 2 },
  }, CONTEXT) as ResponseObject;
  assert.ok(
    ResponseObject.safeParse(body).success,
    JSON.stringify(ResponseObject.safeParse(body).error),
  );
  assert.equal(body.object, "response");
  assert.equal(body.id, "resp_test1");
  assert.equal(body.status, "completed");
  assert.equal(body.created_at, 1711475054);
  assert.equal(body.model, "claude-haiku");
  assert.deepEqual(body.output, [
    {
      type: "message",
      id: "msg_test1",
      status: "completed",
      role: "assistant",
      content: [{ type: "output_text", text: "Hello", annotations: [] }],
    },
    {
      type: "function_call",
      id: "fc_test1",
      call_id: "toolu_1",
      name: "lookup",
      arguments: '{"q":"x"}',
      status: "completed",
    },
  ]);
  assert.deepEqual(body.usage, {
    input_tokens: 12,
    input_tokens_details: { cached_tokens: 2 },
    output_tokens: 4,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: 16,
  });
});

Deno.test("a cut-off answer is an incomplete response with the reason", () => {
  const body = claude.fromModelOutput({
    content: [{ type: "text", text: "Hel" }],
    stop_reason: "max_tokens",
  }, CONTEXT) as ResponseObject;
  assert.equal(body.status, "incomplete");
  assert.deepEqual(body.incomplete_details, { reason: "max_output_tokens" });
  assert.equal(body.completed_at, null);
});

Deno.test("Responses lines get errors that name their own fields", () => {
  const modelId = CLAUDE;
  assertRefuses(
    () =>
      claude.toModelInput({
        input: [
          { role: "user", content: "x" },
          {
            role: "user",
            content: [{ type: "input_image", image_url: "https://example.com/a.png" }],
          },
        ],
      }, { modelId }),
    "body.input[1].content[0].image_url",
    "batch inference cannot fetch http(s) URLs",
  );
  assertRefuses(
    () =>
      claude.toModelInput({
        input: [{ type: "function_call", call_id: "c", name: "f", arguments: "{bad" }],
      }, { modelId }),
    "body.input[0].arguments",
    "tool call arguments are not valid JSON",
  );
  assertRefuses(
    () =>
      claude.toModelInput({
        input: "x",
        text: { format: { type: "json_schema", name: "p", schema: { type: "array" } } },
      }, { modelId }),
    "body.text.format.schema.type",
    'text.format.schema must describe an object (type "object")',
  );
  assertRefuses(
    () =>
      claude.toModelInput({ input: "x", tools: [{ type: "function", name: JSON_TOOL_NAME }] }, {
        modelId,
      }),
    "body.tools[0].name",
    "tool name json_tool_call is reserved for text.format",
  );
  assertRefuses(
    () => claude.toModelInput({ input: "x", temperature: 1.5 }, { modelId }),
    "body.temperature",
    "parameter temperature must be between 0 and 1",
  );
});

Deno.test("chatFromResponses() refuses what batch lines cannot do", () => {
  const cases: [Record<string, unknown>, string, string][] = [
    [
      { input: "x", previous_response_id: "resp_1" },
      "body.previous_response_id",
      "is not supported in batch",
    ],
    [{ input: "x", conversation: "conv_1" }, "body.conversation", "is not supported in batch"],
    [{ input: "x", background: true }, "body.background", "must be false"],
    [{ input: "x", reasoning: { effort: "high" } }, "body.reasoning", "is not supported"],
    [{ input: "x", truncation: "auto" }, "body.truncation", 'must be "disabled"'],
    [
      { input: "x", tools: [{ type: "web_search" }] },
      "body.tools[0].type",
      'tool type "web_search" is not supported',
    ],
    [
      { input: [{ type: "reasoning", summary: [] }] },
      "body.input[0].type",
      'input item type "reasoning" is not supported',
    ],
    [
      { input: [{ role: "user", content: [{ type: "input_file", file_id: "f" }] }] },
      "body.input[0].content[0]",
      "content part type input_file is not supported",
    ],
    [{ input: "x", frequency_penalty: 1 }, "body.frequency_penalty", "is not supported"],
  ];
  for (const [body, param, fragment] of cases) {
    assertRefuses(() => chatFromResponses(body), param, fragment);
  }
  // Null and empty reasoning ask for nothing.
  chatFromResponses({ input: "x", reasoning: null, truncation: "disabled", include: [] });
});

Deno.test("Converse models serve /v1/responses too", () => {
  const translator = resolveBatchModel("openai.gpt-oss-20b-1:0").translator("/v1/responses");
  assert.equal(translator.invocationType, "Converse");
  const input = translator.toModelInput({ input: "Hi" }, { modelId: "openai.gpt-oss-20b-1:0" });
  assert.deepEqual(input.messages, [{ role: "user", content: [{ text: "Hi" }] }]);
  const body = translator.fromModelOutput({
    output: { message: { role: "assistant", content: [{ text: "Hello" }] } },
    stopReason: "end_turn",
    usage: { inputTokens: 3, outputTokens: 1, totalTokens: 4 },
  }, CONTEXT) as ResponseObject;
  assert.equal(body.output[0]?.type, "message");
  assert.equal(body.usage.total_tokens, 4);
});
