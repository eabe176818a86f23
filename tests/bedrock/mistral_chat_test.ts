import assert from "assert";
import {
  fromMistralChatOutput,
  mistralToolCallId,
  toMistralChatInput,
} from "../../src/bedrock/mistral_chat.ts";
import { ChatCompletion } from "../../src/bedrock/openai_chat.ts";
import { assertRefuses, CONTEXT } from "./_assert.ts";

const LARGE = { modelId: "mistral.mistral-large-2407-v1:0" };
const PIXTRAL = { modelId: "us.mistral.pixtral-large-2502-v1:0" };
const TOOL = {
  type: "function",
  function: { name: "get_weather", description: "Weather", parameters: { type: "object" } },
};

Deno.test("toMistralChatInput() writes the chat body with tools and tool history", () => {
  const input = toMistralChatInput({
    messages: [
      { role: "developer", content: "Be brief" },
      {
        role: "user",
        content: [{ type: "text", text: "Weather" }, { type: "text", text: "in Paris?" }],
      },
      {
        role: "assistant",
        content: null,
        tool_calls: [{
          id: "call_abc",
          type: "function",
          function: { name: "get_weather", arguments: '{"city":"Paris"}' },
        }],
      },
      { role: "tool", tool_call_id: "call_abc", content: "sunny" },
    ],
    tools: [TOOL],
    tool_choice: "auto",
    max_tokens: 200,
    temperature: 0.3,
    top_p: 0.8,
  }, LARGE);
  const id = mistralToolCallId("call_abc");
  assert.match(id, /^[a-zA-Z0-9]{9}$/);
  assert.deepEqual(input, {
    messages: [
      { role: "system", content: "Be brief" },
      { role: "user", content: "Weather\nin Paris?" },
      {
        role: "assistant",
        content: "",
        tool_calls: [{ id, function: { name: "get_weather", arguments: '{"city":"Paris"}' } }],
      },
      { role: "tool", tool_call_id: id, content: "sunny" },
    ],
    tools: [TOOL],
    tool_choice: "auto",
    max_tokens: 200,
    temperature: 0.3,
    top_p: 0.8,
  });
});

Deno.test("toMistralChatInput() forces tools with any: required, and a named one alone", () => {
  const other = { type: "function", function: { name: "other" } };
  const required = toMistralChatInput({
    messages: [{ role: "user", content: "x" }],
    tools: [TOOL, other],
    tool_choice: "required",
  }, LARGE);
  assert.equal(required.tool_choice, "any");
  assert.equal(required.tools?.length, 2);
  const named = toMistralChatInput({
    messages: [{ role: "user", content: "x" }],
    tools: [TOOL, other],
    tool_choice: { type: "function", function: { name: "other" } },
  }, LARGE);
  assert.equal(named.tool_choice, "any");
  assert.deepEqual(named.tools?.map((t) => t.function.name), ["other"]);
  assert.deepEqual(named.tools?.[0]?.function.parameters, { type: "object", properties: {} });
});

Deno.test("toMistralChatInput() takes images for Pixtral only", () => {
  const body = {
    messages: [{
      role: "user",
      content: [{ type: "text", text: "What?" }, {
        type: "image_url",
        image_url: { url: "data:image/jpeg;base64,/9j/4AAQ" },
      }],
    }],
  };
  const input = toMistralChatInput(body, PIXTRAL);
  assert.deepEqual(input.messages[0]!.content, [
    { type: "text", text: "What?" },
    { type: "image_url", image_url: { url: "data:image/jpeg;base64,/9j/4AAQ" } },
  ]);
  assertRefuses(
    () => toMistralChatInput(body, LARGE),
    "body.messages[0].content[1]",
    "Cannot translate for Mistral: Mistral Large 2 (24.07) takes text only, not images",
  );
});

Deno.test("toMistralChatInput() refuses stop, top_k and parallel_tool_calls false", () => {
  const base = { messages: [{ role: "user", content: "x" }] };
  assertRefuses(
    () => toMistralChatInput({ ...base, stop: "END" }, LARGE),
    "body.stop",
    "parameter stop is not supported",
  );
  assertRefuses(
    () => toMistralChatInput({ ...base, top_k: 5 }, LARGE),
    "body.top_k",
    "parameter top_k is not supported",
  );
  assertRefuses(
    () => toMistralChatInput({ ...base, tools: [TOOL], parallel_tool_calls: false }, LARGE),
    "body.parallel_tool_calls",
    "parameter parallel_tool_calls must be true, got false",
  );
});

Deno.test("fromMistralChatOutput() reads text, tool calls and stop reasons", () => {
  const text = fromMistralChatOutput({
    choices: [{ index: 0, message: { role: "assistant", content: "Hi" }, stop_reason: "length" }],
  }, CONTEXT);
  assert.ok(ChatCompletion.safeParse(text).success);
  assert.equal(text.choices[0]!.message.content, "Hi");
  assert.equal(text.choices[0]!.finish_reason, "length");
  const tools = fromMistralChatOutput({
    choices: [{
      message: {
        content: "",
        tool_calls: [{ id: "abcdefghi", function: { name: "get_weather", arguments: "{}" } }],
      },
      stop_reason: "tool_calls",
    }],
  }, CONTEXT);
  assert.equal(tools.choices[0]!.message.content, null);
  assert.equal(tools.choices[0]!.finish_reason, "tool_calls");
  assert.deepEqual(tools.choices[0]!.message.tool_calls, [{
    id: "abcdefghi",
    type: "function",
    function: { name: "get_weather", arguments: "{}" },
  }]);
  assertRefuses(
    () => fromMistralChatOutput({ outputs: [] }, CONTEXT),
    "modelOutput.choices",
    "Cannot read Mistral output",
  );
});
