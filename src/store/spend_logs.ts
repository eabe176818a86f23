/**
 * Spend log: one entry per batch that cost something, written in the same
 * atomic as the batch's end, guarded by a per-batch marker so it is recorded
 * exactly once whatever restarts or instances do.
 * @module
 */
import { z } from "zod";
import { prefixes, spendLogKey, spendMarkerKey } from "./keys.ts";
import type { AtomicWrite, Store } from "./store.ts";

/** One spend log entry. */
export const SpendLogEntry = z.object({
  id: z.string(),
  batchId: z.string(),
  modelGroup: z.string(),
  modelId: z.string(),
  status: z.string(),
  inputTokens: z.number().int(),
  outputTokens: z.number().int(),
  /** USD. */
  cost: z.number(),
  /** True when the model has no known price (cost 0). */
  unpriced: z.boolean(),
  /** Key hash, or `master`. */
  keyHash: z.string(),
  keyAlias: z.string().nullable(),
  userId: z.string().nullable(),
  teamId: z.string().nullable(),
  /** Epoch ms the batch was created and ended. */
  startTime: z.number(),
  endTime: z.number(),
});
/** A spend log entry. */
export type SpendLogEntry = z.infer<typeof SpendLogEntry>;

/**
 * Adds the log entry and the batch's spend marker to `op`; the check on the
 * marker makes a second recording of the same batch fail instead of counting twice.
 */
export function spendLogOps(op: AtomicWrite, entry: SpendLogEntry): void {
  op.check({ key: spendMarkerKey(entry.batchId), versionstamp: null })
    .set(spendMarkerKey(entry.batchId), entry.id)
    .set(spendLogKey(entry.id), entry);
}

/** Filters of {@linkcode listSpendLogs}. */
export interface SpendLogFilter {
  keyHash?: string | undefined;
  userId?: string | undefined;
  teamId?: string | undefined;
  /** Epoch ms, inclusive. */
  start?: number | undefined;
  /** Epoch ms, exclusive. */
  end?: number | undefined;
  limit?: number;
}

/** Spend log entries matching `filter`, oldest first. */
export async function listSpendLogs(
  store: Store,
  filter: SpendLogFilter = {},
): Promise<SpendLogEntry[]> {
  const out: SpendLogEntry[] = [];
  const limit = filter.limit ?? 10_000;
  for await (const { value } of store.list<SpendLogEntry>({ prefix: prefixes.spendLog })) {
    if (filter.keyHash && value.keyHash !== filter.keyHash) continue;
    if (filter.userId && value.userId !== filter.userId) continue;
    if (filter.teamId && value.teamId !== filter.teamId) continue;
    if (filter.start !== undefined && value.endTime < filter.start) continue;
    if (filter.end !== undefined && value.endTime >= filter.end) continue;
    out.push(value);
    if (out.length >= limit) break;
  }
  return out;
}
