/**
 * Batch records in KV. A batch is 1..N Bedrock jobs; the poller watches
 * batches through the `batch_active` index until they are terminal.
 * @module
 */
import { z } from "zod";
import { BedrockJobStatus } from "../bedrock/job_status.ts";
import type { Principal } from "../auth/principal.ts";
import {
  activeBatchKey,
  batchByOwnerKey,
  batchByTeamKey,
  batchKey,
  batchLeaseKey,
  fileKey,
  prefixes,
} from "./keys.ts";
import { commit, commitWithRetry, getWithRetry } from "./kv.ts";
import { randomAlnum } from "../ids.ts";
import { canSee, listOwnedIds, type ListPageOptions, ownedPrefixes } from "./owned.ts";
import { FileLocation, type FileRecord } from "./files.ts";

export { BedrockJobStatus } from "../bedrock/job_status.ts";

/** OpenAI's batch states. */
export const BatchStatus = z.enum([
  "validating",
  "failed",
  "in_progress",
  "finalizing",
  "completed",
  "expired",
  "cancelling",
  "cancelled",
]);
/** An OpenAI batch state. */
export type BatchStatus = z.infer<typeof BatchStatus>;

/** States after which a batch never changes. */
export const TERMINAL_BATCH_STATUSES: ReadonlySet<BatchStatus> = new Set([
  "failed",
  "completed",
  "expired",
  "cancelled",
]);

/** Bedrock record counts of a job. */
export const JobCounts = z.object({
  total: z.number().int(),
  processed: z.number().int(),
  success: z.number().int(),
  error: z.number().int(),
});

/** One Bedrock job of a batch. */
export const JobRecord = z.object({
  jobName: z.string(),
  /** Derived from the batch id, so re-sending Create never makes a second job. */
  clientRequestToken: z.string(),
  jobArn: z.string().nullable(),
  status: BedrockJobStatus.nullable(),
  message: z.string().nullable(),
  inputS3Uri: z.string(),
  outputS3Uri: z.string(),
  /** Epoch ms. */
  submitTime: z.number().nullable(),
  endTime: z.number().nullable(),
  counts: JobCounts.nullable(),
  stopRequested: z.boolean(),
  /** Last error from Create while the job is not yet accepted (quota, throttling). */
  createError: z.string().nullable(),
});
/** A Bedrock job of a batch. */
export type JobRecord = z.infer<typeof JobRecord>;

/** An OpenAI batch error entry. */
export const BatchErrorEntry = z.object({
  code: z.string(),
  message: z.string(),
  param: z.string().nullable(),
  line: z.number().nullable(),
});

/** Token usage of a batch. */
export const BatchUsage = z.object({
  input_tokens: z.number().int(),
  output_tokens: z.number().int(),
  total_tokens: z.number().int(),
});

/** A batch as stored. Times are Unix seconds unless named `…Ms`. */
export const BatchRecord = z.object({
  id: z.string(),
  ownerId: z.string(),
  teamId: z.string().nullable(),
  userId: z.string().nullable(),
  keyAlias: z.string().nullable(),
  inputFileId: z.string(),
  endpoint: z.string(),
  completionWindow: z.string(),
  metadata: z.record(z.string(), z.string()).nullable(),
  modelGroup: z.string(),
  location: FileLocation,
  records: z.number().int(),
  status: BatchStatus,
  createdAt: z.number().int(),
  expiresAt: z.number().int(),
  inProgressAt: z.number().int().nullable(),
  finalizingAt: z.number().int().nullable(),
  completedAt: z.number().int().nullable(),
  failedAt: z.number().int().nullable(),
  expiredAt: z.number().int().nullable(),
  cancellingAt: z.number().int().nullable(),
  cancelledAt: z.number().int().nullable(),
  errors: z.array(BatchErrorEntry).nullable(),
  requestCounts: z.object({
    total: z.number().int(),
    completed: z.number().int(),
    failed: z.number().int(),
  }),
  usage: BatchUsage.nullable(),
  /** USD, once recorded. */
  cost: z.number().nullable(),
  outputFileId: z.string().nullable(),
  errorFileId: z.string().nullable(),
  /** Ids reserved at creation so a retried finalization registers the same files. */
  plannedOutputFileId: z.string(),
  plannedErrorFileId: z.string(),
  jobs: z.array(JobRecord).min(1),
  cancelRequested: z.boolean(),
  /** Epoch ms of the last sync with Bedrock. */
  refreshedAtMs: z.number(),
});
/** A stored batch. */
export type BatchRecord = z.infer<typeof BatchRecord>;

/** Reads a batch with its versionstamp. */
export function getBatchEntry(kv: Deno.Kv, id: string): Promise<Deno.KvEntryMaybe<BatchRecord>> {
  return getWithRetry<BatchRecord>(kv, batchKey(id));
}

/**
 * Batches that reached a terminal status, per KV. Nothing changes a batch
 * after that, so clients polling a finished batch are answered from memory.
 */
const endedBatches = new WeakMap<Deno.Kv, Map<string, BatchRecord>>();
const ENDED_BATCHES_KEPT = 2_000;

/** An ended batch the principal may see, when this process has it in memory. */
export function peekVisibleEndedBatch(
  kv: Deno.Kv,
  principal: Principal,
  id: string,
): BatchRecord | undefined {
  const batch = endedBatches.get(kv)?.get(id);
  return batch && canSee(principal, batch) ? batch : undefined;
}

/** A batch the principal may see, or null. */
export async function getVisibleBatch(
  kv: Deno.Kv,
  principal: Principal,
  id: string,
): Promise<BatchRecord | null> {
  if (!id.startsWith("batch_")) return null;
  let ended = endedBatches.get(kv);
  let batch = ended?.get(id) ?? null;
  if (!batch) {
    batch = (await getBatchEntry(kv, id)).value;
    if (batch && TERMINAL_BATCH_STATUSES.has(batch.status)) {
      if (!ended) endedBatches.set(kv, ended = new Map());
      if (ended.size >= ENDED_BATCHES_KEPT) ended.clear();
      ended.set(id, batch);
    }
  }
  return batch && canSee(principal, batch) ? batch : null;
}

/**
 * Stores a new batch with its indexes, and marks the input file as in use,
 * in one atomic (so a file cannot be deleted under a starting batch).
 * @returns false when the input file changed or vanished meanwhile
 */
export async function createBatchRecord(
  kv: Deno.Kv,
  batch: BatchRecord,
): Promise<boolean> {
  const result = await commitWithRetry("create batch", async () => {
    const fileEntry = await getWithRetry<FileRecord>(kv, fileKey(batch.inputFileId));
    if (!fileEntry.value) return false;
    const file = {
      ...fileEntry.value,
      activeBatchIds: [...fileEntry.value.activeBatchIds, batch.id],
    };
    const op = kv.atomic()
      .check(fileEntry)
      .check({ key: batchKey(batch.id), versionstamp: null })
      .set(fileKey(file.id), file)
      .set(batchKey(batch.id), batch)
      .set(batchByOwnerKey(batch.ownerId, batch.id), batch.id)
      .set(activeBatchKey(batch.id), batch.id);
    if (batch.teamId) op.set(batchByTeamKey(batch.teamId, batch.id), batch.id);
    return commit(op);
  });
  return result !== false;
}

/**
 * Applies `change` to a batch with check-and-set, re-reading on conflict.
 * `change` returns the new record, or null to leave it as is. When the new
 * record is terminal, the active index and the input file's in-use mark go
 * in the same atomic; `extra` adds further mutations (files, spend).
 * @returns the stored record after the update (or unchanged)
 */
export async function updateBatch(
  kv: Deno.Kv,
  id: string,
  change: (batch: BatchRecord) => BatchRecord | null,
  extra?: (op: Deno.AtomicOperation, next: BatchRecord) => Promise<void> | void,
): Promise<BatchRecord> {
  let stored: BatchRecord | null = null;
  await commitWithRetry("update batch", async () => {
    const entry = await getBatchEntry(kv, id);
    if (!entry.value) throw new Error(`Cannot update batch ${id}: it does not exist`);
    const next = change(entry.value);
    if (next === null) {
      stored = entry.value;
      return null;
    }
    stored = next;
    const op = kv.atomic().check(entry).set(batchKey(id), next);
    const becameTerminal = TERMINAL_BATCH_STATUSES.has(next.status) &&
      !TERMINAL_BATCH_STATUSES.has(entry.value.status);
    if (becameTerminal) {
      op.delete(activeBatchKey(id));
      const fileEntry = await getWithRetry<FileRecord>(kv, fileKey(next.inputFileId));
      if (fileEntry.value) {
        op.check(fileEntry).set(fileKey(next.inputFileId), {
          ...fileEntry.value,
          activeBatchIds: fileEntry.value.activeBatchIds.filter((b) => b !== id),
        });
      }
    }
    await extra?.(op, next);
    return commit(op);
  });
  return stored!;
}

/**
 * Reads batches by id, ten per KV call (`getMany`'s limit), in order;
 * missing ones are left out. The poller reads every active batch each cycle.
 */
export async function getBatches(kv: Deno.Kv, ids: readonly string[]): Promise<BatchRecord[]> {
  const out: BatchRecord[] = [];
  for (let i = 0; i < ids.length; i += 10) {
    const keys = ids.slice(i, i + 10).map(batchKey);
    let entries: Deno.KvEntryMaybe<BatchRecord>[];
    try {
      entries = await kv.getMany<BatchRecord[]>(keys);
    } catch {
      // A locked database: read one by one with getWithRetry's retries.
      entries = await Promise.all(keys.map((key) => getWithRetry<BatchRecord>(kv, key)));
    }
    for (const entry of entries) if (entry.value) out.push(entry.value);
  }
  return out;
}

/** Ids of batches the poller still watches. */
export async function listActiveBatchIds(kv: Deno.Kv): Promise<string[]> {
  const ids: string[] = [];
  for await (const entry of kv.list<string>({ prefix: prefixes.activeBatch })) {
    ids.push(entry.value);
  }
  return ids;
}

/** One page of the batches a principal may see, newest first. */
export async function listVisibleBatches(
  kv: Deno.Kv,
  principal: Principal,
  options: ListPageOptions,
): Promise<{ batches: BatchRecord[]; hasMore: boolean }> {
  const indexes = ownedPrefixes(principal, prefixes.batchByOwner, prefixes.batchByTeam);
  const ids = await listOwnedIds(kv, indexes, options);
  const page = ids.slice(0, options.limit);
  const entries = await Promise.all(page.map((id) => getBatchEntry(kv, id)));
  const batches = entries.map((e) => e.value).filter((b): b is BatchRecord =>
    b !== null && canSee(principal, b)
  );
  return { batches, hasMore: ids.length > options.limit };
}

/** A lease held on a batch. */
interface Lease {
  holder: string;
  untilMs: number;
}

/**
 * Runs `fn` while holding the batch's lease, so only one task (of any
 * instance) refreshes or finalizes a batch at a time. The lease is renewed while `fn` runs and
 * released after; a crashed holder's lease lapses after `ttlMs`.
 * @returns `fn`'s result, or `busy` when another holder has the lease
 */
export async function withBatchLease<T>(
  kv: Deno.Kv,
  batchId: string,
  options: { holder: string; ttlMs: number; now: () => number },
  fn: () => Promise<T>,
): Promise<T | "busy"> {
  const key = batchLeaseKey(batchId);
  // Unique per acquisition: two tasks of one process must exclude each other too.
  options = { ...options, holder: `${options.holder}:${randomAlnum(10)}` };
  const acquired = await commitWithRetry("take batch lease", async () => {
    const entry = await getWithRetry<Lease>(kv, key);
    if (
      entry.value && entry.value.holder !== options.holder && entry.value.untilMs > options.now()
    ) {
      return false;
    }
    const lease: Lease = { holder: options.holder, untilMs: options.now() + options.ttlMs };
    return commit(kv.atomic().check(entry).set(key, lease, { expireIn: options.ttlMs * 2 }));
  });
  if (acquired === false) return "busy";
  // Renew while `fn` runs, but only a lease that is still ours.
  const renew = setInterval(() => {
    commitWithRetry("renew batch lease", async () => {
      const entry = await getWithRetry<Lease>(kv, key);
      if (entry.value?.holder !== options.holder) return null;
      const lease: Lease = { holder: options.holder, untilMs: options.now() + options.ttlMs };
      return commit(kv.atomic().check(entry).set(key, lease, { expireIn: options.ttlMs * 2 }));
    }).catch(() => {});
  }, Math.max(1000, options.ttlMs / 3));
  try {
    return await fn();
  } finally {
    clearInterval(renew);
    await commitWithRetry("release batch lease", async () => {
      const entry = await getWithRetry<Lease>(kv, key);
      if (entry.value?.holder !== options.holder) return null;
      return commit(kv.atomic().check(entry).delete(key));
    }).catch(() => {});
  }
}
