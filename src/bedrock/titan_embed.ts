/**
 * Amazon Titan Text Embeddings (G1 and V2) on Bedrock: OpenAI embeddings body
 * → Titan `modelInput`, Titan `modelOutput` → embeddings `list`. Titan takes
 * one `inputText` per request, so each batch line carries one input.
 * @module
 */
import { z } from "zod";
import {
  type FromModelOutputContext,
  type ToModelInputOptions,
  TranslationError,
  type Translator,
} from "./translator.ts";
import { type EmbeddingList, EMBEDDINGS_PARAMS, EmbeddingsRequest } from "./openai_embeddings.ts";
import { fromZodError } from "./_errors.ts";
import { countAt } from "./_completion.ts";

const ACTION = "Cannot translate for Titan Embeddings";

/** Output sizes Titan Text Embeddings V2 offers. */
export const TITAN_V2_DIMENSIONS: ReadonlySet<number> = new Set([256, 512, 1024]);

/** Titan Text Embeddings V2's input limit in characters. */
export const TITAN_V2_MAX_CHARS = 50_000;

/** The Titan embeddings `modelInput` Batchgate writes. */
export const TitanEmbedRequest = z.object({
  inputText: z.string(),
  dimensions: z.int().optional(),
});
/** The Titan embeddings `modelInput`. */
export type TitanEmbedRequest = z.infer<typeof TitanEmbedRequest>;

/** The Titan embeddings `modelOutput` fields Batchgate reads. */
export const TitanEmbedResponse = z.object({
  // Checked by its first element only: a 1024-float array per line is not worth a deep copy.
  embedding: z.custom<number[]>(
    (v) => Array.isArray(v) && (v.length === 0 || typeof v[0] === "number"),
    "Invalid input: expected an array of numbers",
  ),
  inputTextTokenCount: z.int().min(0).nullish(),
});
/** The Titan embeddings `modelOutput`. */
export type TitanEmbedResponse = z.infer<typeof TitanEmbedResponse>;

function isV1(modelId: string): boolean {
  return modelId.includes("titan-embed-text-v1") || modelId.includes("titan-embed-g1-text");
}

/**
 * Translates an OpenAI embeddings body into a Titan `modelInput`.
 * @param body the `body` of one batch line
 * @param options model id (G1 takes no `dimensions`)
 * @returns `{inputText, dimensions?}`
 * @throws {TranslationError} for several inputs, token arrays, base64 encoding, unsupported dimensions
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
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new TranslationError(`${ACTION}: body must be a JSON object`, "body");
  }
  for (const key in body) {
    if (!EMBEDDINGS_PARAMS.has(key)) {
      throw new TranslationError(`${ACTION}: parameter ${key} is not supported`, `body.${key}`);
    }
  }
  const parsed = EmbeddingsRequest.safeParse(body);
  if (!parsed.success) throw fromZodError(parsed.error, { action: ACTION, root: "body" });
  const req = parsed.data;
  let text: string;
  if (typeof req.input === "string") text = req.input;
  else if (typeof req.input[0] !== "string") {
    throw new TranslationError(
      `${ACTION}: token arrays are not supported, send text`,
      "body.input",
    );
  } else if (req.input.length > 1) {
    throw new TranslationError(
      `${ACTION}: input must be a single string, got an array of ${req.input.length}; put each input on its own batch line`,
      "body.input",
    );
  } else text = req.input[0];
  if (text === "") throw new TranslationError(`${ACTION}: input must not be empty`, "body.input");
  const v1 = isV1(options.modelId);
  if (!v1 && text.length > TITAN_V2_MAX_CHARS) {
    throw new TranslationError(
      `${ACTION}: input has ${text.length} characters, Titan Text Embeddings V2 takes at most ${TITAN_V2_MAX_CHARS}`,
      "body.input",
    );
  }
  if (req.encoding_format === "base64") {
    throw new TranslationError(
      `${ACTION}: parameter encoding_format must be "float", got "base64"`,
      "body.encoding_format",
    );
  }
  const input: TitanEmbedRequest = { inputText: text };
  if (req.dimensions != null) {
    if (v1) {
      throw new TranslationError(
        `${ACTION}: parameter dimensions is not supported by Titan Text Embeddings G1, got ${req.dimensions}`,
        "body.dimensions",
      );
    }
    if (!TITAN_V2_DIMENSIONS.has(req.dimensions)) {
      throw new TranslationError(
        `${ACTION}: parameter dimensions must be 256, 512 or 1024, got ${req.dimensions}`,
        "body.dimensions",
      );
    }
    input.dimensions = req.dimensions;
  }
  return input;
}

/**
 * Translates a Titan embeddings `modelOutput` into an embeddings `list`.
 * @param output the `modelOutput` of one Bedrock output line
 * @param context `model` of the response (`created` and the id are not part of this body)
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
  const tokens = parsed.data.inputTextTokenCount ?? 0;
  return {
    object: "list",
    data: [{ object: "embedding", index: 0, embedding: parsed.data.embedding }],
    model: context.modelGroup,
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  };
}

/** The Titan Text Embeddings translator. */
export const titanEmbedTranslator: Translator = {
  family: "titan-embed",
  endpoint: "/v1/embeddings",
  toModelInput: toTitanEmbedInput,
  fromModelOutput: fromTitanEmbedOutput,
  usageOf: (output) => ({ inputTokens: countAt(output, "inputTextTokenCount"), outputTokens: 0 }),
  maxOutputTokens: () => 0,
};
