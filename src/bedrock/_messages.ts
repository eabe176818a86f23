/**
 * Message helpers shared by the chat translators: data-URL images, text
 * flattening, tool arguments, role merging and tool checks. Private to
 * `src/bedrock/`.
 * @module
 */
import { TranslationError } from "./translator.ts";
import type { ChatCompletionRequest, ChatMessage, ChatTool } from "./openai_chat.ts";
import { show } from "./_errors.ts";
import { refuseReservedToolName } from "./structured_output.ts";

/** Media types of images the families accept, with their Nova `format` names. */
export const IMAGE_FORMATS: ReadonlyMap<string, "jpeg" | "png" | "gif" | "webp"> = new Map([
  ["image/jpeg", "jpeg"],
  ["image/jpg", "jpeg"],
  ["image/png", "png"],
  ["image/gif", "gif"],
  ["image/webp", "webp"],
]);

/** A decoded `data:` image URL; `data` is still base64. */
export interface DataImage {
  mediaType: "image/jpeg" | "image/png" | "image/gif" | "image/webp";
  format: "jpeg" | "png" | "gif" | "webp";
  data: string;
}

/**
 * Refuses an image for a model that takes text only.
 * @throws {TranslationError} `unsupported_value` naming the part
 */
export function refuseImage(model: string, options: { action: string; param: string }): never {
  throw new TranslationError(
    `${options.action}: ${model} takes text only, not images`,
    options.param,
    { code: "unsupported_value" },
  );
}

/**
 * Reads `data:image/png;base64,…` without a regex and without copying the
 * payload more than once (images can be megabytes).
 * @throws {TranslationError} for http(s) URLs, non-base64 or non-image data
 */
export function parseDataImage(url: string, options: { action: string; param: string }): DataImage {
  const { action, param } = options;
  if (!url.startsWith("data:")) {
    if (url.startsWith("https://") || url.startsWith("http://")) {
      throw new TranslationError(
        `${action}: image URLs must be base64 data URLs (data:image/png;base64,…), batch inference cannot fetch http(s) URLs`,
        param,
      );
    }
    throw new TranslationError(`${action}: image URL must be a base64 data URL`, param);
  }
  const comma = url.indexOf(",");
  const header = comma < 0 ? "" : url.slice(5, comma);
  if (!header.endsWith(";base64")) {
    throw new TranslationError(`${action}: image data URL must be base64-encoded`, param);
  }
  const mediaType = header.slice(0, -7).toLowerCase();
  const format = IMAGE_FORMATS.get(mediaType);
  if (!format) {
    throw new TranslationError(
      `${action}: image type ${show(mediaType)} is not supported, use jpeg, png, gif or webp`,
      param,
    );
  }
  if (comma === url.length - 1) {
    throw new TranslationError(`${action}: image data URL is empty`, param);
  }
  return {
    mediaType: `image/${format}` as DataImage["mediaType"],
    format,
    data: url.slice(comma + 1),
  };
}

/**
 * Joins the text of a message for prompt-template families, refusing what a
 * plain-text prompt cannot carry. Parts are joined with a newline; an
 * assistant's refusal parts count as text.
 * @throws {TranslationError} for image, audio or file parts
 */
export function flattenText(
  content: string | readonly { type: string; text?: string; refusal?: string }[],
  options: { action: string; param: string },
): string {
  if (typeof content === "string") return content;
  let out = "";
  for (let i = 0; i < content.length; i++) {
    const part = content[i]!;
    const text = part.type === "text"
      ? part.text
      : part.type === "refusal"
      ? part.refusal
      : undefined;
    if (text === undefined) {
      throw new TranslationError(
        `${options.action}: content part type ${part.type} is not supported, only text`,
        `${options.param}[${i}]`,
      );
    }
    out = i === 0 ? text : `${out}\n${text}`;
  }
  return out;
}

/**
 * Parses a tool call's `arguments` JSON into the object Bedrock wants. An
 * empty string means no arguments.
 * @throws {TranslationError} for invalid JSON or a non-object
 */
export function parseToolArguments(
  args: string,
  options: { action: string; param: string },
): Record<string, unknown> {
  if (args.trim() === "") return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(args);
  } catch {
    throw new TranslationError(
      `${options.action}: tool call arguments are not valid JSON`,
      options.param,
    );
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new TranslationError(
      `${options.action}: tool call arguments must be a JSON object, got ${show(parsed)}`,
      options.param,
    );
  }
  return parsed as Record<string, unknown>;
}

/** A conversation turn of a messages-style family (Claude, Nova). */
export interface Turn<B> {
  role: "user" | "assistant";
  content: B[];
}

/** Appends blocks to the last turn when it has the same role, so roles alternate. */
export function pushTurn<B>(turns: Turn<B>[], role: Turn<B>["role"], blocks: B[]): void {
  const last = turns[turns.length - 1];
  if (last?.role === role) {
    for (const block of blocks) last.content.push(block);
  } else {
    turns.push({ role, content: blocks });
  }
}

/**
 * Refuses the assistant-message fields no Bedrock family can replay.
 * @throws {TranslationError} for `audio` or the deprecated `function_call`
 */
export function refuseAssistantExtras(
  message: Extract<ChatMessage, { role: "assistant" }>,
  options: { action: string; param: string },
): void {
  if (message.audio != null) {
    throw new TranslationError(
      `${options.action}: assistant audio is not supported`,
      `${options.param}.audio`,
    );
  }
  if (message.function_call != null) {
    throw new TranslationError(
      `${options.action}: function_call is deprecated and not supported, use tool_calls`,
      `${options.param}.function_call`,
    );
  }
}

/**
 * The request's tools after the checks Claude, Nova and Mistral chat share:
 * tool calls in the history need tools, `required` or a named choice needs
 * tools, a named choice must name one of them, and no tool may take the name
 * reserved for structured outputs.
 * @returns the tools, or undefined when there are none
 * @throws {TranslationError} when a check fails
 */
export function checkedTools(
  req: ChatCompletionRequest,
  options: { action: string; hasToolBlocks: boolean },
): ChatTool[] | undefined {
  const { action } = options;
  const tools = req.tools ?? [];
  const choice = req.tool_choice;
  const named = typeof choice === "object" && choice !== null ? choice.function.name : undefined;
  if (tools.length === 0) {
    if (options.hasToolBlocks) {
      throw new TranslationError(
        `${action}: messages hold tool calls, so tools must be defined`,
        "body.tools",
      );
    }
    if (choice === "required" || named !== undefined) {
      throw new TranslationError(`${action}: tool_choice needs tools`, "body.tool_choice");
    }
    return undefined;
  }
  refuseReservedToolName(tools, action);
  if (named !== undefined && !tools.some((t) => t.function.name === named)) {
    throw new TranslationError(
      `${action}: tool_choice names a function that is not in tools`,
      "body.tool_choice.function.name",
    );
  }
  return tools;
}
