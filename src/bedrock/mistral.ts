/**
 * Mistral text-completion models on Bedrock (7B Instruct, Mixtral 8x7B,
 * Large 2402, Small 2402; `<s>[INST] … [/INST]` prompt body): OpenAI chat body
 * → Mistral `modelInput`, Mistral `modelOutput` → `chat.completion`.
 * Mistral Large 2407 and Pixtral take a chat body instead and are not this family.
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
import { type ChatCompletion, maxTokensOf, parseChatRequest, stopList } from "./openai_chat.ts";
import { fromZodError } from "./_errors.ts";
import { flattenText, refuseAssistantExtras } from "./_messages.ts";
import { chatCompletion, COMPLETION_FINISH, countAt, finishReason } from "./_completion.ts";

/** `max_tokens` when neither the request nor the deployment sets one (Mixtral's maximum). */
export const MISTRAL_DEFAULT_MAX_TOKENS = 4096;

const FEATURES = { label: "Mistral", tools: false, stop: true, topK: true };
const ACTION = "Cannot translate for Mistral";

/** The Mistral `modelInput` Batchgate writes. */
export const MistralRequest = z.object({
  prompt: z.string(),
  max_tokens: z.int().positive(),
  stop: z.array(z.string()).optional(),
  temperature: z.number().optional(),
  top_p: z.number().optional(),
  top_k: z.int().optional(),
});
/** The Mistral `modelInput`. */
export type MistralRequest = z.infer<typeof MistralRequest>;

/** The Mistral `modelOutput`; it carries no token counts. */
export const MistralResponse = z.object({
  outputs: z.array(z.object({ text: z.string(), stop_reason: z.string().nullish() })).min(1),
});
/** The Mistral `modelOutput`. */
export type MistralResponse = z.infer<typeof MistralResponse>;

/**
 * Translates an OpenAI chat body into a Mistral `modelInput`. System
 * messages are prepended to the first user turn (the template has no system
 * role); consecutive same-role messages are joined with a blank line; a final
 * assistant message is left open so the model continues it.
 * @param body the `body` of one batch line
 * @param options model id and the default `max_tokens`
 * @returns `{prompt, max_tokens, stop?, temperature?, top_p?, top_k?}`
 * @throws {TranslationError} for tools, images, non-alternating turns and the params `openai_chat.ts` refuses
 * @example
 * ```ts
 * import assert from "assert";
 * import { toMistralInput } from "./mistral.ts";
 * const input = toMistralInput(
 *   { messages: [{ role: "user", content: "Hi" }] },
 *   { modelId: "mistral.mistral-large-2402-v1:0" },
 * );
 * assert.equal(input.prompt, "<s>[INST] Hi [/INST]");
 * ```
 */
export function toMistralInput(body: unknown, options: ToModelInputOptions): MistralRequest {
  const caps = capabilitiesFor(options);
  const req = parseChatRequest(body, { ...FEATURES, ...limitOf(caps) });
  let system = "";
  const turns: { role: "user" | "assistant"; text: string }[] = [];
  let firstTurnIndex = -1;
  for (let i = 0; i < req.messages.length; i++) {
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
    const text = flattenText(message.content ?? "", { action: ACTION, param: `${param}.content` })
      .trim();
    if (message.role === "system" || message.role === "developer") {
      if (text !== "") system = system === "" ? text : `${system}\n\n${text}`;
      continue;
    }
    if (firstTurnIndex < 0) firstTurnIndex = i;
    const last = turns[turns.length - 1];
    if (last?.role === message.role) last.text = `${last.text}\n\n${text}`;
    else turns.push({ role: message.role, text });
  }
  if (turns.length === 0) {
    throw new TranslationError(`${ACTION}: messages must include a user message`, "body.messages");
  }
  if (turns[0]!.role !== "user") {
    throw new TranslationError(
      `${ACTION}: the first non-system message must come from the user`,
      `body.messages[${firstTurnIndex}].role`,
    );
  }
  if (system !== "") turns[0]!.text = `${system}\n\n${turns[0]!.text}`;
  let prompt = "<s>";
  for (let t = 0; t < turns.length; t++) {
    const turn = turns[t]!;
    if (turn.role === "user") prompt += `[INST] ${turn.text} [/INST]`;
    else prompt += t === turns.length - 1 ? ` ${turn.text}` : ` ${turn.text}</s>`;
  }
  const input: MistralRequest = {
    prompt,
    max_tokens: maxTokensOf(
      req,
      options.defaultMaxTokens ?? MISTRAL_DEFAULT_MAX_TOKENS,
      caps?.maxOutputTokens,
    ),
  };
  const stop = stopList(req);
  if (stop) input.stop = stop;
  if (req.temperature != null) input.temperature = req.temperature;
  if (req.top_p != null) input.top_p = req.top_p;
  if (req.top_k != null) input.top_k = req.top_k;
  return input;
}

/**
 * Translates a Mistral `modelOutput` into a `chat.completion` body. Mistral
 * reports no token counts, so `usage` is zeros.
 * @param output the `modelOutput` of one Bedrock output line
 * @param context `model`, `created` and `id` of the response
 * @throws {TranslationError} when the output has no `outputs`
 */
export function fromMistralOutput(
  output: unknown,
  context: FromModelOutputContext,
): ChatCompletion {
  const parsed = MistralResponse.safeParse(output);
  if (!parsed.success) {
    throw fromZodError(parsed.error, { action: "Cannot read Mistral output", root: "modelOutput" });
  }
  const first = parsed.data.outputs[0]!;
  return chatCompletion(context, {
    content: first.text,
    toolCalls: [],
    finishReason: finishReason(COMPLETION_FINISH, first.stop_reason),
    tokens: { prompt: 0, completion: 0 },
  });
}

/** The Mistral prompt-template translator. */
export const mistralTranslator: Translator = {
  family: "mistral",
  endpoint: "/v1/chat/completions",
  invocationType: "InvokeModel",
  toModelInput: toMistralInput,
  fromModelOutput: fromMistralOutput,
  // The body has no counts; the job manifest's totals are the only source.
  usageOf: () => ({ inputTokens: 0, outputTokens: 0 }),
  maxOutputTokens: (modelInput) => countAt(modelInput, "max_tokens"),
};
