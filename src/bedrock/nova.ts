/**
 * Amazon Nova on Bedrock (`messages-v1` InvokeModel body): OpenAI chat body →
 * Nova `modelInput`, Nova `modelOutput` → `chat.completion`.
 * @module
 */
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
  type ChatMessage,
  type ChatToolCall,
  maxTokensOf,
  parseChatRequest,
  stopList,
} from "./openai_chat.ts";
import { type NovaContentBlock, type NovaRequest, NovaResponse } from "./nova_body.ts";
import { fromZodError } from "./_errors.ts";
import {
  checkedTools,
  flattenText,
  parseDataImage,
  parseToolArguments,
  pushTurn,
  refuseAssistantExtras,
  refuseImage,
  type Turn,
} from "./_messages.ts";
import {
  jsonTool,
  type StructuredOutput,
  structuredOutputOf,
  unwrapJsonTool,
} from "./structured_output.ts";
import { chatCompletion, countAt, finishReason, MESSAGES_FINISH, objectAt } from "./_completion.ts";

/** `maxTokens` when neither the request nor the deployment sets one (Nova v1 allows up to 5,000). */
export const NOVA_DEFAULT_MAX_TOKENS = 4096;

const FEATURES = { label: "Nova", tools: true, stop: true, topK: true };
const ACTION = "Cannot translate for Nova";

function userBlocks(
  content: Extract<ChatMessage, { role: "user" }>["content"],
  options: { param: string; images: boolean; model: string },
): NovaContentBlock[] {
  if (typeof content === "string") return content === "" ? [] : [{ text: content }];
  const blocks: NovaContentBlock[] = [];
  for (let j = 0; j < content.length; j++) {
    const part = content[j]!;
    const param = `${options.param}[${j}]`;
    if (part.type === "text") {
      if (part.text !== "") blocks.push({ text: part.text });
    } else if (part.type === "image_url") {
      if (!options.images) refuseImage(options.model, { action: ACTION, param });
      const image = parseDataImage(part.image_url.url, {
        action: ACTION,
        param: `${param}.image_url`,
      });
      blocks.push({ image: { format: image.format, source: { bytes: image.data } } });
    } else {
      throw new TranslationError(
        `${ACTION}: content part type ${part.type} is not supported`,
        param,
      );
    }
  }
  return blocks;
}

function assistantBlocks(
  message: Extract<ChatMessage, { role: "assistant" }>,
  param: string,
): NovaContentBlock[] {
  refuseAssistantExtras(message, { action: ACTION, param });
  const blocks: NovaContentBlock[] = [];
  const content = message.content;
  if (typeof content === "string") {
    if (content !== "") blocks.push({ text: content });
  } else if (content != null) {
    for (const part of content) {
      const text = part.type === "text" ? part.text : part.refusal;
      if (text !== "") blocks.push({ text });
    }
  }
  const calls = message.tool_calls ?? [];
  for (let k = 0; k < calls.length; k++) {
    const call = calls[k]!;
    const input = parseToolArguments(call.function.arguments, {
      action: ACTION,
      param: `${param}.tool_calls[${k}].function.arguments`,
    });
    blocks.push({ toolUse: { toolUseId: call.id, name: call.function.name, input } });
  }
  return blocks;
}

function toolConfigOf(
  req: ChatCompletionRequest,
  hasToolBlocks: boolean,
  structured: StructuredOutput | null,
): NovaRequest["toolConfig"] | undefined {
  const tools = checkedTools(req, { action: ACTION, hasToolBlocks });
  if (structured) {
    const tool = jsonTool(structured);
    return {
      tools: [{
        toolSpec: {
          name: tool.name,
          description: tool.description,
          inputSchema: { json: tool.schema },
        },
      }],
      toolChoice: { tool: { name: tool.name } },
    };
  }
  const choice = req.tool_choice;
  if (tools === undefined) return undefined;
  if (choice === "none") {
    // Nova has no "none" choice, and tool blocks in the history need a toolConfig.
    if (hasToolBlocks) {
      throw new TranslationError(
        `${ACTION}: tool_choice none is not supported when messages hold tool calls`,
        "body.tool_choice",
      );
    }
    return undefined;
  }
  if (req.parallel_tool_calls === false) {
    throw new TranslationError(
      `${ACTION}: parameter parallel_tool_calls must be true, got false`,
      "body.parallel_tool_calls",
    );
  }
  const config: NonNullable<NovaRequest["toolConfig"]> = {
    tools: tools.map(({ function: f }) => ({
      toolSpec: {
        name: f.name,
        ...(f.description === undefined ? {} : { description: f.description }),
        inputSchema: { json: f.parameters ?? { type: "object", properties: {} } },
      },
    })),
  };
  if (choice === "required") config.toolChoice = { any: {} };
  else if (choice === "auto") config.toolChoice = { auto: {} };
  else if (choice != null) config.toolChoice = { tool: { name: choice.function.name } };
  return config;
}

/**
 * Translates an OpenAI chat body into a Nova `messages-v1` `modelInput`.
 * `response_format` (`json_schema`, `json_object`) becomes one tool forced
 * through `toolConfig.toolChoice` (see `structured_output.ts`).
 * @param body the `body` of one batch line
 * @param options model id or capabilities (Nova Micro refuses images) and the default `maxTokens`
 * @returns the `modelInput` with camelCase `inferenceConfig`
 * @throws {TranslationError} for what Nova cannot take (see `openai_chat.ts`)
 * @example
 * ```ts
 * import assert from "assert";
 * import { toNovaInput } from "./nova.ts";
 * const input = toNovaInput(
 *   { messages: [{ role: "user", content: "Hi" }], max_tokens: 50 },
 *   { modelId: "amazon.nova-lite-v1:0" },
 * );
 * assert.deepEqual(input.messages[0]?.content, [{ text: "Hi" }]);
 * assert.equal(input.inferenceConfig.maxTokens, 50);
 * ```
 */
export function toNovaInput(body: unknown, options: ToModelInputOptions): NovaRequest {
  const caps = capabilitiesFor(options);
  const req = parseChatRequest(body, {
    ...FEATURES,
    responseFormat: caps?.forcedTool === false ? null : "tool",
    ...limitOf(caps),
  });
  const structured = structuredOutputOf(req, { action: ACTION, mode: "tool" });
  const images = caps ? caps.input.includes("image") : !options.modelId.includes("nova-micro");
  const model = caps?.name ?? "Nova Micro";
  const system: { text: string }[] = [];
  const turns: Turn<NovaContentBlock>[] = [];
  let firstTurnIndex = -1;
  let hasToolBlocks = false;
  for (let i = 0; i < req.messages.length; i++) {
    const message = req.messages[i]!;
    const param = `body.messages[${i}]`;
    if (message.role === "system" || message.role === "developer") {
      const text = flattenText(message.content, { action: ACTION, param: `${param}.content` });
      if (text !== "") system.push({ text });
      continue;
    }
    if (firstTurnIndex < 0) firstTurnIndex = i;
    let blocks: NovaContentBlock[];
    if (message.role === "user") {
      blocks = userBlocks(message.content, { param: `${param}.content`, images, model });
    } else if (message.role === "assistant") {
      blocks = assistantBlocks(message, param);
      if (message.tool_calls != null && message.tool_calls.length > 0) hasToolBlocks = true;
    } else {
      const text = flattenText(message.content, { action: ACTION, param: `${param}.content` });
      blocks = [{ toolResult: { toolUseId: message.tool_call_id, content: [{ text }] } }];
      hasToolBlocks = true;
    }
    if (blocks.length === 0) {
      throw new TranslationError(
        `${ACTION}: message content must not be empty`,
        `${param}.content`,
      );
    }
    pushTurn(turns, message.role === "assistant" ? "assistant" : "user", blocks);
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
  const inferenceConfig: NovaRequest["inferenceConfig"] = {
    maxTokens: maxTokensOf(
      req,
      options.defaultMaxTokens ?? NOVA_DEFAULT_MAX_TOKENS,
      caps?.maxOutputTokens,
    ),
  };
  if (req.temperature != null) inferenceConfig.temperature = req.temperature;
  if (req.top_p != null) inferenceConfig.topP = req.top_p;
  if (req.top_k != null) inferenceConfig.topK = req.top_k;
  const stop = stopList(req);
  if (stop) inferenceConfig.stopSequences = stop;
  const input: NovaRequest = {
    schemaVersion: "messages-v1",
    ...(system.length > 0 ? { system } : {}),
    messages: turns,
    inferenceConfig,
  };
  const toolConfig = toolConfigOf(req, hasToolBlocks, structured);
  if (toolConfig) input.toolConfig = toolConfig;
  return input;
}

/**
 * Translates a Nova `modelOutput` into a `chat.completion` body. A call of
 * the structured-output tool becomes the message content (JSON text).
 * @param output the `modelOutput` of one Bedrock output line
 * @param context `model`, `created` and `id` of the response
 * @throws {TranslationError} when the output is not a Nova response
 */
export function fromNovaOutput(output: unknown, context: FromModelOutputContext): ChatCompletion {
  const parsed = NovaResponse.safeParse(output);
  if (!parsed.success) {
    throw fromZodError(parsed.error, { action: "Cannot read Nova output", root: "modelOutput" });
  }
  const res = parsed.data;
  let text: string | null = null;
  const toolCalls: ChatToolCall[] = [];
  for (const block of res.output.message.content) {
    if (block.text !== undefined) text = text === null ? block.text : text + block.text;
    else if (block.toolUse) {
      const { toolUseId, name, input } = block.toolUse;
      toolCalls.push({
        id: toolUseId,
        type: "function",
        function: { name, arguments: JSON.stringify(input ?? {}) },
      });
    }
    // Reasoning and other blocks have no place in a chat.completion message.
  }
  const usage = res.usage;
  const cacheRead = usage?.cacheReadInputTokenCount ?? usage?.cacheReadInputTokens;
  const cacheWrite = usage?.cacheWriteInputTokenCount ?? usage?.cacheWriteInputTokens;
  return chatCompletion(context, {
    ...unwrapJsonTool({
      content: text,
      toolCalls,
      finishReason: finishReason(MESSAGES_FINISH, res.stopReason),
    }),
    tokens: {
      prompt: (usage?.inputTokens ?? 0) + (cacheRead ?? 0) + (cacheWrite ?? 0),
      completion: usage?.outputTokens ?? 0,
      ...(cacheRead != null || cacheWrite != null ? { cached: cacheRead ?? 0 } : {}),
    },
  });
}

/** The Nova `messages-v1` translator. */
export const novaTranslator: Translator = {
  family: "nova",
  endpoint: "/v1/chat/completions",
  invocationType: "InvokeModel",
  toModelInput: toNovaInput,
  fromModelOutput: fromNovaOutput,
  usageOf(output) {
    const usage = objectAt(output, "usage");
    return {
      inputTokens: countAt(usage, "inputTokens") +
        (countAt(usage, "cacheReadInputTokenCount") || countAt(usage, "cacheReadInputTokens")) +
        (countAt(usage, "cacheWriteInputTokenCount") || countAt(usage, "cacheWriteInputTokens")),
      outputTokens: countAt(usage, "outputTokens"),
    };
  },
  maxOutputTokens: (modelInput) => countAt(objectAt(modelInput, "inferenceConfig"), "maxTokens"),
};
