/**
 * What each Bedrock model can do in a batch job, one row per base model, and
 * the lookup by model reference ({@linkcode capabilitiesOf}) that follows the
 * one model-id parser (`src/config/model_id.ts`).
 *
 * Sources, cited per row by tag (stored copies, read 2026):
 * - [BATCH] AWS, "Supported Regions and models for batch inference"
 *   (docs.aws.amazon.com/bedrock/latest/userguide/batch-inference-supported.html,
 *   English and zh_cn copies): Nova Micro/Lite/Pro/Premier, Nova 2 Lite, Nova
 *   Multimodal Embeddings, Titan Multimodal Embeddings G1, Titan Text Embeddings V2.
 * - [QUOTA] Bedrock Service Quotas names "Records per batch inference job for …"
 *   (reference/bedrock-batch-facts-2.md §3.2): a model with batch quotas takes batch jobs.
 * - [CARD] AWS model cards (docs.aws.amazon.com/bedrock/latest/userguide/model-card-*.html):
 *   "Max output tokens", input modalities, "APIs supported".
 * - [DOC] AWS model parameter pages (model-parameters-*.html) and the Converse
 *   feature table (conversation-inference-supported-models-features.html).
 * - [TOOLCHOICE] AWS `ToolChoice` API doc: forcing a named tool is "only
 *   supported by Anthropic Claude 3 and Amazon Nova models".
 * - [SO] AWS structured outputs (structured-output.html, claude-messages-structured-outputs.html,
 *   launch blog 2026-02-04): Claude Sonnet 4.5, Haiku 4.5, Opus 4.5, Opus 4.6;
 *   "select open-weight models" from nine providers, OpenAI among them.
 * - [LITELLM] LiteLLM's model map `max_output_tokens`
 *   (RoCry/llm-api-price@8442b939 `model_prices_and_context_window.json`, 2026-07-24), third party.
 * - [VENDOR] the model maker's page, via reference/bedrock-batch-facts-2.md §5.
 *
 * Where sources disagree the row says which it follows. `batch: "unverified"`
 * means no AWS list or quota names the model for batch; Batchgate still
 * submits it and Bedrock's own answer decides.
 * @module
 */
import { customModelBase, parseModelRef, priceKeyOf } from "../config/model_id.ts";
import type { BatchEndpoint, ModelFamily } from "./translator.ts";

/** Input modalities Batchgate can pass on. */
export type Modality = "text" | "image";

/** What an embedding model takes and returns. */
export interface EmbeddingCapabilities {
  /** Vector sizes the model offers; the first is its default. */
  readonly dimensions: readonly number[];
  /** Whether the request can choose a size (`dimensions`). */
  readonly chooseDimensions: boolean;
  /** Texts one request may carry (one batch line is one request). */
  readonly maxInputs: number;
  /** Longest text in characters, where the model documents one. */
  readonly maxInputChars?: number;
}

/** One model's row. */
export interface ModelCapabilities {
  /** Base model id prefix the row covers, lower case (`anthropic.claude-3-5-haiku-20241022`). */
  readonly id: string;
  /** Display name used in messages: "Claude 3.5 Haiku". */
  readonly name: string;
  /** OpenAI endpoints the model serves. */
  readonly endpoints: readonly BatchEndpoint[];
  /** Native InvokeModel body Batchgate writes; null when only Converse can run it. */
  readonly native: Exclude<ModelFamily, "converse"> | null;
  /** Whether the Converse API takes the model (no embedding or image model does). */
  readonly converse: boolean;
  /** Evidence that batch jobs take the model; `no` for models batch cannot run. */
  readonly batch: "listed" | "unverified" | "no";
  /** Input modalities. */
  readonly input: readonly Modality[];
  /** Documented output token limit; null when unknown or not a text model. */
  readonly maxOutputTokens: number | null;
  /** Function tools in the native body. */
  readonly tools: boolean;
  /** `tool_choice: "required"` or a named function can be forced. */
  readonly forcedTool: boolean;
  /** Bedrock's own structured outputs (JSON schema) are documented for the model. */
  readonly nativeStructuredOutput: boolean;
  /** Embedding models only. */
  readonly embedding?: EmbeddingCapabilities;
}

const CHAT: readonly BatchEndpoint[] = ["/v1/chat/completions", "/v1/responses"];
const EMBED: readonly BatchEndpoint[] = ["/v1/embeddings"];
const TEXT: readonly Modality[] = ["text"];
const VISION: readonly Modality[] = ["text", "image"];

type ChatRow = Omit<ModelCapabilities, "endpoints" | "converse" | "embedding"> & {
  converse?: boolean;
};

function chat(row: ChatRow): ModelCapabilities {
  return { endpoints: CHAT, converse: true, ...row };
}

function embed(
  row: Pick<ModelCapabilities, "id" | "name" | "native" | "batch"> & {
    embedding: EmbeddingCapabilities;
    input?: readonly Modality[];
  },
): ModelCapabilities {
  return {
    endpoints: EMBED,
    converse: false,
    input: TEXT,
    maxOutputTokens: null,
    tools: false,
    forcedTool: false,
    nativeStructuredOutput: false,
    ...row,
  };
}

function claude(
  id: string,
  name: string,
  options: {
    max: number;
    batch: ModelCapabilities["batch"];
    images?: boolean;
    structured?: boolean;
  },
): ModelCapabilities {
  return chat({
    id: `anthropic.${id}`,
    name,
    native: "anthropic",
    batch: options.batch,
    input: options.images === false ? TEXT : VISION,
    maxOutputTokens: options.max,
    tools: true,
    forcedTool: true,
    nativeStructuredOutput: options.structured ?? false,
  });
}

function nova(id: string, name: string, options: {
  max: number;
  batch: ModelCapabilities["batch"];
  images: boolean;
}): ModelCapabilities {
  return chat({
    id: `amazon.${id}`,
    name,
    native: "nova",
    batch: options.batch,
    input: options.images ? VISION : TEXT,
    maxOutputTokens: options.max,
    tools: true,
    forcedTool: true,
    nativeStructuredOutput: false,
  });
}

function llama(id: string, name: string, options: {
  max: number;
  batch: ModelCapabilities["batch"];
  images?: boolean;
}): ModelCapabilities {
  // The prompt-template body has no tools and no image slot; images go through Converse.
  return chat({
    id: `meta.${id}`,
    name,
    native: "llama",
    batch: options.batch,
    input: options.images ? VISION : TEXT,
    maxOutputTokens: options.max,
    tools: false,
    forcedTool: false,
    nativeStructuredOutput: false,
  });
}

function converseOnly(id: string, name: string, options: {
  max: number;
  batch: ModelCapabilities["batch"];
  structured?: boolean;
}): ModelCapabilities {
  return chat({
    id,
    name,
    native: null,
    batch: options.batch,
    input: TEXT,
    maxOutputTokens: options.max,
    // Converse batch jobs refuse toolConfig (see converse.ts), so no tools here.
    tools: false,
    forcedTool: false,
    nativeStructuredOutput: options.structured ?? false,
  });
}

/** Models that are neither chat nor embedding models: batch cannot run them as OpenAI requests. */
function other(id: string, name: string): ModelCapabilities {
  return {
    id,
    name,
    endpoints: [],
    native: null,
    converse: false,
    batch: "no",
    input: TEXT,
    maxOutputTokens: null,
    tools: false,
    forcedTool: false,
    nativeStructuredOutput: false,
  };
}

/** Every model Batchgate knows, one row per base model id prefix. */
export const CAPABILITIES: readonly ModelCapabilities[] = [
  // ---- Anthropic Claude: native Messages body; tools and forced tools [TOOLCHOICE]. ----
  // [QUOTA] batch; 4,096 output [CARD ja_jp, Claude 3 Haiku "Max output tokens: 4K"].
  claude("claude-3-haiku-20240307", "Claude 3 Haiku", { max: 4096, batch: "listed" }),
  // [QUOTA]; 4,096 [LITELLM].
  claude("claude-3-sonnet-20240229", "Claude 3 Sonnet", { max: 4096, batch: "listed" }),
  claude("claude-3-opus-20240229", "Claude 3 Opus", { max: 4096, batch: "listed" }),
  // [QUOTA]; 4,096 [LITELLM] (8,192 on Anthropic's API only behind a beta header).
  claude("claude-3-5-sonnet-20240620", "Claude 3.5 Sonnet", { max: 4096, batch: "listed" }),
  claude("claude-3-5-sonnet-20241022", "Claude 3.5 Sonnet v2", { max: 8192, batch: "listed" }),
  // [QUOTA]; 8,192 [LITELLM]; no vision in AWS's Converse feature table [DOC].
  claude("claude-3-5-haiku-20241022", "Claude 3.5 Haiku", {
    max: 8192,
    batch: "listed",
    images: false,
  }),
  // [QUOTA]; 64,000 [VENDOR] (LiteLLM says 8,192; Anthropic documents 64K without beta headers).
  claude("claude-3-7-sonnet-20250219", "Claude 3.7 Sonnet", { max: 64000, batch: "listed" }),
  // [QUOTA]; 64,000 [LITELLM].
  claude("claude-sonnet-4-20250514", "Claude Sonnet 4", { max: 64000, batch: "listed" }),
  // No batch quota seen for the rows below [QUOTA]; 32,000 [LITELLM] and mixtape-core.
  claude("claude-opus-4-20250514", "Claude Opus 4", { max: 32000, batch: "unverified" }),
  claude("claude-opus-4-1-20250805", "Claude Opus 4.1", { max: 32000, batch: "unverified" }),
  // 64,000 [LITELLM], [VENDOR] Sonnet 4.5 "Max output: 64K", [CARD] Haiku 4.5 "64K"; [SO] all three.
  claude("claude-sonnet-4-5-20250929", "Claude Sonnet 4.5", {
    max: 64000,
    batch: "unverified",
    structured: true,
  }),
  claude("claude-haiku-4-5-20251001", "Claude Haiku 4.5", {
    max: 64000,
    batch: "unverified",
    structured: true,
  }),
  claude("claude-opus-4-5-20251101", "Claude Opus 4.5", {
    max: 64000,
    batch: "unverified",
    structured: true,
  }),
  // 64,000 [LITELLM]; a third-party copy of Anthropic's page says 128K: LiteLLM's lower figure
  // is kept so nothing Bedrock refuses passes. [SO] per Anthropic's list (Sonnet 4.6 included).
  claude("claude-sonnet-4-6", "Claude Sonnet 4.6", {
    max: 64000,
    batch: "unverified",
    structured: true,
  }),
  // 128,000 [LITELLM]; [SO].
  claude("claude-opus-4-6", "Claude Opus 4.6", {
    max: 128000,
    batch: "unverified",
    structured: true,
  }),

  // ---- Amazon Nova: native messages-v1 body; tools and forced tools [TOOLCHOICE]. ----
  // [BATCH]; 5,000 [CARD] Nova Lite "Max output tokens: 5K" and the Nova v1 guide (≤5K);
  // LiteLLM says 10,000. Nova Micro is text only [DOC].
  nova("nova-micro-v1", "Nova Micro", { max: 5000, batch: "listed", images: false }),
  nova("nova-lite-v1", "Nova Lite", { max: 5000, batch: "listed", images: true }),
  nova("nova-pro-v1", "Nova Pro", { max: 5000, batch: "listed", images: true }),
  // [BATCH] (inference profiles only); 25,000 [CARD] "Max output tokens: 25K".
  nova("nova-premier-v1", "Nova Premier", { max: 25000, batch: "listed", images: true }),
  // [BATCH] (inference profiles); 64,000 [LITELLM] (mixtape-core says 65,535).
  nova("nova-2-lite-v1", "Nova 2 Lite", { max: 64000, batch: "listed", images: true }),
  nova("nova-2-pro", "Nova 2 Pro (preview)", { max: 64000, batch: "unverified", images: true }),

  // ---- Meta Llama: native prompt-template body. ----
  // Llama 3: not in the batch quota list; 2,048 (`max_gen_len` maximum, AWS Meta page [DOC]).
  llama("llama3-8b-instruct", "Llama 3 8B Instruct", { max: 2048, batch: "unverified" }),
  llama("llama3-70b-instruct", "Llama 3 70B Instruct", { max: 2048, batch: "unverified" }),
  // [QUOTA]; 2,048 [LITELLM] for 8B and 70B, 4,096 [CARD] for 405B.
  llama("llama3-1-8b-instruct", "Llama 3.1 8B Instruct", { max: 2048, batch: "listed" }),
  llama("llama3-1-70b-instruct", "Llama 3.1 70B Instruct", { max: 2048, batch: "listed" }),
  llama("llama3-1-405b-instruct", "Llama 3.1 405B Instruct", { max: 4096, batch: "listed" }),
  // [QUOTA]; 4,096 [LITELLM]; 11B and 90B see images [DOC].
  llama("llama3-2-1b-instruct", "Llama 3.2 1B Instruct", { max: 4096, batch: "listed" }),
  llama("llama3-2-3b-instruct", "Llama 3.2 3B Instruct", { max: 4096, batch: "listed" }),
  llama("llama3-2-11b-instruct", "Llama 3.2 11B Instruct", {
    max: 4096,
    batch: "listed",
    images: true,
  }),
  llama("llama3-2-90b-instruct", "Llama 3.2 90B Instruct", {
    max: 4096,
    batch: "listed",
    images: true,
  }),
  llama("llama3-3-70b-instruct", "Llama 3.3 70B Instruct", { max: 4096, batch: "listed" }),
  // 8,192 [CARD] Maverick "Max output tokens: 8K" (LiteLLM says 4,096); Scout assumed alike.
  // Batch prices are published for both (pricing table), no quota name seen.
  llama("llama4-scout-17b-instruct", "Llama 4 Scout 17B Instruct", {
    max: 8192,
    batch: "unverified",
    images: true,
  }),
  llama("llama4-maverick-17b-instruct", "Llama 4 Maverick 17B Instruct", {
    max: 8192,
    batch: "unverified",
    images: true,
  }),

  // ---- Mistral text completion (`<s>[INST]` prompt body). Maxima from AWS's text-completion page [DOC]. ----
  chat({
    id: "mistral.mistral-7b-instruct",
    name: "Mistral 7B Instruct",
    native: "mistral",
    batch: "unverified",
    input: TEXT,
    maxOutputTokens: 8192,
    tools: false,
    forcedTool: false,
    nativeStructuredOutput: false,
  }),
  chat({
    id: "mistral.mixtral-8x7b-instruct",
    name: "Mixtral 8x7B Instruct",
    native: "mistral",
    batch: "unverified",
    input: TEXT,
    maxOutputTokens: 4096,
    tools: false,
    forcedTool: false,
    nativeStructuredOutput: false,
  }),
  chat({
    id: "mistral.mistral-large-2402",
    name: "Mistral Large (24.02)",
    native: "mistral",
    batch: "unverified",
    input: TEXT,
    maxOutputTokens: 8192,
    tools: false,
    forcedTool: false,
    nativeStructuredOutput: false,
  }),
  chat({
    id: "mistral.mistral-small-2402",
    name: "Mistral Small (24.02)",
    native: "mistral",
    batch: "listed", // [QUOTA]
    input: TEXT,
    maxOutputTokens: 8192,
    tools: false,
    forcedTool: false,
    nativeStructuredOutput: false,
  }),
  // ---- Mistral chat completion body (messages, tools, tool_choice auto|any|none) [DOC]. ----
  // [QUOTA]; 8,192 (LiteLLM 8,191). `tool_choice: "any"` with one tool forces it.
  chat({
    id: "mistral.mistral-large-2407",
    name: "Mistral Large 2 (24.07)",
    native: "mistral-chat",
    batch: "listed",
    input: TEXT,
    maxOutputTokens: 8192,
    tools: true,
    forcedTool: true,
    nativeStructuredOutput: false,
  }),
  // No batch quota seen; 4,096 [LITELLM]; images [DOC Pixtral Large page].
  chat({
    id: "mistral.pixtral-large-2502",
    name: "Pixtral Large (25.02)",
    native: "mistral-chat",
    batch: "unverified",
    input: VISION,
    maxOutputTokens: 4096,
    tools: true,
    forcedTool: true,
    nativeStructuredOutput: false,
  }),

  // ---- Converse only: open-weight models whose InvokeModel body Batchgate does not write. ----
  // gpt-oss: [QUOTA]; text only, 128,000 context [DOC model-parameters-openai]; output bounded
  // by the context [LITELLM 128,000]; [SO] names OpenAI among the structured-output providers.
  converseOnly("openai.gpt-oss-20b", "gpt-oss-20b", {
    max: 128000,
    batch: "listed",
    structured: true,
  }),
  converseOnly("openai.gpt-oss-120b", "gpt-oss-120b", {
    max: 128000,
    batch: "listed",
    structured: true,
  }),
  // Qwen3 and DeepSeek: [QUOTA]; maxima [LITELLM]. Structured output not confirmed for them.
  converseOnly("qwen.qwen3-32b", "Qwen3 32B", { max: 16384, batch: "listed" }),
  converseOnly("qwen.qwen3-235b-a22b-2507", "Qwen3 235B A22B", { max: 131072, batch: "listed" }),
  converseOnly("qwen.qwen3-coder-30b-a3b", "Qwen3 Coder 30B A3B", {
    max: 131072,
    batch: "listed",
  }),
  converseOnly("qwen.qwen3-coder-480b-a35b", "Qwen3 Coder 480B A35B", {
    max: 65536,
    batch: "listed",
  }),
  converseOnly("deepseek.v3-v1", "DeepSeek-V3.1", { max: 81920, batch: "listed" }),

  // ---- Embeddings ----
  // Titan Text Embeddings G1: 1,536 values, no size choice [DOC]; no batch quota seen.
  embed({
    id: "amazon.titan-embed-text-v1",
    name: "Titan Text Embeddings G1",
    native: "titan-embed",
    batch: "unverified",
    embedding: { dimensions: [1536], chooseDimensions: false, maxInputs: 1 },
  }),
  embed({
    id: "amazon.titan-embed-g1-text",
    name: "Titan Text Embeddings G1",
    native: "titan-embed",
    batch: "unverified",
    embedding: { dimensions: [1536], chooseDimensions: false, maxInputs: 1 },
  }),
  // [BATCH] [QUOTA]; 1024 (default), 512, 256; 50,000 characters [DOC].
  embed({
    id: "amazon.titan-embed-text-v2",
    name: "Titan Text Embeddings V2",
    native: "titan-embed",
    batch: "listed",
    embedding: {
      dimensions: [1024, 512, 256],
      chooseDimensions: true,
      maxInputs: 1,
      maxInputChars: 50000,
    },
  }),
  // [BATCH] [QUOTA]; `embeddingConfig.outputEmbeddingLength` 1024 (default), 384, 256 [DOC].
  embed({
    id: "amazon.titan-embed-image-v1",
    name: "Titan Multimodal Embeddings G1",
    native: "titan-embed",
    batch: "listed",
    embedding: { dimensions: [1024, 384, 256], chooseDimensions: true, maxInputs: 1 },
  }),
  // [BATCH] (zh_cn copy: us-east-1); 3072 (default), 1024, 384, 256 [DOC Nova embeddings schema].
  embed({
    id: "amazon.nova-2-multimodal-embeddings-v1",
    name: "Nova Multimodal Embeddings",
    native: "nova-embed",
    batch: "listed",
    embedding: { dimensions: [3072, 1024, 384, 256], chooseDimensions: true, maxInputs: 1 },
  }),
  // Cohere Embed v3: 1,024 values, up to 96 texts of 2,048 characters [DOC model-parameters-embed];
  // not in any batch list or quota seen.
  embed({
    id: "cohere.embed-english-v3",
    name: "Cohere Embed English v3",
    native: "cohere-embed",
    batch: "unverified",
    embedding: { dimensions: [1024], chooseDimensions: false, maxInputs: 96, maxInputChars: 2048 },
  }),
  embed({
    id: "cohere.embed-multilingual-v3",
    name: "Cohere Embed Multilingual v3",
    native: "cohere-embed",
    batch: "unverified",
    embedding: { dimensions: [1024], chooseDimensions: false, maxInputs: 96, maxInputChars: 2048 },
  }),
  // Cohere Embed v4: `output_dimension` 1536 (default), 1024, 512, 256 [DOC]; batch unverified.
  embed({
    id: "cohere.embed-v4",
    name: "Cohere Embed v4",
    native: "cohere-embed",
    batch: "unverified",
    embedding: { dimensions: [1536, 1024, 512, 256], chooseDimensions: true, maxInputs: 96 },
  }),

  // ---- Not text or embedding models: refused by name rather than sent to Converse. ----
  other("amazon.nova-canvas", "Nova Canvas"),
  other("amazon.nova-reel", "Nova Reel"),
  other("amazon.nova-sonic", "Nova Sonic"),
  other("amazon.nova-2-sonic", "Nova 2 Sonic"),
  other("amazon.titan-image-generator", "Titan Image Generator"),
  other("stability.", "Stability AI image models"),
  other("amazon.rerank", "Amazon Rerank"),
  other("cohere.rerank", "Cohere Rerank"),
];

/** Characters that may follow a row's id in a model id (`-v1:0`, `:0`, or nothing). */
function continuesId(baseId: string, prefix: string): boolean {
  if (!baseId.startsWith(prefix)) return false;
  if (prefix.endsWith(".")) return true;
  const next = baseId[prefix.length];
  return next === undefined || next === "-" || next === ":";
}

/**
 * The base model id a reference names, lower case, without profile prefix or
 * provisioned-throughput suffix; for custom models, their base model. Null
 * when the reference names no model (application inference profile ARNs).
 * @param model `bedrock/…`, a model id, profile id or ARN
 * @param options `baseModel`: LiteLLM's `model_info.base_model`, which wins
 */
export function baseModelOf(model: string, options: { baseModel?: string } = {}): string | null {
  const ref = parseModelRef(options.baseModel ?? model);
  const base = priceKeyOf(ref) ?? customModelBase(ref);
  return base === null ? null : base.replace(/:(?:\d+k|mm)$/, "");
}

/**
 * The capability row of a model: the row whose id is the longest prefix of
 * the model's base id.
 * @param model `bedrock/…`, a model id, profile id or ARN
 * @param options `baseModel`: LiteLLM's `model_info.base_model` (for application inference profiles)
 * @returns the row, or undefined for models not in the table (and references that name none)
 * @example
 * ```ts
 * import assert from "assert";
 * import { capabilitiesOf } from "./capabilities.ts";
 * const caps = capabilitiesOf("us.anthropic.claude-3-5-haiku-20241022-v1:0");
 * assert.equal(caps?.name, "Claude 3.5 Haiku");
 * assert.equal(caps?.maxOutputTokens, 8192);
 * ```
 */
export function capabilitiesOf(
  model: string,
  options: { baseModel?: string } = {},
): ModelCapabilities | undefined {
  const base = baseModelOf(model, options);
  if (base === null) return undefined;
  let best: ModelCapabilities | undefined;
  for (const row of CAPABILITIES) {
    if (continuesId(base, row.id) && row.id.length > (best?.id.length ?? 0)) best = row;
  }
  return best;
}

/**
 * The documented output token limit of a model: the most `max_tokens`
 * (`max_completion_tokens`, `max_output_tokens`) a request may ask for.
 * @param model `bedrock/…`, a model id, profile id or ARN
 * @param options `baseModel`: LiteLLM's `model_info.base_model`
 * @returns the limit, or undefined when unknown (and for embedding models)
 * @example
 * ```ts
 * import assert from "assert";
 * import { maxOutputTokens } from "./capabilities.ts";
 * assert.equal(maxOutputTokens("anthropic.claude-3-haiku-20240307-v1:0"), 4096);
 * assert.equal(maxOutputTokens("amazon.titan-embed-text-v2:0"), undefined);
 * ```
 */
export function maxOutputTokens(
  model: string,
  options: { baseModel?: string } = {},
): number | undefined {
  return capabilitiesOf(model, options)?.maxOutputTokens ?? undefined;
}

/**
 * Capabilities assumed for a chat model the table does not know: Converse,
 * text and images, no tools, no structured output, no known output limit.
 * Bedrock's own answer decides what the model takes.
 * @param baseId the model's base id (used as its name)
 */
export function unknownChatModel(baseId: string): ModelCapabilities {
  return {
    id: baseId,
    name: baseId,
    endpoints: CHAT,
    native: null,
    converse: true,
    batch: "unverified",
    input: VISION,
    maxOutputTokens: null,
    tools: false,
    forcedTool: false,
    nativeStructuredOutput: false,
  };
}

/**
 * The capabilities a translator works with: the bound row when given, else
 * the table's row for the model id.
 */
export function capabilitiesFor(
  options: { modelId: string; capabilities?: ModelCapabilities },
): ModelCapabilities | undefined {
  return options.capabilities ?? capabilitiesOf(options.modelId);
}

/** The `limit` of the chat parameter policy (`openai_chat.ts`) for a row. */
export function limitOf(
  caps: ModelCapabilities | undefined,
): { limit: { maxOutputTokens: number | null; model: string } } | Record<never, never> {
  return caps ? { limit: { maxOutputTokens: caps.maxOutputTokens, model: caps.name } } : {};
}
