/**
 * The translation interface: OpenAI request body → Bedrock `modelInput`, and
 * Bedrock `modelOutput` → OpenAI response body. One {@linkcode Translator}
 * per request format and endpoint, bound to one model by
 * {@linkcode ./batch_model.ts}.
 * @module
 */
import type { ModelCapabilities } from "./capabilities.ts";

/**
 * Request formats Batchgate writes: the native InvokeModel body of a model
 * family, or `converse` (the Converse request body, for any chat model).
 */
export type ModelFamily =
  | "anthropic"
  | "nova"
  | "llama"
  | "mistral"
  | "mistral-chat"
  | "titan-embed"
  | "cohere-embed"
  | "nova-embed"
  | "converse";

/** OpenAI batch endpoints Batchgate serves. */
export type BatchEndpoint = "/v1/chat/completions" | "/v1/responses" | "/v1/embeddings";

/** Every {@linkcode BatchEndpoint}, in the order they are listed to users. */
export const BATCH_ENDPOINTS: readonly BatchEndpoint[] = [
  "/v1/chat/completions",
  "/v1/responses",
  "/v1/embeddings",
];

/** Bedrock's `modelInvocationType` of the job that runs the records. */
export type InvocationType = "InvokeModel" | "Converse";

/**
 * Stable codes of {@linkcode TranslationError}, for the OpenAI error body's `code`:
 * - `invalid_request`: the body is malformed (wrong types, missing fields, bad JSON in arguments);
 * - `unsupported_parameter`: the model (or Bedrock batch) has no place for the parameter;
 * - `unsupported_value`: the parameter is known but this value cannot be honoured
 *   (`n: 3`, `max_tokens` above the model's limit, an image for a text-only model).
 */
export type TranslationErrorCode =
  | "invalid_request"
  | "unsupported_parameter"
  | "unsupported_value";

/** A request body the model cannot take; becomes a 400 naming the line. */
export class TranslationError extends Error {
  /** Dotted path inside `body`, e.g. `body.messages[2].content`. */
  readonly param: string;
  /** Machine-readable reason. */
  readonly code: TranslationErrorCode;
  /**
   * @param message Sentence case, no final period, e.g. "Cannot translate for Claude: parameter n must be 1, got 3"
   * @param param Dotted path of the offending field, starting with `body`
   * @param options `code` (default `invalid_request`)
   */
  constructor(
    message: string,
    param = "body",
    options: { code?: TranslationErrorCode } = {},
  ) {
    super(message);
    this.name = "TranslationError";
    this.param = param;
    this.code = options.code ?? "invalid_request";
  }
}

/** Options of {@linkcode Translator.toModelInput}. */
export interface ToModelInputOptions {
  /**
   * Bedrock model id (or profile id / ARN) of the deployment. Used to look the
   * model up when `capabilities` is absent.
   */
  modelId: string;
  /** What the model can do; bound translators (see `batch_model.ts`) always set it. */
  capabilities?: ModelCapabilities;
  /** `max_tokens` used when the request sets none (capped at the model's output limit). */
  defaultMaxTokens?: number;
}

/** Context of {@linkcode Translator.fromModelOutput}. */
export interface FromModelOutputContext {
  /** Model group name, reported as the response's `model`. */
  modelGroup: string;
  /** Unix seconds for `created` (`created_at` in Responses objects). */
  created: number;
  /**
   * Id for the response body: `chatcmpl-…` for chat completions, `resp_…` for
   * Responses (see {@linkcode responseIdPrefix}); embeddings bodies have none.
   */
  responseId: string;
  /**
   * The record's `modelInput` as Bedrock echoes it in the output line. Needed
   * to answer `encoding_format: "base64"` embeddings requests; other formats
   * ignore it.
   */
  modelInput?: unknown;
}

/** Token usage of one record. */
export interface RecordUsage {
  inputTokens: number;
  outputTokens: number;
}

/** Translation for one request format and endpoint. */
export interface Translator {
  /** The request format written into `modelInput`. */
  readonly family: ModelFamily;
  /** The OpenAI endpoint whose bodies this translator takes. */
  readonly endpoint: BatchEndpoint;
  /** The job's `modelInvocationType` its records need. */
  readonly invocationType: InvocationType;
  /**
   * Validates an OpenAI request `body` and returns the Bedrock `modelInput`.
   * @throws {TranslationError} for a body the model cannot take
   */
  toModelInput(body: unknown, options: ToModelInputOptions): Record<string, unknown>;
  /**
   * Turns a Bedrock `modelOutput` into the OpenAI response body
   * (`chat.completion`, a Responses `response`, or an embeddings `list`).
   * @throws {TranslationError} when the output is not in the format's shape
   */
  fromModelOutput(output: unknown, context: FromModelOutputContext): Record<string, unknown>;
  /** Token usage in a `modelOutput` (zeros when absent). */
  usageOf(output: unknown): RecordUsage;
  /** Worst-case output tokens of a `modelInput` (for cost estimates). */
  maxOutputTokens(modelInput: Record<string, unknown>): number;
}

/**
 * The id prefix of response bodies on an endpoint: `chatcmpl-` for chat
 * completions, `resp_` for Responses, empty for embeddings (whose body has no id).
 */
export function responseIdPrefix(endpoint: BatchEndpoint): string {
  if (endpoint === "/v1/chat/completions") return "chatcmpl-";
  if (endpoint === "/v1/responses") return "resp_";
  return "";
}
