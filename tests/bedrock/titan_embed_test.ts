import assert from "assert";
import {
  fromTitanEmbedOutput,
  titanEmbedTranslator,
  toTitanEmbedInput,
} from "../../src/bedrock/titan_embed.ts";
import { EmbeddingList } from "../../src/bedrock/openai_embeddings.ts";
import { assertRefuses, CONTEXT } from "./_assert.ts";

const V2 = { modelId: "amazon.titan-embed-text-v2:0" };
const V1 = { modelId: "amazon.titan-embed-text-v1" };

Deno.test("toTitanEmbedInput() takes one string or a one-element array", () => {
  assert.deepEqual(
    toTitanEmbedInput({ model: "text-embedding-3-small", input: "hello", user: "u1" }, V2),
    { inputText: "hello" },
  );
  assert.deepEqual(
    toTitanEmbedInput({ input: ["hello"], dimensions: 512, encoding_format: "float" }, V2),
    { inputText: "hello", dimensions: 512 },
  );
});

Deno.test("toTitanEmbedInput() refuses several inputs with a hint", () => {
  assertRefuses(
    () => toTitanEmbedInput({ input: ["a", "b", "c"] }, V2),
    "body.input",
    "input must be a single string, got an array of 3; put each input on its own batch line",
  );
});

Deno.test("toTitanEmbedInput() refuses token arrays, empty input, base64 and bad dimensions", () => {
  assertRefuses(() => toTitanEmbedInput({ input: [1, 2, 3] }, V2), "body.input", "token arrays");
  assertRefuses(() => toTitanEmbedInput({ input: [[1, 2]] }, V2), "body.input", "token arrays");
  assertRefuses(() => toTitanEmbedInput({ input: "" }, V2), "body.input", "must not be empty");
  assertRefuses(
    () => toTitanEmbedInput({ input: "x", encoding_format: "base64" }, V1),
    "body.encoding_format",
    'parameter encoding_format must be "float" for Titan Text Embeddings G1, got "base64"',
  );
  assertRefuses(
    () => toTitanEmbedInput({ input: "x", dimensions: 1536 }, V2),
    "body.dimensions",
    "parameter dimensions must be 256, 512 or 1024, got 1536",
  );
  assertRefuses(
    () => toTitanEmbedInput({ input: "x", dimensions: 512 }, V1),
    "body.dimensions",
    "not supported by Titan Text Embeddings G1",
  );
  assertRefuses(
    () => toTitanEmbedInput({ input: "x".repeat(50_001) }, V2),
    "body.input",
    "takes at most 50000",
  );
  assertRefuses(
    () => toTitanEmbedInput({ input: "x", normalize: false }, V2),
    "body.normalize",
    "Cannot translate for Titan Embeddings: parameter normalize is not supported",
  );
});

Deno.test("fromTitanEmbedOutput() turns a Titan V2 output into an embeddings list", () => {
  // Response shape from the Titan Text Embeddings V2 docs (bedrock-batch-facts.md §2.2).
  const body = fromTitanEmbedOutput({
    embedding: [0.0123, -0.0456, 0.0789],
    inputTextTokenCount: 5,
    embeddingsByType: { float: [0.0123, -0.0456, 0.0789] },
  }, { ...CONTEXT, modelGroup: "titan-embed" });
  assert.deepEqual(body, {
    object: "list",
    data: [{ object: "embedding", index: 0, embedding: [0.0123, -0.0456, 0.0789] }],
    model: "titan-embed",
    usage: { prompt_tokens: 5, total_tokens: 5 },
  });
  assert.ok(EmbeddingList.safeParse(body).success);
});

Deno.test("fromTitanEmbedOutput() refuses an output without an embedding array", () => {
  assertRefuses(
    () => fromTitanEmbedOutput({ embedding: "nope", inputTextTokenCount: 1 }, CONTEXT),
    "modelOutput.embedding",
    "Cannot read Titan Embeddings output",
  );
});

Deno.test("titanEmbedTranslator serves /v1/embeddings with input-only usage", () => {
  assert.equal(titanEmbedTranslator.endpoint, "/v1/embeddings");
  assert.deepEqual(titanEmbedTranslator.usageOf({ embedding: [], inputTextTokenCount: 8 }), {
    inputTokens: 8,
    outputTokens: 0,
  });
  assert.equal(titanEmbedTranslator.maxOutputTokens({ inputText: "x" }), 0);
});
