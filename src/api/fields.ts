/**
 * Zod fields shared by the key, user and team routes, in LiteLLM's names.
 * LiteLLM clients often send `null` for "not set", so most fields are nullish.
 * @module
 */
import { z } from "zod";
import { addDuration, DurationText } from "../auth/duration.ts";
import { badRequest } from "../errors.ts";

/** Largest `metadata` object accepted, as JSON; KV values are capped at 64 KiB. */
export const MAX_METADATA_BYTES = 16_384;

/**
 * Model group names. LiteLLM's `all-proxy-models` and an empty list both
 * mean every model, stored as `[]`.
 */
export const ModelList = z.array(z.string().min(1)).transform((models) =>
  models.includes("all-proxy-models") ? [] : [...new Set(models)]
);

/** Free-form metadata, kept small because it lives in the KV record. */
export const Metadata = z.record(z.string(), z.unknown()).refine(
  (value) => JSON.stringify(value).length <= MAX_METADATA_BYTES,
  { error: `expected at most ${MAX_METADATA_BYTES} bytes of JSON` },
);

/** A budget in USD. */
export const Budget = z.number().min(0);

/** A LiteLLM duration (`30d`), or null. */
export const OptionalDuration = DurationText.nullish();

/** An id or alias: non-empty, no surrounding spaces, bounded for KV keys. */
export const Name = z.string().trim().min(1).max(256);

/**
 * The epoch ms `duration` after `now`.
 * @throws {ApiError} 400 naming `param` when the end is out of range
 */
export function endOfDuration(now: number, duration: string, param: string): number {
  try {
    return addDuration(now, duration);
  } catch (error) {
    throw badRequest((error as Error).message, { param });
  }
}
