/**
 * Prices of Bedrock models and the cost of batch usage. The public surface of
 * `src/pricing/`.
 * @module
 */
export { ModelPrice, PRICE_TABLE } from "./price_table.ts";
export {
  type BatchPrice,
  batchPriceFor,
  costOf,
  normalizeModelId,
  type OnDemandPrice,
  onDemandPriceFor,
  type PriceInfo,
  type TokenUsage,
} from "./prices.ts";
