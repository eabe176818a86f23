/**
 * The one place that maps Bedrock job states to OpenAI batch states, and a
 * stored batch to OpenAI's batch object (times in seconds).
 * @module
 */
import {
  type BatchRecord,
  type BatchStatus,
  type BedrockJobStatus,
  type JobRecord,
  TERMINAL_BATCH_STATUSES,
} from "../store/batches.ts";

/** Bedrock states after which a job never changes. */
export const TERMINAL_JOB_STATUSES: ReadonlySet<BedrockJobStatus> = new Set([
  "Completed",
  "PartiallyCompleted",
  "Failed",
  "Stopped",
  "Expired",
]);

/**
 * OpenAI state of one Bedrock job state while it runs. Terminal states map
 * to what the batch becomes once its output is converted.
 */
export function openAIStatusOf(status: BedrockJobStatus | null): BatchStatus {
  switch (status) {
    case null:
    case "Submitted":
    case "Validating":
      return "validating";
    case "Scheduled": // queued to run: in progress, not validating
    case "InProgress":
      return "in_progress";
    case "Stopping":
      return "cancelling";
    case "Stopped":
      return "cancelled";
    case "Completed":
      return "completed";
    case "PartiallyCompleted": // ran out of time: finished records are kept, the rest expire
    case "Expired":
      return "expired";
    case "Failed":
      return "failed";
  }
}

/** True when every job of the batch has ended at Bedrock. */
export function allJobsEnded(jobs: readonly JobRecord[]): boolean {
  return jobs.every((j) => j.status !== null && TERMINAL_JOB_STATUSES.has(j.status));
}

/**
 * The state of a batch whose jobs still run (or all ended: `finalizing`).
 * A requested cancel shows as `cancelling` until conversion starts.
 */
export function runningStatusOf(batch: BatchRecord): BatchStatus {
  if (allJobsEnded(batch.jobs)) return "finalizing";
  if (batch.cancelRequested) return "cancelling";
  const states = batch.jobs.map((j) => openAIStatusOf(j.status));
  if (states.includes("cancelling")) return "cancelling";
  if (states.includes("in_progress")) return "in_progress";
  // Some jobs ended while others wait: the batch as a whole is running.
  if (states.some((s) => s !== "validating")) return "in_progress";
  return "validating";
}

/** The terminal state of a batch whose jobs all ended. */
export function finalStatusOf(
  batch: BatchRecord,
): "completed" | "expired" | "cancelled" | "failed" {
  const states = batch.jobs.map((j) => j.status);
  if (batch.cancelRequested || states.includes("Stopped")) return "cancelled";
  if (states.every((s) => s === "Failed")) return "failed";
  if (states.includes("PartiallyCompleted") || states.includes("Expired")) return "expired";
  return "completed";
}

/** Request counts while jobs run, from Bedrock's per-job counts. */
export function runningCounts(batch: BatchRecord): BatchRecord["requestCounts"] {
  let completed = 0;
  let failed = 0;
  for (const job of batch.jobs) {
    completed += job.counts?.success ?? 0;
    failed += job.counts?.error ?? 0;
  }
  return { total: batch.records, completed, failed };
}

const endedBatchBodies = new WeakMap<BatchRecord, Uint8Array<ArrayBuffer>>();
const encoder = new TextEncoder();

/**
 * OpenAI's batch object as a JSON body. The bytes of an ended batch are kept
 * with its (immutable, cached) record, since clients poll finished batches.
 */
export function openAIBatchBody(batch: BatchRecord): Uint8Array<ArrayBuffer> {
  const kept = endedBatchBodies.get(batch);
  if (kept) return kept;
  const body = encoder.encode(JSON.stringify(toOpenAIBatch(batch)));
  if (TERMINAL_BATCH_STATUSES.has(batch.status)) endedBatchBodies.set(batch, body);
  return body;
}

/** OpenAI's batch object. */
export function toOpenAIBatch(batch: BatchRecord) {
  return {
    id: batch.id,
    object: "batch" as const,
    endpoint: batch.endpoint,
    model: batch.modelGroup,
    errors: batch.errors ? { object: "list" as const, data: batch.errors } : null,
    input_file_id: batch.inputFileId,
    completion_window: batch.completionWindow,
    status: batch.status,
    output_file_id: batch.outputFileId,
    error_file_id: batch.errorFileId,
    created_at: batch.createdAt,
    in_progress_at: batch.inProgressAt,
    expires_at: batch.expiresAt,
    finalizing_at: batch.finalizingAt,
    completed_at: batch.completedAt,
    failed_at: batch.failedAt,
    expired_at: batch.expiredAt,
    cancelling_at: batch.cancellingAt,
    cancelled_at: batch.cancelledAt,
    request_counts: batch.requestCounts,
    usage: batch.usage
      ? {
        input_tokens: batch.usage.input_tokens,
        input_tokens_details: { cached_tokens: 0 },
        output_tokens: batch.usage.output_tokens,
        output_tokens_details: { reasoning_tokens: 0 },
        total_tokens: batch.usage.total_tokens,
      }
      : null,
    metadata: batch.metadata,
  };
}

/** The OpenAI batch object type. */
export type OpenAIBatch = ReturnType<typeof toOpenAIBatch>;
