/**
 * Deterministic `modelOutput` bodies, one format per request format: the chat
 * formats in `chat_replies.ts`, the embedding formats in `embed_replies.ts`.
 * A body that misses what the real model requires, or carries what it does
 * not know, fails the record the way Bedrock does ("Malformed input request: …").
 * @module
 */
import { anthropic, llama, messagesReply, mistral } from "./chat_replies.ts";
import { cohereEmbed, novaEmbed, titanEmbed } from "./embed_replies.ts";
import type { ReplyFormat } from "./reply_context.ts";

export {
  type FamilyReply,
  MalformedInputError,
  MAX_EMBEDDING_VALUES,
  type ReplyContext,
  type ReplyFormat,
  replyText,
  wordCount,
} from "./reply_context.ts";

/** Model families the emulator replies for with InvokeModel bodies. */
export type ModelFamily =
  | "anthropic"
  | "nova"
  | "llama"
  | "mistral"
  | "titan-embed"
  | "cohere-embed"
  | "nova-embed";

/** Reply format of each family, plus `converse` for Converse-type jobs. */
export const REPLY_FORMATS: Record<ModelFamily | "converse", ReplyFormat> = {
  anthropic,
  nova: messagesReply(false),
  converse: messagesReply(true),
  llama,
  mistral,
  "titan-embed": titanEmbed,
  "cohere-embed": cohereEmbed,
  "nova-embed": novaEmbed,
};
