/**
 * The translator of each request format, and the native format of a model id.
 * Deployments get their translators through {@linkcode ../bedrock/batch_model.ts}
 * (`resolveBatchModel`), which picks the format and the endpoint.
 * @module
 */
import { capabilitiesOf } from "./capabilities.ts";
import type { ModelFamily, Translator } from "./translator.ts";
import { anthropicTranslator } from "./anthropic.ts";
import { novaTranslator } from "./nova.ts";
import { llamaTranslator } from "./llama.ts";
import { mistralTranslator } from "./mistral.ts";
import { mistralChatTranslator } from "./mistral_chat.ts";
import { titanEmbedTranslator } from "./titan_embed.ts";
import { cohereEmbedTranslator } from "./cohere_embed.ts";
import { novaEmbedTranslator } from "./nova_embed.ts";
import { converseTranslator } from "./converse.ts";

/**
 * The translator of each format, for its own endpoint (`/v1/chat/completions`
 * for chat formats, `/v1/embeddings` for embedding formats). Unbound: each
 * looks the model up by `modelId` unless given `capabilities`.
 */
export const TRANSLATORS: Readonly<Record<ModelFamily, Translator>> = {
  anthropic: anthropicTranslator,
  nova: novaTranslator,
  llama: llamaTranslator,
  mistral: mistralTranslator,
  "mistral-chat": mistralChatTranslator,
  "titan-embed": titanEmbedTranslator,
  "cohere-embed": cohereEmbedTranslator,
  "nova-embed": novaEmbedTranslator,
  converse: converseTranslator,
};

/**
 * The native (InvokeModel) request format of a Bedrock model id.
 * @param modelId a model id (`anthropic.claude-3-haiku-20240307-v1:0`), a
 *   cross-region profile id (`us.`, `eu.`, `apac.`, `global.`, `us-gov.`…), a
 *   foundation-model ARN or a system inference-profile ARN
 * @param options `baseModel`: LiteLLM's `model_info.base_model`, for application inference profiles
 * @returns the format, or undefined when Batchgate writes no native body for
 *   the model (Converse-only models, unknown models, ARNs that name no model)
 * @example
 * ```ts
 * import assert from "assert";
 * import { familyOf } from "./translators.ts";
 * assert.equal(familyOf("us.anthropic.claude-3-5-sonnet-20240620-v1:0"), "anthropic");
 * assert.equal(familyOf("amazon.titan-embed-text-v2:0"), "titan-embed");
 * assert.equal(familyOf("openai.gpt-oss-120b-1:0"), undefined);
 * ```
 */
export function familyOf(
  modelId: string,
  options: { baseModel?: string } = {},
): Exclude<ModelFamily, "converse"> | undefined {
  return capabilitiesOf(modelId, options)?.native ?? undefined;
}

/**
 * The native translator of a model id, bound to the model's capabilities.
 * @deprecated Use `resolveBatchModel(model, options).translator(endpoint)`
 *   (`batch_model.ts`), which also serves `/v1/responses`, Converse jobs and
 *   application inference profiles.
 * @throws {Error} when the id has no native format (see {@linkcode familyOf})
 */
export function translatorFor(modelId: string): Translator {
  const capabilities = capabilitiesOf(modelId);
  const family = capabilities?.native;
  if (capabilities && family) {
    const base = TRANSLATORS[family];
    return {
      ...base,
      toModelInput: (body, options) => base.toModelInput(body, { ...options, capabilities }),
    };
  }
  const hint = modelId.includes(":application-inference-profile/")
    ? ": an application inference profile ARN does not name its model"
    : ": Batchgate writes no InvokeModel body for it, run it as Converse";
  throw new Error(`Cannot translate for model '${modelId}'${hint}`);
}
