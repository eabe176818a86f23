/**
 * The batch lifecycle: the one module that moves batches forward (submit,
 * refresh, cancel, sync, finalize) and the one lease policy that keeps two
 * workers (requests, pollers, instances) off one batch. The poller calls only
 * {@linkcode runPollCycle}; routes call the rest through `batches.ts` and
 * `create.ts`.
 * @module
 */
import type { AppDeps } from "../deps.ts";
import { randomAlnum } from "../ids.ts";
import { log } from "../log.ts";
import {
  type BatchRecord,
  getBatches,
  listActiveBatchIds,
  releaseBatchLease,
  takeBatchLease,
  TERMINAL_BATCH_STATUSES,
  updateBatch,
} from "../store/batches.ts";
import { deploymentAt } from "../files/deployments.ts";
import { describeAwsError, type JobInfo, listJobs } from "./bedrock_jobs.ts";
import { readBatch, refreshBatch, type RefreshOptions, submitPendingJobs } from "./_jobs.ts";
import { finalizeBatch } from "./_finalize.ts";
import { TERMINAL_JOB_STATUSES } from "./status.ts";

/** Shortest interval between lease renewals. */
const MIN_RENEW_MS = 1000;

/**
 * Runs `fn` holding the batch's lease, renewed while `fn` runs (every third
 * of its lifetime) and released after.
 * @returns `"busy"` without running `fn` when another holder has the lease
 */
export async function withLease<T>(
  deps: AppDeps,
  batchId: string,
  fn: () => Promise<T>,
): Promise<T | "busy"> {
  // One holder per call: two requests of one process must not share a lease.
  const holder = `${deps.instanceId}:${randomAlnum(8)}`;
  const ttlMs = deps.config.general.batch_lease_seconds * 1000;
  const take = () => {
    const nowMs = deps.clock.now();
    return takeBatchLease(deps.store, batchId, { holder, untilMs: nowMs + ttlMs, nowMs });
  };
  if (!(await take())) return "busy";
  let cancelRenewal: (() => void) | null = null;
  let done = false;
  const scheduleRenewal = () => {
    cancelRenewal = deps.clock.setTimer(() => {
      take().then((kept) => {
        if (!kept) log.warn("Lost the batch lease while working on it", { batchId });
      }).catch((error) => log.warn("Cannot renew batch lease", { batchId, error: String(error) }))
        .finally(() => {
          if (!done) scheduleRenewal();
        });
    }, Math.max(MIN_RENEW_MS, ttlMs / 3));
  };
  scheduleRenewal();
  try {
    return await fn();
  } finally {
    done = true;
    (cancelRenewal as (() => void) | null)?.();
    await releaseBatchLease(deps.store, batchId, holder).catch((error) =>
      log.warn("Cannot release batch lease", { batchId, error: String(error) })
    );
  }
}

/** Sends Create for the batch's jobs that Bedrock has not accepted, under the lease. */
export async function submitBatch(deps: AppDeps, batchId: string): Promise<BatchRecord> {
  const submitted = await withLease(deps, batchId, () => submitPendingJobs(deps, batchId));
  return submitted === "busy" ? await readBatch(deps, batchId) : submitted;
}

/** Options of {@linkcode syncBatch}. */
export interface SyncOptions extends RefreshOptions {
  /**
   * `"now"` converts the output of a batch whose jobs ended before returning
   * (the poller); `"background"` leaves that to a background task of this
   * process (requests, which must not wait for a large file).
   */
  finalize: "now" | "background";
}

/**
 * Brings a batch up to date with Bedrock under its lease, and converts its
 * output once its jobs have ended.
 * @returns the batch, or null when another holder has the lease
 */
export async function syncBatch(
  deps: AppDeps,
  batchId: string,
  options: SyncOptions,
): Promise<BatchRecord | null> {
  const synced = await withLease(deps, batchId, async () => {
    const batch = await refreshBatch(deps, batchId, options);
    if (batch.status !== "finalizing" || options.finalize === "background") return batch;
    return await finalizeBatch(deps, batchId);
  });
  if (synced === "busy") return null;
  if (synced.status === "finalizing") finalizeInBackground(deps, batchId);
  return synced;
}

/** Converts a `finalizing` batch's output in the background of this process. */
export function finalizeInBackground(deps: AppDeps, batchId: string): void {
  deps.tasks.run(`finalize:${batchId}`, () => syncBatch(deps, batchId, { finalize: "now" }));
}

/**
 * Marks a batch `cancelling` and tries once to stop its jobs. When another
 * worker holds the lease, the poller stops them at its next cycle (a cancel
 * request is always work for it): the request never waits.
 * @returns the batch, or `{ refused }` with the status of a batch that cannot be cancelled
 */
export async function requestCancel(
  deps: AppDeps,
  batchId: string,
): Promise<BatchRecord | { refused: string }> {
  const nowS = Math.floor(deps.clock.now() / 1000);
  let refused: string | null = null;
  const batch = await updateBatch(deps.store, batchId, (b) => {
    if (TERMINAL_BATCH_STATUSES.has(b.status) || b.status === "finalizing") {
      refused = b.status;
      return null;
    }
    if (b.cancelRequested) return null;
    return { ...b, cancelRequested: true, status: "cancelling", cancellingAt: nowS };
  });
  if (refused !== null) return { refused };
  log.info("Batch cancel requested", { batchId });
  try {
    return await syncBatch(deps, batchId, { finalize: "background" }) ?? batch;
  } catch (error) {
    log.warn("Cannot stop the batch's jobs yet, the poller will retry", {
      batchId,
      error: String(error),
    });
    return batch;
  }
}

/** What one poll cycle did. */
export interface PollCycleStats {
  batches: number;
  listCalls: number;
  failures: number;
}

/** How many batches one cycle syncs at once. */
const CYCLE_CONCURRENCY = 4;
/** List from a little before the oldest submit time, against clock skew. */
const LIST_SLACK_MS = 5 * 60 * 1000;

/**
 * One poll cycle: brings every unfinished batch up to date, with one
 * ListModelInvocationJobs call per Bedrock account and region instead of one
 * Get per job, and converts the output of batches whose jobs ended.
 */
export async function runPollCycle(deps: AppDeps): Promise<PollCycleStats> {
  const batches = await getBatches(deps.store, await listActiveBatchIds(deps.store));
  const stats: PollCycleStats = { batches: batches.length, listCalls: 0, failures: 0 };
  const listedAt = deps.clock.now();
  const known = await listRunningJobs(deps, batches, stats);
  // Batches whose jobs moved go first: with many active batches, a finished job is then
  // seen right after the List call instead of after every unchanged batch is synced.
  const queue = batches.filter((b) => !deps.tasks.has(`finalize:${b.id}`))
    .sort((a, b) => Number(needsAction(b, known)) - Number(needsAction(a, known)));
  const worker = async () => {
    for (let batch = queue.shift(); batch; batch = queue.shift()) {
      try {
        await syncBatch(deps, batch.id, { known, listedAt, finalize: "now" });
      } catch (error) {
        stats.failures++;
        log.error("Cannot sync batch", { batchId: batch.id, error: String(error) });
      }
    }
  };
  await Promise.all(Array.from({ length: CYCLE_CONCURRENCY }, worker));
  return stats;
}

/** One List call per Bedrock target covering all running jobs there. */
async function listRunningJobs(
  deps: AppDeps,
  batches: BatchRecord[],
  stats: PollCycleStats,
): Promise<Map<string, JobInfo>> {
  const targets = new Map<string, { since: number; batch: BatchRecord }>();
  for (const batch of batches) {
    for (const job of batch.jobs) {
      if (!job.jobArn || (job.status && TERMINAL_JOB_STATUSES.has(job.status))) continue;
      let key: string;
      try {
        key = JSON.stringify(deploymentAt(deps.config, batch.location).bedrock);
      } catch {
        continue;
      }
      const since = job.submitTime ?? batch.createdAt * 1000;
      const seen = targets.get(key);
      if (!seen || since < seen.since) targets.set(key, { since, batch });
    }
  }
  const known = new Map<string, JobInfo>();
  for (const { since, batch } of targets.values()) {
    const deployment = deploymentAt(deps.config, batch.location);
    try {
      stats.listCalls++;
      const jobs = await listJobs(
        deps.aws.bedrock(deployment.bedrock),
        new Date(since - LIST_SLACK_MS),
      );
      for (const [arn, info] of jobs) known.set(arn, info);
    } catch (error) {
      // Batches fall back to one Get per job this cycle.
      log.warn("Cannot list Bedrock jobs", describeAwsError(error));
    }
  }
  return known;
}

/** Whether a batch has news to act on: a job whose state moved, or work of its own. */
export function needsAction(batch: BatchRecord, known: ReadonlyMap<string, JobInfo>): boolean {
  if (batch.status !== "in_progress" || batch.cancelRequested) return true;
  return batch.jobs.some((job) => {
    const info = job.jobArn ? known.get(job.jobArn) : undefined;
    return !info || info.status !== job.status;
  });
}
