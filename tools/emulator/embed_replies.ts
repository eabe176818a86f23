/**
 * Embedding replies of the emulator, each reading its `modelInput` through a
 * strict schema from AWS's documentation of the body:
 * - Titan Text Embeddings G1 and V2 (model-parameters-titan-embed-text) and
 *   Titan Multimodal Embeddings G1 (model-parameters-titan-embed-mm);
 * - Cohere Embed v3 and v4 (model-parameters-embed);
 * - Nova Multimodal Embeddings (Nova user guide, embeddings request schema).
 * Vectors hold at most {@linkcode MAX_EMBEDDING_VALUES} values whatever size
 * is asked, to keep output files small.
 * @module
 */
import { z } from "zod";
import {
  emulatedVector,
  MalformedInputError,
  MAX_EMBEDDING_VALUES,
  parseInput,
  type ReplyFormat,
} from "./reply_context.ts";

export { MAX_EMBEDDING_VALUES };

const TitanV1Input = z.strictObject({ inputText: z.string().min(1) });

const TitanV2Input = z.strictObject({
  inputText: z.string().min(1),
  dimensions: z.union([z.literal(256), z.literal(512), z.literal(1024)]).optional(),
  normalize: z.boolean().optional(),
  embeddingTypes: z.array(z.enum(["float", "binary"])).min(1).optional(),
});

const TitanImageInput = z.strictObject({
  inputText: z.string().min(1).optional(),
  inputImage: z.string().min(1).optional(),
  embeddingConfig: z.strictObject({
    outputEmbeddingLength: z.union([z.literal(256), z.literal(384), z.literal(1024)]),
  }).optional(),
});

/** Titan embeddings: G1 text, V2 text (with `embeddingsByType`) and Multimodal G1. */
export const titanEmbed: ReplyFormat = (modelInput, ctx) => {
  const id = ctx.modelId;
  if (id.startsWith("amazon.titan-embed-image")) {
    const input = parseInput(TitanImageInput, modelInput);
    if (input.inputText === undefined && input.inputImage === undefined) {
      throw new MalformedInputError("#: inputText or inputImage is required");
    }
    const embedding = emulatedVector(ctx.seed, {
      size: input.embeddingConfig?.outputEmbeddingLength ?? 1024,
    });
    return { outputTokens: 0, modelOutput: { embedding, inputTextTokenCount: ctx.inputTokens } };
  }
  if (id.startsWith("amazon.titan-embed-text-v1") || id.startsWith("amazon.titan-embed-g1-text")) {
    parseInput(TitanV1Input, modelInput);
    const embedding = emulatedVector(ctx.seed);
    return { outputTokens: 0, modelOutput: { embedding, inputTextTokenCount: ctx.inputTokens } };
  }
  const input = parseInput(TitanV2Input, modelInput);
  const embedding = emulatedVector(ctx.seed, {
    size: input.dimensions ?? 1024,
    normalize: input.normalize !== false,
  });
  return {
    outputTokens: 0,
    modelOutput: {
      embedding,
      inputTextTokenCount: ctx.inputTokens,
      embeddingsByType: { float: embedding },
    },
  };
};

const CohereInput = z.strictObject({
  texts: z.array(z.string().max(2048)).min(1).max(96).optional(),
  images: z.array(z.string()).max(1).optional(),
  inputs: z.array(z.unknown()).optional(),
  input_type: z.enum(["search_document", "search_query", "classification", "clustering", "image"])
    .optional(),
  truncate: z.enum(["NONE", "START", "END"]).optional(),
  embedding_types: z.array(z.enum(["float", "int8", "uint8", "binary", "ubinary"])).min(1)
    .optional(),
  output_dimension: z.union([z.literal(256), z.literal(512), z.literal(1024), z.literal(1536)])
    .optional(),
  max_tokens: z.number().int().positive().optional(),
});

/** Cohere Embed: one vector per text; `{float: [...]}` when `embedding_types` is sent. */
export const cohereEmbed: ReplyFormat = (modelInput, ctx) => {
  const input = parseInput(CohereInput, modelInput);
  const v3 = ctx.modelId.includes("-v3");
  if (v3 && input.input_type === undefined) {
    throw new MalformedInputError("#: required key [input_type] not found");
  }
  if (v3 && input.output_dimension !== undefined) {
    throw new MalformedInputError("#: extraneous key [output_dimension] is not permitted");
  }
  const texts = input.texts ?? [];
  if (texts.length === 0) throw new MalformedInputError("#: required key [texts] not found");
  const size = input.output_dimension ?? (v3 ? 1024 : 1536);
  const vectors = texts.map((_, i) => emulatedVector(ctx.seed, { size, salt: i }));
  const byType = input.embedding_types !== undefined || !v3;
  return {
    outputTokens: 0,
    modelOutput: {
      id: `${ctx.seed.slice(0, 8)}-${ctx.seed.slice(8, 12)}`,
      texts,
      embeddings: byType ? { float: vectors } : vectors,
      response_type: byType ? "embeddings_by_type" : "embeddings_floats",
    },
  };
};

const NovaEmbedInput = z.strictObject({
  schemaVersion: z.literal("nova-multimodal-embed-v1").optional(),
  taskType: z.literal("SINGLE_EMBEDDING"),
  singleEmbeddingParams: z.strictObject({
    embeddingPurpose: z.enum([
      "GENERIC_INDEX",
      "GENERIC_RETRIEVAL",
      "TEXT_RETRIEVAL",
      "IMAGE_RETRIEVAL",
      "VIDEO_RETRIEVAL",
      "DOCUMENT_RETRIEVAL",
      "AUDIO_RETRIEVAL",
      "CLASSIFICATION",
      "CLUSTERING",
    ]),
    embeddingDimension: z.union([
      z.literal(256),
      z.literal(384),
      z.literal(1024),
      z.literal(3072),
    ]).optional(),
    text: z.strictObject({
      truncationMode: z.enum(["START", "END", "NONE"]),
      value: z.string().min(1).optional(),
      source: z.unknown().optional(),
    }).optional(),
    image: z.unknown().optional(),
    audio: z.unknown().optional(),
    video: z.unknown().optional(),
  }),
});

/** Nova Multimodal Embeddings: one `TEXT` embedding. */
export const novaEmbed: ReplyFormat = (modelInput, ctx) => {
  const input = parseInput(NovaEmbedInput, modelInput);
  const params = input.singleEmbeddingParams;
  const set = ["text", "image", "audio", "video"].filter((k) =>
    params[k as keyof typeof params] !== undefined
  );
  if (set.length !== 1) {
    throw new MalformedInputError(
      "#/singleEmbeddingParams: exactly one of text, image, audio, video is required",
    );
  }
  const embedding = emulatedVector(ctx.seed, { size: params.embeddingDimension ?? 3072 });
  return {
    outputTokens: 0,
    modelOutput: { embeddings: [{ embeddingType: set[0]!.toUpperCase(), embedding }] },
  };
};
