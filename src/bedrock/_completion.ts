/**
 * Output helpers shared by the chat translators: finish-reason maps, the
 * `chat.completion` builder and never-throwing usage readers. Private to
 * `src/bedrock/`.
 * @module
 */
import type { FromModelOutputContext } from "./translator.ts";
import type { ChatCompletion, ChatFinishReason, ChatToolCall } from "./openai_chat.ts";

/** Claude and Nova stop reasons → OpenAI `finish_reason`. */
export const MESSAGES_FINISH: Readonly<Record<string, ChatFinishReason>> = {
  end_turn: "stop",
  stop_sequence: "stop",
  pause_turn: "stop",
  max_tokens: "length",
  model_context_window_exceeded: "length",
  tool_use: "tool_calls",
  refusal: "content_filter",
  content_filtered: "content_filter",
  guardrail_intervened: "content_filter",
};

/** Llama and Mistral stop reasons → OpenAI `finish_reason`. */
export const COMPLETION_FINISH: Readonly<Record<string, ChatFinishReason>> = {
  stop: "stop",
  length: "length",
  model_length: "length",
};

/** Looks a stop reason up, falling back to `stop` for reasons OpenAI has no name for. */
export function finishReason(
  map: Readonly<Record<string, ChatFinishReason>>,
  reason: string | null | undefined,
): ChatFinishReason {
  return (reason != null && Object.hasOwn(map, reason) ? map[reason] : undefined) ?? "stop";
}

/** Token counts of one response, in OpenAI's terms. */
export interface CompletionTokens {
  prompt: number;
  completion: number;
  /** Prompt tokens read from a prompt cache, when the family reports them. */
  cached?: number;
}

/** Builds the `chat.completion` body every chat family returns. */
export function chatCompletion(
  context: FromModelOutputContext,
  result: {
    content: string | null;
    toolCalls: ChatToolCall[];
    finishReason: ChatFinishReason;
    tokens: CompletionTokens;
  },
): ChatCompletion {
  const { tokens } = result;
  const message: ChatCompletion["choices"][number]["message"] = {
    role: "assistant",
    content: result.content,
    refusal: null,
  };
  if (result.toolCalls.length > 0) message.tool_calls = result.toolCalls;
  const usage: ChatCompletion["usage"] = {
    prompt_tokens: tokens.prompt,
    completion_tokens: tokens.completion,
    total_tokens: tokens.prompt + tokens.completion,
  };
  if (tokens.cached !== undefined) usage.prompt_tokens_details = { cached_tokens: tokens.cached };
  return {
    id: context.responseId,
    object: "chat.completion",
    created: context.created,
    model: context.modelGroup,
    choices: [{ index: 0, message, logprobs: null, finish_reason: result.finishReason }],
    usage,
  };
}

/** Reads a non-negative number field of an unknown object, or 0. Never throws. */
export function countAt(value: unknown, key: string): number {
  if (typeof value !== "object" || value === null) return 0;
  const n = (value as Record<string, unknown>)[key];
  return typeof n === "number" && Number.isFinite(n) && n > 0 ? n : 0;
}

/** Reads a nested object field of an unknown value, or undefined. Never throws. */
export function objectAt(value: unknown, key: string): unknown {
  if (typeof value !== "object" || value === null) return undefined;
  return (value as Record<string, unknown>)[key];
}
