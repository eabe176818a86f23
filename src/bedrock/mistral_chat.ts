/**
 * Mistral chat-completion models on Bedrock (Mistral Large 2 24.07, Pixtral
 * Large 25.02): OpenAI chat body → Mistral chat `modelInput`, Mistral chat
 * `modelOutput` → `chat.completion`.
 *
 * Body (AWS model-parameters-mistral-chat-completion): `{messages: [{role:
 * system|user|assistant|tool, content, tool_calls?, tool_call_id?}], tools?,
 * tool_choice?: auto|any|none, max_tokens, temperature?, top_p?}` →
 * `{choices: [{index, message: {role, content, tool_calls?}, stop_reason}]}`.
 * Differences from OpenAI's policy (`openai_chat.ts`): `stop` and `top_k` are
 * refused (the body has no place for them); `tool_choice: "required"` is
 * `any`, and a named function is `any` over that one tool;
 * `parallel_tool_calls: false` is refused. Pixtral takes images as
 * `image_url` parts with data URLs. Usage is zero: the body has no counts.
 * @module
 */
import { z } from "zod";
import {
  type FromModelOutputContext,
  type ToModelInputOptions,
  TranslationError,
  type Translator,
} from "./translator.ts";
import { capabilitiesFor, limitOf } from "./capabilities.ts";
import {
  type ChatCompletion,
  type ChatCompletionRequest,
  type ChatToolCall,
  maxTokensOf,
  parseChatRequest,
} from "./openai_chat.ts";
import { fromZodError } from "./_errors.ts";
import {
  checkedTools,
  flattenText,
  parseDataImage,
  parseToolArguments,
  refuseAssistantExtras,
  refuseImage,
} from "./_messages.ts";
import { chatCompletion, COMPLETION_FINISH, finishReason } from "./_completion.ts";
import { jsonTool, structuredOutputOf, unwrapJsonTool } from "./structured_output.ts";

/** `max_tokens` when neither the request nor the deployment sets one. */
export const MISTRAL_CHAT_DEFAULT_MAX_TOKENS = 4096;

const FEATURES = { label: "Mistral", tools: true, stop: false, topK: false };
const ACTION = "Cannot translate for Mistral";

const MistralToolCall = z.object({
  id: z.string(),
  function: z.object({ name: z.string(), arguments: z.string() }),
});

/** A Mistral chat message. */
export const MistralChatMessage = z.object({
  role: z.enum(["system", "user", "assistant", "tool"]),
  content: z.union([
    z.string(),
    z.array(z.union([
      z.object({ type: z.literal("text"), text: z.string() }),
      z.object({ type: z.literal("image_url"), image_url: z.object({ url: z.string() }) }),
    ])),
  ]),
  tool_calls: z.array(MistralToolCall).optional(),
  tool_call_id: z.string().optional(),
});
/** A Mistral chat message. */
export type MistralChatMessage = z.infer<typeof MistralChatMessage>;

/** The Mistral chat `modelInput` Batchgate writes. */
export const MistralChatRequest = z.object({
  messages: z.array(MistralChatMessage),
  tools: z.array(z.object({
    type: z.literal("function"),
    function: z.object({
      name: z.string(),
      description: z.string().optional(),
      parameters: z.record(z.string(), z.unknown()),
    }),
  })).optional(),
  tool_choice: z.enum(["auto", "any", "none"]).optional(),
  max_tokens: z.int().positive(),
  temperature: z.number().optional(),
  top_p: z.number().optional(),
});
/** The Mistral chat `modelInput`. */
export type MistralChatRequest = z.infer<typeof MistralChatRequest>;

/** The Mistral chat `modelOutput`. */
export const MistralChatResponse = z.object({
  choices: z.array(z.object({
    index: z.int().optional(),
    message: z.object({
      role: z.string().optional(),
      content: z.string().nullish(),
      tool_calls: z.array(MistralToolCall).nullish(),
    }),
    stop_reason: z.string().nullish(),
    finish_reason: z.string().nullish(),
  })).min(1),
});
/** The Mistral chat `modelOutput`. */
export type MistralChatResponse = z.infer<typeof MistralChatResponse>;

/** Mistral stop reasons → `finish_reason`; `tool_calls` is Mistral's own name. */
const FINISH = { ...COMPLETION_FINISH, tool_calls: "tool_calls" as const };

/**
 * Mistral's API takes tool call ids of exactly nine letters and digits, so an
 * OpenAI id (`call_…`) maps to one, the same in the call and in its result.
 */
export function mistralToolCallId(id: string): string {
  if (/^[a-zA-Z0-9]{9}$/.test(id)) return id;
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193) >>> 0;
  let g = 0x12345678;
  for (let i = id.length - 1; i >= 0; i--) g = Math.imul(g ^ id.charCodeAt(i), 0x01000193) >>> 0;
  return (h.toString(36) + g.toString(36)).padStart(9, "0").slice(-9);
}

function toolFields(
  req: ChatCompletionRequest,
  hasToolBlocks: boolean,
): Pick<MistralChatRequest, "tools" | "tool_choice"> {
  let tools = checkedTools(req, { action: ACTION, hasToolBlocks });
  const structured = structuredOutputOf(req, { action: ACTION, mode: "tool" });
  if (structured) {
    const tool = jsonTool(structured);
    return {
      tools: [{
        type: "function",
        function: { name: tool.name, description: tool.description, parameters: tool.schema },
      }],
      // With one tool, "any" forces that tool.
      tool_choice: "any",
    };
  }
  if (tools === undefined) return {};
  if (req.parallel_tool_calls === false) {
    throw new TranslationError(
      `${ACTION}: parameter parallel_tool_calls must be true, got false`,
      "body.parallel_tool_calls",
      { code: "unsupported_value" },
    );
  }
  const choice = req.tool_choice;
  let mode: MistralChatRequest["tool_choice"];
  if (choice === "none" || choice === "auto") mode = choice;
  else if (choice === "required") mode = "any";
  else if (choice != null) {
    // Mistral cannot name a tool: offering only that one and forcing a call is the same request.
    tools = tools.filter((t) => t.function.name === choice.function.name);
    mode = "any";
  }
  return {
    tools: tools.map(({ function: f }) => ({
      type: "function" as const,
      function: {
        name: f.name,
        ...(f.description === undefined ? {} : { description: f.description }),
        parameters: f.parameters ?? { type: "object", properties: {} },
      },
    })),
    ...(mode === undefined ? {} : { tool_choice: mode }),
  };
}

/**
 * Translates an OpenAI chat body into a Mistral chat `modelInput`.
 * @param body the `body` of one batch line
 * @param options model id or capabilities (images only for Pixtral) and the default `max_tokens`
 * @throws {TranslationError} for what the body cannot carry (see the module doc)
 * @example
 * ```ts
 * import assert from "assert";
 * import { toMistralChatInput } from "./mistral_chat.ts";
 * const input = toMistralChatInput(
 *   { messages: [{ role: "user", content: "Hi" }], max_tokens: 20 },
 *   { modelId: "mistral.mistral-large-2407-v1:0" },
 * );
 * assert.deepEqual(input, { messages: [{ role: "user", content: "Hi" }], max_tokens: 20 });
 * ```
 */
export function toMistralChatInput(
  body: unknown,
  options: ToModelInputOptions,
): MistralChatRequest {
  const caps = capabilitiesFor(options);
  const req = parseChatRequest(body, { ...FEATURES, responseFormat: "tool", ...limitOf(caps) });
  const images = caps?.input.includes("image") ?? options.modelId.includes("pixtral");
  const messages: MistralChatMessage[] = [];
  let hasToolBlocks = false;
  for (let i = 0; i < req.messages.length; i++) {
    const message = req.messages[i]!;
    const param = `body.messages[${i}]`;
    if (message.role === "system" || message.role === "developer") {
      const text = flattenText(message.content, { action: ACTION, param: `${param}.content` });
      messages.push({ role: "system", content: text });
    } else if (message.role === "tool") {
      hasToolBlocks = true;
      messages.push({
        role: "tool",
        tool_call_id: mistralToolCallId(message.tool_call_id),
        content: flattenText(message.content, { action: ACTION, param: `${param}.content` }),
      });
    } else if (message.role === "assistant") {
      refuseAssistantExtras(message, { action: ACTION, param });
      const out: MistralChatMessage = {
        role: "assistant",
        content: flattenText(message.content ?? "", { action: ACTION, param: `${param}.content` }),
      };
      const calls = message.tool_calls ?? [];
      if (calls.length > 0) {
        hasToolBlocks = true;
        out.tool_calls = calls.map((call, k) => {
          // Parsed only to refuse bad JSON here rather than as a failed record.
          parseToolArguments(call.function.arguments, {
            action: ACTION,
            param: `${param}.tool_calls[${k}].function.arguments`,
          });
          return {
            id: mistralToolCallId(call.id),
            function: { name: call.function.name, arguments: call.function.arguments || "{}" },
          };
        });
      }
      messages.push(out);
    } else {
      const content = message.content;
      if (typeof content === "string") {
        messages.push({ role: "user", content });
        continue;
      }
      const parts: Exclude<MistralChatMessage["content"], string> = [];
      for (let j = 0; j < content.length; j++) {
        const part = content[j]!;
        const partParam = `${param}.content[${j}]`;
        if (part.type === "text") parts.push({ type: "text", text: part.text });
        else if (part.type === "image_url") {
          if (!images) {
            refuseImage(caps?.name ?? "Mistral Large", { action: ACTION, param: partParam });
          }
          const image = parseDataImage(part.image_url.url, {
            action: ACTION,
            param: `${partParam}.image_url`,
          });
          parts.push({
            type: "image_url",
            image_url: { url: `data:${image.mediaType};base64,${image.data}` },
          });
        } else {
          throw new TranslationError(
            `${ACTION}: content part type ${part.type} is not supported`,
            partParam,
            { code: "unsupported_value" },
          );
        }
      }
      // Text-only parts read as one string, the body AWS documents for every Mistral chat model.
      messages.push({
        role: "user",
        content: parts.every((p) => p.type === "text")
          ? parts.map((p) => (p as { text: string }).text).join("\n")
          : parts,
      });
    }
  }
  if (!messages.some((m) => m.role === "user")) {
    throw new TranslationError(`${ACTION}: messages must include a user message`, "body.messages");
  }
  const input: MistralChatRequest = {
    messages,
    ...toolFields(req, hasToolBlocks),
    max_tokens: maxTokensOf(
      req,
      options.defaultMaxTokens ?? MISTRAL_CHAT_DEFAULT_MAX_TOKENS,
      caps?.maxOutputTokens,
    ),
  };
  if (req.temperature != null) input.temperature = req.temperature;
  if (req.top_p != null) input.top_p = req.top_p;
  return input;
}

/**
 * Translates a Mistral chat `modelOutput` into a `chat.completion` body. A
 * call of the structured-output tool becomes the message content.
 * @param output the `modelOutput` of one Bedrock output line
 * @param context `model`, `created` and `id` of the response
 * @throws {TranslationError} when the output has no `choices`
 */
export function fromMistralChatOutput(
  output: unknown,
  context: FromModelOutputContext,
): ChatCompletion {
  const parsed = MistralChatResponse.safeParse(output);
  if (!parsed.success) {
    throw fromZodError(parsed.error, { action: "Cannot read Mistral output", root: "modelOutput" });
  }
  const choice = parsed.data.choices[0]!;
  const toolCalls: ChatToolCall[] = (choice.message.tool_calls ?? []).map((call) => ({
    id: call.id,
    type: "function",
    function: call.function,
  }));
  const content = choice.message.content;
  return chatCompletion(context, {
    ...unwrapJsonTool({
      content: content === "" && toolCalls.length > 0 ? null : content ?? null,
      toolCalls,
      finishReason: finishReason(FINISH, choice.stop_reason ?? choice.finish_reason),
    }),
    tokens: { prompt: 0, completion: 0 },
  });
}

/** The Mistral chat-completion translator. */
export const mistralChatTranslator: Translator = {
  family: "mistral-chat",
  endpoint: "/v1/chat/completions",
  invocationType: "InvokeModel",
  toModelInput: toMistralChatInput,
  fromModelOutput: fromMistralChatOutput,
  // The body has no counts; the job manifest's totals are the only source.
  usageOf: () => ({ inputTokens: 0, outputTokens: 0 }),
  maxOutputTokens: (modelInput) => {
    const n = modelInput.max_tokens;
    return typeof n === "number" && n > 0 ? n : 0;
  },
};
