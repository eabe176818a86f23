/**
 * Deterministic `modelOutput` bodies, one format per model family, each
 * reading the family's `modelInput` through a loose zod schema. A body that
 * misses what the real model requires fails the record the way Bedrock does
 * ("Malformed input request: …").
 * @module
 */
import { z } from "zod";

/** What every format needs besides the input. */
export interface ReplyContext {
  /** Base model id, without ARN or region prefix. */
  modelId: string;
  /** Input tokens of the record (see replies.ts). */
  inputTokens: number;
  /** Deterministic pseudo-random string derived from the input. */
  seed: string;
}

/** A family's reply to one record. */
export interface FamilyReply {
  modelOutput: Record<string, unknown>;
  outputTokens: number;
}

/** Builds a reply for one record. @throws {MalformedInputError} */
export type ReplyFormat = (modelInput: unknown, context: ReplyContext) => FamilyReply;

/** A `modelInput` the model would reject with HTTP 400. */
export class MalformedInputError extends Error {
  constructor(detail: string) {
    super(`Malformed input request: ${detail}, please reformat your input and try again`);
    this.name = "MalformedInputError";
  }
}

/** The reply text: "Emulated reply to: " and the first 60 characters of the prompt. */
export function replyText(prompt: string): string {
  return `Emulated reply to: ${prompt.replace(/\s+/g, " ").trim().slice(0, 60)}`;
}

/** Output tokens of a reply: its word count. */
export function wordCount(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}

function parseInput<T extends z.ZodType>(schema: T, input: unknown): z.infer<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  throw new MalformedInputError(`#/${issue.path.join("/")}: ${issue.message}`);
}

const AnthropicInput = z.looseObject({
  anthropic_version: z.string(),
  max_tokens: z.number().int().positive(),
  messages: z.array(z.looseObject({
    role: z.enum(["user", "assistant"]),
    content: z.union([z.string(), z.array(z.looseObject({ type: z.string() }))]),
  })).min(1),
  tools: z.array(z.looseObject({ name: z.string() })).optional(),
  tool_choice: z.looseObject({ type: z.string(), name: z.string().optional() }).optional(),
});

const anthropic: ReplyFormat = (modelInput, ctx) => {
  const input = parseInput(AnthropicInput, modelInput);
  const lastUser = input.messages.findLast((m) => m.role === "user");
  const content = lastUser?.content ?? "";
  const prompt = typeof content === "string"
    ? content
    : content.map((b) => (b.type === "text" && typeof b.text === "string" ? b.text : ""))
      .join(" ");
  const text = replyText(prompt);
  const forced = input.tool_choice?.type === "any" || input.tool_choice?.type === "tool";
  const tool = input.tool_choice?.name ?? input.tools?.[0]?.name;
  const useTool = forced && tool !== undefined && (input.tools?.length ?? 0) > 0;
  const outputTokens = wordCount(text);
  return {
    outputTokens,
    modelOutput: {
      id: `msg_bdrk_${ctx.seed.slice(0, 24)}`,
      type: "message",
      role: "assistant",
      model: ctx.modelId.replace(/^anthropic\./, "").replace(/-v\d+(:\d+)?$/, ""),
      content: useTool
        ? [{ type: "tool_use", id: `toolu_bdrk_${ctx.seed.slice(0, 24)}`, name: tool, input: {} }]
        : [{ type: "text", text }],
      stop_reason: useTool ? "tool_use" : "end_turn",
      stop_sequence: null,
      usage: { input_tokens: ctx.inputTokens, output_tokens: outputTokens },
    },
  };
};

const MessagesInput = z.looseObject({
  messages: z.array(z.looseObject({
    role: z.enum(["user", "assistant"]),
    content: z.array(z.looseObject({ text: z.string().optional() })),
  })).min(1),
  toolConfig: z.looseObject({
    tools: z.array(z.looseObject({ toolSpec: z.looseObject({ name: z.string() }) })).optional(),
    toolChoice: z.looseObject({
      any: z.unknown().optional(),
      tool: z.looseObject({ name: z.string() }).optional(),
    }).optional(),
  }).optional(),
});

/** Nova `messages-v1` and Converse share one body and reply shape. */
function messagesReply(converse: boolean): ReplyFormat {
  return (modelInput, ctx) => {
    const input = parseInput(MessagesInput, modelInput);
    if (converse && input.toolConfig) {
      throw new MalformedInputError(
        "#/toolConfig: tool calling is not supported for Converse jobs",
      );
    }
    const lastUser = input.messages.findLast((m) => m.role === "user");
    const text = replyText((lastUser?.content ?? []).map((b) => b.text ?? "").join(" "));
    const choice = input.toolConfig?.toolChoice;
    const tool = choice?.tool?.name ?? input.toolConfig?.tools?.[0]?.toolSpec.name;
    const useTool = (choice?.any !== undefined || choice?.tool !== undefined) &&
      tool !== undefined;
    const outputTokens = wordCount(text);
    const output: Record<string, unknown> = {
      output: {
        message: {
          role: "assistant",
          content: useTool
            ? [{
              toolUse: { toolUseId: `tooluse_${ctx.seed.slice(0, 22)}`, name: tool, input: {} },
            }]
            : [{ text }],
        },
      },
      stopReason: useTool ? "tool_use" : "end_turn",
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

const LlamaInput = z.looseObject({ prompt: z.string() });

const llama: ReplyFormat = (modelInput, ctx) => {
  const { prompt } = parseInput(LlamaInput, modelInput);
  // Llama 3 prompts carry the chat template; reply to the last user turn.
  const turns = prompt.split("<|start_header_id|>user<|end_header_id|>");
  const userText = (turns.length > 1 ? turns.at(-1)! : prompt).split("<|eot_id|>")[0]!;
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

const MistralPromptInput = z.looseObject({ prompt: z.string() });
const MistralChatInput = z.looseObject({
  messages: z.array(z.looseObject({ role: z.string(), content: z.unknown() })).min(1),
});

/** Text-completion bodies (`prompt`) and the chat bodies of newer Mistral models. */
const mistral: ReplyFormat = (modelInput) => {
  const completion = MistralPromptInput.safeParse(modelInput);
  if (completion.success) {
    const { prompt } = completion.data;
    const inst = [...prompt.matchAll(/\[INST\]([\s\S]*?)\[\/INST\]/g)].at(-1)?.[1];
    const text = replyText(inst ?? prompt.replace(/<\/?s>/g, ""));
    return {
      outputTokens: wordCount(text),
      modelOutput: { outputs: [{ text, stop_reason: "stop" }] },
    };
  }
  const input = parseInput(MistralChatInput, modelInput);
  const lastUser = input.messages.findLast((m) => m.role === "user")?.content;
  const text = replyText(typeof lastUser === "string" ? lastUser : "");
  return {
    outputTokens: wordCount(text),
    modelOutput: {
      choices: [{ index: 0, message: { role: "assistant", content: text }, stop_reason: "stop" }],
    },
  };
};

const TitanEmbedInput = z.looseObject({
  inputText: z.string().min(1),
  dimensions: z.number().int().positive().optional(),
  normalize: z.boolean().optional(),
});

/** Most values a Titan vector gets, whatever `dimensions` asks, to keep files small. */
export const MAX_EMBEDDING_VALUES = 8;

const titanEmbed: ReplyFormat = (modelInput, ctx) => {
  const input = parseInput(TitanEmbedInput, modelInput);
  const size = Math.min(input.dimensions ?? MAX_EMBEDDING_VALUES, MAX_EMBEDDING_VALUES);
  let vector = Array.from({ length: size }, (_, i) => {
    const code = parseInt(ctx.seed.slice(i * 2, i * 2 + 2) || "0", 36);
    return code / 1295 * 2 - 1;
  });
  if (input.normalize !== false) {
    const norm = Math.hypot(...vector) || 1;
    vector = vector.map((v) => v / norm);
  }
  const embedding = vector.map((v) => Math.round(v * 1e6) / 1e6);
  const modelOutput: Record<string, unknown> = { embedding, inputTextTokenCount: ctx.inputTokens };
  if (!ctx.modelId.startsWith("amazon.titan-embed-text-v1")) {
    modelOutput.embeddingsByType = { float: embedding };
  }
  return { outputTokens: 0, modelOutput };
};

/** Model families the emulator replies for. */
export type ModelFamily = "anthropic" | "nova" | "llama" | "mistral" | "titan-embed";

/** Reply format of each family, plus `converse` for Converse-type jobs. */
export const REPLY_FORMATS: Record<ModelFamily | "converse", ReplyFormat> = {
  anthropic,
  nova: messagesReply(false),
  converse: messagesReply(true),
  llama,
  mistral,
  "titan-embed": titanEmbed,
};
