/**
 * The OpenAI Responses request body of a `/v1/responses` batch line and the
 * `response` object Batchgate writes back (openai-node
 * `src/resources/responses/responses.ts`; reference/bedrock-batch-facts-2.md §7.3–7.4).
 *
 * | parameter | handling |
 * |---|---|
 * | `input` (string, or message / `function_call` / `function_call_output` items) | translated |
 * | `instructions` | a system message before the input |
 * | `max_output_tokens`, `temperature`, `top_p` | as their chat counterparts |
 * | `text.format` (`text`, `json_object`, `json_schema`) | as chat `response_format` |
 * | `tools` (function tools), `tool_choice`, `parallel_tool_calls` | as in chat |
 * | `stream` | only false |
 * | `reasoning` | only null or `{}` |
 * | `truncation` | only `disabled` |
 * | `previous_response_id`, `conversation`, `prompt`, `background: true`, `max_tool_calls`, `top_logprobs`, `text.verbosity` | refused (batch lines carry no server-side state, and Bedrock has no counterpart) |
 * | `model`, `metadata`, `store`, `user`, `include`, `service_tier`, `safety_identifier`, `prompt_cache_key`, `prompt_cache_retention`, `stream_options` | ignored |
 * | anything else | refused |
 * @module
 */
import { z } from "zod";

/** An `input_text` part. */
export const InputText = z.object({ type: z.literal("input_text"), text: z.string() });

/** An input content part. Files parse so they can be refused by name. */
export const InputPart = z.discriminatedUnion("type", [
  InputText,
  z.object({
    type: z.literal("input_image"),
    image_url: z.string().nullish(),
    file_id: z.string().nullish(),
    detail: z.enum(["auto", "low", "high"]).nullish(),
  }),
  z.looseObject({ type: z.literal("input_file") }),
  z.looseObject({ type: z.literal("input_audio") }),
]);
/** An input content part. */
export type InputPart = z.infer<typeof InputPart>;

/** A part of an earlier assistant message. */
export const AssistantPart = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("output_text"),
    text: z.string(),
    annotations: z.array(z.unknown()).optional(),
    logprobs: z.unknown().optional(),
  }),
  z.object({ type: z.literal("refusal"), refusal: z.string() }),
  InputText,
]);

/** A message item (`EasyInputMessage` or an earlier output message). */
export const MessageItem = z.object({
  type: z.literal("message").optional(),
  role: z.enum(["user", "assistant", "system", "developer"]),
  content: z.union([z.string(), z.array(z.union([InputPart, AssistantPart]))]),
  id: z.string().optional(),
  status: z.string().optional(),
});
/** A message item. */
export type MessageItem = z.infer<typeof MessageItem>;

/** An earlier function call of the model. */
export const FunctionCallItem = z.object({
  type: z.literal("function_call"),
  call_id: z.string(),
  name: z.string(),
  arguments: z.string(),
  id: z.string().optional(),
  status: z.string().optional(),
});

/** The result of a function call. */
export const FunctionCallOutputItem = z.object({
  type: z.literal("function_call_output"),
  call_id: z.string(),
  output: z.union([z.string(), z.array(InputText)]),
  id: z.string().nullish(),
  status: z.string().nullish(),
});

/** A function tool (flat, unlike chat's `{type, function}`). */
export const ResponsesFunctionTool = z.object({
  type: z.literal("function"),
  name: z.string().min(1),
  description: z.string().nullish(),
  parameters: z.record(z.string(), z.unknown()).nullish(),
  strict: z.boolean().nullish(),
});

/** `text.format`. */
export const ResponsesTextFormat = z.discriminatedUnion("type", [
  z.object({ type: z.literal("text") }),
  z.object({ type: z.literal("json_object") }),
  z.object({
    type: z.literal("json_schema"),
    name: z.string(),
    schema: z.record(z.string(), z.unknown()),
    description: z.string().optional(),
    strict: z.boolean().nullish(),
  }),
]);

/** The Responses request body of one batch line. */
export const ResponsesRequest = z.object({
  input: z.union([z.string(), z.array(z.looseObject({ type: z.string().optional() }))]),
  instructions: z.string().nullish(),
  max_output_tokens: z.int().positive().nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  text: z.object({ format: ResponsesTextFormat.optional(), verbosity: z.unknown().optional() })
    .nullish(),
  tools: z.array(z.looseObject({ type: z.string() })).nullish(),
  tool_choice: z.union([
    z.enum(["none", "auto", "required"]),
    z.looseObject({ type: z.string(), name: z.string().optional() }),
  ]).nullish(),
  parallel_tool_calls: z.boolean().nullish(),
  stream: z.boolean().nullish(),
  reasoning: z.record(z.string(), z.unknown()).nullish(),
  truncation: z.enum(["auto", "disabled"]).nullish(),
  // Refused when set; typed so the body's whole shape reads in one place.
  previous_response_id: z.unknown().optional(),
  conversation: z.unknown().optional(),
  prompt: z.unknown().optional(),
  background: z.boolean().nullish(),
  max_tool_calls: z.unknown().optional(),
  top_logprobs: z.unknown().optional(),
  // Ignored.
  model: z.string().optional(),
  metadata: z.unknown().optional(),
  store: z.unknown().optional(),
  user: z.unknown().optional(),
  include: z.unknown().optional(),
  service_tier: z.unknown().optional(),
  safety_identifier: z.unknown().optional(),
  prompt_cache_key: z.unknown().optional(),
  prompt_cache_retention: z.unknown().optional(),
  stream_options: z.unknown().optional(),
});
/** The Responses request body. */
export type ResponsesRequest = z.infer<typeof ResponsesRequest>;

/** Keys {@linkcode ResponsesRequest} knows; anything else is refused. */
export const RESPONSES_PARAMS: ReadonlySet<string> = new Set(Object.keys(ResponsesRequest.shape));

/** An output item of a `response`. */
export const ResponseOutputItem = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("message"),
    id: z.string(),
    status: z.enum(["completed", "incomplete"]),
    role: z.literal("assistant"),
    content: z.array(z.object({
      type: z.literal("output_text"),
      text: z.string(),
      annotations: z.array(z.unknown()),
    })),
  }),
  z.object({
    type: z.literal("function_call"),
    id: z.string(),
    call_id: z.string(),
    name: z.string(),
    arguments: z.string(),
    status: z.literal("completed"),
  }),
]);

/** The `response` object Batchgate writes into `/v1/responses` output lines. */
export const ResponseObject = z.object({
  id: z.string(),
  object: z.literal("response"),
  created_at: z.int(),
  status: z.enum(["completed", "incomplete"]),
  completed_at: z.int().nullable(),
  error: z.null(),
  incomplete_details: z.object({ reason: z.enum(["max_output_tokens", "content_filter"]) })
    .nullable(),
  instructions: z.null(),
  max_output_tokens: z.null(),
  metadata: z.record(z.string(), z.string()),
  model: z.string(),
  output: z.array(ResponseOutputItem),
  parallel_tool_calls: z.boolean(),
  previous_response_id: z.null(),
  temperature: z.null(),
  top_p: z.null(),
  tool_choice: z.literal("auto"),
  tools: z.array(z.unknown()),
  usage: z.object({
    input_tokens: z.int(),
    input_tokens_details: z.object({ cached_tokens: z.int() }),
    output_tokens: z.int(),
    output_tokens_details: z.object({ reasoning_tokens: z.int() }),
    total_tokens: z.int(),
  }),
});
/** The `response` object. */
export type ResponseObject = z.infer<typeof ResponseObject>;
