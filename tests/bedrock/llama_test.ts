import assert from "assert";
import { fromLlamaOutput, llamaTranslator, toLlamaInput } from "../../src/bedrock/llama.ts";
import { assertRefuses, CONTEXT } from "./_assert.ts";

const OPTIONS = { modelId: "meta.llama3-1-8b-instruct-v1:0" };

Deno.test("toLlamaInput() renders the Llama 3 chat template and leaves the assistant header open", () => {
  const input = toLlamaInput({
    messages: [
      { role: "system", content: "Be brief." },
      { role: "user", content: "Hi" },
      { role: "assistant", content: "Hello!" },
      {
        role: "user",
        content: [{ type: "text", text: "Name" }, { type: "text", text: "a color" }],
      },
    ],
    max_tokens: 64,
    temperature: 0.5,
    top_p: 0.9,
  }, OPTIONS);
  assert.deepEqual(input, {
    prompt: "<|begin_of_text|>" +
      "<|start_header_id|>system<|end_header_id|>\n\nBe brief.<|eot_id|>" +
      "<|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>" +
      "<|start_header_id|>assistant<|end_header_id|>\n\nHello!<|eot_id|>" +
      "<|start_header_id|>user<|end_header_id|>\n\nName\na color<|eot_id|>" +
      "<|start_header_id|>assistant<|end_header_id|>\n\n",
    max_gen_len: 64,
    temperature: 0.5,
    top_p: 0.9,
  });
});

Deno.test("toLlamaInput() continues a final assistant message instead of opening a new turn", () => {
  const input = toLlamaInput({
    messages: [{ role: "user", content: "Count" }, { role: "assistant", content: "1, 2," }],
  }, OPTIONS);
  assert.ok(input.prompt.endsWith("<|start_header_id|>assistant<|end_header_id|>\n\n1, 2,"));
  assert.equal(input.max_gen_len, 2048);
});

Deno.test("toLlamaInput() uses the Llama 4 template for llama4 models", () => {
  const input = toLlamaInput(
    { messages: [{ role: "developer", content: "Sys" }, { role: "user", content: "Hi" }] },
    { modelId: "us.meta.llama4-scout-17b-instruct-v1:0", defaultMaxTokens: 10 },
  );
  assert.equal(
    input.prompt,
    "<|begin_of_text|><|header_start|>system<|header_end|>\n\nSys<|eot|>" +
      "<|header_start|>user<|header_end|>\n\nHi<|eot|><|header_start|>assistant<|header_end|>\n\n",
  );
  assert.equal(input.max_gen_len, 10);
});

Deno.test("toLlamaInput() refuses tools, stop, top_k, images and tool messages", () => {
  const messages = [{ role: "user", content: "Hi" }];
  assertRefuses(
    () =>
      toLlamaInput({ messages, tools: [{ type: "function", function: { name: "f" } }] }, OPTIONS),
    "body.tools",
    "Cannot translate for Llama: parameter tools are not supported",
  );
  assertRefuses(
    () => toLlamaInput({ messages, stop: "END" }, OPTIONS),
    "body.stop",
    "parameter stop is not supported",
  );
  assertRefuses(
    () => toLlamaInput({ messages, top_k: 5 }, OPTIONS),
    "body.top_k",
    "parameter top_k is not supported, got 5",
  );
  assertRefuses(
    () =>
      toLlamaInput({
        messages: [{
          role: "user",
          content: [{ type: "text", text: "x" }, {
            type: "image_url",
            image_url: { url: "data:image/png;base64,AAAA" },
          }],
        }],
      }, OPTIONS),
    "body.messages[0].content[1]",
    "content part type image_url is not supported, only text",
  );
  assertRefuses(
    () =>
      toLlamaInput(
        { messages: [...messages, { role: "tool", tool_call_id: "c", content: "x" }] },
        OPTIONS,
      ),
    "body.messages[1]",
    "tool messages are not supported",
  );
});

Deno.test("toLlamaInput() accepts tool_choice none and auto without tools", () => {
  const input = toLlamaInput(
    { messages: [{ role: "user", content: "Hi" }], tool_choice: "none" },
    OPTIONS,
  );
  assert.ok(input.prompt.includes("Hi"));
});

Deno.test("fromLlamaOutput() turns a Llama output into a chat.completion", () => {
  // Response shape from the Bedrock Meta Llama docs (bedrock-batch-facts.md §2.2).
  const body = fromLlamaOutput({
    generation: "Blue.",
    prompt_token_count: 25,
    generation_token_count: 3,
    stop_reason: "stop",
  }, CONTEXT);
  assert.deepEqual(body.choices, [{
    index: 0,
    message: { role: "assistant", content: "Blue.", refusal: null },
    logprobs: null,
    finish_reason: "stop",
  }]);
  assert.deepEqual(body.usage, { prompt_tokens: 25, completion_tokens: 3, total_tokens: 28 });
  assert.equal(
    fromLlamaOutput({ generation: "x", stop_reason: "length" }, CONTEXT).choices[0]!.finish_reason,
    "length",
  );
});

Deno.test("fromLlamaOutput() refuses an output without generation", () => {
  assertRefuses(
    () => fromLlamaOutput({ outputs: [] }, CONTEXT),
    "modelOutput.generation",
    "Cannot read Llama output",
  );
});

Deno.test("llamaTranslator reads usage and the max_gen_len budget", () => {
  assert.deepEqual(
    llamaTranslator.usageOf({ generation: "x", prompt_token_count: 7, generation_token_count: 2 }),
    { inputTokens: 7, outputTokens: 2 },
  );
  assert.equal(llamaTranslator.maxOutputTokens({ prompt: "x", max_gen_len: 99 }), 99);
});
