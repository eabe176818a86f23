/**
 * Converse-type batch jobs, one request format for every chat model: OpenAI
 * chat body → Converse `modelInput`, Converse `modelOutput` →
 * `chat.completion`.
 *
 * Mapping: `system`/`developer` messages → `system`; user and assistant text
 * and data-URL images → content blocks (roles merged so they alternate);
 * `max_completion_tokens`/`max_tokens` → `inferenceConfig.maxTokens` (always
 * set, so cost estimates have a bound), `temperature`, `top_p` → `topP`,
 * `stop` → `stopSequences`; `top_k` → `additionalModelRequestFields`
 * (`top_k` for Claude, `inferenceConfig.topK` for Nova, refused elsewhere);
 * `response_format` `json_schema` → `outputConfig.textFormat` where Bedrock
 * documents structured outputs for the model.
 *
 * Tools are refused: AWS's batch guide says Converse-type jobs do not take
 * tool calling and records with `toolConfig` fail with 400 (use an
 * InvokeModel job and the native body instead; reference/bedrock-batch-facts-2.md §1.8).
 * @module
 */
import {
  type FromModelOutputContext,
  type ToModelInputOptions,
  TranslationError,
  type Translator,
} from "./translator.ts";
import {
  baseModelOf,
  capabilitiesFor,
  limitOf,
  type ModelCapabilities,
  unknownChatModel,
} from "./capabilities.ts";
import {
  type ChatCompletion,
  type ChatMessage,
  type ChatToolCall,
  maxTokensOf,
  parseChatRequest,
  stopList,
} from "./openai_chat.ts";
import {
  type ConverseContentBlock,
  type ConverseRequest,
  ConverseResponse,
} from "./converse_body.ts";
import { fromZodError } from "./_errors.ts";
import {
  flattenText,
  parseDataImage,
  pushTurn,
  refuseAssistantExtras,
  refuseImage,
  type Turn,
} from "./_messages.ts";
import { chatCompletion, countAt, finishReason, MESSAGES_FINISH, objectAt } from "./_completion.ts";
import { structuredOutputOf } from "./structured_output.ts";

/** `maxTokens` when neither the request nor the deployment sets one (capped at the model's limit). */
export const CONVERSE_DEFAULT_MAX_TOKENS = 4096;

/** Stop reasons that mean the model's output is unusable: the record fails. */
const MALFORMED: ReadonlySet<string> = new Set(["malformed_model_output", "malformed_tool_use"]);

function capsOf(options: ToModelInputOptions): ModelCapabilities {
  return capabilitiesFor(options) ??
    unknownChatModel(baseModelOf(options.modelId) ?? options.modelId);
}

/** What to say when a model has a native body that could do what Converse jobs cannot. */
function invokeHint(caps: ModelCapabilities, needs: "tools" | "structured"): string {
  const native = caps.native;
  const can = needs === "tools"
    ? caps.tools
    : caps.forcedTool && (native === "anthropic" || native === "nova" || native === "mistral-chat");
  return native !== null && can
    ? "; set batch_invocation_type: invoke to use the model's native request body"
    : "";
}

function userBlocks(
  content: Extract<ChatMessage, { role: "user" }>["content"],
  options: { action: string; param: string; caps: ModelCapabilities },
): ConverseContentBlock[] {
  if (typeof content === "string") return content === "" ? [] : [{ text: content }];
  const blocks: ConverseContentBlock[] = [];
  for (let j = 0; j < content.length; j++) {
    const part = content[j]!;
    const param = `${options.param}[${j}]`;
    if (part.type === "text") {
      if (part.text !== "") blocks.push({ text: part.text });
    } else if (part.type === "image_url") {
      if (!options.caps.input.includes("image")) {
        refuseImage(options.caps.name, { action: options.action, param });
      }
      const image = parseDataImage(part.image_url.url, {
        action: options.action,
        param: `${param}.image_url`,
      });
      blocks.push({ image: { format: image.format, source: { bytes: image.data } } });
    } else {
      throw new TranslationError(
        `${options.action}: content part type ${part.type} is not supported`,
        param,
        { code: "unsupported_value" },
      );
    }
  }
  return blocks;
}

function refuseTools(action: string, param: string, caps: ModelCapabilities): never {
  throw new TranslationError(
    `${action}: tools are not supported in Converse batch jobs, Bedrock fails records with toolConfig${
      invokeHint(caps, "tools")
    }`,
    param,
    { code: "unsupported_parameter" },
  );
}

/**
 * Translates an OpenAI chat body into a Converse `modelInput`.
 * @param body the `body` of one batch line
 * @param options model id or capabilities, and the deployment's default `max_tokens`
 * @returns the Converse request body (no `modelId`: the job names the model)
 * @throws {TranslationError} for what the model or a Converse job cannot take
 * @example
 * ```ts
 * import assert from "assert";
 * import { toConverseInput } from "./converse.ts";
 * const input = toConverseInput(
 *   { messages: [{ role: "system", content: "Be brief" }, { role: "user", content: "Hi" }] },
 *   { modelId: "openai.gpt-oss-120b-1:0" },
 * );
 * assert.deepEqual(input.system, [{ text: "Be brief" }]);
 * assert.deepEqual(input.messages, [{ role: "user", content: [{ text: "Hi" }] }]);
 * ```
 */
export function toConverseInput(body: unknown, options: ToModelInputOptions): ConverseRequest {
  const caps = capsOf(options);
  const action = `Cannot translate for ${caps.name}`;
  const topK = caps.native === "anthropic" || caps.native === "nova";
  // Tools and response_format pass the shared policy and are refused below with the reason.
  const req = parseChatRequest(body, {
    label: caps.name,
    tools: true,
    stop: true,
    topK,
    responseFormat: "native",
    ...limitOf(caps),
  });
  if (req.tools != null && req.tools.length > 0) refuseTools(action, "body.tools", caps);
  const choice = req.tool_choice;
  if (choice != null && choice !== "none" && choice !== "auto") {
    refuseTools(action, "body.tool_choice", caps);
  }
  const format = req.response_format;
  if (format != null && format.type !== "text" && !caps.nativeStructuredOutput) {
    throw new TranslationError(
      `${action}: response_format ${format.type} is not supported, Bedrock documents no structured outputs for this model in Converse jobs${
        invokeHint(caps, "structured")
      }`,
      "body.response_format",
      { code: "unsupported_value" },
    );
  }
  const structured = structuredOutputOf(req, { action, mode: "native" });
  const system: { text: string }[] = [];
  const turns: Turn<ConverseContentBlock>[] = [];
  let firstTurnIndex = -1;
  for (let i = 0; i < req.messages.length; i++) {
    const message = req.messages[i]!;
    const param = `body.messages[${i}]`;
    if (message.role === "system" || message.role === "developer") {
      const text = flattenText(message.content, { action, param: `${param}.content` });
      if (text !== "") system.push({ text });
      continue;
    }
    if (message.role === "tool") refuseTools(action, param, caps);
    if (firstTurnIndex < 0) firstTurnIndex = i;
    let blocks: ConverseContentBlock[];
    if (message.role === "user") {
      blocks = userBlocks(message.content, { action, param: `${param}.content`, caps });
    } else {
      refuseAssistantExtras(message, { action, param });
      if (message.tool_calls != null && message.tool_calls.length > 0) {
        refuseTools(action, `${param}.tool_calls`, caps);
      }
      const text = flattenText(message.content ?? "", { action, param: `${param}.content` });
      blocks = text === "" ? [] : [{ text }];
    }
    if (blocks.length === 0) {
      throw new TranslationError(
        `${action}: message content must not be empty`,
        `${param}.content`,
      );
    }
    pushTurn(turns, message.role, blocks);
  }
  if (turns.length === 0) {
    throw new TranslationError(`${action}: messages must include a user message`, "body.messages");
  }
  if (turns[0]!.role !== "user") {
    throw new TranslationError(
      `${action}: the first non-system message must come from the user`,
      `body.messages[${firstTurnIndex}].role`,
    );
  }
  const inferenceConfig: ConverseRequest["inferenceConfig"] = {
    maxTokens: maxTokensOf(
      req,
      options.defaultMaxTokens ?? CONVERSE_DEFAULT_MAX_TOKENS,
      caps.maxOutputTokens,
    ),
  };
  if (req.temperature != null) inferenceConfig.temperature = req.temperature;
  if (req.top_p != null) inferenceConfig.topP = req.top_p;
  const stop = stopList(req);
  if (stop) {
    const empty = stop.indexOf("");
    if (empty >= 0) {
      throw new TranslationError(`${action}: stop sequences must not be empty`, "body.stop", {
        code: "unsupported_value",
      });
    }
    inferenceConfig.stopSequences = stop;
  }
  const input: ConverseRequest = {
    messages: turns,
    ...(system.length > 0 ? { system } : {}),
    inferenceConfig,
  };
  if (req.top_k != null) {
    input.additionalModelRequestFields = caps.native === "nova"
      ? { inferenceConfig: { topK: req.top_k } }
      : { top_k: req.top_k };
  }
  if (structured) {
    input.outputConfig = {
      textFormat: {
        type: "json_schema",
        structure: {
          jsonSchema: {
            schema: JSON.stringify(structured.schema),
            name: structured.name,
            ...(structured.description === undefined
              ? {}
              : { description: structured.description }),
          },
        },
      },
    };
  }
  return input;
}

/**
 * Translates a Converse `modelOutput` into a `chat.completion` body. Text
 * blocks are joined; reasoning blocks have no place in the message and are dropped.
 * @param output the `modelOutput` of one Bedrock output line
 * @param context `model`, `created` and `id` of the response
 * @throws {TranslationError} for an output not in Converse's shape, or one
 *   whose stop reason says the model's output was malformed
 */
export function fromConverseOutput(
  output: unknown,
  context: FromModelOutputContext,
): ChatCompletion {
  const parsed = ConverseResponse.safeParse(output);
  if (!parsed.success) {
    throw fromZodError(parsed.error, {
      action: "Cannot read Converse output",
      root: "modelOutput",
    });
  }
  const res = parsed.data;
  if (MALFORMED.has(res.stopReason)) {
    throw new TranslationError(
      `Cannot read Converse output: the model's output was malformed (stopReason ${res.stopReason})`,
      "modelOutput.stopReason",
    );
  }
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
  }
  const usage = res.usage;
  const cacheRead = usage?.cacheReadInputTokens;
  const cacheWrite = usage?.cacheWriteInputTokens;
  return chatCompletion(context, {
    content: text,
    toolCalls,
    finishReason: finishReason(MESSAGES_FINISH, res.stopReason),
    tokens: {
      // Like Claude's, Converse's inputTokens leaves out cached tokens.
      prompt: (usage?.inputTokens ?? 0) + (cacheRead ?? 0) + (cacheWrite ?? 0),
      completion: usage?.outputTokens ?? 0,
      ...(cacheRead != null || cacheWrite != null ? { cached: cacheRead ?? 0 } : {}),
    },
  });
}

/** The Converse translator (any chat model, `modelInvocationType: "Converse"`). */
export const converseTranslator: Translator = {
  family: "converse",
  endpoint: "/v1/chat/completions",
  invocationType: "Converse",
  toModelInput: toConverseInput,
  fromModelOutput: fromConverseOutput,
  usageOf(output) {
    const usage = objectAt(output, "usage");
    return {
      inputTokens: countAt(usage, "inputTokens") + countAt(usage, "cacheReadInputTokens") +
        countAt(usage, "cacheWriteInputTokens"),
      outputTokens: countAt(usage, "outputTokens"),
    };
  },
  maxOutputTokens: (modelInput) => countAt(objectAt(modelInput, "inferenceConfig"), "maxTokens"),
};
