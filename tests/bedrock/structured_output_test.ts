import assert from "assert";
import { fromAnthropicOutput, toAnthropicInput } from "../../src/bedrock/anthropic.ts";
import { fromNovaOutput, toNovaInput } from "../../src/bedrock/nova.ts";
import { fromMistralChatOutput, toMistralChatInput } from "../../src/bedrock/mistral_chat.ts";
import { JSON_TOOL_NAME } from "../../src/bedrock/structured_output.ts";
import { ChatCompletion } from "../../src/bedrock/openai_chat.ts";
import { assertRefuses, CONTEXT } from "./_assert.ts";

const CLAUDE = { modelId: "anthropic.claude-3-haiku-20240307-v1:0" };
const NOVA = { modelId: "amazon.nova-lite-v1:0" };
const MISTRAL = { modelId: "mistral.mistral-large-2407-v1:0" };

const SCHEMA = {
  type: "object",
  properties: { name: { type: "string" }, age: { type: "integer" } },
  required: ["name", "age"],
  additionalProperties: false,
};

const EXTRACT = {
  messages: [{ role: "user", content: "Extract: Jason is 25 years old" }],
  response_format: {
    type: "json_schema",
    json_schema: { name: "person", description: "A person", schema: SCHEMA, strict: true },
  },
};

Deno.test("toAnthropicInput() sends json_schema as one forced tool whose input_schema is the schema", () => {
  const input = toAnthropicInput(EXTRACT, CLAUDE);
  assert.deepEqual(input.tools, [{
    name: JSON_TOOL_NAME,
    description: "A person",
    input_schema: SCHEMA,
  }]);
  assert.deepEqual(input.tool_choice, { type: "tool", name: JSON_TOOL_NAME });
});

Deno.test("toAnthropicInput() sends json_object as a forced tool taking any object", () => {
  const input = toAnthropicInput({
    messages: [{ role: "user", content: "JSON please" }],
    response_format: { type: "json_object" },
  }, CLAUDE);
  assert.deepEqual(input.tools?.[0]?.input_schema, { type: "object" });
  assert.equal(input.tool_choice?.type, "tool");
});

Deno.test("fromAnthropicOutput() turns the forced tool call into JSON content with finish_reason stop", () => {
  const body = fromAnthropicOutput({
    content: [{
      type: "tool_use",
      id: "toolu_1",
      name: JSON_TOOL_NAME,
      input: { name: "Jason", age: 25 },
    }],
    stop_reason: "tool_use",
    usage: { input_tokens: 30, output_tokens: 12 },
  }, CONTEXT);
  assert.ok(ChatCompletion.safeParse(body).success);
  const choice = body.choices[0]!;
  assert.equal(choice.finish_reason, "stop");
  assert.equal(choice.message.tool_calls, undefined);
  assert.deepEqual(JSON.parse(choice.message.content!), { name: "Jason", age: 25 });
});

Deno.test("toNovaInput() forces the schema tool through toolConfig.toolChoice", () => {
  const input = toNovaInput(EXTRACT, NOVA);
  assert.deepEqual(input.toolConfig, {
    tools: [{
      toolSpec: { name: JSON_TOOL_NAME, description: "A person", inputSchema: { json: SCHEMA } },
    }],
    toolChoice: { tool: { name: JSON_TOOL_NAME } },
  });
  const body = fromNovaOutput({
    output: {
      message: {
        role: "assistant",
        content: [{
          toolUse: { toolUseId: "t1", name: JSON_TOOL_NAME, input: { name: "J", age: 1 } },
        }],
      },
    },
    stopReason: "tool_use",
    usage: { inputTokens: 10, outputTokens: 5, totalTokens: 15 },
  }, CONTEXT);
  assert.equal(body.choices[0]!.finish_reason, "stop");
  assert.deepEqual(JSON.parse(body.choices[0]!.message.content!), { name: "J", age: 1 });
});

Deno.test("toMistralChatInput() forces the schema tool with tool_choice any and one tool", () => {
  const input = toMistralChatInput(EXTRACT, MISTRAL);
  assert.deepEqual(input.tools, [{
    type: "function",
    function: { name: JSON_TOOL_NAME, description: "A person", parameters: SCHEMA },
  }]);
  assert.equal(input.tool_choice, "any");
  const body = fromMistralChatOutput({
    choices: [{
      index: 0,
      message: {
        role: "assistant",
        content: "",
        tool_calls: [{
          id: "abc123def",
          function: { name: JSON_TOOL_NAME, arguments: '{"name":"J","age":2}' },
        }],
      },
      stop_reason: "tool_calls",
    }],
  }, CONTEXT);
  assert.equal(body.choices[0]!.finish_reason, "stop");
  assert.deepEqual(JSON.parse(body.choices[0]!.message.content!), { name: "J", age: 2 });
});

Deno.test("a cut-off structured answer keeps finish_reason length", () => {
  const body = fromAnthropicOutput({
    content: [{ type: "tool_use", id: "toolu_1", name: JSON_TOOL_NAME, input: { name: "Ja" } }],
    stop_reason: "max_tokens",
  }, CONTEXT);
  assert.equal(body.choices[0]!.finish_reason, "length");
});

Deno.test("structured outputs refuse tools alongside, non-object schemas, bad names and the reserved tool name", () => {
  const tool = { type: "function", function: { name: "lookup", parameters: { type: "object" } } };
  for (const [translate, label] of [[toAnthropicInput, "Claude"], [toNovaInput, "Nova"]] as const) {
    const options = label === "Claude" ? CLAUDE : NOVA;
    assertRefuses(
      () => translate({ ...EXTRACT, tools: [tool] }, options),
      "body.response_format",
      `Cannot translate for ${label}: response_format json_schema cannot be combined with tools`,
    );
    assertRefuses(
      () =>
        translate({
          ...EXTRACT,
          response_format: {
            type: "json_schema",
            json_schema: { name: "list", schema: { type: "array" } },
          },
        }, options),
      "body.response_format.json_schema.schema.type",
      'schema must describe an object (type "object")',
    );
    assertRefuses(
      () =>
        translate({
          ...EXTRACT,
          response_format: {
            type: "json_schema",
            json_schema: { name: "has space", schema: SCHEMA },
          },
        }, options),
      "body.response_format.json_schema.name",
      "must be 1-64 letters, digits, _ or -",
    );
    assertRefuses(
      () =>
        translate({
          messages: [{ role: "user", content: "x" }],
          tools: [{ type: "function", function: { name: JSON_TOOL_NAME } }],
        }, options),
      "body.tools[0].function.name",
      `tool name ${JSON_TOOL_NAME} is reserved for response_format`,
    );
  }
  assertRefuses(
    () =>
      toAnthropicInput({
        ...EXTRACT,
        response_format: { type: "json_schema", json_schema: { name: "person" } },
      }, CLAUDE),
    "body.response_format.json_schema.schema",
    "json_schema.schema is required",
  );
});

Deno.test("response_format text is no structured output", () => {
  const input = toAnthropicInput({
    messages: [{ role: "user", content: "Hi" }],
    response_format: { type: "text" },
  }, CLAUDE);
  assert.equal(input.tools, undefined);
});
