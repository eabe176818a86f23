/**
 * The Converse bodies of `modelInvocationType: "Converse"` batch jobs: the
 * `modelInput` Batchgate writes (a `ConverseRequest` without `modelId`) and
 * the `modelOutput` fields it reads (a `ConverseResponse`), after the
 * bedrock-runtime service model (reference/bedrock-batch-facts-2.md §1).
 * @module
 */
import { z } from "zod";

/** A Converse content block Batchgate writes (a union: one member per block). */
export const ConverseContentBlock = z.union([
  z.object({ text: z.string().min(1) }),
  z.object({
    image: z.object({
      format: z.enum(["png", "jpeg", "gif", "webp"]),
      // A blob: base64 text in JSON.
      source: z.object({ bytes: z.string().min(1) }),
    }),
  }),
]);
/** A Converse content block. */
export type ConverseContentBlock = z.infer<typeof ConverseContentBlock>;

/** `outputConfig.textFormat`: structured output; the schema travels as a JSON string. */
export const ConverseTextFormat = z.object({
  type: z.literal("json_schema"),
  structure: z.object({
    jsonSchema: z.object({
      schema: z.string(),
      name: z.string().optional(),
      description: z.string().optional(),
    }),
  }),
});

/** The Converse `modelInput` Batchgate writes. */
export const ConverseRequest = z.object({
  messages: z.array(z.object({
    role: z.enum(["user", "assistant"]),
    content: z.array(ConverseContentBlock).min(1),
  })).min(1),
  system: z.array(z.object({ text: z.string().min(1) })).optional(),
  inferenceConfig: z.object({
    maxTokens: z.int().positive(),
    temperature: z.number().min(0).max(1).optional(),
    topP: z.number().min(0).max(1).optional(),
    stopSequences: z.array(z.string().min(1)).optional(),
  }),
  additionalModelRequestFields: z.record(z.string(), z.unknown()).optional(),
  outputConfig: z.object({ textFormat: ConverseTextFormat }).optional(),
});
/** The Converse `modelInput`. */
export type ConverseRequest = z.infer<typeof ConverseRequest>;

/** The Converse `modelOutput` fields Batchgate reads. */
export const ConverseResponse = z.object({
  output: z.object({
    message: z.object({
      role: z.string().optional(),
      content: z.array(z.looseObject({
        text: z.string().optional(),
        toolUse: z.object({ toolUseId: z.string(), name: z.string(), input: z.unknown() })
          .optional(),
      })),
    }),
  }),
  stopReason: z.string(),
  usage: z.object({
    inputTokens: z.int().min(0),
    outputTokens: z.int().min(0),
    totalTokens: z.int().min(0).optional(),
    cacheReadInputTokens: z.int().min(0).nullish(),
    cacheWriteInputTokens: z.int().min(0).nullish(),
  }).optional(),
  metrics: z.object({ latencyMs: z.number() }).optional(),
});
/** The Converse `modelOutput`. */
export type ConverseResponse = z.infer<typeof ConverseResponse>;
