/**
 * Reading, listing and cancelling batches for a caller.
 * @module
 */
import { ApiError } from "../errors.ts";
import type { AppDeps } from "../deps.ts";
import type { Principal } from "../auth/principal.ts";
import {
  type BatchRecord,
  getVisibleBatch,
  listVisibleBatches,
  TERMINAL_BATCH_STATUSES,
} from "../store/batches.ts";
import { canSee, listPage } from "../store/owned.ts";
import { finalizeInBackground, requestCancel, syncBatch } from "./lifecycle.ts";
import { toOpenAIBatch } from "./status.ts";

async function visibleBatch(deps: AppDeps, principal: Principal, id: string) {
  const batch = await getVisibleBatch(deps.store, principal, id);
  if (!batch) {
    throw new ApiError(404, `No batch found with id '${id}'`, {
      param: "batch_id",
      code: "not_found",
    });
  }
  return batch;
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
  const ended = deps.endedBatches.get(id);
  if (ended && canSee(principal, ended)) return ended;
  const batch = await visibleBatch(deps, principal, id);
  if (TERMINAL_BATCH_STATUSES.has(batch.status)) {
    deps.endedBatches.add(batch);
    return batch;
  }
  if (batch.status === "finalizing") {
    finalizeInBackground(deps, id);
    return batch;
  }
  const staleMs = deps.config.general.batch_poll_interval_seconds * 1000;
  if (deps.clock.now() - batch.refreshedAtMs < staleMs) return batch;
  return await syncBatch(deps, id, { finalize: "background" }) ?? batch;
}

/** One page of the caller's batches, OpenAI's list shape. */
export async function listBatches(
  deps: AppDeps,
  principal: Principal,
  options: { limit: number; after?: string | undefined },
) {
  const { batches, hasMore } = await listVisibleBatches(deps.store, principal, {
    limit: options.limit,
    after: options.after,
    order: "desc",
  });
  return listPage(batches.map(toOpenAIBatch), hasMore);
}

/**
 * Cancels a batch: `cancelling` now, Bedrock jobs stopped (now, or by the
 * poller's next cycle when it is busy with the batch), then `cancelled` with
 * the records that ran converted.
 * @throws {ApiError} 404 for a batch the caller cannot see, 409 for one that already ended
 */
export async function cancelBatch(
  deps: AppDeps,
  principal: Principal,
  id: string,
): Promise<BatchRecord> {
  await visibleBatch(deps, principal, id);
  const result = await requestCancel(deps, id);
  if ("refused" in result) {
    throw new ApiError(409, `Cannot cancel batch ${id}: it is already ${result.refused}`, {
      param: "batch_id",
      code: "batch_not_cancellable",
    });
  }
  return result;
}
