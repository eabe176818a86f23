/**
 * Reading, listing and cancelling batches for a caller.
 * @module
 */
import { ApiError } from "../errors.ts";
import type { AppDeps } from "../api/context.ts";
import type { Principal } from "../auth/principal.ts";
import { log } from "../log.ts";
import {
  type BatchRecord,
  getVisibleBatch,
  listVisibleBatches,
  TERMINAL_BATCH_STATUSES,
  updateBatch,
  withBatchLease,
} from "../store/batches.ts";
import { finalizeBatch } from "./finalize.ts";
import { leaseOptions, refreshBatch, syncBatch } from "./refresh.ts";
import { toOpenAIBatch } from "./status.ts";
import { listPage } from "../store/owned.ts";

async function visibleBatch(deps: AppDeps, principal: Principal, id: string) {
  const batch = await getVisibleBatch(deps.kv, principal, id);
  if (!batch) {
    throw new ApiError(404, `No batch found with id '${id}'`, {
      param: "batch_id",
      code: "not_found",
    });
  }
  return batch;
}

/** Starts output conversion in the background of this process. */
export function finalizeInBackground(deps: AppDeps, batchId: string): void {
  deps.tasks.run(`finalize:${batchId}`, () => syncBatch(deps, batchId, finalizeBatch));
}

/**
 * A batch for its owner. A running batch whose state is older than the poll
 * interval is refreshed from Bedrock first; a conversion it needs runs in the
 * background, so the call never waits for a large file.
 * @throws {ApiError} 404 for a batch the caller cannot see
 */
export async function retrieveBatch(
  deps: AppDeps,
  principal: Principal,
  id: string,
): Promise<BatchRecord> {
  const batch = await visibleBatch(deps, principal, id);
  if (batch.status === "finalizing") {
    finalizeInBackground(deps, id);
    return batch;
  }
  if (TERMINAL_BATCH_STATUSES.has(batch.status)) return batch;
  const staleMs = deps.config.general.batch_poll_interval_seconds * 1000;
  if (deps.now() - batch.refreshedAtMs < staleMs) return batch;
  return await refreshAndFinalizeInBackground(deps, id) ?? batch;
}

/** One page of the caller's batches, OpenAI's list shape. */
export async function listBatches(
  deps: AppDeps,
  principal: Principal,
  options: { limit: number; after?: string | undefined },
) {
  const { batches, hasMore } = await listVisibleBatches(deps.kv, principal, {
    limit: options.limit,
    after: options.after,
    order: "desc",
  });
  return listPage(batches.map(toOpenAIBatch), hasMore);
}

/**
 * Cancels a batch: `cancelling` now, Bedrock jobs stopped, then `cancelled`
 * with the records that ran converted.
 * @throws {ApiError} 404 for a batch the caller cannot see, 409 for one that already ended
 */
export async function cancelBatch(
  deps: AppDeps,
  principal: Principal,
  id: string,
): Promise<BatchRecord> {
  await visibleBatch(deps, principal, id);
  const nowS = Math.floor(deps.now() / 1000);
  let refused: string | null = null;
  const batch = await updateBatch(deps.kv, id, (b) => {
    if (TERMINAL_BATCH_STATUSES.has(b.status) || b.status === "finalizing") {
      refused = b.status;
      return null;
    }
    if (b.cancelRequested) return null;
    return {
      ...b,
      cancelRequested: true,
      status: "cancelling",
      cancellingAt: nowS,
      refreshedAtMs: 0,
    };
  });
  if (refused !== null) {
    throw new ApiError(409, `Cannot cancel batch ${id}: it is already ${refused}`, {
      param: "batch_id",
      code: "batch_not_cancellable",
    });
  }
  log.info("Batch cancel requested", { batchId: id });
  // Stop the jobs now rather than at the next poll; the poller retries if this fails.
  try {
    // The poller may hold the lease for a moment: wait a little rather than
    // leave the Stop to its next cycle.
    for (let attempt = 0; attempt < 20; attempt++) {
      const refreshed = await refreshAndFinalizeInBackground(deps, id);
      if (refreshed) return refreshed;
      await new Promise((r) => setTimeout(r, 100));
    }
    return batch;
  } catch (error) {
    log.warn("Cannot stop the batch's jobs yet, the poller will retry", {
      batchId: id,
      error: String(error),
    });
    return batch;
  }
}

/**
 * Refreshes a batch under its lease; once its jobs have ended, converts the
 * output in the background. Returns null when another holder has the lease.
 */
async function refreshAndFinalizeInBackground(
  deps: AppDeps,
  id: string,
): Promise<BatchRecord | null> {
  const refreshed = await withBatchLease(
    deps.kv,
    id,
    leaseOptions(deps),
    () => refreshBatch(deps, id),
  );
  if (refreshed === "busy") return null;
  if (refreshed.status === "finalizing") finalizeInBackground(deps, id);
  return refreshed;
}
