/**
 * Structured outputs: OpenAI's `response_format` (`json_schema`,
 * `json_object`) as Bedrock can honour it, and the way back to a
 * `message.content` that holds the JSON.
 *
 * Two ways, chosen per model and job type (see `capabilities.ts`):
 * - `tool` (native Claude, Nova and Mistral chat bodies): one tool,
 *   {@linkcode JSON_TOOL_NAME}, whose input schema is the response schema,
 *   forced with the body's tool choice. The model's call of that tool is the
 *   answer: its input becomes `message.content` as a JSON string and
 *   `finish_reason` is `stop`. LiteLLM uses the same tool name for the same
 *   trick, so outputs read the same through both gateways.
 * - `native` (Converse jobs of models with Bedrock structured outputs):
 *   `outputConfig.textFormat` with the schema as a JSON string; the answer is
 *   the text itself.
 * @module
 */
import { z } from "zod";
import { TranslationError } from "./translator.ts";
import type { ChatCompletionRequest, ChatFinishReason, ChatToolCall } from "./openai_chat.ts";
import { fromZodError } from "./_errors.ts";

/** Name of the forced tool that carries a structured answer. */
export const JSON_TOOL_NAME = "json_tool_call";

/** How a model honours `response_format`. */
export type StructuredOutputMode = "tool" | "native";

/** `response_format` as OpenAI's chat API defines it. */
export const ResponseFormat = z.discriminatedUnion("type", [
  z.object({ type: z.literal("text") }),
  z.object({ type: z.literal("json_object") }),
  z.object({
    type: z.literal("json_schema"),
    json_schema: z.object({
      // OpenAI: "a-z, A-Z, 0-9, or contain underscores and dashes, with a maximum length of 64".
      name: z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, "must be 1-64 letters, digits, _ or -"),
      description: z.string().optional(),
      schema: z.record(z.string(), z.unknown()).optional(),
      strict: z.boolean().nullish(),
    }),
  }),
]);
/** `response_format`. */
export type ResponseFormat = z.infer<typeof ResponseFormat>;

/** A requested structured answer. */
export interface StructuredOutput {
  /** `json_schema` with a schema, or `json_object` (any object). */
  kind: "json_schema" | "json_object";
  /** The schema's name (`json_object` for `json_object`). */
  name: string;
  /** The schema's description, if any. */
  description?: string;
  /** The JSON schema; `{"type":"object"}` for `json_object`. */
  schema: Record<string, unknown>;
}

/** Description of the forced tool when the schema has none: tells the model what the tool is for. */
const TOOL_DESCRIPTION = "Respond with a JSON object that matches this schema";

/**
 * Reads `response_format` and checks it can be honoured the given way.
 * @param req the parsed chat request
 * @param options `action` starts messages; `mode` is how the model honours it
 * @returns the structured output asked for, or null for none (absent or `text`)
 * @throws {TranslationError} for a malformed format, a non-object schema, tools
 *   next to a forced-tool format, or `json_object` where only schemas work
 */
export function structuredOutputOf(
  req: ChatCompletionRequest,
  options: { action: string; mode: StructuredOutputMode },
): StructuredOutput | null {
  const { action, mode } = options;
  if (req.response_format == null) return null;
  const parsed = ResponseFormat.safeParse(req.response_format);
  if (!parsed.success) throw fromZodError(parsed.error, { action, root: "body.response_format" });
  const format = parsed.data;
  if (format.type === "text") return null;
  if (mode === "tool" && req.tools != null && req.tools.length > 0) {
    throw new TranslationError(
      `${action}: response_format ${format.type} cannot be combined with tools, because it is answered by a forced tool`,
      "body.response_format",
      { code: "unsupported_value" },
    );
  }
  if (format.type === "json_object") {
    if (mode === "native") {
      throw new TranslationError(
        `${action}: response_format json_object is not supported, send json_schema with a schema`,
        "body.response_format",
        { code: "unsupported_value" },
      );
    }
    return { kind: "json_object", name: "json_object", schema: { type: "object" } };
  }
  const { name, description, schema } = format.json_schema;
  if (schema === undefined) {
    throw new TranslationError(
      `${action}: response_format.json_schema.schema is required`,
      "body.response_format.json_schema.schema",
    );
  }
  // A tool's input is always an object, and OpenAI's own structured outputs want an object root.
  if (schema.type !== undefined && schema.type !== "object") {
    throw new TranslationError(
      `${action}: response_format.json_schema.schema must describe an object (type "object")`,
      "body.response_format.json_schema.schema.type",
      { code: "unsupported_value" },
    );
  }
  return {
    kind: "json_schema",
    name,
    ...(description === undefined ? {} : { description }),
    schema,
  };
}

/** The forced tool's name, description and input schema. */
export function jsonTool(output: StructuredOutput): {
  name: string;
  description: string;
  schema: Record<string, unknown>;
} {
  return {
    name: JSON_TOOL_NAME,
    description: output.description ?? TOOL_DESCRIPTION,
    schema: output.schema,
  };
}

/**
 * Refuses a user tool named like the forced tool: its calls would be taken
 * for structured answers.
 * @throws {TranslationError} naming the tool
 */
export function refuseReservedToolName(
  tools: readonly { function: { name: string } }[],
  action: string,
): void {
  const index = tools.findIndex((t) => t.function.name === JSON_TOOL_NAME);
  if (index >= 0) {
    throw new TranslationError(
      `${action}: tool name ${JSON_TOOL_NAME} is reserved for response_format`,
      `body.tools[${index}].function.name`,
      { code: "unsupported_value" },
    );
  }
}

/**
 * Turns a call of {@linkcode JSON_TOOL_NAME} back into an answer: its
 * arguments become the content, and the finish reason `stop` (or `length`
 * when the output was cut off). Results without such a call pass unchanged.
 */
export function unwrapJsonTool<
  T extends { content: string | null; toolCalls: ChatToolCall[]; finishReason: ChatFinishReason },
>(result: T): T {
  const call = result.toolCalls.find((c) => c.function.name === JSON_TOOL_NAME);
  if (!call) return result;
  return {
    ...result,
    content: call.function.arguments,
    toolCalls: [],
    finishReason: result.finishReason === "length" ? "length" : "stop",
  };
}
