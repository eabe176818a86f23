/**
 * Meta Llama 3.x and 4 on Bedrock (prompt-template InvokeModel body): OpenAI
 * chat body → Llama `modelInput`, Llama `modelOutput` → `chat.completion`.
 * Tools, images, `stop` and `top_k` are refused: the body has no place for them.
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
import { type ChatCompletion, maxTokensOf, parseChatRequest } from "./openai_chat.ts";
import { fromZodError } from "./_errors.ts";
import { flattenText, refuseAssistantExtras } from "./_messages.ts";
import { chatCompletion, COMPLETION_FINISH, countAt, finishReason } from "./_completion.ts";

/** `max_gen_len` when neither the request nor the deployment sets one (Bedrock's Llama 3 maximum). */
export const LLAMA_DEFAULT_MAX_GEN_LEN = 2048;

const FEATURES = { label: "Llama", tools: false, stop: false, topK: false };
const ACTION = "Cannot translate for Llama";

/** The Llama `modelInput` Batchgate writes. */
export const LlamaRequest = z.object({
  prompt: z.string(),
  max_gen_len: z.int().positive(),
  temperature: z.number().optional(),
  top_p: z.number().optional(),
});
/** The Llama `modelInput`. */
export type LlamaRequest = z.infer<typeof LlamaRequest>;

/** The Llama `modelOutput`. */
export const LlamaResponse = z.object({
  generation: z.string(),
  prompt_token_count: z.int().min(0).nullish(),
  generation_token_count: z.int().min(0).nullish(),
  stop_reason: z.string().nullish(),
});
/** The Llama `modelOutput`. */
export type LlamaResponse = z.infer<typeof LlamaResponse>;

interface ChatTemplate {
  header(role: string): string;
  eot: string;
}

const LLAMA3: ChatTemplate = {
  header: (role) => `<|start_header_id|>${role}<|end_header_id|>\n\n`,
  eot: "<|eot_id|>",
};
const LLAMA4: ChatTemplate = {
  header: (role) => `<|header_start|>${role}<|header_end|>\n\n`,
  eot: "<|eot|>",
};

/**
 * Translates an OpenAI chat body into a Llama `modelInput`, rendering the
 * messages with the Llama 3 chat template (Llama 4's for `llama4` models).
 * A final assistant message is left open so the model continues it.
 * @param body the `body` of one batch line
 * @param options model id (picks the template) and the default `max_gen_len`
 * @returns `{prompt, max_gen_len, temperature?, top_p?}`
 * @throws {TranslationError} for tools, images, `stop`, `top_k` and the params `openai_chat.ts` refuses
 * @example
 * ```ts
 * import assert from "assert";
 * import { toLlamaInput } from "./llama.ts";
 * const input = toLlamaInput(
 *   { messages: [{ role: "user", content: "Hi" }] },
 *   { modelId: "meta.llama3-1-8b-instruct-v1:0" },
 * );
 * assert.equal(
 *   input.prompt,
 *   "<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>" +
 *     "<|start_header_id|>assistant<|end_header_id|>\n\n",
 * );
 * ```
 */
export function toLlamaInput(body: unknown, options: ToModelInputOptions): LlamaRequest {
  const caps = capabilitiesFor(options);
  const req = parseChatRequest(body, { ...FEATURES, ...limitOf(caps) });
  const template = (caps?.id ?? options.modelId).includes("llama4") ? LLAMA4 : LLAMA3;
  const last = req.messages.length - 1;
  let prompt = "<|begin_of_text|>";
  let open = false;
  for (let i = 0; i <= last; i++) {
    const message = req.messages[i]!;
    const param = `body.messages[${i}]`;
    if (message.role === "tool") {
      throw new TranslationError(`${ACTION}: tool messages are not supported`, param);
    }
    if (message.role === "assistant") {
      if (message.tool_calls != null && message.tool_calls.length > 0) {
        throw new TranslationError(
          `${ACTION}: tool calls are not supported`,
          `${param}.tool_calls`,
        );
      }
      refuseAssistantExtras(message, { action: ACTION, param });
    }
    if (
      message.role === "user" && Array.isArray(message.content) &&
      message.content.some((p) => p.type === "image_url") && caps?.input.includes("image")
    ) {
      throw new TranslationError(
        `${ACTION}: images need a Converse job for ${caps.name}, the prompt body has no place for them; set batch_invocation_type: converse`,
        `${param}.content`,
        { code: "unsupported_value" },
      );
    }
    const role = message.role === "developer" ? "system" : message.role;
    const text = flattenText(message.content ?? "", { action: ACTION, param: `${param}.content` })
      .trim();
    prompt += template.header(role) + text;
    open = i === last && role === "assistant";
    if (!open) prompt += template.eot;
  }
  if (!open) prompt += template.header("assistant");
  const input: LlamaRequest = {
    prompt,
    max_gen_len: maxTokensOf(
      req,
      options.defaultMaxTokens ?? LLAMA_DEFAULT_MAX_GEN_LEN,
      caps?.maxOutputTokens,
    ),
  };
  if (req.temperature != null) input.temperature = req.temperature;
  if (req.top_p != null) input.top_p = req.top_p;
  return input;
}

/**
 * Translates a Llama `modelOutput` into a `chat.completion` body.
 * @param output the `modelOutput` of one Bedrock output line
 * @param context `model`, `created` and `id` of the response
 * @throws {TranslationError} when the output has no `generation`
 */
export function fromLlamaOutput(output: unknown, context: FromModelOutputContext): ChatCompletion {
  const parsed = LlamaResponse.safeParse(output);
  if (!parsed.success) {
    throw fromZodError(parsed.error, { action: "Cannot read Llama output", root: "modelOutput" });
  }
  const res = parsed.data;
  return chatCompletion(context, {
    content: res.generation,
    toolCalls: [],
    finishReason: finishReason(COMPLETION_FINISH, res.stop_reason),
    tokens: { prompt: res.prompt_token_count ?? 0, completion: res.generation_token_count ?? 0 },
  });
}

/** The Llama prompt-template translator. */
export const llamaTranslator: Translator = {
  family: "llama",
  endpoint: "/v1/chat/completions",
  invocationType: "InvokeModel",
  toModelInput: toLlamaInput,
  fromModelOutput: fromLlamaOutput,
  usageOf: (output) => ({
    inputTokens: countAt(output, "prompt_token_count"),
    outputTokens: countAt(output, "generation_token_count"),
  }),
  maxOutputTokens: (modelInput) => countAt(modelInput, "max_gen_len"),
};
