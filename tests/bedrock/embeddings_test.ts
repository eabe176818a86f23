import assert from "assert";
import { fromCohereEmbedOutput, toCohereEmbedInput } from "../../src/bedrock/cohere_embed.ts";
import { fromNovaEmbedOutput, toNovaEmbedInput } from "../../src/bedrock/nova_embed.ts";
import { fromTitanEmbedOutput, toTitanEmbedInput } from "../../src/bedrock/titan_embed.ts";
import { EmbeddingList, float32Base64 } from "../../src/bedrock/openai_embeddings.ts";
import { assertRefuses } from "./_assert.ts";

const CONTEXT = { modelGroup: "embed", created: 1, responseId: "" };
const COHERE = { modelId: "cohere.embed-english-v3" };
const COHERE_V4 = { modelId: "cohere.embed-v4:0" };
const NOVA = { modelId: "amazon.nova-2-multimodal-embeddings-v1:0" };
const TITAN_V2 = { modelId: "amazon.titan-embed-text-v2:0" };
const TITAN_MM = { modelId: "amazon.titan-embed-image-v1" };

/** Decodes an OpenAI base64 embedding: little-endian float32 values. */
function decode(text: string): number[] {
  const bytes = Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
  const view = new DataView(bytes.buffer);
  return Array.from({ length: bytes.length / 4 }, (_, i) => view.getFloat32(i * 4, true));
}

Deno.test("float32Base64() encodes little-endian float32 the way openai-node decodes it", () => {
  assert.equal(float32Base64([1]), "AACAPw==");
  const values = [0.5, -0.25, 3];
  assert.deepEqual(decode(float32Base64(values)), values);
  const long = Array.from({ length: 3072 }, (_, i) => i / 4096);
  assert.equal(decode(float32Base64(long)).length, 3072);
});

Deno.test("toCohereEmbedInput() sends up to 96 texts with input_type", () => {
  assert.deepEqual(toCohereEmbedInput({ input: "a" }, COHERE), {
    texts: ["a"],
    input_type: "search_document",
  });
  assert.deepEqual(
    toCohereEmbedInput({ input: ["a", "b"], input_type: "search_query", model: "x" }, COHERE),
    { texts: ["a", "b"], input_type: "search_query" },
  );
  assert.deepEqual(toCohereEmbedInput({ input: "a", dimensions: 512 }, COHERE_V4), {
    texts: ["a"],
    input_type: "search_document",
    output_dimension: 512,
  });
  assertRefuses(
    () => toCohereEmbedInput({ input: Array(97).fill("a") }, COHERE),
    "body.input",
    "input has 97 strings, Cohere Embed English v3 takes at most 96 per request",
  );
  assertRefuses(
    () => toCohereEmbedInput({ input: ["ok", "x".repeat(2049)] }, COHERE),
    "body.input[1]",
    "takes at most 2048",
  );
  assertRefuses(
    () => toCohereEmbedInput({ input: "a", dimensions: 512 }, COHERE),
    "body.dimensions",
    "parameter dimensions is not supported by Cohere Embed English v3, got 512",
  );
  toCohereEmbedInput({ input: "a", dimensions: 1024 }, COHERE);
  assertRefuses(
    () => toCohereEmbedInput({ input: "a", input_type: "image" }, COHERE),
    "body.input_type",
    "Cannot translate for Cohere Embed: invalid body.input_type",
  );
});

Deno.test("fromCohereEmbedOutput() reads both embedding shapes into an ordered list", () => {
  const floats = fromCohereEmbedOutput({
    id: "x",
    texts: ["a", "b"],
    embeddings: [[0.1, 0.2], [0.3, 0.4]],
    response_type: "embeddings_floats",
  }, CONTEXT);
  assert.ok(EmbeddingList.safeParse(floats).success);
  assert.deepEqual(floats.data.map((d) => [d.index, d.embedding]), [[0, [0.1, 0.2]], [1, [
    0.3,
    0.4,
  ]]]);
  assert.deepEqual(floats.usage, { prompt_tokens: 0, total_tokens: 0 });
  const byType = fromCohereEmbedOutput({
    embeddings: { float: [[0.5]] },
    response_type: "embeddings_by_type",
  }, CONTEXT);
  assert.deepEqual(byType.data[0]!.embedding, [0.5]);
});

Deno.test("base64 embeddings are recorded in modelInput and answered as base64", () => {
  const cohereInput = toCohereEmbedInput({ input: "a", encoding_format: "base64" }, COHERE);
  assert.equal(cohereInput.truncate, "END");
  const cohere = fromCohereEmbedOutput({ embeddings: [[0.5, -1]] }, {
    ...CONTEXT,
    modelInput: cohereInput,
  });
  assert.deepEqual(decode(cohere.data[0]!.embedding as string), [0.5, -1]);

  const titanInput = toTitanEmbedInput({ input: "a", encoding_format: "base64" }, TITAN_V2);
  assert.deepEqual(titanInput, { inputText: "a", embeddingTypes: ["float"] });
  const titan = fromTitanEmbedOutput({
    embedding: [0.25],
    inputTextTokenCount: 1,
    embeddingsByType: { float: [0.25] },
  }, { ...CONTEXT, modelInput: titanInput });
  assert.deepEqual(decode(titan.data[0]!.embedding as string), [0.25]);

  const novaInput = toNovaEmbedInput({ input: "a", encoding_format: "base64" }, NOVA);
  assert.equal(novaInput.schemaVersion, "nova-multimodal-embed-v1");
  const nova = fromNovaEmbedOutput({ embeddings: [{ embeddingType: "TEXT", embedding: [2] }] }, {
    ...CONTEXT,
    modelInput: novaInput,
  });
  assert.deepEqual(decode(nova.data[0]!.embedding as string), [2]);

  // Without the marker (or without modelInput), floats.
  const plain = fromTitanEmbedOutput({ embedding: [0.25] }, {
    ...CONTEXT,
    modelInput: { inputText: "a" },
  });
  assert.deepEqual(plain.data[0]!.embedding, [0.25]);
});

Deno.test("toNovaEmbedInput() writes a single text embedding with purpose and size", () => {
  assert.deepEqual(toNovaEmbedInput({ input: "hello", input_type: "search_query" }, NOVA), {
    taskType: "SINGLE_EMBEDDING",
    singleEmbeddingParams: {
      embeddingPurpose: "GENERIC_RETRIEVAL",
      embeddingDimension: 3072,
      text: { truncationMode: "END", value: "hello" },
    },
  });
  assertRefuses(
    () => toNovaEmbedInput({ input: "a", dimensions: 512 }, NOVA),
    "body.dimensions",
    "parameter dimensions must be 256, 384, 1024 or 3072, got 512",
  );
  assertRefuses(
    () => toNovaEmbedInput({ input: ["a", "b"] }, NOVA),
    "body.input",
    "input must be a single string, got an array of 2",
  );
  assertRefuses(
    () => fromNovaEmbedOutput({ embeddings: [] }, CONTEXT),
    "modelOutput.embeddings",
    "Cannot read Nova Embeddings output",
  );
});

Deno.test("toTitanEmbedInput() writes Titan Multimodal's embeddingConfig and refuses input_type", () => {
  assert.deepEqual(toTitanEmbedInput({ input: "a", dimensions: 384 }, TITAN_MM), {
    inputText: "a",
    embeddingConfig: { outputEmbeddingLength: 384 },
  });
  assertRefuses(
    () => toTitanEmbedInput({ input: "a", encoding_format: "base64" }, TITAN_MM),
    "body.encoding_format",
    'must be "float" for Titan Multimodal Embeddings G1',
  );
  assertRefuses(
    () => toTitanEmbedInput({ input: "a", input_type: "search_query" }, TITAN_V2),
    "body.input_type",
    "parameter input_type is not supported",
  );
});
