/**
 * The OpenAI chat completion request body as batch lines carry it, the
 * `chat.completion` body Batchgate writes back, and the policy that decides,
 * for each top-level parameter, whether a family translates it, ignores it
 * or refuses it.
 *
 * | parameter | Claude | Nova | Llama | Mistral |
 * |---|---|---|---|---|
 * | `messages` | translated | translated | prompt template | prompt template |
 * | `max_completion_tokens`, `max_tokens` | `max_tokens` | `maxTokens` | `max_gen_len` | `max_tokens` |
 * | `temperature` (0–1; above 1 refused) | yes | yes | yes | yes |
 * | `top_p` | yes | `topP` | yes | yes |
 * | `top_k` (not OpenAI; LiteLLM clients send it) | yes | `topK` | refused | yes |
 * | `stop` (string or array) | `stop_sequences` | `stopSequences` | refused | `stop` |
 * | `tools`, `tool_choice`, `parallel_tool_calls` | yes | yes (`parallel_tool_calls: false` refused) | refused | refused |
 * | `n` | only 1 | only 1 | only 1 | only 1 |
 * | `stream` | only false | only false | only false | only false |
 * | `logprobs`, `top_logprobs` | refused | refused | refused | refused |
 * | `presence_penalty`, `frequency_penalty` | only 0 | only 0 | only 0 | only 0 |
 * | `logit_bias` | only `{}` | only `{}` | only `{}` | only `{}` |
 * | `seed` | refused (no seeded sampling on Bedrock) | refused | refused | refused |
 * | `response_format` | `json_schema`, `json_object` (forced tool, see `structured_output.ts`) | same | only `{"type":"text"}` | only `{"type":"text"}` |
 * | `modalities` | only `["text"]` | same | same | same |
 * | `audio`, `prediction`, `reasoning_effort`, `verbosity`, `web_search_options` | refused | refused | refused | refused |
 * | `functions`, `function_call` (deprecated) | refused, use `tools` | refused | refused | refused |
 * | `model` | ignored (the batch names the model) | ignored | ignored | ignored |
 * | `user`, `metadata`, `store`, `service_tier`, `stream_options`, `safety_identifier`, `prompt_cache_key`, `prompt_cache_retention` | ignored | ignored | ignored | ignored |
 * | anything else | refused | refused | refused | refused |
 *
 * `null` counts as absent everywhere. Inside messages, `name` and an image's
 * `detail` are ignored (no family has them), and so is a tool's `strict`.
 * `max_tokens` and `max_completion_tokens` above the model's documented output
 * limit (`capabilities.ts`) are refused. Mistral chat bodies and Converse jobs
 * follow the same policy with their own features (`mistral_chat.ts`, `converse.ts`).
 * @module
 */
import { z } from "zod";
import { TranslationError } from "./translator.ts";
import { fromZodError, show } from "./_errors.ts";

/** A text content part. */
export const ChatTextPart = z.object({ type: z.literal("text"), text: z.string() });
/** A text content part. */
export type ChatTextPart = z.infer<typeof ChatTextPart>;

/** An image content part; Bedrock batch can only take `data:` URLs. */
export const ChatImagePart = z.object({
  type: z.literal("image_url"),
  image_url: z.object({ url: z.string(), detail: z.enum(["auto", "low", "high"]).optional() }),
});

/** A user content part. Audio and file parts parse so they can be refused by name. */
export const ChatContentPart = z.discriminatedUnion("type", [
  ChatTextPart,
  ChatImagePart,
  z.object({ type: z.literal("input_audio"), input_audio: z.unknown() }),
  z.object({ type: z.literal("file"), file: z.unknown() }),
]);
/** A user content part. */
export type ChatContentPart = z.infer<typeof ChatContentPart>;

/** An assistant tool call; `arguments` is a JSON string. */
export const ChatToolCall = z.object({
  id: z.string(),
  type: z.literal("function"),
  function: z.object({ name: z.string(), arguments: z.string() }),
});
/** An assistant tool call. */
export type ChatToolCall = z.infer<typeof ChatToolCall>;

const TextContent = z.union([z.string(), z.array(ChatTextPart)]);

/** A `system` message (becomes the family's system prompt). */
export const ChatSystemMessage = z.object({
  role: z.literal("system"),
  content: TextContent,
  name: z.string().optional(),
});

/** A `developer` message (treated like `system`). */
export const ChatDeveloperMessage = z.object({
  role: z.literal("developer"),
  content: TextContent,
  name: z.string().optional(),
});

/** A user message. */
export const ChatUserMessage = z.object({
  role: z.literal("user"),
  content: z.union([z.string(), z.array(ChatContentPart)]),
  name: z.string().optional(),
});

/** An assistant message from earlier in the conversation. */
export const ChatAssistantMessage = z.object({
  role: z.literal("assistant"),
  content: z.union([
    z.string(),
    z.array(z.discriminatedUnion("type", [
      ChatTextPart,
      z.object({ type: z.literal("refusal"), refusal: z.string() }),
    ])),
  ]).nullish(),
  tool_calls: z.array(ChatToolCall).nullish(),
  refusal: z.string().nullish(),
  name: z.string().optional(),
  audio: z.unknown().optional(),
  function_call: z.unknown().optional(),
});

/** The result of a tool call. */
export const ChatToolMessage = z.object({
  role: z.literal("tool"),
  content: TextContent,
  tool_call_id: z.string(),
});

/** Any chat message. The deprecated `function` role is not accepted. */
export const ChatMessage = z.discriminatedUnion("role", [
  ChatSystemMessage,
  ChatDeveloperMessage,
  ChatUserMessage,
  ChatAssistantMessage,
  ChatToolMessage,
]);
/** Any chat message. */
export type ChatMessage = z.infer<typeof ChatMessage>;

/** A function tool. */
export const ChatTool = z.object({
  type: z.literal("function"),
  function: z.object({
    name: z.string().min(1),
    description: z.string().optional(),
    parameters: z.record(z.string(), z.unknown()).optional(),
    strict: z.boolean().nullish(),
  }),
});
/** A function tool. */
export type ChatTool = z.infer<typeof ChatTool>;

/** `tool_choice`: a mode or one named function. */
export const ChatToolChoice = z.union([
  z.enum(["none", "auto", "required"]),
  z.object({ type: z.literal("function"), function: z.object({ name: z.string() }) }),
]);
/** `tool_choice`. */
export type ChatToolChoice = z.infer<typeof ChatToolChoice>;

/** The OpenAI chat completion request body of one batch line. */
export const ChatCompletionRequest = z.object({
  messages: z.array(ChatMessage).min(1),
  max_tokens: z.int().positive().nullish(),
  max_completion_tokens: z.int().positive().nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  top_k: z.int().positive().nullish(),
  stop: z.union([z.string(), z.array(z.string())]).nullish(),
  tools: z.array(ChatTool).nullish(),
  tool_choice: ChatToolChoice.nullish(),
  parallel_tool_calls: z.boolean().nullish(),
  // Refused unless neutral; typed here so the body's whole shape reads in one place.
  n: z.int().min(1).nullish(),
  stream: z.boolean().nullish(),
  logprobs: z.boolean().nullish(),
  top_logprobs: z.int().min(0).nullish(),
  presence_penalty: z.number().nullish(),
  frequency_penalty: z.number().nullish(),
  logit_bias: z.record(z.string(), z.number()).nullish(),
  seed: z.int().nullish(),
  response_format: z.looseObject({ type: z.string() }).nullish(),
  modalities: z.array(z.string()).nullish(),
  audio: z.unknown().optional(),
  prediction: z.unknown().optional(),
  reasoning_effort: z.unknown().optional(),
  verbosity: z.unknown().optional(),
  web_search_options: z.unknown().optional(),
  functions: z.unknown().optional(),
  function_call: z.unknown().optional(),
  // Ignored.
  model: z.string().optional(),
  user: z.unknown().optional(),
  metadata: z.unknown().optional(),
  store: z.unknown().optional(),
  service_tier: z.unknown().optional(),
  stream_options: z.unknown().optional(),
  safety_identifier: z.unknown().optional(),
  prompt_cache_key: z.unknown().optional(),
  prompt_cache_retention: z.unknown().optional(),
});
/** The OpenAI chat completion request body of one batch line. */
export type ChatCompletionRequest = z.infer<typeof ChatCompletionRequest>;

const KNOWN_PARAMS: ReadonlySet<string> = new Set(Object.keys(ChatCompletionRequest.shape));

type Refusable = Exclude<
  keyof ChatCompletionRequest,
  "messages" | "max_tokens" | "max_completion_tokens" | "temperature" | "top_p" | "top_k" | "stop"
>;

/** When a refused parameter is still accepted: its neutral value, and how to say so. */
const NEUTRAL: {
  [K in Refusable]?: [(v: NonNullable<ChatCompletionRequest[K]>) => boolean, string];
} = {
  n: [(v) => v === 1, "must be 1"],
  stream: [(v) => v === false, "must be false"],
  logprobs: [(v) => v === false, "is not supported"],
  top_logprobs: [() => false, "is not supported"],
  presence_penalty: [(v) => v === 0, "must be 0"],
  frequency_penalty: [(v) => v === 0, "must be 0"],
  logit_bias: [(v) => Object.keys(v).length === 0, "is not supported"],
  seed: [() => false, "is not supported"],
  modalities: [(v) => v.length === 1 && v[0] === "text", 'must be ["text"]'],
  audio: [() => false, "is not supported"],
  prediction: [() => false, "is not supported"],
  reasoning_effort: [() => false, "is not supported"],
  verbosity: [() => false, "is not supported"],
  web_search_options: [() => false, "is not supported"],
  functions: [() => false, "is deprecated and not supported, use tools"],
  function_call: [() => false, "is deprecated and not supported, use tool_choice"],
};

/** What a family can take, for {@linkcode parseChatRequest}. */
export interface ChatFamilyFeatures {
  /** Family name in messages: "Cannot translate for <label>: …". */
  label: string;
  /** Whether `tools`, `tool_choice` and `parallel_tool_calls` translate. */
  tools: boolean;
  /** Whether `stop` translates. */
  stop: boolean;
  /** Whether `top_k` translates. */
  topK: boolean;
  /** How `response_format` beyond `text` is honoured; absent or null: only `text`. */
  responseFormat?: "tool" | "native" | null;
  /** The model's output limit and name, for the `max_tokens` check; absent: no limit known. */
  limit?: { maxOutputTokens: number | null; model: string };
}

function refuse(action: string, key: string, requirement: string, value: unknown): never {
  const got = typeof value === "object" && value !== null ? "" : `, got ${show(value)}`;
  throw new TranslationError(`${action}: parameter ${key} ${requirement}${got}`, `body.${key}`, {
    code: requirement.startsWith("is") || requirement.startsWith("are")
      ? "unsupported_parameter"
      : "unsupported_value",
  });
}

/**
 * Refuses an output token count above the model's documented limit.
 * @throws {TranslationError} `unsupported_value` naming the parameter
 */
export function checkMaxTokens(
  key: string,
  value: number | null | undefined,
  options: { action: string; limit?: { maxOutputTokens: number | null; model: string } },
): void {
  const max = options.limit?.maxOutputTokens;
  if (value == null || max == null || value <= max) return;
  throw new TranslationError(
    `${options.action}: parameter ${key} must be at most ${max}, the output limit of ${
      options.limit!.model
    }, got ${value}`,
    `body.${key}`,
    { code: "unsupported_value" },
  );
}

/**
 * Validates a chat request body and applies the parameter policy of the
 * module table.
 * @param body the `body` of one batch line
 * @param features what the family can take
 * @returns the parsed body
 * @throws {TranslationError} naming the first parameter the family cannot take
 */
export function parseChatRequest(
  body: unknown,
  features: ChatFamilyFeatures,
): ChatCompletionRequest {
  const action = `Cannot translate for ${features.label}`;
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new TranslationError(`${action}: body must be a JSON object`, "body");
  }
  for (const key in body) {
    if (!KNOWN_PARAMS.has(key)) {
      throw new TranslationError(`${action}: parameter ${key} is not supported`, `body.${key}`, {
        code: "unsupported_parameter",
      });
    }
  }
  const parsed = ChatCompletionRequest.safeParse(body);
  if (!parsed.success) throw fromZodError(parsed.error, { action, root: "body" });
  const req = parsed.data;
  for (const key in NEUTRAL) {
    const value = req[key as Refusable];
    if (value == null) continue;
    const [isNeutral, requirement] = NEUTRAL[key as Refusable]! as [
      (v: unknown) => boolean,
      string,
    ];
    if (!isNeutral(value)) refuse(action, key, requirement, value);
  }
  const format = req.response_format;
  if (format != null && format.type !== "text" && !features.responseFormat) {
    refuse(action, "response_format", 'must be {"type":"text"}', format);
  }
  const limit = { action, ...(features.limit ? { limit: features.limit } : {}) };
  checkMaxTokens("max_completion_tokens", req.max_completion_tokens, limit);
  checkMaxTokens("max_tokens", req.max_tokens, limit);
  if (req.temperature != null && req.temperature > 1) {
    refuse(action, "temperature", "must be between 0 and 1", req.temperature);
  }
  if (!features.topK && req.top_k != null) refuse(action, "top_k", "is not supported", req.top_k);
  if (!features.stop && req.stop != null && req.stop.length > 0) {
    refuse(action, "stop", "is not supported", req.stop);
  }
  if (!features.tools) {
    if (req.tools != null && req.tools.length > 0) {
      refuse(action, "tools", "are not supported", req.tools);
    }
    const choice = req.tool_choice;
    if (choice != null && choice !== "none" && choice !== "auto") {
      refuse(action, "tool_choice", "is not supported", choice);
    }
  }
  return req;
}

/**
 * `max_completion_tokens`, else the deprecated `max_tokens`, else `fallback`
 * (capped at `limit`: a default is not the caller's request, and must not
 * make every record fail).
 */
export function maxTokensOf(
  req: ChatCompletionRequest,
  fallback: number,
  limit?: number | null,
): number {
  const asked = req.max_completion_tokens ?? req.max_tokens;
  if (asked != null) return asked;
  return limit == null ? fallback : Math.min(fallback, limit);
}

/** `stop` as a list (absent when there is none). */
export function stopList(req: ChatCompletionRequest): string[] | undefined {
  const stop = req.stop;
  if (stop == null || stop.length === 0) return undefined;
  return typeof stop === "string" ? [stop] : stop;
}

/** OpenAI `finish_reason` values Batchgate emits. */
export const ChatFinishReason = z.enum(["stop", "length", "tool_calls", "content_filter"]);
/** OpenAI `finish_reason`. */
export type ChatFinishReason = z.infer<typeof ChatFinishReason>;

/** The `chat.completion` response body Batchgate writes into output lines. */
export const ChatCompletion = z.object({
  id: z.string(),
  object: z.literal("chat.completion"),
  created: z.int(),
  model: z.string(),
  choices: z.array(z.object({
    index: z.int(),
    message: z.object({
      role: z.literal("assistant"),
      content: z.string().nullable(),
      refusal: z.string().nullable(),
      tool_calls: z.array(ChatToolCall).optional(),
    }),
    logprobs: z.null(),
    finish_reason: ChatFinishReason,
  })),
  usage: z.object({
    prompt_tokens: z.int(),
    completion_tokens: z.int(),
    total_tokens: z.int(),
    prompt_tokens_details: z.object({ cached_tokens: z.int() }).optional(),
  }),
});
/** The `chat.completion` response body. */
export type ChatCompletion = z.infer<typeof ChatCompletion>;
