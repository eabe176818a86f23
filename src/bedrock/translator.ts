/**
 * The per-family translation interface: OpenAI request body → Bedrock
 * `modelInput`, and Bedrock `modelOutput` → OpenAI response body. One
 * {@linkcode Translator} per model family, picked by {@linkcode translatorFor}.
 * @module
 */

/** Model families Batchgate can translate for. */
export type ModelFamily = "anthropic" | "nova" | "llama" | "mistral" | "titan-embed";

/** OpenAI batch endpoints a translator serves. */
export type BatchEndpoint = "/v1/chat/completions" | "/v1/embeddings";

/** A request body the family cannot take; becomes a 400 naming the line. */
export class TranslationError extends Error {
  /** Dotted path inside `body`, e.g. `body.messages[2].content`. */
  readonly param: string;
  /**
   * @param message Sentence case, no final period, e.g. "Parameter n must be 1 for Bedrock batch: got 3"
   * @param param Dotted path of the offending field, starting with `body`
   */
  constructor(message: string, param = "body") {
    super(message);
    this.name = "TranslationError";
    this.param = param;
  }
}

/** Options of {@linkcode Translator.toModelInput}. */
export interface ToModelInputOptions {
  /** Bedrock model id (or profile id / ARN) of the deployment. */
  modelId: string;
  /** `max_tokens` used when the request sets none. */
  defaultMaxTokens?: number;
}

/** Context of {@linkcode Translator.fromModelOutput}. */
export interface FromModelOutputContext {
  /** Model group name, reported as the response's `model`. */
  modelGroup: string;
  /** Unix seconds for `created`. */
  created: number;
  /** Id for the response body (`chatcmpl-…`). */
  responseId: string;
}

/** Token usage of one record. */
export interface RecordUsage {
  inputTokens: number;
  outputTokens: number;
}

/** Translation for one model family. */
export interface Translator {
  readonly family: ModelFamily;
  /** The OpenAI endpoint whose bodies this family takes. */
  readonly endpoint: BatchEndpoint;
  /**
   * Validates an OpenAI request `body` and returns the Bedrock `modelInput`.
   * @throws {TranslationError} for a body the family cannot take
   */
  toModelInput(body: unknown, options: ToModelInputOptions): Record<string, unknown>;
  /**
   * Turns a Bedrock `modelOutput` into the OpenAI response body
   * (`chat.completion`, or an embeddings `list`).
   * @throws {TranslationError} when the output is not in the family's format
   */
  fromModelOutput(output: unknown, context: FromModelOutputContext): Record<string, unknown>;
  /** Token usage in a `modelOutput` (zeros when absent). */
  usageOf(output: unknown): RecordUsage;
  /** Worst-case output tokens of a `modelInput` (for cost estimates). */
  maxOutputTokens(modelInput: Record<string, unknown>): number;
}
