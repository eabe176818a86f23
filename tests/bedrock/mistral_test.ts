import assert from "assert";
import { fromMistralOutput, mistralTranslator, toMistralInput } from "../../src/bedrock/mistral.ts";
import { assertRefuses, CONTEXT } from "./_assert.ts";

const OPTIONS = { modelId: "mistral.mistral-large-2402-v1:0" };

Deno.test("toMistralInput() renders [INST] turns with the system prompt in the first user turn", () => {
  const input = toMistralInput({
    messages: [
      { role: "system", content: "Be brief." },
      { role: "user", content: "Hi" },
      { role: "assistant", content: "Hello!" },
      { role: "user", content: "Name a color" },
      { role: "user", content: "and a fruit" },
    ],
    max_tokens: 64,
    stop: "END",
    temperature: 0.4,
    top_p: 0.9,
    top_k: 50,
  }, OPTIONS);
  assert.deepEqual(input, {
    prompt:
      "<s>[INST] Be brief.\n\nHi [/INST] Hello!</s>[INST] Name a color\n\nand a fruit [/INST]",
    max_tokens: 64,
    stop: ["END"],
    temperature: 0.4,
    top_p: 0.9,
    top_k: 50,
  });
});

Deno.test("toMistralInput() leaves a final assistant message open and defaults max_tokens", () => {
  const input = toMistralInput({
    messages: [{ role: "user", content: "Count" }, { role: "assistant", content: "1, 2," }],
  }, OPTIONS);
  assert.equal(input.prompt, "<s>[INST] Count [/INST] 1, 2,");
  assert.equal(input.max_tokens, 4096);
  assert.equal(
    toMistralInput({ messages: [{ role: "user", content: "x" }] }, {
      ...OPTIONS,
      defaultMaxTokens: 12,
    }).max_tokens,
    12,
  );
});

Deno.test("toMistralInput() refuses tools, tool calls and a leading assistant turn", () => {
  assertRefuses(
    () =>
      toMistralInput({
        messages: [{ role: "user", content: "Hi" }],
        tool_choice: "required",
      }, OPTIONS),
    "body.tool_choice",
    "Cannot translate for Mistral: parameter tool_choice is not supported",
  );
  assertRefuses(
    () =>
      toMistralInput({
        messages: [
          { role: "user", content: "Hi" },
          {
            role: "assistant",
            tool_calls: [{ id: "c", type: "function", function: { name: "f", arguments: "{}" } }],
          },
        ],
      }, OPTIONS),
    "body.messages[1].tool_calls",
    "tool calls are not supported",
  );
  assertRefuses(
    () => toMistralInput({ messages: [{ role: "assistant", content: "Hi" }] }, OPTIONS),
    "body.messages[0].role",
    "the first non-system message must come from the user",
  );
});

Deno.test("fromMistralOutput() turns a Mistral output into a chat.completion with zero usage", () => {
  // Response shape from the Bedrock Mistral docs (bedrock-batch-facts.md §2.2).
  const body = fromMistralOutput({ outputs: [{ text: " Blue.", stop_reason: "stop" }] }, CONTEXT);
  assert.equal(body.choices[0]!.message.content, " Blue.");
  assert.equal(body.choices[0]!.finish_reason, "stop");
  assert.deepEqual(body.usage, { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 });
  assert.equal(
    fromMistralOutput({ outputs: [{ text: "x", stop_reason: "length" }] }, CONTEXT).choices[0]!
      .finish_reason,
    "length",
  );
});

Deno.test("fromMistralOutput() refuses an output without outputs", () => {
  assertRefuses(
    () => fromMistralOutput({ outputs: [] }, CONTEXT),
    "modelOutput.outputs",
    "Cannot read Mistral output",
  );
});

Deno.test("mistralTranslator reads the max_tokens budget and reports no usage", () => {
  assert.deepEqual(mistralTranslator.usageOf({ outputs: [{ text: "x" }] }), {
    inputTokens: 0,
    outputTokens: 0,
  });
  assert.equal(mistralTranslator.maxOutputTokens({ prompt: "x", max_tokens: 33 }), 33);
});
