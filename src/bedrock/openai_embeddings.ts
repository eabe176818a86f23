/**
 * The OpenAI embeddings request body of a batch line, the `list` body
 * Batchgate writes back, and the checks every embedding format shares.
 *
 * | parameter | Titan Text G1 | Titan Text V2 | Titan Multimodal G1 | Nova Multimodal | Cohere v3 | Cohere v4 |
 * |---|---|---|---|---|---|---|
 * | `input` | one string (or an array of one) | same | same | same | 1–96 strings | 1–96 strings |
 * | token arrays | refused | refused | refused | refused | refused | refused |
 * | `dimensions` | refused unless 1536 | 1024, 512, 256 | 1024, 384, 256 | 3072, 1024, 384, 256 | only 1024 | 1536, 1024, 512, 256 |
 * | `encoding_format` | `float` | `float`, `base64` | `float` | `float`, `base64` | `float`, `base64` | `float`, `base64` |
 * | `input_type` (not OpenAI; LiteLLM's Cohere parameter) | refused | refused | refused | → `embeddingPurpose` | → `input_type` | → `input_type` |
 * | `model`, `user` | ignored | ignored | ignored | ignored | ignored | ignored |
 * | anything else | refused | refused | refused | refused | refused | refused |
 *
 * `encoding_format: "base64"` answers with base64 of little-endian float32
 * values, as OpenAI does. The output line carries only `modelInput`, so the
 * request records its encoding in `modelInput` by sending the model's own
 * default explicitly (see each format); models with no such field refuse base64.
 * @module
 */
import { z } from "zod";
import { TranslationError } from "./translator.ts";
import type { EmbeddingCapabilities } from "./capabilities.ts";
import { fromZodError } from "./_errors.ts";

/** `input_type` values (Cohere's names), accepted as an extension. */
export const EmbeddingInputType = z.enum([
  "search_document",
  "search_query",
  "classification",
  "clustering",
]);
/** An `input_type` value. */
export type EmbeddingInputType = z.infer<typeof EmbeddingInputType>;

/** The OpenAI embeddings request body of one batch line. */
export const EmbeddingsRequest = z.object({
  input: z.union([
    z.string(),
    z.array(z.string()).min(1),
    z.array(z.number()).min(1),
    z.array(z.array(z.number())).min(1),
  ]),
  dimensions: z.int().positive().nullish(),
  encoding_format: z.enum(["float", "base64"]).nullish(),
  input_type: EmbeddingInputType.nullish(),
  model: z.string().optional(),
  user: z.unknown().optional(),
});
/** The OpenAI embeddings request body. */
export type EmbeddingsRequest = z.infer<typeof EmbeddingsRequest>;

/** Keys {@linkcode EmbeddingsRequest} knows; anything else is refused. */
export const EMBEDDINGS_PARAMS: ReadonlySet<string> = new Set(Object.keys(EmbeddingsRequest.shape));

/** The embeddings `list` body Batchgate writes into output lines. */
export const EmbeddingList = z.object({
  object: z.literal("list"),
  data: z.array(z.object({
    object: z.literal("embedding"),
    index: z.int(),
    embedding: z.union([z.array(z.number()), z.string()]),
  })),
  model: z.string(),
  usage: z.object({ prompt_tokens: z.int(), total_tokens: z.int() }),
});
/** The embeddings `list` body. */
export type EmbeddingList = z.infer<typeof EmbeddingList>;

/** An embeddings request after the shared checks. */
export interface EmbeddingsPlan {
  /** The texts, in order (one for single-input models). */
  inputs: string[];
  /** The vector size asked for, when the model lets the request choose. */
  dimensions?: number;
  /** Whether the answer must be base64 (`encoding_format: "base64"`). */
  base64: boolean;
  /** `input_type`, when sent. */
  inputType?: EmbeddingInputType;
}

/** What a format accepts beyond the capability row. */
export interface EmbeddingsFormat {
  /** "Cannot translate for Titan Embeddings". */
  action: string;
  /** Display name of the model. */
  model: string;
  /** The model's embedding capabilities. */
  embedding: EmbeddingCapabilities;
  /** Whether the format can record `encoding_format: "base64"` (see the module doc). */
  base64: boolean;
  /** Whether `input_type` translates. */
  inputType: boolean;
}

function joinOr(values: readonly number[]): string {
  return values.length === 1
    ? String(values[0])
    : `${values.slice(0, -1).join(", ")} or ${values.at(-1)}`;
}

/**
 * Validates an embeddings body against the module table.
 * @param body the `body` of one batch line
 * @param format what the model takes
 * @throws {TranslationError} naming the first parameter the model cannot take
 */
export function parseEmbeddingsRequest(body: unknown, format: EmbeddingsFormat): EmbeddingsPlan {
  const { action, embedding } = format;
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new TranslationError(`${action}: body must be a JSON object`, "body");
  }
  for (const key in body) {
    if (!EMBEDDINGS_PARAMS.has(key) || (key === "input_type" && !format.inputType)) {
      throw new TranslationError(`${action}: parameter ${key} is not supported`, `body.${key}`, {
        code: "unsupported_parameter",
      });
    }
  }
  const parsed = EmbeddingsRequest.safeParse(body);
  if (!parsed.success) throw fromZodError(parsed.error, { action, root: "body" });
  const req = parsed.data;
  let inputs: string[];
  if (typeof req.input === "string") inputs = [req.input];
  else if (typeof req.input[0] !== "string") {
    throw new TranslationError(
      `${action}: token arrays are not supported, send text`,
      "body.input",
      {
        code: "unsupported_value",
      },
    );
  } else inputs = req.input as string[];
  if (inputs.length > embedding.maxInputs) {
    const fix = "put each input on its own batch line";
    throw new TranslationError(
      embedding.maxInputs === 1
        ? `${action}: input must be a single string, got an array of ${inputs.length}; ${fix}`
        : `${action}: input has ${inputs.length} strings, ${format.model} takes at most ${embedding.maxInputs} per request; ${fix}`,
      "body.input",
      { code: "unsupported_value" },
    );
  }
  for (let i = 0; i < inputs.length; i++) {
    const text = inputs[i]!;
    const param = typeof req.input === "string" ? "body.input" : `body.input[${i}]`;
    if (text === "") throw new TranslationError(`${action}: input must not be empty`, param);
    const max = embedding.maxInputChars;
    if (max !== undefined && text.length > max) {
      throw new TranslationError(
        `${action}: input has ${text.length} characters, ${format.model} takes at most ${max}`,
        param,
        { code: "unsupported_value" },
      );
    }
  }
  if (req.encoding_format === "base64" && !format.base64) {
    throw new TranslationError(
      `${action}: parameter encoding_format must be "float" for ${format.model}, got "base64"`,
      "body.encoding_format",
      { code: "unsupported_value" },
    );
  }
  const plan: EmbeddingsPlan = { inputs, base64: req.encoding_format === "base64" };
  if (req.input_type != null) plan.inputType = req.input_type;
  if (req.dimensions != null) {
    const sizes = embedding.dimensions;
    if (!embedding.chooseDimensions) {
      // Asking for the one size the model has is harmless; anything else cannot be honoured.
      if (req.dimensions !== sizes[0]) {
        throw new TranslationError(
          `${action}: parameter dimensions is not supported by ${format.model}, got ${req.dimensions}`,
          "body.dimensions",
          { code: "unsupported_parameter" },
        );
      }
    } else if (!sizes.includes(req.dimensions)) {
      const sorted = [...sizes].sort((a, b) => a - b);
      throw new TranslationError(
        `${action}: parameter dimensions must be ${joinOr(sorted)}, got ${req.dimensions}`,
        "body.dimensions",
        { code: "unsupported_value" },
      );
    } else plan.dimensions = req.dimensions;
  }
  return plan;
}

/** Base64 of a vector's little-endian float32 bytes, the way OpenAI encodes embeddings. */
export function float32Base64(vector: readonly number[]): string {
  const view = new DataView(new ArrayBuffer(vector.length * 4));
  for (let i = 0; i < vector.length; i++) view.setFloat32(i * 4, vector[i]!, true);
  const bytes = new Uint8Array(view.buffer);
  let binary = "";
  // Chunked so fromCharCode never gets more arguments than the engine allows.
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

/** Builds the `list` body from vectors in input order. */
export function embeddingList(
  vectors: readonly (readonly number[])[],
  options: { model: string; tokens: number; base64: boolean },
): EmbeddingList {
  return {
    object: "list",
    data: vectors.map((vector, index) => ({
      object: "embedding" as const,
      index,
      embedding: options.base64 ? float32Base64(vector) : vector as number[],
    })),
    model: options.model,
    usage: { prompt_tokens: options.tokens, total_tokens: options.tokens },
  };
}

/** A vector field of an unknown output, checked by its first element only (vectors are long). */
export const Vector = z.custom<number[]>(
  (v) => Array.isArray(v) && (v.length === 0 || typeof v[0] === "number"),
  "Invalid input: expected an array of numbers",
);
