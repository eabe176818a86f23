/**
 * Anthropic Claude on Bedrock (Messages API, `bedrock-2023-05-31`): OpenAI
 * chat body → Claude `modelInput`, Claude `modelOutput` → `chat.completion`.
 * @module
 */
import {
  type FromModelOutputContext,
  type ToModelInputOptions,
  TranslationError,
  type Translator,
} from "./translator.ts";
import { capabilitiesFor, limitOf, type ModelCapabilities } from "./capabilities.ts";
import {
  type ChatCompletion,
  type ChatCompletionRequest,
  type ChatMessage,
  type ChatToolCall,
  maxTokensOf,
  parseChatRequest,
  stopList,
} from "./openai_chat.ts";
import {
  type AnthropicContentBlock,
  type AnthropicRequest,
  AnthropicResponse,
} from "./anthropic_body.ts";
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

/** `max_tokens` when neither the request nor the deployment sets one; every Claude model allows it. */
export const CLAUDE_DEFAULT_MAX_TOKENS = 4096;

const FEATURES = { label: "Claude", tools: true, stop: true, topK: true };
const ACTION = "Cannot translate for Claude";

function userBlocks(
  content: Extract<ChatMessage, { role: "user" }>["content"],
  param: string,
  caps: ModelCapabilities | undefined,
): AnthropicContentBlock[] {
  if (typeof content === "string") return content === "" ? [] : [{ type: "text", text: content }];
  const blocks: AnthropicContentBlock[] = [];
  for (let j = 0; j < content.length; j++) {
    const part = content[j]!;
    if (part.type === "text") {
      if (part.text !== "") blocks.push({ type: "text", text: part.text });
    } else if (part.type === "image_url") {
      if (caps && !caps.input.includes("image")) {
        refuseImage(caps.name, { action: ACTION, param: `${param}[${j}]` });
      }
      const image = parseDataImage(part.image_url.url, {
        action: ACTION,
        param: `${param}[${j}].image_url`,
      });
      blocks.push({
        type: "image",
        source: { type: "base64", media_type: image.mediaType, data: image.data },
      });
    } else {
      throw new TranslationError(
        `${ACTION}: content part type ${part.type} is not supported`,
        `${param}[${j}]`,
      );
    }
  }
  return blocks;
}

function assistantBlocks(
  message: Extract<ChatMessage, { role: "assistant" }>,
  param: string,
): AnthropicContentBlock[] {
  refuseAssistantExtras(message, { action: ACTION, param });
  const blocks: AnthropicContentBlock[] = [];
  const content = message.content;
  if (typeof content === "string") {
    if (content !== "") blocks.push({ type: "text", text: content });
  } else if (content != null) {
    for (const part of content) {
      const text = part.type === "text" ? part.text : part.refusal;
      if (text !== "") blocks.push({ type: "text", text });
    }
  }
  const calls = message.tool_calls ?? [];
  for (let k = 0; k < calls.length; k++) {
    const call = calls[k]!;
    const input = parseToolArguments(call.function.arguments, {
      action: ACTION,
      param: `${param}.tool_calls[${k}].function.arguments`,
    });
    blocks.push({ type: "tool_use", id: call.id, name: call.function.name, input });
  }
  return blocks;
}

function toolResult(message: Extract<ChatMessage, { role: "tool" }>): AnthropicContentBlock {
  const block: Extract<AnthropicContentBlock, { type: "tool_result" }> = {
    type: "tool_result",
    tool_use_id: message.tool_call_id,
  };
  const content = message.content;
  if (typeof content === "string") {
    if (content !== "") block.content = content;
  } else {
    const texts = content.filter((p) => p.text !== "").map((p) => ({
      type: "text" as const,
      text: p.text,
    }));
    if (texts.length > 0) block.content = texts;
  }
  return block;
}

function toolFields(
  req: ChatCompletionRequest,
  hasToolBlocks: boolean,
  structured: StructuredOutput | null,
): Pick<AnthropicRequest, "tools" | "tool_choice"> {
  const tools = checkedTools(req, { action: ACTION, hasToolBlocks });
  if (structured) {
    const tool = jsonTool(structured);
    return {
      tools: [{ name: tool.name, description: tool.description, input_schema: tool.schema }],
      tool_choice: { type: "tool", name: tool.name },
    };
  }
  const choice = req.tool_choice;
  // Claude rejects tool blocks without tool definitions, so "none" keeps them and says none.
  if (tools === undefined || choice === "none" && !hasToolBlocks) return {};
  const out: Pick<AnthropicRequest, "tools" | "tool_choice"> = {
    tools: tools.map(({ function: f }) => ({
      name: f.name,
      ...(f.description === undefined ? {} : { description: f.description }),
      input_schema: f.parameters ?? { type: "object", properties: {} },
    })),
  };
  if (choice === "none") out.tool_choice = { type: "none" };
  else if (choice === "required") out.tool_choice = { type: "any" };
  else if (choice === "auto") out.tool_choice = { type: "auto" };
  else if (choice != null) out.tool_choice = { type: "tool", name: choice.function.name };
  if (req.parallel_tool_calls === false && choice !== "none") {
    out.tool_choice = { ...(out.tool_choice ?? { type: "auto" }), disable_parallel_tool_use: true };
  }
  return out;
}

/**
 * Translates an OpenAI chat body into a Claude Messages `modelInput`.
 * `response_format` (`json_schema`, `json_object`) becomes one forced tool
 * (see `structured_output.ts`).
 * @param body the `body` of one batch line
 * @param options model id or capabilities, and the deployment's default `max_tokens`
 * @returns the `modelInput`: `anthropic_version`, `max_tokens`, `system`, alternating `messages`, sampling and tools
 * @throws {TranslationError} for what Claude cannot take (see `openai_chat.ts`)
 * @example
 * ```ts
 * import assert from "assert";
 * import { toAnthropicInput } from "./anthropic.ts";
 * const input = toAnthropicInput(
 *   { messages: [{ role: "system", content: "Be brief" }, { role: "user", content: "Hi" }] },
 *   { modelId: "anthropic.claude-3-haiku-20240307-v1:0" },
 * );
 * assert.equal(input.system, "Be brief");
 * assert.equal(input.max_tokens, 4096);
 * ```
 */
export function toAnthropicInput(body: unknown, options: ToModelInputOptions): AnthropicRequest {
  const caps = capabilitiesFor(options);
  const req = parseChatRequest(body, {
    ...FEATURES,
    responseFormat: caps?.forcedTool === false ? null : "tool",
    ...limitOf(caps),
  });
  const structured = structuredOutputOf(req, { action: ACTION, mode: "tool" });
  const system: string[] = [];
  const turns: Turn<AnthropicContentBlock>[] = [];
  let firstTurnIndex = -1;
  let hasToolBlocks = false;
  for (let i = 0; i < req.messages.length; i++) {
    const message = req.messages[i]!;
    const param = `body.messages[${i}]`;
    if (message.role === "system" || message.role === "developer") {
      system.push(flattenText(message.content, { action: ACTION, param: `${param}.content` }));
      continue;
    }
    if (firstTurnIndex < 0) firstTurnIndex = i;
    let blocks: AnthropicContentBlock[];
    if (message.role === "user") blocks = userBlocks(message.content, `${param}.content`, caps);
    else if (message.role === "assistant") {
      blocks = assistantBlocks(message, param);
      if (message.tool_calls != null && message.tool_calls.length > 0) hasToolBlocks = true;
    } else {
      blocks = [toolResult(message)];
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
  const input: AnthropicRequest = {
    anthropic_version: "bedrock-2023-05-31",
    max_tokens: maxTokensOf(
      req,
      options.defaultMaxTokens ?? CLAUDE_DEFAULT_MAX_TOKENS,
      caps?.maxOutputTokens,
    ),
    ...(system.length === 0 ? {} : {
      system: system.length === 1
        ? system[0]!
        : system.map((text) => ({ type: "text" as const, text })),
    }),
    messages: turns,
  };
  if (req.temperature != null) input.temperature = req.temperature;
  if (req.top_p != null) input.top_p = req.top_p;
  if (req.top_k != null) input.top_k = req.top_k;
  const stop = stopList(req);
  if (stop) input.stop_sequences = stop;
  return Object.assign(input, toolFields(req, hasToolBlocks, structured));
}

/**
 * Translates a Claude `modelOutput` into a `chat.completion` body. A call of
 * the structured-output tool becomes the message content (JSON text).
 * @param output the `modelOutput` of one Bedrock output line
 * @param context `model`, `created` and `id` of the response
 * @throws {TranslationError} when the output is not a Claude Messages response
 */
export function fromAnthropicOutput(
  output: unknown,
  context: FromModelOutputContext,
): ChatCompletion {
  const parsed = AnthropicResponse.safeParse(output);
  if (!parsed.success) {
    throw fromZodError(parsed.error, { action: "Cannot read Claude output", root: "modelOutput" });
  }
  const res = parsed.data;
  let text: string | null = null;
  const toolCalls: ChatToolCall[] = [];
  for (let i = 0; i < res.content.length; i++) {
    const block = res.content[i]!;
    if (block.type === "text" && block.text !== undefined) {
      text = text === null ? block.text : text + block.text;
    } else if (block.type === "tool_use") {
      if (block.id === undefined || block.name === undefined) {
        throw new TranslationError(
          "Cannot read Claude output: tool_use block lacks id or name",
          `modelOutput.content[${i}]`,
        );
      }
      toolCalls.push({
        id: block.id,
        type: "function",
        function: { name: block.name, arguments: JSON.stringify(block.input ?? {}) },
      });
    }
    // Thinking and other blocks have no place in a chat.completion message.
  }
  const usage = res.usage;
  const cacheRead = usage?.cache_read_input_tokens ?? 0;
  const cacheWrite = usage?.cache_creation_input_tokens ?? 0;
  const hasCache = usage?.cache_read_input_tokens != null ||
    usage?.cache_creation_input_tokens != null;
  return chatCompletion(context, {
    ...unwrapJsonTool({
      content: text,
      toolCalls,
      finishReason: finishReason(MESSAGES_FINISH, res.stop_reason),
    }),
    tokens: {
      // Claude's input_tokens leaves out cached tokens; OpenAI's prompt_tokens counts them.
      prompt: (usage?.input_tokens ?? 0) + cacheRead + cacheWrite,
      completion: usage?.output_tokens ?? 0,
      ...(hasCache ? { cached: cacheRead } : {}),
    },
  });
}

/** The Claude Messages translator. */
export const anthropicTranslator: Translator = {
  family: "anthropic",
  endpoint: "/v1/chat/completions",
  invocationType: "InvokeModel",
  toModelInput: toAnthropicInput,
  fromModelOutput: fromAnthropicOutput,
  usageOf(output) {
    const usage = objectAt(output, "usage");
    return {
      inputTokens: countAt(usage, "input_tokens") + countAt(usage, "cache_read_input_tokens") +
        countAt(usage, "cache_creation_input_tokens"),
      outputTokens: countAt(usage, "output_tokens"),
    };
  },
  maxOutputTokens: (modelInput) => countAt(modelInput, "max_tokens"),
};
