import assert from "assert";
import {
  anthropicTranslator,
  fromAnthropicOutput,
  toAnthropicInput,
} from "../../src/bedrock/anthropic.ts";
import { ChatCompletion } from "../../src/bedrock/openai_chat.ts";
import { assertRefuses, CONTEXT } from "./_assert.ts";

const OPTIONS = { modelId: "anthropic.claude-3-haiku-20240307-v1:0" };
const PNG =
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";

Deno.test("toAnthropicInput() writes a minimal Messages body without a model key", () => {
  const input = toAnthropicInput(
    { model: "gpt-4o-mini", messages: [{ role: "user", content: "What is 2+2?" }] },
    OPTIONS,
  );
  assert.deepEqual(input, {
    anthropic_version: "bedrock-2023-05-31",
    max_tokens: 4096,
    messages: [{ role: "user", content: [{ type: "text", text: "What is 2+2?" }] }],
  });
  assert.ok(!("model" in input));
});

Deno.test("toAnthropicInput() moves a system message to a top-level system string", () => {
  const input = toAnthropicInput({
    messages: [
      { role: "system", content: "You are a helpful assistant." },
      { role: "user", content: "Hi" },
    ],
  }, OPTIONS);
  assert.equal(input.system, "You are a helpful assistant.");
  assert.equal(input.messages.length, 1);
});

Deno.test("toAnthropicInput() makes several system and developer messages an array of text blocks", () => {
  const input = toAnthropicInput({
    messages: [
      { role: "system", content: "Rule one" },
      { role: "developer", content: [{ type: "text", text: "Rule two" }] },
      { role: "user", content: "Hi" },
    ],
  }, OPTIONS);
  assert.deepEqual(input.system, [{ type: "text", text: "Rule one" }, {
    type: "text",
    text: "Rule two",
  }]);
});

Deno.test("toAnthropicInput() merges consecutive same-role messages so roles alternate", () => {
  const input = toAnthropicInput({
    messages: [
      { role: "user", content: "One" },
      { role: "user", content: [{ type: "text", text: "Two" }] },
      { role: "assistant", content: "Three" },
      { role: "assistant", content: "Four" },
      { role: "user", content: "Five" },
    ],
  }, OPTIONS);
  assert.deepEqual(input.messages, [
    { role: "user", content: [{ type: "text", text: "One" }, { type: "text", text: "Two" }] },
    {
      role: "assistant",
      content: [{ type: "text", text: "Three" }, { type: "text", text: "Four" }],
    },
    { role: "user", content: [{ type: "text", text: "Five" }] },
  ]);
});

Deno.test("toAnthropicInput() turns tool calls into tool_use and merges tool results into one user turn", () => {
  const input = toAnthropicInput({
    messages: [
      { role: "user", content: "Weather in Paris and Rome?" },
      {
        role: "assistant",
        content: null,
        tool_calls: [
          {
            id: "call_1",
            type: "function",
            function: { name: "weather", arguments: '{"city":"Paris"}' },
          },
          {
            id: "call_2",
            type: "function",
            function: { name: "weather", arguments: '{"city":"Rome"}' },
          },
        ],
      },
      { role: "tool", tool_call_id: "call_1", content: "18C" },
      { role: "tool", tool_call_id: "call_2", content: [{ type: "text", text: "24C" }] },
      { role: "user", content: "Thanks" },
    ],
    tools: [{
      type: "function",
      function: {
        name: "weather",
        description: "Current weather",
        parameters: { type: "object", properties: { city: { type: "string" } } },
      },
    }],
  }, OPTIONS);
  assert.deepEqual(input.messages[1], {
    role: "assistant",
    content: [
      { type: "tool_use", id: "call_1", name: "weather", input: { city: "Paris" } },
      { type: "tool_use", id: "call_2", name: "weather", input: { city: "Rome" } },
    ],
  });
  assert.deepEqual(input.messages[2], {
    role: "user",
    content: [
      { type: "tool_result", tool_use_id: "call_1", content: "18C" },
      { type: "tool_result", tool_use_id: "call_2", content: [{ type: "text", text: "24C" }] },
      { type: "text", text: "Thanks" },
    ],
  });
  assert.deepEqual(input.tools, [{
    name: "weather",
    description: "Current weather",
    input_schema: { type: "object", properties: { city: { type: "string" } } },
  }]);
  assert.equal(input.tool_choice, undefined);
});

Deno.test("toAnthropicInput() refuses tool call arguments that are not JSON", () => {
  assertRefuses(
    () =>
      toAnthropicInput({
        messages: [
          { role: "user", content: "Hi" },
          {
            role: "assistant",
            tool_calls: [{
              id: "c",
              type: "function",
              function: { name: "f", arguments: "{oops" },
            }],
          },
        ],
        tools: [{ type: "function", function: { name: "f" } }],
      }, OPTIONS),
    "body.messages[1].tool_calls[0].function.arguments",
    "Cannot translate for Claude: tool call arguments are not valid JSON",
  );
});

Deno.test("toAnthropicInput() maps tool_choice values", () => {
  const tools = [
    { type: "function", function: { name: "a" } },
    { type: "function", function: { name: "b" } },
  ];
  const messages = [{ role: "user", content: "Hi" }];
  const choice = (tool_choice: unknown, extra: Record<string, unknown> = {}) =>
    toAnthropicInput({ messages, tools, tool_choice, ...extra }, OPTIONS);
  assert.deepEqual(choice("auto").tool_choice, { type: "auto" });
  assert.deepEqual(choice("required").tool_choice, { type: "any" });
  assert.deepEqual(choice({ type: "function", function: { name: "b" } }).tool_choice, {
    type: "tool",
    name: "b",
  });
  assert.deepEqual(choice("auto", { parallel_tool_calls: false }).tool_choice, {
    type: "auto",
    disable_parallel_tool_use: true,
  });
  assert.deepEqual(choice(undefined).tools?.[0], {
    name: "a",
    input_schema: { type: "object", properties: {} },
  });
  const none = choice("none");
  assert.equal(none.tools, undefined);
  assert.equal(none.tool_choice, undefined);
  assertRefuses(
    () => choice({ type: "function", function: { name: "zzz" } }),
    "body.tool_choice.function.name",
    "not in tools",
  );
});

Deno.test("toAnthropicInput() keeps tools and sends tool_choice none when the history holds tool calls", () => {
  const input = toAnthropicInput({
    messages: [
      { role: "user", content: "Hi" },
      {
        role: "assistant",
        tool_calls: [{ id: "c1", type: "function", function: { name: "f", arguments: "" } }],
      },
      { role: "tool", tool_call_id: "c1", content: "done" },
    ],
    tools: [{ type: "function", function: { name: "f" } }],
    tool_choice: "none",
  }, OPTIONS);
  assert.deepEqual(input.tool_choice, { type: "none" });
  assert.equal(input.tools?.length, 1);
  assert.deepEqual(input.messages[1]?.content[0], {
    type: "tool_use",
    id: "c1",
    name: "f",
    input: {},
  });
});

Deno.test("toAnthropicInput() refuses tool calls in the history without tools", () => {
  assertRefuses(
    () =>
      toAnthropicInput({
        messages: [
          { role: "user", content: "Hi" },
          { role: "tool", tool_call_id: "c1", content: "done" },
        ],
      }, OPTIONS),
    "body.tools",
    "tools must be defined",
  );
});

Deno.test("toAnthropicInput() turns data-URL images into base64 image blocks", () => {
  const input = toAnthropicInput({
    messages: [{
      role: "user",
      content: [
        { type: "text", text: "What is this?" },
        { type: "image_url", image_url: { url: `data:image/png;base64,${PNG}`, detail: "low" } },
      ],
    }],
  }, OPTIONS);
  assert.deepEqual(input.messages[0]?.content[1], {
    type: "image",
    source: { type: "base64", media_type: "image/png", data: PNG },
  });
});

Deno.test("toAnthropicInput() refuses http image URLs and other image types by path", () => {
  const withImage = (url: string) => ({
    messages: [
      { role: "user", content: "first" },
      { role: "assistant", content: "ok" },
      { role: "user", content: "second" },
      {
        role: "user",
        content: [{ type: "text", text: "look" }, { type: "image_url", image_url: { url } }],
      },
    ],
  });
  assertRefuses(
    () => toAnthropicInput(withImage("https://example.com/cat.png"), OPTIONS),
    "body.messages[3].content[1].image_url",
    "batch inference cannot fetch http(s) URLs",
  );
  assertRefuses(
    () => toAnthropicInput(withImage(`data:image/tiff;base64,${"A".repeat(100_000)}`), OPTIONS),
    "body.messages[3].content[1].image_url",
    'image type "image/tiff" is not supported',
  );
  assertRefuses(
    () => toAnthropicInput(withImage("data:image/png,rawbytes"), OPTIONS),
    "body.messages[3].content[1].image_url",
    "must be base64-encoded",
  );
});

Deno.test("toAnthropicInput() refuses audio content parts by name", () => {
  assertRefuses(
    () =>
      toAnthropicInput({
        messages: [{
          role: "user",
          content: [{ type: "input_audio", input_audio: { data: "x", format: "wav" } }],
        }],
      }, OPTIONS),
    "body.messages[0].content[0]",
    "content part type input_audio is not supported",
  );
});

Deno.test("toAnthropicInput() maps max tokens, sampling and stop", () => {
  const input = toAnthropicInput({
    messages: [{ role: "user", content: "Hi" }],
    max_tokens: 100,
    max_completion_tokens: 200,
    temperature: 0.2,
    top_p: 0.9,
    top_k: 40,
    stop: "</answer>",
  }, OPTIONS);
  assert.equal(input.max_tokens, 200);
  assert.equal(input.temperature, 0.2);
  assert.equal(input.top_p, 0.9);
  assert.equal(input.top_k, 40);
  assert.deepEqual(input.stop_sequences, ["</answer>"]);
  const listed = toAnthropicInput(
    { messages: [{ role: "user", content: "Hi" }], max_tokens: 100, stop: ["a", "b"] },
    OPTIONS,
  );
  assert.equal(listed.max_tokens, 100);
  assert.deepEqual(listed.stop_sequences, ["a", "b"]);
});

Deno.test("toAnthropicInput() uses the deployment's default max tokens when the request sets none", () => {
  const input = toAnthropicInput({ messages: [{ role: "user", content: "Hi" }] }, {
    ...OPTIONS,
    defaultMaxTokens: 777,
  });
  assert.equal(input.max_tokens, 777);
});

Deno.test("toAnthropicInput() refuses a conversation that starts with the assistant", () => {
  assertRefuses(
    () =>
      toAnthropicInput({
        messages: [{ role: "system", content: "S" }, { role: "assistant", content: "Hello" }],
      }, OPTIONS),
    "body.messages[1].role",
    "the first non-system message must come from the user",
  );
  assertRefuses(
    () => toAnthropicInput({ messages: [{ role: "system", content: "S" }] }, OPTIONS),
    "body.messages",
    "must include a user message",
  );
});

Deno.test("toAnthropicInput() refuses empty message content", () => {
  assertRefuses(
    () => toAnthropicInput({ messages: [{ role: "user", content: "" }] }, OPTIONS),
    "body.messages[0].content",
    "must not be empty",
  );
});

Deno.test("toAnthropicInput() names the field of a malformed message", () => {
  assertRefuses(
    () => toAnthropicInput({ messages: [{ role: "user", content: 42 }] }, OPTIONS),
    "body.messages[0].content",
    "Cannot translate for Claude: invalid body.messages[0].content",
  );
  assertRefuses(
    () =>
      toAnthropicInput({
        messages: [{ role: "user", content: [{ type: "text", text: "ok" }, { type: "text" }] }],
      }, OPTIONS),
    "body.messages[0].content[1].text",
    "expected string",
  );
  assertRefuses(
    () => toAnthropicInput({ messages: [{ role: "function", content: "x", name: "f" }] }, OPTIONS),
    "body.messages[0].role",
    "Cannot translate for Claude",
  );
});

Deno.test("fromAnthropicOutput() turns a Bedrock Claude output into a chat.completion", () => {
  // Real Claude 3 Haiku batch output line (bedrock-batch-facts.md §3.2), text shortened.
  const output = {
    id: "msg_bdrk_018FaiigbPq6PehfhWM2GMBv",
    type: "message",
    role: "assistant",
    model: "claude-3-haiku-20240307",
    content: [{ type: "text", text: "<translation>Bonjour" }],
    stop_reason: "stop_sequence",
    stop_sequence: "</translation>",
    usage: { input_tokens: 111, output_tokens: 73 },
  };
  const body = fromAnthropicOutput(output, CONTEXT);
  assert.deepEqual(body, {
    id: "chatcmpl-test1",
    object: "chat.completion",
    created: 1711475054,
    model: "claude-haiku",
    choices: [{
      index: 0,
      message: { role: "assistant", content: "<translation>Bonjour", refusal: null },
      logprobs: null,
      finish_reason: "stop",
    }],
    usage: { prompt_tokens: 111, completion_tokens: 73, total_tokens: 184 },
  });
  assert.ok(ChatCompletion.safeParse(body).success);
});

Deno.test("fromAnthropicOutput() turns tool_use blocks into tool_calls", () => {
  const body = fromAnthropicOutput({
    id: "msg_bdrk_01",
    type: "message",
    role: "assistant",
    content: [
      { type: "text", text: "Let me check. " },
      { type: "text", text: "One moment." },
      { type: "tool_use", id: "toolu_01A", name: "weather", input: { city: "Paris" } },
    ],
    stop_reason: "tool_use",
    usage: { input_tokens: 10, output_tokens: 5 },
  }, CONTEXT);
  const choice = body.choices[0]!;
  assert.equal(choice.finish_reason, "tool_calls");
  assert.equal(choice.message.content, "Let me check. One moment.");
  assert.deepEqual(choice.message.tool_calls, [{
    id: "toolu_01A",
    type: "function",
    function: { name: "weather", arguments: '{"city":"Paris"}' },
  }]);
});

Deno.test("fromAnthropicOutput() gives null content for tool-only answers and maps max_tokens to length", () => {
  const body = fromAnthropicOutput({
    content: [{ type: "tool_use", id: "t", name: "f", input: {} }],
    stop_reason: "max_tokens",
    usage: { input_tokens: 1, output_tokens: 2 },
  }, CONTEXT);
  assert.equal(body.choices[0]!.message.content, null);
  assert.equal(body.choices[0]!.finish_reason, "length");
});

Deno.test("fromAnthropicOutput() counts cache tokens as prompt tokens and reports cached ones", () => {
  const body = fromAnthropicOutput({
    content: [{ type: "text", text: "ok" }],
    stop_reason: "end_turn",
    usage: {
      input_tokens: 10,
      output_tokens: 4,
      cache_creation_input_tokens: 100,
      cache_read_input_tokens: 1000,
    },
  }, CONTEXT);
  assert.deepEqual(body.usage, {
    prompt_tokens: 1110,
    completion_tokens: 4,
    total_tokens: 1114,
    prompt_tokens_details: { cached_tokens: 1000 },
  });
});

Deno.test("fromAnthropicOutput() refuses an output that is not a Claude message", () => {
  assertRefuses(
    () => fromAnthropicOutput({ generation: "hi" }, CONTEXT),
    "modelOutput.content",
    "Cannot read Claude output",
  );
});

Deno.test("anthropicTranslator reads usage and the max_tokens budget", () => {
  assert.equal(anthropicTranslator.family, "anthropic");
  assert.equal(anthropicTranslator.endpoint, "/v1/chat/completions");
  assert.deepEqual(
    anthropicTranslator.usageOf({
      usage: { input_tokens: 111, output_tokens: 73, cache_read_input_tokens: 9 },
    }),
    { inputTokens: 120, outputTokens: 73 },
  );
  assert.deepEqual(anthropicTranslator.usageOf({ error: "x" }), {
    inputTokens: 0,
    outputTokens: 0,
  });
  assert.deepEqual(anthropicTranslator.usageOf(null), { inputTokens: 0, outputTokens: 0 });
  const input = anthropicTranslator.toModelInput(
    { messages: [{ role: "user", content: "Hi" }], max_tokens: 321 },
    OPTIONS,
  );
  assert.equal(anthropicTranslator.maxOutputTokens(input), 321);
});

Deno.test("toAnthropicInput() refuses a required or named tool_choice without tools", () => {
  const messages = [{ role: "user", content: "Hi" }];
  assertRefuses(
    () => toAnthropicInput({ messages, tool_choice: "required" }, OPTIONS),
    "body.tool_choice",
    "tool_choice needs tools",
  );
  assertRefuses(
    () =>
      toAnthropicInput(
        { messages, tools: [], tool_choice: { type: "function", function: { name: "f" } } },
        OPTIONS,
      ),
    "body.tool_choice",
    "tool_choice needs tools",
  );
  const plain = toAnthropicInput(
    { messages, tool_choice: "auto", parallel_tool_calls: false },
    OPTIONS,
  );
  assert.equal(plain.tools, undefined);
  assert.equal(plain.tool_choice, undefined);
});
