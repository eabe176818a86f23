/**
 * Amazon Titan embeddings on Bedrock: Text Embeddings G1 and V2, and the text
 * side of Multimodal Embeddings G1. OpenAI embeddings body → Titan
 * `modelInput`, Titan `modelOutput` → embeddings `list`. Titan takes one
 * `inputText` per request, so each batch line carries one input.
 *
 * Bodies (AWS model-parameters-titan-embed-text / -titan-embed-mm):
 * - G1 text: `{inputText}` → `{embedding, inputTextTokenCount}`;
 * - V2: `{inputText, dimensions?, normalize?, embeddingTypes?}` →
 *   `{embedding, inputTextTokenCount, embeddingsByType}`;
 * - Multimodal G1: `{inputText, embeddingConfig?: {outputEmbeddingLength}}` →
 *   `{embedding, inputTextTokenCount}`.
 *
 * V2 records `encoding_format: "base64"` as `embeddingTypes: ["float"]`,
 * which is V2's default and changes nothing in the vector (see
 * `openai_embeddings.ts`); the G1 bodies have no such field and refuse base64.
 * @module
 */
import { z } from "zod";
import type { FromModelOutputContext, ToModelInputOptions, Translator } from "./translator.ts";
import { capabilitiesFor, type EmbeddingCapabilities } from "./capabilities.ts";
import {
  type EmbeddingList,
  embeddingList,
  parseEmbeddingsRequest,
  Vector,
} from "./openai_embeddings.ts";
import { fromZodError } from "./_errors.ts";
import { countAt, objectAt } from "./_completion.ts";

const ACTION = "Cannot translate for Titan Embeddings";

/** Output sizes Titan Text Embeddings V2 offers. */
export const TITAN_V2_DIMENSIONS: ReadonlySet<number> = new Set([256, 512, 1024]);

/** Titan Text Embeddings V2's input limit in characters. */
export const TITAN_V2_MAX_CHARS = 50_000;

/** The Titan embeddings `modelInput` Batchgate writes. */
export const TitanEmbedRequest = z.object({
  inputText: z.string(),
  dimensions: z.int().optional(),
  embeddingTypes: z.array(z.literal("float")).optional(),
  embeddingConfig: z.object({ outputEmbeddingLength: z.int() }).optional(),
});
/** The Titan embeddings `modelInput`. */
export type TitanEmbedRequest = z.infer<typeof TitanEmbedRequest>;

/** The Titan embeddings `modelOutput` fields Batchgate reads. */
export const TitanEmbedResponse = z.object({
  embedding: Vector,
  inputTextTokenCount: z.int().min(0).nullish(),
});
/** The Titan embeddings `modelOutput`. */
export type TitanEmbedResponse = z.infer<typeof TitanEmbedResponse>;

type Variant = "text-g1" | "text-v2" | "multimodal-g1";

function variantOf(id: string): Variant {
  if (id.includes("titan-embed-image")) return "multimodal-g1";
  if (id.includes("titan-embed-text-v1") || id.includes("titan-embed-g1-text")) return "text-g1";
  return "text-v2";
}

// The rows Batchgate falls back to when a bare model id is not in the table.
const FALLBACK: Record<Variant, EmbeddingCapabilities & { name: string }> = {
  "text-g1": {
    name: "Titan Text Embeddings G1",
    dimensions: [1536],
    chooseDimensions: false,
    maxInputs: 1,
  },
  "text-v2": {
    name: "Titan Text Embeddings V2",
    dimensions: [1024, 512, 256],
    chooseDimensions: true,
    maxInputs: 1,
    maxInputChars: TITAN_V2_MAX_CHARS,
  },
  "multimodal-g1": {
    name: "Titan Multimodal Embeddings G1",
    dimensions: [1024, 384, 256],
    chooseDimensions: true,
    maxInputs: 1,
  },
};

/**
 * Translates an OpenAI embeddings body into a Titan `modelInput`.
 * @param body the `body` of one batch line
 * @param options model id or capabilities (G1 takes no `dimensions` and no base64)
 * @returns `{inputText, dimensions?, embeddingTypes?}` (V2) or `{inputText, embeddingConfig?}` (Multimodal G1)
 * @throws {TranslationError} for several inputs, token arrays, unsupported dimensions or encodings
 * @example
 * ```ts
 * import assert from "assert";
 * import { toTitanEmbedInput } from "./titan_embed.ts";
 * assert.deepEqual(
 *   toTitanEmbedInput({ input: "hello", dimensions: 256 }, { modelId: "amazon.titan-embed-text-v2:0" }),
 *   { inputText: "hello", dimensions: 256 },
 * );
 * ```
 */
export function toTitanEmbedInput(body: unknown, options: ToModelInputOptions): TitanEmbedRequest {
  const caps = capabilitiesFor(options);
  const variant = variantOf(caps?.id ?? options.modelId.toLowerCase());
  const fallback = FALLBACK[variant];
  const plan = parseEmbeddingsRequest(body, {
    action: ACTION,
    model: caps?.name ?? fallback.name,
    embedding: caps?.embedding ?? fallback,
    base64: variant === "text-v2",
    inputType: false,
  });
  const input: TitanEmbedRequest = { inputText: plan.inputs[0]! };
  if (plan.dimensions !== undefined) {
    if (variant === "multimodal-g1") {
      input.embeddingConfig = { outputEmbeddingLength: plan.dimensions };
    } else input.dimensions = plan.dimensions;
  }
  if (plan.base64) input.embeddingTypes = ["float"];
  return input;
}

/**
 * Translates a Titan embeddings `modelOutput` into an embeddings `list`.
 * @param output the `modelOutput` of one Bedrock output line
 * @param context `model` of the response; `modelInput` tells a base64 request
 * @throws {TranslationError} when the output has no `embedding`
 */
export function fromTitanEmbedOutput(
  output: unknown,
  context: FromModelOutputContext,
): EmbeddingList {
  const parsed = TitanEmbedResponse.safeParse(output);
  if (!parsed.success) {
    throw fromZodError(parsed.error, {
      action: "Cannot read Titan Embeddings output",
      root: "modelOutput",
    });
  }
  const base64 = Array.isArray(objectAt(context.modelInput, "embeddingTypes"));
  return embeddingList([parsed.data.embedding], {
    model: context.modelGroup,
    tokens: parsed.data.inputTextTokenCount ?? 0,
    base64,
  });
}

/** The Titan embeddings translator. */
export const titanEmbedTranslator: Translator = {
  family: "titan-embed",
  endpoint: "/v1/embeddings",
  invocationType: "InvokeModel",
  toModelInput: toTitanEmbedInput,
  fromModelOutput: fromTitanEmbedOutput,
  usageOf: (output) => ({ inputTokens: countAt(output, "inputTextTokenCount"), outputTokens: 0 }),
  maxOutputTokens: () => 0,
};
