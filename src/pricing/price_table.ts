/**
 * Per-token list prices (USD, us-east-1) of the Bedrock models that support
 * batch inference, keyed by base Bedrock model id.
 *
 * Sources, in order of trust:
 * - [AWS] aws.amazon.com/bedrock/pricing, via a dated copy (2025-07-20) kept in
 *   convo-lang/convo-lang `packages/convo-lang-bedrock/bedrock-pricing.md`; it
 *   lists batch columns for Nova, Claude 3 Haiku, Claude 3.5 Sonnet v1/v2,
 *   Llama 3.1/3.3/4.
 * - [MIRROR] Aditya-Poddar/bedrock-pricing `js/config/pricing-data.js`
 *   (@49ebacb6), a later scrape of the same page (on-demand only, undated;
 *   it already lists Nova 2 and Mistral Large 3, so late 2025 or after):
 *   Claude 3 Opus/Sonnet, Claude 4.x, Nova Premier / Nova 2 Lite, Mistral,
 *   gpt-oss, Qwen3, Llama 3.
 * - [LITELLM] LiteLLM's model map, `model_prices_and_context_window.json` as
 *   mirrored by RoCry/llm-api-price@8442b939 (2026-07-24), on-demand only:
 *   Claude 4.6, Nova 2 Pro, Qwen3 235B and Coder 480B, DeepSeek-V3.1, Cohere
 *   and Nova embeddings. Where it and [MIRROR] agree, both are named.
 * - [REF] /work/shared/reference/bedrock-batch-facts.md section 5.
 * - [3P] third-party code and articles, named per entry; least sure.
 *
 * Where AWS publishes no batch column, the batch rate is left out here and
 * `prices.ts` applies AWS's documented rule: batch is 50% of on-demand.
 * Prices change: deployments override them with `model_info` in config.yaml.
 * @module
 */
import { z } from "zod";

/** One model's list prices, per token, as the table stores them. */
export const ModelPrice = z.object({
  /** On-demand price of one input token. */
  inputPerToken: z.number().positive(),
  /** On-demand price of one output token (0 for embedding models). */
  outputPerToken: z.number().min(0),
  /** Published batch price of one input token; absent means 50% of on-demand. */
  batchInputPerToken: z.number().positive().optional(),
  /** Published batch price of one output token; absent means 50% of on-demand. */
  batchOutputPerToken: z.number().min(0).optional(),
  /**
   * Surcharge on in-Region and geo (`us.`, `eu.`…) use, as a fraction
   * (0.1 = +10%). Claude 4.5-generation models are cheaper through `global.`
   * profiles, which is the price this table stores.
   */
  regionalPremium: z.number().min(0).optional(),
});
/** One model's list prices, per token. */
export type ModelPrice = z.infer<typeof ModelPrice>;

const MILLION = 1_000_000;

/** Builds an entry from per-million-token figures, as pricing pages print them. */
function perMillion(
  input: number,
  output: number,
  batch?: { input: number; output: number },
  regionalPremium?: number,
): ModelPrice {
  return {
    inputPerToken: input / MILLION,
    outputPerToken: output / MILLION,
    ...(batch && {
      batchInputPerToken: batch.input / MILLION,
      batchOutputPerToken: batch.output / MILLION,
    }),
    ...(regionalPremium !== undefined && { regionalPremium }),
  };
}

// 3P clauder-navi.com/en/bedrock-claude-cost: "Starting with Claude Sonnet 4.5 /
// Haiku 4.5 / Opus 4.5 … regional priced 10% higher than global".
const REGIONAL_PREMIUM_45 = 0.1;

/** List prices keyed by base Bedrock model id (no profile prefix, no ARN). */
export const PRICE_TABLE: Readonly<Record<string, ModelPrice>> = {
  // ---- Anthropic ----
  // [AWS] batch column published.
  "anthropic.claude-3-haiku-20240307-v1:0": perMillion(0.25, 1.25, { input: 0.125, output: 0.625 }),
  // [MIRROR] on-demand; Claude 3 Sonnet and Opus are legacy models.
  "anthropic.claude-3-sonnet-20240229-v1:0": perMillion(3, 15),
  "anthropic.claude-3-opus-20240229-v1:0": perMillion(15, 75),
  // [AWS] 0.80/4.00 (launch price was 1/5); batch column "N/A" in 2025-07.
  "anthropic.claude-3-5-haiku-20241022-v1:0": perMillion(0.8, 4),
  // [AWS] batch column published for v1 and v2. [3P] clauder-navi.com reports
  // 6/30 for 3.5 Sonnet under extended access in 2026: override in config if so.
  "anthropic.claude-3-5-sonnet-20240620-v1:0": perMillion(3, 15, { input: 1.5, output: 7.5 }),
  "anthropic.claude-3-5-sonnet-20241022-v2:0": perMillion(3, 15, { input: 1.5, output: 7.5 }),
  // [AWS] batch column "N/A" in 2025-07 for the rows below.
  "anthropic.claude-3-7-sonnet-20250219-v1:0": perMillion(3, 15),
  "anthropic.claude-sonnet-4-20250514-v1:0": perMillion(3, 15),
  "anthropic.claude-opus-4-20250514-v1:0": perMillion(15, 75),
  // [MIRROR] Opus 4.1 as Opus 4.
  "anthropic.claude-opus-4-1-20250805-v1:0": perMillion(15, 75),
  // [MIRROR] global-profile prices; +10% regional per the 3P note above.
  "anthropic.claude-sonnet-4-5-20250929-v1:0": perMillion(3, 15, undefined, REGIONAL_PREMIUM_45),
  "anthropic.claude-haiku-4-5-20251001-v1:0": perMillion(1, 5, undefined, REGIONAL_PREMIUM_45),
  "anthropic.claude-opus-4-5-20251101-v1:0": perMillion(5, 25, undefined, REGIONAL_PREMIUM_45),
  // [LITELLM] global prices; its us./eu. rows are 10% higher (3.3/16.5, 5.5/27.5).
  "anthropic.claude-sonnet-4-6": perMillion(3, 15, undefined, REGIONAL_PREMIUM_45),
  "anthropic.claude-opus-4-6-v1": perMillion(5, 25, undefined, REGIONAL_PREMIUM_45),

  // ---- Amazon Nova ---- [AWS] batch column published (Premier: profiles only).
  "amazon.nova-micro-v1:0": perMillion(0.035, 0.14, { input: 0.0175, output: 0.07 }),
  "amazon.nova-lite-v1:0": perMillion(0.06, 0.24, { input: 0.03, output: 0.12 }),
  "amazon.nova-pro-v1:0": perMillion(0.8, 3.2, { input: 0.4, output: 1.6 }),
  "amazon.nova-premier-v1:0": perMillion(2.5, 12.5, { input: 1.25, output: 6.25 }),
  // [MIRROR] and [LITELLM] on-demand only.
  "amazon.nova-2-lite-v1:0": perMillion(0.3, 2.5),
  // [LITELLM] 2.1875/17.5 (preview); [MIRROR] shows 1.25/1.25, which looks wrong. Least sure.
  "amazon.nova-2-pro-preview-20251202-v1:0": perMillion(2.1875, 17.5),

  // ---- Meta Llama ---- [AWS] batch column published unless noted.
  // [MIRROR] and [LITELLM] Llama 3 (not 3.1), on-demand only.
  "meta.llama3-8b-instruct-v1:0": perMillion(0.3, 0.6),
  "meta.llama3-70b-instruct-v1:0": perMillion(2.65, 3.5),
  "meta.llama3-1-8b-instruct-v1:0": perMillion(0.22, 0.22, { input: 0.11, output: 0.11 }),
  "meta.llama3-1-70b-instruct-v1:0": perMillion(0.72, 0.72, { input: 0.36, output: 0.36 }),
  "meta.llama3-1-405b-instruct-v1:0": perMillion(2.4, 2.4, { input: 1.2, output: 1.2 }),
  // [AWS] batch "N/A"; [MIRROR] still shows launch prices 0.35 (11B) and 2.00 (90B).
  "meta.llama3-2-1b-instruct-v1:0": perMillion(0.1, 0.1),
  "meta.llama3-2-3b-instruct-v1:0": perMillion(0.15, 0.15),
  "meta.llama3-2-11b-instruct-v1:0": perMillion(0.16, 0.16),
  "meta.llama3-2-90b-instruct-v1:0": perMillion(0.72, 0.72),
  "meta.llama3-3-70b-instruct-v1:0": perMillion(0.72, 0.72, { input: 0.36, output: 0.36 }),
  "meta.llama4-scout-17b-instruct-v1:0": perMillion(0.17, 0.66, { input: 0.085, output: 0.33 }),
  "meta.llama4-maverick-17b-instruct-v1:0": perMillion(0.24, 0.97, {
    input: 0.12,
    output: 0.485,
  }),

  // ---- Mistral ---- [MIRROR] and [REF]; no batch column published.
  // [MIRROR] and [LITELLM] agree.
  "mistral.mistral-7b-instruct-v0:2": perMillion(0.15, 0.2),
  "mistral.mixtral-8x7b-instruct-v0:1": perMillion(0.45, 0.7),
  "mistral.pixtral-large-2502-v1:0": perMillion(2, 6),
  "mistral.mistral-small-2402-v1:0": perMillion(1, 3),
  "mistral.mistral-large-2402-v1:0": perMillion(4, 12),
  // Least sure entry: 3P sources disagree (2/6, 3/9, 4/12). 3/9 is Mistral's
  // own launch price, matching LiteLLM-derived tables; override in config.
  "mistral.mistral-large-2407-v1:0": perMillion(3, 9),

  // ---- OpenAI gpt-oss ---- [MIRROR] and [LITELLM] agree; no batch column seen.
  "openai.gpt-oss-20b-1:0": perMillion(0.07, 0.3),
  "openai.gpt-oss-120b-1:0": perMillion(0.15, 0.6),

  // ---- Qwen ---- [MIRROR] and [LITELLM] for 32B and Coder 30B; [LITELLM] alone for the others.
  "qwen.qwen3-32b-v1:0": perMillion(0.15, 0.6),
  "qwen.qwen3-coder-30b-a3b-v1:0": perMillion(0.15, 0.6),
  "qwen.qwen3-235b-a22b-2507-v1:0": perMillion(0.22, 0.88),
  "qwen.qwen3-coder-480b-a35b-v1:0": perMillion(0.22, 1.8),

  // ---- DeepSeek ---- [LITELLM].
  "deepseek.v3-v1:0": perMillion(0.58, 1.68),

  // ---- Cohere and Nova embeddings ---- [LITELLM], input tokens only. Their
  // bodies report no token counts: a batch is charged from the job manifest.
  "cohere.embed-english-v3": perMillion(0.1, 0),
  "cohere.embed-multilingual-v3": perMillion(0.1, 0),
  "cohere.embed-v4:0": perMillion(0.12, 0),
  // Text input price; image, audio and video inputs are priced per item, not counted here.
  "amazon.nova-2-multimodal-embeddings-v1:0": perMillion(0.135, 0),

  // ---- Amazon Titan embeddings ---- input tokens only.
  // [REF] v2 with a batch rate; v1 and multimodal from AWS's page as recalled
  // (0.0001 and 0.0008 per 1K). Multimodal images ($0.00006 each) are not
  // token-priced and are not counted here.
  "amazon.titan-embed-text-v1": perMillion(0.1, 0),
  // [LITELLM] the G1 text model's other id (amazon.titan-embed-g1-text-02), same price.
  "amazon.titan-embed-g1-text-02": perMillion(0.1, 0),
  "amazon.titan-embed-text-v2:0": perMillion(0.02, 0, { input: 0.01, output: 0 }),
  "amazon.titan-embed-image-v1": perMillion(0.8, 0),
};
