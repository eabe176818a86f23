import assert from "assert";
import { fromNovaOutput, novaTranslator, toNovaInput } from "../../src/bedrock/nova.ts";
import { assertRefuses, CONTEXT } from "./_assert.ts";

const OPTIONS = { modelId: "us.amazon.nova-pro-v1:0" };
const JPEG = "/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAgGBgcGBQgHBwcJCQgKDA==";

Deno.test("toNovaInput() writes a messages-v1 body with camelCase inferenceConfig", () => {
  const input = toNovaInput({
    model: "nova",
    messages: [
      { role: "system", content: "Be brief" },
      { role: "developer", content: "Answer in French" },
      { role: "user", content: "Hello" },
    ],
    max_completion_tokens: 300,
    temperature: 0.5,
    top_p: 0.8,
    top_k: 20,
    stop: ["END"],
  }, OPTIONS);
  assert.deepEqual(input, {
    schemaVersion: "messages-v1",
    system: [{ text: "Be brief" }, { text: "Answer in French" }],
    messages: [{ role: "user", content: [{ text: "Hello" }] }],
    inferenceConfig: {
      maxTokens: 300,
      temperature: 0.5,
      topP: 0.8,
      topK: 20,
      stopSequences: ["END"],
    },
  });
});

Deno.test("toNovaInput() defaults maxTokens to the deployment's default, else 4096", () => {
  const messages = [{ role: "user", content: "Hi" }];
  assert.equal(toNovaInput({ messages }, OPTIONS).inferenceConfig.maxTokens, 4096);
  assert.equal(
    toNovaInput({ messages }, { ...OPTIONS, defaultMaxTokens: 900 }).inferenceConfig.maxTokens,
    900,
  );
});

Deno.test("toNovaInput() turns data-URL images into image blocks with a format", () => {
  const input = toNovaInput({
    messages: [{
      role: "user",
      content: [
        { type: "image_url", image_url: { url: `data:image/jpeg;base64,${JPEG}` } },
        { type: "text", text: "Describe" },
      ],
    }],
  }, OPTIONS);
  assert.deepEqual(input.messages[0]?.content, [
    { image: { format: "jpeg", source: { bytes: JPEG } } },
    { text: "Describe" },
  ]);
});

Deno.test("toNovaInput() refuses images for Nova Micro and http image URLs", () => {
  const body = (url: string) => ({
    messages: [{ role: "user", content: [{ type: "image_url", image_url: { url } }] }],
  });
  assertRefuses(
    () => toNovaInput(body(`data:image/png;base64,${JPEG}`), { modelId: "amazon.nova-micro-v1:0" }),
    "body.messages[0].content[0]",
    "Nova Micro takes text only",
  );
  assertRefuses(
    () => toNovaInput(body("http://example.com/a.png"), OPTIONS),
    "body.messages[0].content[0].image_url",
    "cannot fetch http(s) URLs",
  );
});

Deno.test("toNovaInput() translates tools, tool calls and tool results", () => {
  const input = toNovaInput({
    messages: [
      { role: "user", content: "Weather in Paris?" },
      {
        role: "assistant",
        content: "Checking.",
        tool_calls: [{
          id: "tooluse_1",
          type: "function",
          function: { name: "weather", arguments: '{"city":"Paris"}' },
        }],
      },
      { role: "tool", tool_call_id: "tooluse_1", content: "18C" },
    ],
    tools: [{
      type: "function",
      function: {
        name: "weather",
        description: "Current weather",
        parameters: { type: "object", properties: { city: { type: "string" } } },
      },
    }],
    tool_choice: "required",
  }, OPTIONS);
  assert.deepEqual(input.messages, [
    { role: "user", content: [{ text: "Weather in Paris?" }] },
    {
      role: "assistant",
      content: [
        { text: "Checking." },
        { toolUse: { toolUseId: "tooluse_1", name: "weather", input: { city: "Paris" } } },
      ],
    },
    {
      role: "user",
      content: [{ toolResult: { toolUseId: "tooluse_1", content: [{ text: "18C" }] } }],
    },
  ]);
  assert.deepEqual(input.toolConfig, {
    tools: [{
      toolSpec: {
        name: "weather",
        description: "Current weather",
        inputSchema: { json: { type: "object", properties: { city: { type: "string" } } } },
      },
    }],
    toolChoice: { any: {} },
  });
});

Deno.test("toNovaInput() maps auto and named tool_choice and drops tools for none", () => {
  const base = {
    messages: [{ role: "user", content: "Hi" }],
    tools: [{ type: "function", function: { name: "f" } }],
  };
  assert.deepEqual(toNovaInput({ ...base, tool_choice: "auto" }, OPTIONS).toolConfig?.toolChoice, {
    auto: {},
  });
  assert.deepEqual(
    toNovaInput({ ...base, tool_choice: { type: "function", function: { name: "f" } } }, OPTIONS)
      .toolConfig?.toolChoice,
    { tool: { name: "f" } },
  );
  assert.equal(toNovaInput({ ...base, tool_choice: "none" }, OPTIONS).toolConfig, undefined);
  assertRefuses(
    () => toNovaInput({ ...base, parallel_tool_calls: false }, OPTIONS),
    "body.parallel_tool_calls",
    "parameter parallel_tool_calls must be true, got false",
  );
});

Deno.test("toNovaInput() refuses a conversation that starts with the assistant", () => {
  assertRefuses(
    () => toNovaInput({ messages: [{ role: "assistant", content: "Hi" }] }, OPTIONS),
    "body.messages[0].role",
    "Cannot translate for Nova: the first non-system message must come from the user",
  );
});

Deno.test("fromNovaOutput() turns a Nova output into a chat.completion", () => {
  // Response shape from the Nova user guide (bedrock-batch-facts.md §2.2).
  const body = fromNovaOutput({
    output: { message: { role: "assistant", content: [{ text: "Paris is the capital." }] } },
    stopReason: "end_turn",
    usage: { inputTokens: 12, outputTokens: 6, totalTokens: 18 },
  }, CONTEXT);
  assert.deepEqual(body, {
    id: "chatcmpl-test1",
    object: "chat.completion",
    created: 1711475054,
    model: "claude-haiku",
    choices: [{
      index: 0,
      message: { role: "assistant", content: "Paris is the capital.", refusal: null },
      logprobs: null,
      finish_reason: "stop",
    }],
    usage: { prompt_tokens: 12, completion_tokens: 6, total_tokens: 18 },
  });
});

Deno.test("fromNovaOutput() maps toolUse blocks and stop reasons", () => {
  const body = fromNovaOutput({
    output: {
      message: {
        role: "assistant",
        content: [{
          toolUse: { toolUseId: "tooluse_9", name: "weather", input: { city: "Rome" } },
        }],
      },
    },
    stopReason: "tool_use",
    usage: { inputTokens: 1, outputTokens: 1, totalTokens: 2 },
  }, CONTEXT);
  assert.equal(body.choices[0]!.finish_reason, "tool_calls");
  assert.equal(body.choices[0]!.message.content, null);
  assert.deepEqual(body.choices[0]!.message.tool_calls, [{
    id: "tooluse_9",
    type: "function",
    function: { name: "weather", arguments: '{"city":"Rome"}' },
  }]);
  const reason = (stopReason: string) =>
    fromNovaOutput({ output: { message: { content: [{ text: "x" }] } }, stopReason }, CONTEXT)
      .choices[0]!.finish_reason;
  assert.equal(reason("max_tokens"), "length");
  assert.equal(reason("content_filtered"), "content_filter");
  assert.equal(reason("stop_sequence"), "stop");
});

Deno.test("fromNovaOutput() refuses an output without output.message", () => {
  assertRefuses(
    () => fromNovaOutput({ content: [] }, CONTEXT),
    "modelOutput.output",
    "Cannot read Nova output",
  );
});

Deno.test("novaTranslator reads usage and the maxTokens budget", () => {
  assert.deepEqual(
    novaTranslator.usageOf({
      usage: { inputTokens: 12, outputTokens: 6, totalTokens: 18, cacheReadInputTokenCount: 4 },
    }),
    { inputTokens: 16, outputTokens: 6 },
  );
  const input = novaTranslator.toModelInput({
    messages: [{ role: "user", content: "Hi" }],
    max_tokens: 55,
  }, OPTIONS);
  assert.equal(novaTranslator.maxOutputTokens(input), 55);
});

Deno.test("toNovaInput() refuses tool_choice none when the history holds tool calls", () => {
  assertRefuses(
    () =>
      toNovaInput({
        messages: [
          { role: "user", content: "Hi" },
          {
            role: "assistant",
            tool_calls: [{ id: "t1", type: "function", function: { name: "f", arguments: "{}" } }],
          },
          { role: "tool", tool_call_id: "t1", content: "ok" },
        ],
        tools: [{ type: "function", function: { name: "f" } }],
        tool_choice: "none",
      }, OPTIONS),
    "body.tool_choice",
    "tool_choice none is not supported when messages hold tool calls",
  );
});
