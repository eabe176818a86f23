/**
 * The Nova `messages-v1` bodies on Bedrock: the `modelInput` Batchgate writes
 * (camelCase `inferenceConfig`) and the `modelOutput` fields it reads
 * (bedrock-batch-facts.md §2.2).
 * @module
 */
import { z } from "zod";

/** A Nova request content block (one key per block). */
export const NovaContentBlock = z.union([
  z.object({ text: z.string() }),
  z.object({
    image: z.object({
      format: z.enum(["jpeg", "png", "gif", "webp"]),
      source: z.object({ bytes: z.string() }),
    }),
  }),
  z.object({
    toolUse: z.object({
      toolUseId: z.string(),
      name: z.string(),
      input: z.record(z.string(), z.unknown()),
    }),
  }),
  z.object({
    toolResult: z.object({
      toolUseId: z.string(),
      content: z.array(z.object({ text: z.string() })),
    }),
  }),
]);
/** A Nova request content block. */
export type NovaContentBlock = z.infer<typeof NovaContentBlock>;

/** Nova `toolConfig.toolChoice`. */
export const NovaToolChoice = z.union([
  z.object({ auto: z.object({}) }),
  z.object({ any: z.object({}) }),
  z.object({ tool: z.object({ name: z.string() }) }),
]);

/** The Nova `modelInput` Batchgate writes. */
export const NovaRequest = z.object({
  schemaVersion: z.literal("messages-v1"),
  system: z.array(z.object({ text: z.string() })).optional(),
  messages: z.array(z.object({
    role: z.enum(["user", "assistant"]),
    content: z.array(NovaContentBlock),
  })),
  inferenceConfig: z.object({
    maxTokens: z.int().positive(),
    temperature: z.number().optional(),
    topP: z.number().optional(),
    topK: z.int().optional(),
    stopSequences: z.array(z.string()).optional(),
  }),
  toolConfig: z.object({
    tools: z.array(z.object({
      toolSpec: z.object({
        name: z.string(),
        description: z.string().optional(),
        inputSchema: z.object({ json: z.record(z.string(), z.unknown()) }),
      }),
    })),
    toolChoice: NovaToolChoice.optional(),
  }).optional(),
});
/** The Nova `modelInput`. */
export type NovaRequest = z.infer<typeof NovaRequest>;

/** The Nova `modelOutput` fields Batchgate reads. */
export const NovaResponse = z.object({
  output: z.object({
    message: z.object({
      content: z.array(z.looseObject({
        text: z.string().optional(),
        toolUse: z.object({ toolUseId: z.string(), name: z.string(), input: z.unknown() })
          .optional(),
      })),
    }),
  }),
  stopReason: z.string().nullish(),
  usage: z.object({
    inputTokens: z.int().min(0),
    outputTokens: z.int().min(0),
    totalTokens: z.int().min(0).optional(),
    cacheReadInputTokenCount: z.int().min(0).nullish(),
    cacheWriteInputTokenCount: z.int().min(0).nullish(),
    cacheReadInputTokens: z.int().min(0).nullish(),
    cacheWriteInputTokens: z.int().min(0).nullish(),
  }).optional(),
});
/** The Nova `modelOutput`. */
export type NovaResponse = z.infer<typeof NovaResponse>;
