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
import { commit, commitWithRetry } from "./commit.ts";
import { canSee, listOwnedIds, type ListPageOptions, ownedPrefixes } from "./owned.ts";
import { FileLocation, type FileRecord } from "./files.ts";
import type { AtomicWrite, Store, StoreEntry } from "./store.ts";

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
  /** `output_expires_after.seconds`: the output and error files expire this long after creation. */
  outputExpiresAfterSeconds: z.number().int().nullable().optional(),
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
export function getBatchEntry(store: Store, id: string): Promise<StoreEntry<BatchRecord>> {
  return store.get<BatchRecord>(batchKey(id));
}

/** A batch the principal may see, or null. */
export async function getVisibleBatch(
  store: Store,
  principal: Principal,
  id: string,
): Promise<BatchRecord | null> {
  if (!id.startsWith("batch_")) return null;
  const batch = (await getBatchEntry(store, id)).value;
  return batch && canSee(principal, batch) ? batch : null;
}

/**
 * Stores a new batch with its indexes, and marks the input file as in use,
 * in one atomic (so a file cannot be deleted under a starting batch).
 * @returns false when the input file changed or vanished meanwhile
 */
export async function createBatchRecord(
  store: Store,
  batch: BatchRecord,
): Promise<boolean> {
  const result = await commitWithRetry("create batch", async () => {
    const fileEntry = await store.get<FileRecord>(fileKey(batch.inputFileId));
    if (!fileEntry.value) return false;
    const file = {
      ...fileEntry.value,
      activeBatchIds: [...fileEntry.value.activeBatchIds, batch.id],
    };
    const op = store.atomic()
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
  store: Store,
  id: string,
  change: (batch: BatchRecord) => BatchRecord | null,
  extra?: (op: AtomicWrite, next: BatchRecord) => Promise<void> | void,
): Promise<BatchRecord> {
  let stored: BatchRecord | null = null;
  await commitWithRetry("update batch", async () => {
    const entry = await getBatchEntry(store, id);
    if (!entry.value) throw new Error(`Cannot update batch ${id}: it does not exist`);
    const next = change(entry.value);
    if (next === null) {
      stored = entry.value;
      return null;
    }
    stored = next;
    const op = store.atomic().check(entry).set(batchKey(id), next);
    const becameTerminal = TERMINAL_BATCH_STATUSES.has(next.status) &&
      !TERMINAL_BATCH_STATUSES.has(entry.value.status);
    if (becameTerminal) {
      op.delete(activeBatchKey(id));
      const fileEntry = await store.get<FileRecord>(fileKey(next.inputFileId));
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
 * Reads batches by id, in order; missing ones are left out. The poller reads every active batch each cycle.
 */
export async function getBatches(store: Store, ids: readonly string[]): Promise<BatchRecord[]> {
  const entries = await store.getMany<BatchRecord>(ids.map(batchKey));
  return entries.flatMap((entry) => (entry.value ? [entry.value] : []));
}

/** Ids of batches the poller still watches. */
export async function listActiveBatchIds(store: Store): Promise<string[]> {
  const ids: string[] = [];
  for await (const entry of store.list<string>({ prefix: prefixes.activeBatch })) {
    ids.push(entry.value);
  }
  return ids;
}

/** One page of the batches a principal may see, newest first. */
export async function listVisibleBatches(
  store: Store,
  principal: Principal,
  options: ListPageOptions,
): Promise<{ batches: BatchRecord[]; hasMore: boolean }> {
  const indexes = ownedPrefixes(principal, prefixes.batchByOwner, prefixes.batchByTeam);
  const ids = await listOwnedIds(store, indexes, options);
  const page = ids.slice(0, options.limit);
  const entries = await Promise.all(page.map((id) => getBatchEntry(store, id)));
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
 * Takes (or renews) the batch's lease for `holder` until `untilMs`, unless
 * another holder has a lease that has not lapsed.
 * @returns false when another holder has it
 */
export async function takeBatchLease(
  store: Store,
  batchId: string,
  lease: Lease & { nowMs: number },
): Promise<boolean> {
  const key = batchLeaseKey(batchId);
  const ttlMs = lease.untilMs - lease.nowMs;
  const taken = await commitWithRetry("take batch lease", async () => {
    const entry = await store.get<Lease>(key);
    if (entry.value && entry.value.holder !== lease.holder && entry.value.untilMs > lease.nowMs) {
      return false;
    }
    const value: Lease = { holder: lease.holder, untilMs: lease.untilMs };
    // The entry outlives the lease, so a lapsed lease still names its last holder.
    return commit(store.atomic().check(entry).set(key, value, { expireIn: ttlMs * 2 }));
  });
  return taken !== false;
}

/** Gives the lease up, if `holder` still has it. */
export async function releaseBatchLease(
  store: Store,
  batchId: string,
  holder: string,
): Promise<void> {
  const key = batchLeaseKey(batchId);
  await commitWithRetry("release batch lease", async () => {
    const entry = await store.get<Lease>(key);
    if (entry.value?.holder !== holder) return null;
    return commit(store.atomic().check(entry).delete(key));
  });
}
