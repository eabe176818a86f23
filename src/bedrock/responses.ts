/**
 * `/v1/responses` batch lines on any chat model: a Responses body is rewritten
 * into the equivalent chat body and goes through the model's chat translator;
 * the chat completion that comes back becomes a `response` object.
 *
 * Errors from the chat translator name chat paths (`body.messages[3]`,
 * `body.max_completion_tokens`); {@linkcode responsesTranslator} maps them
 * back to the Responses body the caller wrote (`body.input[2]`,
 * `body.max_output_tokens`), so the line's error points at a real field.
 * @module
 */
import { type FromModelOutputContext, TranslationError, type Translator } from "./translator.ts";
import type { ChatCompletion, ChatToolCall } from "./openai_chat.ts";
import {
  FunctionCallItem,
  FunctionCallOutputItem,
  type InputPart,
  MessageItem,
  type ResponseObject,
  RESPONSES_PARAMS,
  ResponsesFunctionTool,
  ResponsesRequest,
} from "./openai_responses.ts";
import { fromZodError, show } from "./_errors.ts";

const ACTION = "Cannot translate Responses request";

/** A chat body built from a Responses body, and where each chat message came from. */
export interface ChatFromResponses {
  /** The chat completion request body. */
  body: Record<string, unknown>;
  /** Responses path of each chat message (`body.instructions`, `body.input[2]`). */
  messagePaths: string[];
  /** Per chat message, the Responses path of each of its tool calls. */
  toolCallPaths: string[][];
}

function refuse(key: string, requirement: string, value?: unknown): never {
  const got = value === undefined || (typeof value === "object" && value !== null)
    ? ""
    : `, got ${show(value)}`;
  throw new TranslationError(`${ACTION}: parameter ${key} ${requirement}${got}`, `body.${key}`, {
    code: requirement.startsWith("is") ? "unsupported_parameter" : "unsupported_value",
  });
}

function userParts(parts: readonly InputPart[], param: string): unknown[] {
  return parts.map((part, j) => {
    if (part.type === "input_text") return { type: "text", text: part.text };
    if (part.type === "input_image") {
      if (part.image_url == null) {
        throw new TranslationError(
          `${ACTION}: input_image needs image_url (a base64 data URL), file_id is not supported`,
          `${param}[${j}]`,
          { code: "unsupported_value" },
        );
      }
      return {
        type: "image_url",
        image_url: { url: part.image_url, ...(part.detail ? { detail: part.detail } : {}) },
      };
    }
    throw new TranslationError(
      `${ACTION}: content part type ${part.type} is not supported`,
      `${param}[${j}]`,
      { code: "unsupported_value" },
    );
  });
}

function messageOf(item: MessageItem, param: string): Record<string, unknown> {
  const content = item.content;
  if (typeof content === "string") return { role: item.role, content };
  if (item.role === "assistant") {
    return {
      role: "assistant",
      content: content.map((part, j) => {
        if (part.type === "output_text" || part.type === "input_text") {
          return { type: "text", text: part.text };
        }
        if (part.type === "refusal") return { type: "refusal", refusal: part.refusal };
        throw new TranslationError(
          `${ACTION}: content part type ${part.type} is not supported in an assistant message`,
          `${param}.content[${j}]`,
          { code: "unsupported_value" },
        );
      }),
    };
  }
  return { role: item.role, content: userParts(content as InputPart[], `${param}.content`) };
}

/**
 * Rewrites a Responses body as a chat completion body.
 * @param body the `body` of one `/v1/responses` batch line
 * @returns the chat body and the path map for errors
 * @throws {TranslationError} for what has no chat counterpart (see `openai_responses.ts`)
 */
export function chatFromResponses(body: unknown): ChatFromResponses {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new TranslationError(`${ACTION}: body must be a JSON object`, "body");
  }
  for (const key in body) {
    if (!RESPONSES_PARAMS.has(key)) refuse(key, "is not supported");
  }
  const parsed = ResponsesRequest.safeParse(body);
  if (!parsed.success) throw fromZodError(parsed.error, { action: ACTION, root: "body" });
  const req = parsed.data;
  for (const key of ["previous_response_id", "conversation", "prompt", "max_tool_calls"] as const) {
    if (req[key] != null) refuse(key, "is not supported in batch");
  }
  if (req.top_logprobs != null) refuse("top_logprobs", "is not supported", req.top_logprobs);
  if (req.background === true) refuse("background", "must be false", true);
  if (req.reasoning != null && Object.keys(req.reasoning).length > 0) {
    refuse("reasoning", "is not supported");
  }
  if (req.truncation === "auto") refuse("truncation", 'must be "disabled"', "auto");
  if (req.text?.verbosity != null) refuse("text.verbosity", "is not supported");

  const messages: Record<string, unknown>[] = [];
  const messagePaths: string[] = [];
  const toolCallPaths: string[][] = [];
  const push = (message: Record<string, unknown>, path: string) => {
    messages.push(message);
    messagePaths.push(path);
    toolCallPaths.push([]);
  };
  if (req.instructions != null && req.instructions !== "") {
    push({ role: "system", content: req.instructions }, "body.instructions");
  }
  if (typeof req.input === "string") push({ role: "user", content: req.input }, "body.input");
  else {
    for (let i = 0; i < req.input.length; i++) {
      const raw = req.input[i]!;
      const param = `body.input[${i}]`;
      const type = raw.type ?? "message";
      if (type === "message") {
        const item = MessageItem.safeParse(raw);
        if (!item.success) throw fromZodError(item.error, { action: ACTION, root: param });
        push(messageOf(item.data, param), param);
      } else if (type === "function_call") {
        const item = FunctionCallItem.safeParse(raw);
        if (!item.success) throw fromZodError(item.error, { action: ACTION, root: param });
        const call: ChatToolCall = {
          id: item.data.call_id,
          type: "function",
          function: { name: item.data.name, arguments: item.data.arguments },
        };
        const last = messages.at(-1);
        // Consecutive calls (and a text answer right before them) are one assistant turn in chat.
        if (last?.role === "assistant") {
          const calls = (last.tool_calls ?? []) as ChatToolCall[];
          last.tool_calls = [...calls, call];
          toolCallPaths.at(-1)!.push(param);
        } else {
          push({ role: "assistant", content: null, tool_calls: [call] }, param);
          toolCallPaths.at(-1)!.push(param);
        }
      } else if (type === "function_call_output") {
        const item = FunctionCallOutputItem.safeParse(raw);
        if (!item.success) throw fromZodError(item.error, { action: ACTION, root: param });
        const output = item.data.output;
        push({
          role: "tool",
          tool_call_id: item.data.call_id,
          content: typeof output === "string" ? output : output.map((p) => p.text).join("\n"),
        }, param);
      } else {
        throw new TranslationError(
          `${ACTION}: input item type ${show(type)} is not supported`,
          `${param}.type`,
          { code: "unsupported_value" },
        );
      }
    }
  }

  const chat: Record<string, unknown> = { messages };
  if (req.max_output_tokens != null) chat.max_completion_tokens = req.max_output_tokens;
  if (req.temperature != null) chat.temperature = req.temperature;
  if (req.top_p != null) chat.top_p = req.top_p;
  if (req.stream != null) chat.stream = req.stream;
  if (req.parallel_tool_calls != null) chat.parallel_tool_calls = req.parallel_tool_calls;
  const format = req.text?.format;
  if (format?.type === "json_schema") {
    const { type: _type, ...jsonSchema } = format;
    chat.response_format = { type: "json_schema", json_schema: jsonSchema };
  } else if (format) chat.response_format = format;
  if (req.tools != null) {
    chat.tools = req.tools.map((raw, k) => {
      const tool = ResponsesFunctionTool.safeParse(raw);
      if (!tool.success) {
        if (raw.type !== "function") {
          throw new TranslationError(
            `${ACTION}: tool type ${show(raw.type)} is not supported, only function tools`,
            `body.tools[${k}].type`,
            { code: "unsupported_value" },
          );
        }
        throw fromZodError(tool.error, { action: ACTION, root: `body.tools[${k}]` });
      }
      const { name, description, parameters, strict } = tool.data;
      return {
        type: "function",
        function: {
          name,
          ...(description == null ? {} : { description }),
          ...(parameters == null ? {} : { parameters }),
          ...(strict == null ? {} : { strict }),
        },
      };
    });
  }
  const choice = req.tool_choice;
  if (typeof choice === "string") chat.tool_choice = choice;
  else if (choice != null) {
    if (choice.type !== "function" || choice.name === undefined) {
      throw new TranslationError(
        `${ACTION}: tool_choice type ${show(choice.type)} is not supported, only a function`,
        "body.tool_choice",
        { code: "unsupported_value" },
      );
    }
    chat.tool_choice = { type: "function", function: { name: choice.name } };
  }
  return { body: chat, messagePaths, toolCallPaths };
}

/** Chat parameter paths and their Responses names, longest first. */
const RENAMED: readonly [string, string][] = [
  ["body.response_format.json_schema.", "body.text.format."],
  ["body.response_format", "body.text.format"],
  ["body.max_completion_tokens", "body.max_output_tokens"],
  ["body.max_tokens", "body.max_output_tokens"],
  ["body.tool_choice.function.name", "body.tool_choice.name"],
];

/** Words of chat messages that name a renamed parameter. */
const RENAMED_WORDS: readonly [RegExp, string][] = [
  [/\bresponse_format\.json_schema\./g, "text.format."],
  [/\bresponse_format\b/g, "text.format"],
  [/\bmax_completion_tokens\b/g, "max_output_tokens"],
  [/\bmax_tokens\b/g, "max_output_tokens"],
];

function responsesParam(param: string, map: ChatFromResponses): string {
  const message = /^body\.messages\[(\d+)\](.*)$/.exec(param);
  if (message) {
    const index = Number(message[1]);
    let rest = message[2]!;
    const call = /^\.tool_calls\[(\d+)\](.*)$/.exec(rest);
    if (call) {
      const path = map.toolCallPaths[index]?.[Number(call[1])];
      if (path) return path + call[2]!.replace(/^\.function\./, ".");
      rest = ".tool_calls";
    }
    const base = map.messagePaths[index] ?? "body.input";
    if (base === "body.instructions" || base === "body.input") return base;
    return base + rest.replace(/^\.tool_call_id/, ".call_id");
  }
  const tool = /^body\.tools\[(\d+)\]\.function(.*)$/.exec(param);
  if (tool) return `body.tools[${tool[1]}]${tool[2]}`;
  for (const [from, to] of RENAMED) {
    if (param.startsWith(from)) return to + param.slice(from.length);
  }
  return param;
}

function remapped(error: TranslationError, map: ChatFromResponses): TranslationError {
  let message = error.message;
  for (const [pattern, name] of RENAMED_WORDS) message = message.replace(pattern, name);
  return new TranslationError(message, responsesParam(error.param, map), { code: error.code });
}

/**
 * Turns a `chat.completion` into a `response` object: the text as one
 * `message` item of `output_text`, each tool call as a `function_call` item,
 * `status` `incomplete` (with the reason) when the output was cut off or filtered.
 * @param completion what the chat translator made of the model's output
 * @param context `responseId` (`resp_…`), `created` and the group name
 */
export function responseOf(
  completion: ChatCompletion,
  context: FromModelOutputContext,
): ResponseObject {
  const choice = completion.choices[0]!;
  const reason = choice.finish_reason === "length"
    ? "max_output_tokens"
    : choice.finish_reason === "content_filter"
    ? "content_filter"
    : null;
  const status = reason === null ? "completed" : "incomplete";
  const suffix = context.responseId.replace(/^resp_/, "");
  const output: ResponseObject["output"] = [];
  if (choice.message.content !== null) {
    output.push({
      type: "message",
      id: `msg_${suffix}`,
      status,
      role: "assistant",
      content: [{ type: "output_text", text: choice.message.content, annotations: [] }],
    });
  }
  for (const [k, call] of (choice.message.tool_calls ?? []).entries()) {
    output.push({
      type: "function_call",
      id: `fc_${suffix}${k === 0 ? "" : `_${k}`}`,
      call_id: call.id,
      name: call.function.name,
      arguments: call.function.arguments,
      status: "completed",
    });
  }
  const usage = completion.usage;
  return {
    id: context.responseId,
    object: "response",
    created_at: context.created,
    status,
    completed_at: status === "completed" ? context.created : null,
    error: null,
    incomplete_details: reason === null ? null : { reason },
    // The output line carries only the Bedrock request, not these request echoes.
    instructions: null,
    max_output_tokens: null,
    metadata: {},
    model: completion.model,
    output,
    parallel_tool_calls: true,
    previous_response_id: null,
    temperature: null,
    top_p: null,
    tool_choice: "auto",
    tools: [],
    usage: {
      input_tokens: usage.prompt_tokens,
      input_tokens_details: { cached_tokens: usage.prompt_tokens_details?.cached_tokens ?? 0 },
      output_tokens: usage.completion_tokens,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: usage.total_tokens,
    },
  };
}

/**
 * The `/v1/responses` translator over a model's chat translator: same
 * request format, same job type, Responses bodies in and out.
 * @param chat the model's `/v1/chat/completions` translator
 */
export function responsesTranslator(chat: Translator): Translator {
  return {
    family: chat.family,
    endpoint: "/v1/responses",
    invocationType: chat.invocationType,
    toModelInput(body, options) {
      const map = chatFromResponses(body);
      try {
        return chat.toModelInput(map.body, options);
      } catch (error) {
        if (error instanceof TranslationError) throw remapped(error, map);
        throw error;
      }
    },
    fromModelOutput(output, context) {
      const completion = chat.fromModelOutput(output, context) as ChatCompletion;
      return responseOf(completion, context);
    },
    usageOf: (output) => chat.usageOf(output),
    maxOutputTokens: (modelInput) => chat.maxOutputTokens(modelInput),
  };
}
