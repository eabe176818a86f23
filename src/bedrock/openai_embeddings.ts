/**
 * The OpenAI embeddings request body of a batch line and the `list` body
 * Batchgate writes back.
 *
 * | parameter | Titan Text Embeddings |
 * |---|---|
 * | `input` | one string (or an array of exactly one); token arrays refused |
 * | `dimensions` | V2: 256, 512 or 1024; V1: refused |
 * | `encoding_format` | only `float` |
 * | `model`, `user` | ignored |
 * | anything else | refused |
 * @module
 */
import { z } from "zod";

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
    embedding: z.array(z.number()),
  })),
  model: z.string(),
  usage: z.object({ prompt_tokens: z.int(), total_tokens: z.int() }),
});
/** The embeddings `list` body. */
export type EmbeddingList = z.infer<typeof EmbeddingList>;
