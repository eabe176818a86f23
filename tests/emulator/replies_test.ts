import assert from "assert";
import { baseModelId, emulateRecord, familyOf } from "../../tools/emulator/replies.ts";
import { LineStream } from "../../src/storage/lines.ts";

const QUESTION =
  "What is the capital of France? Answer in one word, please, and be brief about it.";
const REPLY = `Emulated reply to: ${QUESTION.slice(0, 60)}`;

const FAMILIES: [string, Record<string, unknown>, (out: Record<string, unknown>) => void][] = [
  [
    "anthropic.claude-3-haiku-20240307-v1:0",
    {
      anthropic_version: "bedrock-2023-05-31",
      max_tokens: 10,
      messages: [{ role: "user", content: QUESTION }],
    },
    (out) => {
      assert.match(String(out.id), /^msg_bdrk_[a-z0-9]{24}$/);
      assert.equal(out.model, "claude-3-haiku-20240307");
      assert.deepEqual(out.content, [{ type: "text", text: REPLY }]);
      assert.equal(out.stop_reason, "end_turn");
      assert.deepEqual(Object.keys(out.usage as object), ["input_tokens", "output_tokens"]);
    },
  ],
  [
    "us.amazon.nova-lite-v1:0",
    { messages: [{ role: "user", content: [{ text: QUESTION }] }] },
    (out) => {
      assert.deepEqual(out.output, { message: { role: "assistant", content: [{ text: REPLY }] } });
      assert.equal(out.stopReason, "end_turn");
      const usage = out.usage as Record<string, number>;
      assert.equal(usage.totalTokens, usage.inputTokens! + usage.outputTokens!);
    },
  ],
  [
    "meta.llama3-1-8b-instruct-v1:0",
    {
      prompt:
        `<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\n${QUESTION}<|eot_id|><|start_header_id|>assistant<|end_header_id|>`,
    },
    (out) => {
      assert.equal(out.generation, REPLY);
      assert.equal(out.stop_reason, "stop");
      assert.equal(typeof out.prompt_token_count, "number");
    },
  ],
  [
    "mistral.mistral-large-2402-v1:0",
    { prompt: `<s>[INST] ${QUESTION} [/INST]` },
    (out) => assert.deepEqual(out.outputs, [{ text: REPLY, stop_reason: "stop" }]),
  ],
  [
    "amazon.titan-embed-text-v2:0",
    { inputText: QUESTION, dimensions: 256 },
    (out) => {
      const embedding = out.embedding as number[];
      assert.equal(embedding.length, 8, "vectors are capped at 8 values");
      assert.ok(Math.abs(Math.hypot(...embedding) - 1) < 1e-4, "normalized by default");
      assert.deepEqual(out.embeddingsByType, { float: embedding });
    },
  ],
];

Deno.test("emulateRecord() replies deterministically in each family's format", () => {
  for (const [modelId, modelInput, check] of FAMILIES) {
    const a = emulateRecord(modelInput, { modelId, invocationType: "InvokeModel" });
    const b = emulateRecord(structuredClone(modelInput), {
      modelId,
      invocationType: "InvokeModel",
    });
    assert.ok(a.ok, modelId);
    assert.deepEqual(a, b, `${modelId} is deterministic`);
    assert.equal(a.inputTokens, Math.ceil(JSON.stringify(modelInput).length / 4));
    check(a.modelOutput);
  }
});

Deno.test("emulateRecord() answers a forced tool choice with a tool_use block", () => {
  const outcome = emulateRecord({
    anthropic_version: "bedrock-2023-05-31",
    max_tokens: 10,
    messages: [{ role: "user", content: "Weather?" }],
    tools: [{ name: "get_weather", input_schema: { type: "object" } }],
    tool_choice: { type: "any" },
  }, { modelId: "anthropic.claude-3-haiku-20240307-v1:0", invocationType: "InvokeModel" });
  assert.ok(outcome.ok);
  assert.equal(outcome.modelOutput.stop_reason, "tool_use");
  const [block] = outcome.modelOutput.content as Record<string, unknown>[];
  assert.equal(block!.type, "tool_use");
  assert.equal(block!.name, "get_weather");
});

Deno.test("emulateRecord() gives Converse jobs Converse responses and rejects their toolConfig", () => {
  const options = {
    modelId: "mistral.mistral-large-2402-v1:0",
    invocationType: "Converse" as const,
  };
  const ok = emulateRecord(
    { messages: [{ role: "user", content: [{ text: QUESTION }] }] },
    options,
  );
  assert.ok(ok.ok);
  assert.deepEqual(ok.modelOutput.metrics, { latencyMs: 0 });
  const tools = emulateRecord({
    messages: [{ role: "user", content: [{ text: "x" }] }],
    toolConfig: { tools: [] },
  }, options);
  assert.ok(!tools.ok);
  assert.match(tools.error.errorMessage, /tool calling is not supported/);
});

Deno.test("emulateRecord() fails malformed inputs and EMULATOR_FAIL records with errorCode 400", () => {
  const modelId = "anthropic.claude-3-haiku-20240307-v1:0";
  const missing = emulateRecord({ anthropic_version: "bedrock-2023-05-31", messages: [] }, {
    modelId,
    invocationType: "InvokeModel",
  });
  assert.ok(!missing.ok);
  assert.equal(missing.error.errorCode, 400);
  assert.match(missing.error.errorMessage, /^Malformed input request: #\/max_tokens/);
  const marked = emulateRecord({ prompt: "please EMULATOR_FAIL now" }, {
    modelId: "meta.llama3-1-8b-instruct-v1:0",
    invocationType: "InvokeModel",
  });
  assert.deepEqual(marked, {
    ok: false,
    error: { errorCode: 400, errorMessage: "Emulated model error for this record" },
  });
});

Deno.test("baseModelId() strips ARNs and cross-region prefixes", () => {
  const cases: [string, string, string | undefined][] = [
    [
      "global.anthropic.claude-sonnet-4-20250514-v1:0",
      "anthropic.claude-sonnet-4-20250514-v1:0",
      "anthropic",
    ],
    ["apac.amazon.nova-micro-v1:0", "amazon.nova-micro-v1:0", "nova"],
    [
      "arn:aws:bedrock:us-east-1::foundation-model/meta.llama3-1-70b-instruct-v1:0",
      "meta.llama3-1-70b-instruct-v1:0",
      "llama",
    ],
    [
      "arn:aws:bedrock:us-east-1:123456789012:inference-profile/eu.mistral.pixtral-large-2502-v1:0",
      "mistral.pixtral-large-2502-v1:0",
      "mistral",
    ],
    ["amazon.titan-embed-text-v1", "amazon.titan-embed-text-v1", "titan-embed"],
    ["cohere.embed-english-v3", "cohere.embed-english-v3", "cohere-embed"],
    ["anthropic.claude-v2:1", "anthropic.claude-v2:1", undefined],
    ["us.amazon.nova-canvas-v1:0", "amazon.nova-canvas-v1:0", undefined],
  ];
  for (const [id, base, family] of cases) {
    assert.equal(baseModelId(id), base);
    assert.equal(familyOf(id), family, id);
  }
});

Deno.test("LineStream splits bytes across chunks, keeps empty lines and drops \\r", async () => {
  const encoder = new TextEncoder();
  const chunks = ["\uFEFFa\r\nb", "c\n", "\nd"].map((c) => encoder.encode(c));
  const lines: string[] = [];
  const stream = ReadableStream.from(chunks).pipeThrough(new LineStream());
  for await (const line of stream) lines.push(line);
  assert.deepEqual(lines, ["a", "bc", "", "d"]);
});
