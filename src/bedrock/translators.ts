/**
 * Picks the {@linkcode Translator} of a Bedrock model id, inference profile
 * id or ARN.
 * @module
 */
import { parseModelRef } from "../config/model_id.ts";
import type { ModelFamily, Translator } from "./translator.ts";
import { anthropicTranslator } from "./anthropic.ts";
import { novaTranslator } from "./nova.ts";
import { llamaTranslator } from "./llama.ts";
import { mistralTranslator } from "./mistral.ts";
import { titanEmbedTranslator } from "./titan_embed.ts";

/** The translator of each family. */
export const TRANSLATORS: Readonly<Record<ModelFamily, Translator>> = {
  anthropic: anthropicTranslator,
  nova: novaTranslator,
  llama: llamaTranslator,
  mistral: mistralTranslator,
  "titan-embed": titanEmbedTranslator,
};

/**
 * Model id prefixes per family. Allow-listed rather than matched by provider,
 * because one provider ships bodies of several shapes (Mistral Large 2407 and
 * Pixtral take a chat body; Nova Canvas, Reel, Sonic and the embeddings are
 * not chat models; Llama 2 uses another template).
 */
const FAMILY_PREFIXES: readonly (readonly [string, ModelFamily])[] = [
  ["anthropic.claude", "anthropic"],
  ["amazon.nova-micro", "nova"],
  ["amazon.nova-lite", "nova"],
  ["amazon.nova-pro", "nova"],
  ["amazon.nova-premier", "nova"],
  ["amazon.nova-2-lite", "nova"],
  ["amazon.nova-2-pro", "nova"],
  ["meta.llama3", "llama"],
  ["meta.llama4", "llama"],
  ["mistral.mistral-7b-instruct", "mistral"],
  ["mistral.mixtral-8x7b-instruct", "mistral"],
  ["mistral.mistral-large-2402", "mistral"],
  ["mistral.mistral-small-2402", "mistral"],
  ["amazon.titan-embed-text-v1", "titan-embed"],
  ["amazon.titan-embed-text-v2", "titan-embed"],
  ["amazon.titan-embed-g1-text", "titan-embed"],
];

/**
 * The model family of a Bedrock model id.
 * @param modelId a model id (`anthropic.claude-3-haiku-20240307-v1:0`), a
 *   cross-region profile id (`us.`, `eu.`, `apac.`, `global.`, `us-gov.`…), a
 *   foundation-model ARN or a system inference-profile ARN
 * @returns the family, or undefined when the id names no family Batchgate
 *   translates (application inference profile ARNs never do)
 * @example
 * ```ts
 * import assert from "assert";
 * import { familyOf } from "./translators.ts";
 * assert.equal(familyOf("us.anthropic.claude-3-5-sonnet-20240620-v1:0"), "anthropic");
 * assert.equal(familyOf("amazon.titan-embed-text-v2:0"), "titan-embed");
 * ```
 */
export function familyOf(modelId: string): ModelFamily | undefined {
  const id = parseModelRef(modelId).baseId;
  if (id === null) return undefined;
  for (const [prefix, family] of FAMILY_PREFIXES) {
    if (id.startsWith(prefix)) return family;
  }
  return undefined;
}

/**
 * The translator for a Bedrock model id (see {@linkcode familyOf}).
 * @throws {Error} when the id names no family Batchgate translates
 */
export function translatorFor(modelId: string): Translator {
  const family = familyOf(modelId);
  if (family !== undefined) return TRANSLATORS[family];
  const hint = modelId.includes(":application-inference-profile/")
    ? ": an application inference profile ARN does not name its model"
    : ": Batchgate translates Claude, Nova, Llama 3 and 4, Mistral text models and Titan Text Embeddings";
  throw new Error(`Cannot translate for model '${modelId}'${hint}`);
}
