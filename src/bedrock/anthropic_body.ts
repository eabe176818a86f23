/**
 * The Claude Messages bodies on Bedrock: the `modelInput` Batchgate writes
 * and the `modelOutput` fields it reads (bedrock-batch-facts.md §2.2).
 * @module
 */
import { z } from "zod";

/** A Claude text block. */
export const AnthropicTextBlock = z.object({ type: z.literal("text"), text: z.string() });

/** A Claude request content block. */
export const AnthropicContentBlock = z.discriminatedUnion("type", [
  AnthropicTextBlock,
  z.object({
    type: z.literal("image"),
    source: z.object({ type: z.literal("base64"), media_type: z.string(), data: z.string() }),
  }),
  z.object({
    type: z.literal("tool_use"),
    id: z.string(),
    name: z.string(),
    input: z.record(z.string(), z.unknown()),
  }),
  z.object({
    type: z.literal("tool_result"),
    tool_use_id: z.string(),
    content: z.union([z.string(), z.array(AnthropicTextBlock)]).optional(),
  }),
]);
/** A Claude request content block. */
export type AnthropicContentBlock = z.infer<typeof AnthropicContentBlock>;

/** Claude `tool_choice`. */
export const AnthropicToolChoice = z.object({
  type: z.enum(["auto", "any", "tool", "none"]),
  name: z.string().optional(),
  disable_parallel_tool_use: z.boolean().optional(),
});
/** Claude `tool_choice`. */
export type AnthropicToolChoice = z.infer<typeof AnthropicToolChoice>;

/** The Claude `modelInput` Batchgate writes (InvokeModel body; no `model` key). */
export const AnthropicRequest = z.object({
  anthropic_version: z.literal("bedrock-2023-05-31"),
  max_tokens: z.int().positive(),
  system: z.union([z.string(), z.array(AnthropicTextBlock)]).optional(),
  messages: z.array(z.object({
    role: z.enum(["user", "assistant"]),
    content: z.array(AnthropicContentBlock),
  })),
  temperature: z.number().optional(),
  top_p: z.number().optional(),
  top_k: z.int().optional(),
  stop_sequences: z.array(z.string()).optional(),
  tools: z.array(z.object({
    name: z.string(),
    description: z.string().optional(),
    input_schema: z.record(z.string(), z.unknown()),
  })).optional(),
  tool_choice: AnthropicToolChoice.optional(),
});
/** The Claude `modelInput`. */
export type AnthropicRequest = z.infer<typeof AnthropicRequest>;

/** The Claude `modelOutput` fields Batchgate reads. */
export const AnthropicResponse = z.object({
  id: z.string().optional(),
  model: z.string().optional(),
  content: z.array(z.looseObject({
    type: z.string(),
    text: z.string().optional(),
    id: z.string().optional(),
    name: z.string().optional(),
    input: z.unknown().optional(),
  })),
  stop_reason: z.string().nullish(),
  usage: z.object({
    input_tokens: z.int().min(0),
    output_tokens: z.int().min(0),
    cache_creation_input_tokens: z.int().min(0).nullish(),
    cache_read_input_tokens: z.int().min(0).nullish(),
  }).optional(),
});
/** The Claude `modelOutput`. */
export type AnthropicResponse = z.infer<typeof AnthropicResponse>;
