/**
 * What every reply format shares: the context of a record, the error a
 * malformed `modelInput` raises ("Malformed input request: …", as Bedrock
 * says it), the deterministic reply text and strict input parsing.
 * @module
 */
import type { z } from "zod";

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

/**
 * Parses a `modelInput` with a schema; the first issue becomes Bedrock's
 * JSON-pointer style message, an unknown key "extraneous key [k] is not permitted".
 * @throws {MalformedInputError}
 */
export function parseInput<T extends z.ZodType>(schema: T, input: unknown): z.infer<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const where = `#/${issue.path.join("/")}`;
  if (issue.code === "unrecognized_keys") {
    throw new MalformedInputError(`${where}: extraneous key [${issue.keys[0]}] is not permitted`);
  }
  throw new MalformedInputError(`${where}: ${issue.message}`);
}

/** Most values an emulated vector gets, whatever size is asked, to keep files small. */
export const MAX_EMBEDDING_VALUES = 8;

/** A deterministic unit vector of up to {@linkcode MAX_EMBEDDING_VALUES} values. */
export function emulatedVector(
  seed: string,
  options: { size?: number; normalize?: boolean; salt?: number } = {},
): number[] {
  const size = Math.min(options.size ?? MAX_EMBEDDING_VALUES, MAX_EMBEDDING_VALUES);
  const salt = options.salt ?? 0;
  let vector = Array.from({ length: size }, (_, i) => {
    const at = (i * 2 + salt * 3) % Math.max(seed.length - 1, 1);
    const code = parseInt(seed.slice(at, at + 2) || "0", 36);
    return code / 1295 * 2 - 1;
  });
  if (options.normalize !== false) {
    const norm = Math.hypot(...vector) || 1;
    vector = vector.map((v) => v / norm);
  }
  return vector.map((v) => Math.round(v * 1e6) / 1e6);
}
