/**
 * Chat replies of the emulator, one per request format, each reading its
 * `modelInput` through a strict schema written from AWS's documentation of
 * the body (unknown keys, wrong types and missing required fields fail the
 * record, as Bedrock does):
 * - Claude Messages (model-parameters-anthropic-claude-messages-request-response);
 * - Nova `messages-v1` (Nova user guide, complete request schema; both the
 *   camelCase and the older snake_case `inferenceConfig` names);
 * - Converse (bedrock-runtime `ConverseRequest`; reference/bedrock-batch-facts-2.md §1);
 * - Llama (model-parameters-meta), Mistral text completion and chat completion
 *   (model-parameters-mistral-text-completion, -chat-completion).
 *
 * Forced tools (Claude `tool_choice` `any`/`tool`, Nova and Converse
 * `toolChoice` `any`/`tool`, Mistral `tool_choice: "any"`) are answered with a
 * call whose input fits the tool's schema; Converse `outputConfig.textFormat`
 * is answered with JSON text that fits the schema.
 * @module
 */
import { z } from "zod";
import {
  MalformedInputError,
  parseInput,
  type ReplyFormat,
  replyText,
  wordCount,
} from "./reply_context.ts";
import { sampleOf } from "./json_sample.ts";

const Schema = z.record(z.string(), z.unknown());

// ---- Claude Messages ----

const AnthropicBlock = z.looseObject({ type: z.string() });

const AnthropicInput = z.strictObject({
  anthropic_version: z.string(),
  anthropic_beta: z.array(z.string()).optional(),
  max_tokens: z.number().int().positive(),
  system: z.union([z.string(), z.array(AnthropicBlock)]).optional(),
  messages: z.array(z.strictObject({
    role: z.enum(["user", "assistant"]),
    content: z.union([z.string(), z.array(AnthropicBlock)]),
  })).min(1),
  temperature: z.number().min(0).max(1).optional(),
  top_p: z.number().min(0).max(1).optional(),
  top_k: z.number().int().min(0).optional(),
  stop_sequences: z.array(z.string()).optional(),
  tools: z.array(z.union([
    z.strictObject({
      type: z.literal("custom").optional(),
      name: z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/),
      description: z.string().optional(),
      input_schema: Schema,
      cache_control: z.unknown().optional(),
      strict: z.boolean().optional(),
    }),
    // Anthropic-defined tools (computer use, bash, text editor) carry a versioned type.
    z.looseObject({ type: z.string(), name: z.string() }),
  ])).optional(),
  tool_choice: z.strictObject({
    type: z.enum(["auto", "any", "tool", "none"]),
    name: z.string().optional(),
    disable_parallel_tool_use: z.boolean().optional(),
  }).optional(),
  thinking: z.unknown().optional(),
  output_config: z.unknown().optional(),
  output_format: z.unknown().optional(),
});

/** Claude's answer; a forced tool gets a `tool_use` block with an input that fits its schema. */
export const anthropic: ReplyFormat = (modelInput, ctx) => {
  const input = parseInput(AnthropicInput, modelInput);
  const choice = input.tool_choice;
  if (choice?.type === "tool" && choice.name === undefined) {
    throw new MalformedInputError("#/tool_choice: tool_choice.name is required for type tool");
  }
  const lastUser = input.messages.findLast((m) => m.role === "user");
  const content = lastUser?.content ?? "";
  const prompt = typeof content === "string"
    ? content
    : content.map((b) => (b.type === "text" && typeof b.text === "string" ? b.text : ""))
      .join(" ");
  const text = replyText(prompt);
  const forced = choice?.type === "any" || choice?.type === "tool";
  const tools = input.tools ?? [];
  const tool = tools.find((t) => t.name === (choice?.name ?? tools[0]?.name));
  const useTool = forced && tool !== undefined;
  const toolInput = useTool ? sampleOf((tool as { input_schema?: unknown }).input_schema) : {};
  const outputTokens = useTool ? wordCount(JSON.stringify(toolInput)) : wordCount(text);
  return {
    outputTokens,
    modelOutput: {
      id: `msg_bdrk_${ctx.seed.slice(0, 24)}`,
      type: "message",
      role: "assistant",
      model: ctx.modelId.replace(/^anthropic\./, "").replace(/-v\d+(:\d+)?$/, ""),
      content: useTool
        ? [{
          type: "tool_use",
          id: `toolu_bdrk_${ctx.seed.slice(0, 24)}`,
          name: tool.name,
          input: toolInput,
        }]
        : [{ type: "text", text }],
      stop_reason: useTool ? "tool_use" : "end_turn",
      stop_sequence: null,
      usage: { input_tokens: ctx.inputTokens, output_tokens: outputTokens },
    },
  };
};

// ---- Nova messages-v1 and Converse ----

/** A content block: a union, exactly one member set. */
function block(members: readonly string[]) {
  return z.record(z.string(), z.unknown()).superRefine((value, issue) => {
    const keys = Object.keys(value);
    if (keys.length !== 1 || !members.includes(keys[0]!)) {
      issue.addIssue({
        code: "custom",
        message: `a content block must have exactly one of [${members.join(", ")}]`,
      });
    }
    if (typeof value.text === "string" && value.text.trim() === "") {
      issue.addIssue({ code: "custom", path: ["text"], message: "the text field is blank" });
    }
  });
}

const NOVA_BLOCKS = [
  "text",
  "image",
  "video",
  "document",
  "toolUse",
  "toolResult",
  "reasoningContent",
  "cachePoint",
];
const CONVERSE_BLOCKS = [
  ...NOVA_BLOCKS,
  "audio",
  "guardContent",
  "citationsContent",
  "searchResult",
];

const ToolConfig = z.strictObject({
  tools: z.array(z.looseObject({
    toolSpec: z.looseObject({
      name: z.string(),
      inputSchema: z.strictObject({ json: Schema }),
    }).optional(),
  })).min(1),
  toolChoice: z.looseObject({
    auto: z.unknown().optional(),
    any: z.unknown().optional(),
    tool: z.strictObject({ name: z.string() }).optional(),
  }).optional(),
});

const NovaInput = z.strictObject({
  schemaVersion: z.literal("messages-v1").optional(),
  system: z.array(z.strictObject({ text: z.string() })).optional(),
  messages: z.array(z.strictObject({
    role: z.enum(["user", "assistant"]),
    content: z.array(block(NOVA_BLOCKS)).min(1),
  })).min(1),
  inferenceConfig: z.strictObject({
    maxTokens: z.number().int().positive().optional(),
    max_new_tokens: z.number().int().positive().optional(),
    temperature: z.number().min(0).max(1).optional(),
    topP: z.number().min(0).max(1).optional(),
    top_p: z.number().min(0).max(1).optional(),
    topK: z.number().int().min(0).optional(),
    top_k: z.number().int().min(0).optional(),
    stopSequences: z.array(z.string()).optional(),
  }).optional(),
  toolConfig: ToolConfig.optional(),
  reasoningConfig: z.unknown().optional(),
});

const ConverseInput = z.strictObject({
  messages: z.array(z.strictObject({
    role: z.enum(["user", "assistant"]),
    content: z.array(block(CONVERSE_BLOCKS)).min(1),
  })).min(1),
  system: z.array(block(["text", "guardContent", "cachePoint"])).optional(),
  inferenceConfig: z.strictObject({
    maxTokens: z.number().int().min(1).optional(),
    temperature: z.number().min(0).max(1).optional(),
    topP: z.number().min(0).max(1).optional(),
    stopSequences: z.array(z.string().min(1)).max(2500).optional(),
  }).optional(),
  toolConfig: z.unknown().optional(),
  additionalModelRequestFields: Schema.optional(),
  additionalModelResponseFieldPaths: z.array(z.string()).max(10).optional(),
  outputConfig: z.strictObject({
    textFormat: z.strictObject({
      type: z.literal("json_schema"),
      structure: z.strictObject({
        jsonSchema: z.strictObject({
          schema: z.string(),
          name: z.string().optional(),
          description: z.string().optional(),
        }),
      }),
    }).optional(),
    effort: z.string().max(16).optional(),
  }).optional(),
  guardrailConfig: z.unknown().optional(),
  promptVariables: z.unknown().optional(),
  requestMetadata: z.record(z.string(), z.string()).optional(),
  performanceConfig: z.unknown().optional(),
  serviceTier: z.unknown().optional(),
});

type Message = { role: string; content: Record<string, unknown>[] };

function checkTurns(messages: readonly Message[]): void {
  if (messages[0]?.role !== "user") {
    throw new MalformedInputError("#/messages: a conversation must start with a user message");
  }
  for (let i = 1; i < messages.length; i++) {
    if (messages[i]!.role === messages[i - 1]!.role) {
      throw new MalformedInputError(
        `#/messages/${i}: a conversation must alternate between user and assistant roles`,
      );
    }
  }
}

function lastUserText(messages: readonly Message[]): string {
  const lastUser = messages.findLast((m) => m.role === "user");
  return (lastUser?.content ?? []).map((b) => (typeof b.text === "string" ? b.text : "")).join(
    " ",
  );
}

function parseSchema(json: string): unknown {
  try {
    return JSON.parse(json);
  } catch {
    throw new MalformedInputError(
      "#/outputConfig/textFormat/structure/jsonSchema/schema: the schema is not valid JSON",
    );
  }
}

/** Nova `messages-v1` and Converse share one reply shape. */
export function messagesReply(converse: boolean): ReplyFormat {
  return (modelInput, ctx) => {
    const input = converse
      ? parseInput(ConverseInput, modelInput)
      : parseInput(NovaInput, modelInput);
    if (converse && input.toolConfig !== undefined) {
      throw new MalformedInputError(
        "#/toolConfig: tool calling is not supported for Converse jobs",
      );
    }
    checkTurns(input.messages);
    const tools = converse ? undefined : (input as z.infer<typeof NovaInput>).toolConfig;
    const choice = tools?.toolChoice;
    const forcedName = choice?.tool?.name ??
      (choice?.any !== undefined ? tools?.tools[0]?.toolSpec?.name : undefined);
    const tool = tools?.tools.find((t) => t.toolSpec?.name === forcedName)?.toolSpec;
    const format = converse
      ? (input as z.infer<typeof ConverseInput>).outputConfig?.textFormat
      : undefined;
    let content: Record<string, unknown>[];
    let outputTokens: number;
    let stopReason = "end_turn";
    if (tool) {
      const toolInput = sampleOf(tool.inputSchema.json);
      outputTokens = wordCount(JSON.stringify(toolInput));
      stopReason = "tool_use";
      content = [{
        toolUse: {
          toolUseId: `tooluse_${ctx.seed.slice(0, 22)}`,
          name: tool.name,
          input: toolInput,
        },
      }];
    } else if (format) {
      const text = JSON.stringify(sampleOf(parseSchema(format.structure.jsonSchema.schema)));
      outputTokens = wordCount(text);
      content = [{ text }];
    } else {
      const text = replyText(lastUserText(input.messages));
      outputTokens = wordCount(text);
      content = [{ text }];
    }
    const output: Record<string, unknown> = {
      output: { message: { role: "assistant", content } },
      stopReason,
      usage: {
        inputTokens: ctx.inputTokens,
        outputTokens,
        totalTokens: ctx.inputTokens + outputTokens,
      },
    };
    if (converse) output.metrics = { latencyMs: 0 };
    return { outputTokens, modelOutput: output };
  };
}

// ---- Llama ----

const LlamaInput = z.strictObject({
  prompt: z.string(),
  temperature: z.number().min(0).max(1).optional(),
  top_p: z.number().min(0).max(1).optional(),
  max_gen_len: z.number().int().min(1).optional(),
  images: z.array(z.string()).optional(),
});

/** Llama's answer, to the last user turn of the chat template. */
export const llama: ReplyFormat = (modelInput, ctx) => {
  const { prompt } = parseInput(LlamaInput, modelInput);
  const turns = prompt.split(
    /<\|start_header_id\|>user<\|end_header_id\|>|<\|header_start\|>user<\|header_end\|>/,
  );
  const userText = (turns.length > 1 ? turns.at(-1)! : prompt).split(/<\|eot_id\|>|<\|eot\|>/)[0]!;
  const text = replyText(userText.replace(/<\|[^|]*\|>/g, " "));
  const outputTokens = wordCount(text);
  return {
    outputTokens,
    modelOutput: {
      generation: text,
      prompt_token_count: ctx.inputTokens,
      generation_token_count: outputTokens,
      stop_reason: "stop",
    },
  };
};

// ---- Mistral ----

const MistralPromptInput = z.strictObject({
  prompt: z.string(),
  max_tokens: z.number().int().min(1).optional(),
  stop: z.array(z.string()).optional(),
  temperature: z.number().min(0).max(1).optional(),
  top_p: z.number().min(0).max(1).optional(),
  top_k: z.number().int().min(0).optional(),
});

const MistralChatInput = z.strictObject({
  messages: z.array(z.strictObject({
    role: z.enum(["system", "user", "assistant", "tool"]),
    content: z.union([z.string(), z.array(z.looseObject({ type: z.string() }))]),
    tool_calls: z.array(z.strictObject({
      id: z.string(),
      type: z.literal("function").optional(),
      function: z.strictObject({ name: z.string(), arguments: z.string() }),
    })).optional(),
    tool_call_id: z.string().optional(),
  })).min(1),
  tools: z.array(z.strictObject({
    type: z.literal("function"),
    function: z.strictObject({
      name: z.string(),
      description: z.string().optional(),
      parameters: Schema,
    }),
  })).optional(),
  tool_choice: z.enum(["auto", "any", "none"]).optional(),
  max_tokens: z.number().int().min(1).optional(),
  temperature: z.number().min(0).max(1).optional(),
  top_p: z.number().min(0).max(1).optional(),
});

/** Text-completion bodies (`prompt`) and the chat bodies of newer Mistral models. */
export const mistral: ReplyFormat = (modelInput, ctx) => {
  if (typeof modelInput === "object" && modelInput !== null && "prompt" in modelInput) {
    const { prompt } = parseInput(MistralPromptInput, modelInput);
    const inst = [...prompt.matchAll(/\[INST\]([\s\S]*?)\[\/INST\]/g)].at(-1)?.[1];
    const text = replyText(inst ?? prompt.replace(/<\/?s>/g, ""));
    return {
      outputTokens: wordCount(text),
      modelOutput: { outputs: [{ text, stop_reason: "stop" }] },
    };
  }
  const input = parseInput(MistralChatInput, modelInput);
  const tools = input.tools ?? [];
  if (input.tool_choice === "any" && tools.length > 0) {
    const tool = tools[0]!.function;
    const args = JSON.stringify(sampleOf(tool.parameters));
    return {
      outputTokens: wordCount(args),
      modelOutput: {
        choices: [{
          index: 0,
          message: {
            role: "assistant",
            content: "",
            tool_calls: [{
              id: ctx.seed.slice(0, 9),
              function: { name: tool.name, arguments: args },
            }],
          },
          stop_reason: "tool_calls",
        }],
      },
    };
  }
  const lastUser = input.messages.findLast((m) => m.role === "user")?.content;
  const prompt = typeof lastUser === "string"
    ? lastUser
    : (lastUser ?? []).map((p) => (typeof p.text === "string" ? p.text : "")).join(" ");
  const text = replyText(prompt);
  return {
    outputTokens: wordCount(text),
    modelOutput: {
      choices: [{ index: 0, message: { role: "assistant", content: text }, stop_reason: "stop" }],
    },
  };
};
