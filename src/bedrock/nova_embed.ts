/**
 * Amazon Nova Multimodal Embeddings on Bedrock (text input): OpenAI
 * embeddings body → Nova embeddings `modelInput`, Nova `modelOutput` →
 * embeddings `list`. One text per request.
 *
 * Body (Amazon Nova user guide, "Complete embeddings request and response
 * schema"): `{schemaVersion?, taskType: "SINGLE_EMBEDDING",
 * singleEmbeddingParams: {embeddingPurpose, embeddingDimension, text:
 * {truncationMode, value}}}` → `{embeddings: [{embeddingType, embedding,
 * truncatedCharLength?}]}`.
 *
 * `input_type` maps to `embeddingPurpose` (`search_document` → `GENERIC_INDEX`,
 * the default; `search_query` → `GENERIC_RETRIEVAL`; `classification`,
 * `clustering`). `encoding_format: "base64"` is recorded as `schemaVersion`,
 * whose only value is its default (see `openai_embeddings.ts`). The body
 * carries no token counts.
 * @module
 */
import { z } from "zod";
import type { FromModelOutputContext, ToModelInputOptions, Translator } from "./translator.ts";
import { capabilitiesFor, type EmbeddingCapabilities } from "./capabilities.ts";
import {
  type EmbeddingInputType,
  type EmbeddingList,
  embeddingList,
  parseEmbeddingsRequest,
  Vector,
} from "./openai_embeddings.ts";
import { fromZodError } from "./_errors.ts";
import { objectAt } from "./_completion.ts";

const ACTION = "Cannot translate for Nova Embeddings";

/** The only `schemaVersion`. */
export const NOVA_EMBED_SCHEMA = "nova-multimodal-embed-v1";

const PURPOSE: Record<EmbeddingInputType, string> = {
  search_document: "GENERIC_INDEX",
  search_query: "GENERIC_RETRIEVAL",
  classification: "CLASSIFICATION",
  clustering: "CLUSTERING",
};

/** The Nova embeddings `modelInput` Batchgate writes. */
export const NovaEmbedRequest = z.object({
  schemaVersion: z.literal(NOVA_EMBED_SCHEMA).optional(),
  taskType: z.literal("SINGLE_EMBEDDING"),
  singleEmbeddingParams: z.object({
    embeddingPurpose: z.string(),
    embeddingDimension: z.int(),
    text: z.object({ truncationMode: z.literal("END"), value: z.string() }),
  }),
});
/** The Nova embeddings `modelInput`. */
export type NovaEmbedRequest = z.infer<typeof NovaEmbedRequest>;

/** The Nova embeddings `modelOutput` fields Batchgate reads. */
export const NovaEmbedResponse = z.object({
  embeddings: z.array(z.looseObject({ embeddingType: z.string().optional(), embedding: Vector }))
    .min(1),
});
/** The Nova embeddings `modelOutput`. */
export type NovaEmbedResponse = z.infer<typeof NovaEmbedResponse>;

const FALLBACK: EmbeddingCapabilities & { name: string } = {
  name: "Nova Multimodal Embeddings",
  dimensions: [3072, 1024, 384, 256],
  chooseDimensions: true,
  maxInputs: 1,
};

/**
 * Translates an OpenAI embeddings body into a Nova embeddings `modelInput`.
 * @param body the `body` of one batch line
 * @param options model id or capabilities
 * @throws {TranslationError} for several inputs, token arrays or unsupported dimensions
 * @example
 * ```ts
 * import assert from "assert";
 * import { toNovaEmbedInput } from "./nova_embed.ts";
 * const input = toNovaEmbedInput({ input: "hi", dimensions: 1024 }, {
 *   modelId: "amazon.nova-2-multimodal-embeddings-v1:0",
 * });
 * assert.equal(input.singleEmbeddingParams.embeddingDimension, 1024);
 * ```
 */
export function toNovaEmbedInput(body: unknown, options: ToModelInputOptions): NovaEmbedRequest {
  const caps = capabilitiesFor(options);
  const embedding = caps?.embedding ?? FALLBACK;
  const plan = parseEmbeddingsRequest(body, {
    action: ACTION,
    model: caps?.name ?? FALLBACK.name,
    embedding,
    base64: true,
    inputType: true,
  });
  const input: NovaEmbedRequest = {
    taskType: "SINGLE_EMBEDDING",
    singleEmbeddingParams: {
      embeddingPurpose: PURPOSE[plan.inputType ?? "search_document"],
      embeddingDimension: plan.dimensions ?? embedding.dimensions[0]!,
      text: { truncationMode: "END", value: plan.inputs[0]! },
    },
  };
  return plan.base64 ? { schemaVersion: NOVA_EMBED_SCHEMA, ...input } : input;
}

/**
 * Translates a Nova embeddings `modelOutput` into an embeddings `list`.
 * @param output the `modelOutput` of one Bedrock output line
 * @param context `model`; `modelInput` tells a base64 request
 * @throws {TranslationError} when the output has no embeddings
 */
export function fromNovaEmbedOutput(
  output: unknown,
  context: FromModelOutputContext,
): EmbeddingList {
  const parsed = NovaEmbedResponse.safeParse(output);
  if (!parsed.success) {
    throw fromZodError(parsed.error, {
      action: "Cannot read Nova Embeddings output",
      root: "modelOutput",
    });
  }
  return embeddingList([parsed.data.embeddings[0]!.embedding], {
    model: context.modelGroup,
    tokens: 0,
    base64: objectAt(context.modelInput, "schemaVersion") === NOVA_EMBED_SCHEMA,
  });
}

/** The Nova Multimodal Embeddings translator. */
export const novaEmbedTranslator: Translator = {
  family: "nova-embed",
  endpoint: "/v1/embeddings",
  invocationType: "InvokeModel",
  toModelInput: toNovaEmbedInput,
  fromModelOutput: fromNovaEmbedOutput,
  // The body has no counts; the job manifest's totals are the only source.
  usageOf: () => ({ inputTokens: 0, outputTokens: 0 }),
  maxOutputTokens: () => 0,
};
