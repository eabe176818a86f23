/**
 * Cohere Embed v3 (English, Multilingual) and v4 on Bedrock: OpenAI
 * embeddings body → Cohere `modelInput`, Cohere `modelOutput` → embeddings
 * `list`. One request embeds up to 96 texts, so `input` may be an array.
 *
 * Body (AWS model-parameters-embed): `{texts, input_type, truncate?,
 * embedding_types?, output_dimension? (v4)}` → `{id, texts, embeddings,
 * response_type}`, where `embeddings` is a list of vectors, or
 * `{float: [...]}` when `embedding_types` is sent. `input_type` is required
 * by v3; OpenAI has no such field, so Batchgate sends `search_document` (as
 * LiteLLM does) unless the line sets `input_type`.
 *
 * `encoding_format: "base64"` is recorded as `truncate: "END"`, Cohere's
 * default (see `openai_embeddings.ts`). The body carries no token counts.
 * @module
 */
import { z } from "zod";
import type { FromModelOutputContext, ToModelInputOptions, Translator } from "./translator.ts";
import { capabilitiesFor, type EmbeddingCapabilities } from "./capabilities.ts";
import {
  EmbeddingInputType,
  type EmbeddingList,
  embeddingList,
  parseEmbeddingsRequest,
  Vector,
} from "./openai_embeddings.ts";
import { fromZodError } from "./_errors.ts";
import { objectAt } from "./_completion.ts";

const ACTION = "Cannot translate for Cohere Embed";

/** The Cohere embed `modelInput` Batchgate writes. */
export const CohereEmbedRequest = z.object({
  texts: z.array(z.string()).min(1).max(96),
  input_type: EmbeddingInputType,
  truncate: z.literal("END").optional(),
  output_dimension: z.int().optional(),
});
/** The Cohere embed `modelInput`. */
export type CohereEmbedRequest = z.infer<typeof CohereEmbedRequest>;

/** The Cohere embed `modelOutput` fields Batchgate reads. */
export const CohereEmbedResponse = z.object({
  id: z.string().optional(),
  embeddings: z.union([z.array(Vector), z.looseObject({ float: z.array(Vector) })]),
  response_type: z.string().optional(),
});
/** The Cohere embed `modelOutput`. */
export type CohereEmbedResponse = z.infer<typeof CohereEmbedResponse>;

const V3: EmbeddingCapabilities & { name: string } = {
  name: "Cohere Embed v3",
  dimensions: [1024],
  chooseDimensions: false,
  maxInputs: 96,
  maxInputChars: 2048,
};

/**
 * Translates an OpenAI embeddings body into a Cohere embed `modelInput`.
 * @param body the `body` of one batch line
 * @param options model id or capabilities
 * @returns `{texts, input_type, truncate?, output_dimension?}`
 * @throws {TranslationError} for token arrays, over 96 texts, texts over 2,048 characters (v3), unsupported dimensions
 * @example
 * ```ts
 * import assert from "assert";
 * import { toCohereEmbedInput } from "./cohere_embed.ts";
 * assert.deepEqual(
 *   toCohereEmbedInput({ input: ["a", "b"] }, { modelId: "cohere.embed-english-v3" }),
 *   { texts: ["a", "b"], input_type: "search_document" },
 * );
 * ```
 */
export function toCohereEmbedInput(
  body: unknown,
  options: ToModelInputOptions,
): CohereEmbedRequest {
  const caps = capabilitiesFor(options);
  const plan = parseEmbeddingsRequest(body, {
    action: ACTION,
    model: caps?.name ?? V3.name,
    embedding: caps?.embedding ?? V3,
    base64: true,
    inputType: true,
  });
  const input: CohereEmbedRequest = {
    texts: plan.inputs,
    input_type: plan.inputType ?? "search_document",
  };
  if (plan.base64) input.truncate = "END";
  if (plan.dimensions !== undefined) input.output_dimension = plan.dimensions;
  return input;
}

/**
 * Translates a Cohere embed `modelOutput` into an embeddings `list`, one
 * vector per text in order. Usage is zero: the body has no counts.
 * @param output the `modelOutput` of one Bedrock output line
 * @param context `model`; `modelInput` tells a base64 request
 * @throws {TranslationError} when the output has no embeddings
 */
export function fromCohereEmbedOutput(
  output: unknown,
  context: FromModelOutputContext,
): EmbeddingList {
  const parsed = CohereEmbedResponse.safeParse(output);
  if (!parsed.success) {
    throw fromZodError(parsed.error, {
      action: "Cannot read Cohere Embed output",
      root: "modelOutput",
    });
  }
  const { embeddings } = parsed.data;
  const vectors = Array.isArray(embeddings) ? embeddings : embeddings.float;
  return embeddingList(vectors, {
    model: context.modelGroup,
    tokens: 0,
    base64: objectAt(context.modelInput, "truncate") === "END",
  });
}

/** The Cohere Embed translator. */
export const cohereEmbedTranslator: Translator = {
  family: "cohere-embed",
  endpoint: "/v1/embeddings",
  invocationType: "InvokeModel",
  toModelInput: toCohereEmbedInput,
  fromModelOutput: fromCohereEmbedOutput,
  // The body has no counts; the job manifest's totals are the only source.
  usageOf: () => ({ inputTokens: 0, outputTokens: 0 }),
  maxOutputTokens: () => 0,
};
