/**
 * Deterministic model replies of the Bedrock emulator.
 *
 * The emulator answers every record in the `modelOutput` format of the
 * job's model family, chosen by `modelId` (ARNs and the cross-region prefixes
 * `us.`, `eu.`, `apac.`, `global.` and the like are stripped first):
 *
 * | model id starts with      | reply format                                        |
 * |---------------------------|-----------------------------------------------------|
 * | `anthropic.claude-3`, `-sonnet-4`, `-opus-4`, `-haiku-4` | Claude Messages response (`tool_use` fitting the schema when `tool_choice` forces a tool) |
 * | `amazon.nova-micro`, `-lite`, `-pro`, `-premier`, `amazon.nova-2-lite`, `-2-pro` | Nova `messages-v1` response (`toolUse` when `toolChoice` forces a tool) |
 * | `meta.llama3`, `meta.llama4` | Llama `generation` response                      |
 * | `mistral.`                | Mistral `outputs` (or `choices`, with a tool call for `tool_choice: "any"`, for a `messages` body) |
 * | `amazon.titan-embed-text`, `amazon.titan-embed-g1-text`, `amazon.titan-embed-image` | Titan embedding |
 * | `cohere.embed`            | Cohere embeddings                                   |
 * | `amazon.nova-2-multimodal-embeddings` | Nova embeddings                         |
 *
 * These are the families AWS lists for batch inference (its batch model
 * table and the batch quota names, plus Cohere Embed, which no stored AWS list
 * shows); other models, Claude 2 and Nova Canvas
 * among them, get no InvokeModel job. Embedding vectors hold at most 8
 * values whatever size is asked, to keep files small.
 *
 * Jobs with `modelInvocationType: "Converse"` get Converse responses for any
 * model (a Converse job's `outputConfig.textFormat` is answered with JSON that
 * fits the schema). Replies are a pure function of the input: the text is
 * `Emulated reply to: <first 60 characters of the last user text>`, input
 * tokens are `ceil(length of JSON.stringify(modelInput) / 4)`, output tokens
 * the word count of the reply (0 for embeddings).
 *
 * ## Markers for testing failure paths
 *
 * Put one of these strings anywhere in a record's `modelInput` (for example in
 * the user message):
 *
 * - `EMULATOR_FAIL`: the record is processed but fails; its output line has
 *   `"error": {"errorCode": 400, "errorMessage": "Emulated model error for this record"}`
 *   instead of `modelOutput`.
 * - `EMULATOR_SLOW`: the record is never processed, as if the job ran out of
 *   time. The job then ends `PartiallyCompleted` and the record has no output line.
 *
 * A `modelInput` missing what the real model requires (e.g. Claude without
 * `max_tokens`) also fails its record with errorCode 400, as on Bedrock.
 * @module
 */
import {
  MalformedInputError,
  type ModelFamily,
  REPLY_FORMATS,
  type ReplyFormat,
} from "./reply_formats.ts";
import type { ModelInvocationType } from "./shapes.ts";
import { customModelBase, parseModelRef } from "../../src/config/model_id.ts";

export type { ModelFamily } from "./reply_formats.ts";

/** Marker that makes a record fail with errorCode 400. */
export const FAIL_MARKER = "EMULATOR_FAIL";
/** Marker that keeps a record from ever being processed. */
export const SLOW_MARKER = "EMULATOR_SLOW";
/** The errorMessage of a record with {@linkcode FAIL_MARKER}. */
export const FAIL_MESSAGE = "Emulated model error for this record";

/** The result of running one record. */
export type RecordOutcome =
  | {
    ok: true;
    modelOutput: Record<string, unknown>;
    inputTokens: number;
    outputTokens: number;
  }
  | { ok: false; error: { errorCode: number; errorMessage: string } };

const FAMILY_PREFIXES: [string, ModelFamily][] = [
  ["anthropic.claude-3", "anthropic"],
  ["anthropic.claude-sonnet-4", "anthropic"],
  ["anthropic.claude-opus-4", "anthropic"],
  ["anthropic.claude-haiku-4", "anthropic"],
  ["amazon.nova-micro", "nova"],
  ["amazon.nova-lite", "nova"],
  ["amazon.nova-pro", "nova"],
  ["amazon.nova-premier", "nova"],
  ["amazon.nova-2-lite", "nova"],
  ["amazon.nova-2-pro", "nova"],
  ["amazon.nova-2-multimodal-embeddings", "nova-embed"],
  ["meta.llama3", "llama"],
  ["meta.llama4", "llama"],
  ["mistral.", "mistral"],
  ["amazon.titan-embed-text", "titan-embed"],
  ["amazon.titan-embed-g1-text", "titan-embed"],
  ["amazon.titan-embed-image", "titan-embed"],
  ["cohere.embed", "cohere-embed"],
];

/**
 * The foundation-model id behind a model id, profile id or ARN.
 * @example
 * ```ts
 * import { baseModelId } from "./replies.ts";
 * baseModelId("us.anthropic.claude-3-5-haiku-20241022-v1:0"); // "anthropic.claude-3-5-haiku-20241022-v1:0"
 * ```
 */
export function baseModelId(modelId: string): string {
  const ref = parseModelRef(modelId);
  return ref.baseId ?? customModelBase(ref) ?? ref.id.slice(ref.id.lastIndexOf("/") + 1);
}

/** The reply family of a model id, or undefined when the emulator has none. */
export function familyOf(modelId: string): ModelFamily | undefined {
  const base = baseModelId(modelId);
  return FAMILY_PREFIXES.find(([prefix]) => base.startsWith(prefix))?.[1];
}

/** Whether a record's `modelInput` JSON carries {@linkcode SLOW_MARKER}. */
export function isSlow(modelInputJson: string): boolean {
  return modelInputJson.includes(SLOW_MARKER);
}

/** Options of {@linkcode emulateRecord}. */
export interface EmulateOptions {
  modelId: string;
  invocationType: ModelInvocationType;
}

/**
 * Runs one record: the deterministic reply, or a per-record error.
 * @param modelInput The record's `modelInput` object
 */
export function emulateRecord(
  modelInput: Record<string, unknown>,
  options: EmulateOptions,
): RecordOutcome {
  const json = JSON.stringify(modelInput);
  if (json.includes(FAIL_MARKER)) {
    return { ok: false, error: { errorCode: 400, errorMessage: FAIL_MESSAGE } };
  }
  const format = formatFor(options);
  if (!format) {
    const errorMessage = `The emulator has no reply format for model ${options.modelId}`;
    return { ok: false, error: { errorCode: 400, errorMessage } };
  }
  const inputTokens = Math.ceil(json.length / 4);
  try {
    const reply = format(modelInput, {
      modelId: baseModelId(options.modelId),
      inputTokens,
      seed: seedOf(json),
    });
    return { ok: true, inputTokens, ...reply };
  } catch (error) {
    if (!(error instanceof MalformedInputError)) throw error;
    return { ok: false, error: { errorCode: 400, errorMessage: error.message } };
  }
}

function formatFor(options: EmulateOptions): ReplyFormat | undefined {
  if (options.invocationType === "Converse") return REPLY_FORMATS.converse;
  const family = familyOf(options.modelId);
  return family ? REPLY_FORMATS[family] : undefined;
}

/** 32 base-36 characters from four FNV-1a hashes of the text. */
function seedOf(text: string): string {
  let out = "";
  for (let round = 0; round < 4; round++) {
    let h = (0x811c9dc5 ^ round) >>> 0;
    for (let i = 0; i < text.length; i++) {
      h ^= text.charCodeAt(i);
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    out += h.toString(36).padStart(7, "0").slice(0, 7) + (h % 36).toString(36);
  }
  return out;
}
