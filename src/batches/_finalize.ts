/**
 * Converting a finished batch's Bedrock output into OpenAI output and error
 * files. Output lines are joined to requests by `recordId` (Bedrock does not
 * keep order); records that never ran become `batch_expired` /
 * `batch_cancelled` errors. The terminal state, the two file records and the
 * end of the input file's in-use mark commit in one KV atomic, so a crash
 * mid-way only means the conversion runs again, writing the same objects
 * under the same ids.
 * @module
 */
import type { AppDeps } from "../deps.ts";
import { log } from "../log.ts";
import { newId } from "../ids.ts";
import { translatorFor } from "../bedrock/translators.ts";
import { deploymentAt, objectStoreFor } from "../files/deployments.ts";
import { JsonlWriter } from "../storage/jsonl_writer.ts";
import type { ObjectStore } from "../storage/object_store.ts";
import { type BatchRecord, getBatchEntry, updateBatch } from "../store/batches.ts";
import { fileCreateOps, type FileRecord, getFileEntry } from "../store/files.ts";
import { finalStatusOf } from "./status.ts";
import { type Conversion, convertOutput, readRecordMap } from "./convert_output.ts";
import { batchPriceFor, costOf } from "../pricing/prices.ts";
import { addSpendOps } from "../store/spend.ts";
import { spendLogOps } from "../store/spend_logs.ts";
import { MASTER_OWNER } from "../auth/authenticate.ts";

const UNPROCESSED_ERRORS = {
  expired: {
    code: "batch_expired",
    message: "This request could not be executed before the completion window expired",
  },
  cancelled: { code: "batch_cancelled", message: "This request was cancelled before it ran" },
  completed: { code: "batch_failed", message: "Bedrock returned no result for this request" },
  failed: { code: "batch_failed", message: "The batch failed before this request ran" },
} as const;

/** S3 keys of a batch's converted files. */
export function batchOutputKeys(prefix: string, batchId: string) {
  return {
    output: `${prefix}batches/${batchId}/output.jsonl`,
    errors: `${prefix}batches/${batchId}/errors.jsonl`,
  };
}

/**
 * Converts a `finalizing` batch's output and makes it terminal. Callers hold
 * the batch lease. Does nothing for a batch in another state.
 */
export async function finalizeBatch(deps: AppDeps, batchId: string): Promise<BatchRecord> {
  const entry = await getBatchEntry(deps.store, batchId);
  const batch = entry.value;
  if (!batch) throw new Error(`Batch ${batchId} vanished from KV`);
  if (batch.status !== "finalizing") return batch;
  const finalStatus = finalStatusOf(batch);
  const deployment = deploymentAt(deps.config, batch.location);
  const store = objectStoreFor(deps.aws, deployment);
  const input = (await getFileEntry(deps.store, batch.inputFileId)).value;
  if (!input?.input) throw new Error(`Input file of batch ${batchId} vanished from KV`);
  const customIds = await readRecordMap(store, input);
  const keys = batchOutputKeys(deployment.s3.prefix, batchId);
  const bucket = deployment.s3.outputBucket;
  const outputUpload = store.startUpload({ bucket, key: keys.output });
  const errorUpload = store.startUpload({ bucket, key: keys.errors });
  let totals: Conversion;
  try {
    totals = await convertOutput(store, batch, {
      customIds,
      modelGroup: batch.modelGroup,
      translator: translatorFor(deployment.modelId),
      output: new JsonlWriter(outputUpload.writable.getWriter(), { reuseBuffer: true }),
      errors: new JsonlWriter(errorUpload.writable.getWriter(), { reuseBuffer: true }),
      unprocessed: UNPROCESSED_ERRORS[finalStatus],
      // A batch that failed before anything ran reports its failure in `errors`, not per line.
      writeUnprocessed: finalStatus !== "failed",
      created: Math.floor(deps.clock.now() / 1000),
    });
    await Promise.all([outputUpload.done, errorUpload.done]);
  } catch (error) {
    await Promise.all([outputUpload.abort(), errorUpload.abort()]);
    throw error;
  }
  const empty = [
    ...(totals.outputLines === 0 ? [keys.output] : []),
    ...(totals.errorLines === 0 ? [keys.errors] : []),
  ];
  if (empty.length > 0) await store.delete(bucket, empty);
  if (
    totals.outputObjects > 0 &&
    (totals.manifestInputTokens !== totals.inputTokens ||
      totals.manifestOutputTokens !== totals.outputTokens)
  ) {
    log.warn("Token counts differ from Bedrock's manifest", { batchId, ...totals });
  }
  // Records are the source of truth; the manifest covers records we could not parse.
  const inputTokens = Math.max(totals.inputTokens, totals.manifestInputTokens);
  const outputTokens = Math.max(totals.outputTokens, totals.manifestOutputTokens);
  const nowMs = deps.clock.now();
  const nowS = Math.floor(nowMs / 1000);
  const location = { ...batch.location, bucket };
  // AWS bills every processed token, including those of cancelled and expired batches.
  const price = batchPriceFor(deployment.modelId, deployment.modelInfo);
  const cost = costOf({ inputTokens, outputTokens }, price);
  const spendLogId = newId("spend_", nowMs);
  const outputFile = totals.outputLines > 0
    ? outputFileRecord(batch, {
      id: batch.plannedOutputFileId,
      filename: `${batch.id}_output.jsonl`,
      key: keys.output,
      createdAt: nowS,
    })
    : null;
  const errorFile = totals.errorLines > 0
    ? outputFileRecord(batch, {
      id: batch.plannedErrorFileId,
      filename: `${batch.id}_error.jsonl`,
      key: keys.errors,
      createdAt: nowS,
    })
    : null;
  const sizes = await objectSizes(store, bucket, [keys.output, keys.errors]);
  const finalized = await updateBatch(deps.store, batchId, (b) => {
    if (b.status !== "finalizing") return null;
    const next: BatchRecord = {
      ...b,
      status: finalStatus,
      cost,
      outputFileId: outputFile?.id ?? null,
      errorFileId: errorFile?.id ?? null,
      requestCounts: {
        total: b.records,
        completed: totals.outputLines,
        failed: finalStatus === "failed" && totals.errorLines === 0 ? b.records : totals.errorLines,
      },
      usage: inputTokens + outputTokens > 0
        ? {
          input_tokens: inputTokens,
          output_tokens: outputTokens,
          total_tokens: inputTokens + outputTokens,
        }
        : null,
    };
    if (finalStatus === "completed") next.completedAt = nowS;
    if (finalStatus === "expired") next.expiredAt = nowS;
    if (finalStatus === "cancelled") next.cancelledAt = nowS;
    if (finalStatus === "failed") {
      next.failedAt = nowS;
      next.errors ??= b.jobs.filter((j) => j.message).map((j) => ({
        code: "bedrock_job_failed",
        message: j.message!,
        param: null,
        line: null,
      }));
    }
    return next;
  }, async (op, next) => {
    for (const file of [outputFile, errorFile]) {
      if (file) fileCreateOps(op, { ...file, location, bytes: sizes.get(file.contentKey) ?? 0 });
    }
    // A batch that processed nothing is never charged.
    if (inputTokens + outputTokens === 0) return;
    spendLogOps(op, {
      id: spendLogId,
      batchId,
      modelGroup: next.modelGroup,
      modelId: deployment.modelId,
      status: next.status,
      inputTokens,
      outputTokens,
      cost,
      unpriced: !price.known,
      keyHash: next.ownerId,
      keyAlias: next.keyAlias,
      userId: next.userId,
      teamId: next.teamId,
      startTime: next.createdAt * 1000,
      endTime: nowMs,
    });
    await addSpendOps(
      deps.store,
      op,
      {
        keyHash: next.ownerId === MASTER_OWNER ? null : next.ownerId,
        userId: next.userId,
        teamId: next.teamId,
      },
      cost,
      nowMs,
    );
  });
  log.info("Batch finalized", {
    batchId,
    status: finalized.status,
    cost,
    completed: totals.outputLines,
    failed: totals.errorLines,
  });
  return finalized;
}

function outputFileRecord(
  batch: BatchRecord,
  file: { id: string; filename: string; key: string; createdAt: number },
): FileRecord {
  return {
    id: file.id,
    ownerId: batch.ownerId,
    teamId: batch.teamId,
    purpose: "batch_output",
    filename: file.filename,
    bytes: 0,
    createdAt: file.createdAt,
    expiresAt: batch.outputExpiresAfterSeconds
      ? file.createdAt + batch.outputExpiresAfterSeconds
      : null,
    location: batch.location,
    contentKey: file.key,
    objectKeys: [file.key],
    input: null,
    batchId: batch.id,
    activeBatchIds: [],
  };
}

async function objectSizes(store: ObjectStore, bucket: string, keys: string[]) {
  const sizes = new Map<string, number>();
  for (const key of keys) {
    for await (const obj of store.list(bucket, key)) if (obj.key === key) sizes.set(key, obj.size);
  }
  return sizes;
}
