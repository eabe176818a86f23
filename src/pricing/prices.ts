/**
 * Token prices for a deployment and the cost of a batch's usage.
 *
 * Price lookups take the deployment's Bedrock model id in any form Batchgate
 * accepts (`bedrock/` prefix, cross-region profile id, ARN) and its
 * `model_info`, which always wins over the built-in {@linkcode PRICE_TABLE}.
 * An application inference profile ARN names no model: `model_info.base_model`
 * (LiteLLM's key) names the one whose table price applies.
 * @module
 */
import { parseModelRef, priceKeyOf } from "../config/model_id.ts";
import type { ModelInfo } from "../config/schema.ts";
import { log } from "../log.ts";
import { type ModelPrice, PRICE_TABLE } from "./price_table.ts";

/** Per-token prices that apply to a deployment, and where they came from. */
export interface BatchPrice {
  /** USD per input token. */
  inputPerToken: number;
  /** USD per output token. */
  outputPerToken: number;
  /** False when neither config nor the table prices the model (both prices are then 0). */
  known: boolean;
  /** `config` when any field came from `model_info`, else `table`, else `unpriced`. */
  source: "config" | "table" | "unpriced";
}

/** On-demand prices have the same shape as batch prices. */
export type OnDemandPrice = BatchPrice;

/** Token counts to be charged. */
export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
}

/**
 * `model_info` as prices read it: LiteLLM's `base_model` names the foundation
 * model of an application inference profile.
 */
export type PriceInfo = ModelInfo & { base_model?: string };

/** AWS: batch inference costs 50% of on-demand (Bedrock pricing page). */
const BATCH_DISCOUNT = 0.5;

/** The price-table key and profile prefix of a model reference. */
function parseModelId(
  modelId: string,
  baseModel?: string,
): { baseId: string; profile: string | null } {
  const ref = parseModelRef(modelId);
  const key = priceKeyOf(ref) ?? (baseModel ? priceKeyOf(parseModelRef(baseModel)) : null);
  return { baseId: key ?? ref.id, profile: ref.profile };
}

/**
 * Reduces a Bedrock model reference to its base model id, the key of the
 * price table: strips a `bedrock/` prefix, a foundation-model or
 * inference-profile ARN, a cross-region profile prefix (`us.`, `eu.`,
 * `apac.`, `global.`, `us-gov.`, `jp.`, `au.`, `ca.`) and a
 * provisioned-throughput variant suffix (`:200k`). Other ARNs come back as given.
 *
 * @example
 * ```ts
 * import { normalizeModelId } from "./prices.ts";
 * normalizeModelId("us.anthropic.claude-3-haiku-20240307-v1:0");
 * // "anthropic.claude-3-haiku-20240307-v1:0"
 * ```
 */
export function normalizeModelId(modelId: string): string {
  return parseModelId(modelId).baseId;
}

// Keeps derived prices readable (3.3e-6, not 3.3000000000000003e-6).
function tidy(value: number): number {
  return Number(value.toPrecision(12));
}

type Rates = Pick<ModelPrice, "inputPerToken" | "outputPerToken">;

/** The table's on-demand and batch prices, with the regional premium applied. */
function tablePrices(
  modelId: string,
  baseModel?: string,
): { onDemand: Rates; batch: Rates } | undefined {
  const { baseId, profile } = parseModelId(modelId, baseModel);
  const entry = PRICE_TABLE[baseId];
  if (!entry) return undefined;
  const factor = profile === "global" ? 1 : 1 + (entry.regionalPremium ?? 0);
  const input = tidy(entry.inputPerToken * factor);
  const output = tidy(entry.outputPerToken * factor);
  const batchIn = entry.batchInputPerToken ?? entry.inputPerToken * BATCH_DISCOUNT;
  const batchOut = entry.batchOutputPerToken ?? entry.outputPerToken * BATCH_DISCOUNT;
  return {
    onDemand: { inputPerToken: input, outputPerToken: output },
    batch: { inputPerToken: tidy(batchIn * factor), outputPerToken: tidy(batchOut * factor) },
  };
}

/** One possible price of a field, in order of precedence. */
type Candidate = readonly [value: number | undefined, fromConfig: boolean];

/** Picks the first defined candidate of each field. */
function resolve(input: Candidate[], output: Candidate[]): BatchPrice {
  const first = (list: Candidate[]) => list.find(([value]) => value !== undefined);
  const inPick = first(input);
  const outPick = first(output);
  const source = inPick?.[1] || outPick?.[1] ? "config" : inPick || outPick ? "table" : "unpriced";
  return {
    inputPerToken: inPick?.[0] ?? 0,
    outputPerToken: outPick?.[0] ?? 0,
    known: source !== "unpriced",
    source,
  };
}

function scaled(value: number | undefined, factor: number): number | undefined {
  return value === undefined ? undefined : tidy(value * factor);
}

/**
 * The per-token batch prices of a deployment. Each of input and output is
 * resolved on its own, first match wins:
 * 1. `model_info.input_cost_per_token_batches` / `output_cost_per_token_batches`;
 * 2. `model_info.input_cost_per_token` / `output_cost_per_token` × 0.5 (AWS's batch discount);
 * 3. the table's batch rate for the model (or `model_info.base_model`):
 *    published, else 50% of on-demand; +10% for Claude 4.5-generation models
 *    outside `global.` profiles;
 * 4. 0, and the price is `unpriced`: logged once per model, the batch still runs.
 *
 * @param modelId Bedrock model id, profile id or ARN, with or without `bedrock/`
 * @param modelInfo The deployment's `model_info`
 * @example
 * ```ts
 * import { batchPriceFor } from "./prices.ts";
 * batchPriceFor("anthropic.claude-3-haiku-20240307-v1:0", {}).inputPerToken; // 1.25e-7
 * ```
 */
export function batchPriceFor(modelId: string, modelInfo: PriceInfo = {}): BatchPrice {
  const table = tablePrices(modelId, modelInfo.base_model)?.batch;
  const price = resolve(
    [
      [modelInfo.input_cost_per_token_batches, true],
      [scaled(modelInfo.input_cost_per_token, BATCH_DISCOUNT), true],
      [table?.inputPerToken, false],
    ],
    [
      [modelInfo.output_cost_per_token_batches, true],
      [scaled(modelInfo.output_cost_per_token, BATCH_DISCOUNT), true],
      [table?.outputPerToken, false],
    ],
  );
  if (!price.known) {
    const baseId = parseModelId(modelId, modelInfo.base_model).baseId;
    log.warnOnce(`unpriced-model:${baseId}`, "Model has no known price: its batches cost 0", {
      modelId,
      baseId,
    });
  }
  return price;
}

/**
 * The per-token on-demand prices of a deployment, for `/model_group/info`.
 * Per field: `model_info.*_cost_per_token`, else the table, else the
 * `model_info.*_cost_per_token_batches` doubled, else 0 (`unpriced`).
 *
 * @param modelId Bedrock model id, profile id or ARN, with or without `bedrock/`
 * @param modelInfo The deployment's `model_info`
 */
export function onDemandPriceFor(modelId: string, modelInfo: PriceInfo = {}): OnDemandPrice {
  const table = tablePrices(modelId, modelInfo.base_model)?.onDemand;
  return resolve(
    [
      [modelInfo.input_cost_per_token, true],
      [table?.inputPerToken, false],
      [scaled(modelInfo.input_cost_per_token_batches, 1 / BATCH_DISCOUNT), true],
    ],
    [
      [modelInfo.output_cost_per_token, true],
      [table?.outputPerToken, false],
      [scaled(modelInfo.output_cost_per_token_batches, 1 / BATCH_DISCOUNT), true],
    ],
  );
}

/** Costs are rounded to this many decimal places of a dollar (1e-10 USD). */
const COST_DECIMALS = 10;
const COST_SCALE = 10 ** COST_DECIMALS;

/**
 * The USD cost of `usage` at `price`, rounded to 1e-10 USD so that float
 * error (1e6 × 1.25e-7 = 0.12500000000000003) never shows in spend totals.
 * Per-token prices are at least ~1e-8, so the rounding loses nothing
 * billable, and sums stay below 2^53 units up to ~900,000 USD per call.
 *
 * @param usage Token counts, non-negative integers
 * @param price From {@linkcode batchPriceFor} (or {@linkcode onDemandPriceFor})
 * @returns USD, e.g. 0.75 for 1M input + 1M output tokens of Claude 3 Haiku in batch
 * @throws {RangeError} when a token count is negative or not an integer
 */
export function costOf(usage: TokenUsage, price: BatchPrice): number {
  const counts = { inputTokens: usage.inputTokens, outputTokens: usage.outputTokens };
  for (const [name, count] of Object.entries(counts)) {
    if (!Number.isSafeInteger(count) || count < 0) {
      throw new RangeError(
        `Cannot compute cost: ${name} must be a non-negative integer, got ${count}`,
      );
    }
  }
  const usd = usage.inputTokens * price.inputPerToken + usage.outputTokens * price.outputPerToken;
  return Math.round(usd * COST_SCALE) / COST_SCALE;
}
