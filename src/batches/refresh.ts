/**
 * Syncing a batch with Bedrock: submitting jobs not yet accepted, reading
 * job states, stopping jobs of a cancelled batch, and moving the batch to
 * `finalizing` once every job has ended.
 * @module
 */
import type { AppDeps } from "../api/context.ts";
import { log } from "../log.ts";
import { crashPoint } from "./crash_point.ts";
import {
  type BatchRecord,
  getBatchEntry,
  type JobRecord,
  TERMINAL_BATCH_STATUSES,
  updateBatch,
  withBatchLease,
} from "../store/batches.ts";
import { deploymentAt } from "../files/deployments.ts";
import {
  applyJobInfo,
  createJob,
  describeAwsError,
  getJob,
  isDefinitiveAwsError,
  type JobInfo,
  stopJob,
} from "./bedrock_jobs.ts";
import { runningCounts, runningStatusOf, TERMINAL_JOB_STATUSES } from "./status.ts";

/** How long after submission a job Bedrock cannot find counts as lost. */
const LOST_JOB_GRACE_MS = 60_000;

/** Lease options of this process for a batch. */
export function leaseOptions(deps: AppDeps) {
  return {
    holder: deps.instanceId,
    ttlMs: deps.config.general.batch_lease_seconds * 1000,
    now: deps.now,
  };
}

async function readBatch(deps: AppDeps, id: string): Promise<BatchRecord> {
  const { value } = await getBatchEntry(deps.kv, id);
  if (!value) throw new Error(`Batch ${id} vanished from KV`);
  return value;
}

/**
 * Sends Create for every job of the batch that Bedrock has not accepted yet.
 * Transient failures (throttling, quota, network) leave the job pending for
 * the poller; a definitive refusal fails the batch with Bedrock's message.
 */
export async function submitPendingJobs(deps: AppDeps, batchId: string): Promise<BatchRecord> {
  let batch = await readBatch(deps, batchId);
  const deployment = deploymentAt(deps.config, batch.location);
  const client = deps.aws.bedrock(deployment.bedrock);
  for (let index = 0; index < batch.jobs.length; index++) {
    const job = batch.jobs[index]!;
    if (job.jobArn !== null || TERMINAL_BATCH_STATUSES.has(batch.status)) continue;
    try {
      const jobArn = await createJob(client, deployment, batch, job);
      crashPoint("after_create");
      batch = await updateBatch(deps.kv, batchId, (b) => ({
        ...b,
        jobs: replaceJob(b.jobs, index, {
          jobArn,
          status: b.jobs[index]!.status ?? "Submitted",
          submitTime: b.jobs[index]!.submitTime ?? deps.now(),
          createError: null,
        }),
      }));
      log.info("Bedrock job submitted", { batchId, jobArn });
    } catch (error) {
      const { code, message } = describeAwsError(error);
      if (isDefinitiveAwsError(error)) {
        log.warn("Bedrock refused the job", { batchId, code, message });
        const nowS = Math.floor(deps.now() / 1000);
        batch = await updateBatch(deps.kv, batchId, (b) => ({
          ...b,
          status: "failed",
          failedAt: nowS,
          errors: [{
            code,
            message: `Bedrock refused the job: ${message}`,
            param: null,
            line: null,
          }],
          jobs: replaceJob(b.jobs, index, { status: "Failed", message, createError: message }),
        }));
      } else {
        log.warn("Cannot submit Bedrock job yet, will retry", { batchId, code, message });
        batch = await updateBatch(deps.kv, batchId, (b) => ({
          ...b,
          jobs: replaceJob(b.jobs, index, { createError: `${code}: ${message}` }),
        }));
      }
    }
  }
  return batch;
}

function replaceJob(jobs: JobRecord[], index: number, change: Partial<JobRecord>): JobRecord[] {
  return jobs.map((j, i) => (i === index ? { ...j, ...change } : j));
}

/** Options of {@linkcode refreshBatch}. */
export interface RefreshOptions {
  /** Job states already fetched with one List call, by ARN. */
  known?: Map<string, JobInfo>;
  /**
   * When `known` was listed (epoch ms). A job submitted since then is left
   * for the next List rather than read with its own Get.
   */
  listedAt?: number;
}

/**
 * Brings a batch up to date with Bedrock (without converting output).
 * Callers hold the batch lease.
 */
export async function refreshBatch(
  deps: AppDeps,
  batchId: string,
  options: RefreshOptions = {},
): Promise<BatchRecord> {
  let batch = await readBatch(deps, batchId);
  if (TERMINAL_BATCH_STATUSES.has(batch.status) || batch.status === "finalizing") return batch;
  if (batch.jobs.some((j) => j.jobArn === null)) {
    batch = await submitPendingJobs(deps, batchId);
    if (TERMINAL_BATCH_STATUSES.has(batch.status)) return batch;
  }
  const deployment = deploymentAt(deps.config, batch.location);
  const client = deps.aws.bedrock(deployment.bedrock);
  const updates = new Map<number, Partial<JobRecord>>();
  for (const [index, job] of batch.jobs.entries()) {
    if (job.jobArn === null || (job.status && TERMINAL_JOB_STATUSES.has(job.status))) continue;
    let info = options.known?.get(job.jobArn);
    if (!info && options.listedAt !== undefined && (job.submitTime ?? 0) >= options.listedAt) {
      continue;
    }
    try {
      info ??= await getJob(client, job.jobArn);
      let next = applyJobInfo(job, info);
      if (
        batch.cancelRequested && !next.stopRequested && !TERMINAL_JOB_STATUSES.has(next.status!)
      ) {
        await stopJob(client, job.jobArn);
        next = { ...next, stopRequested: true };
      }
      updates.set(index, next);
    } catch (error) {
      const { code, message } = describeAwsError(error);
      // A job Bedrock no longer knows (deleted by retention, or an emulator
      // restarted) would keep the batch waiting forever: fail it. A fresh job
      // gets a grace period in case the service is slow to show it.
      if (
        code === "ResourceNotFoundException" &&
        deps.now() - (job.submitTime ?? 0) > LOST_JOB_GRACE_MS
      ) {
        log.warn("Bedrock no longer knows the job: failing it", { batchId, jobArn: job.jobArn });
        updates.set(index, {
          ...job,
          status: "Failed",
          message: `Bedrock has no job ${job.jobArn} any more: ${message}`,
          endTime: deps.now(),
        });
        continue;
      }
      log.warn("Cannot read Bedrock job, keeping the last known state", {
        batchId,
        jobArn: job.jobArn,
        code,
        message,
      });
    }
  }
  const nowMs = deps.now();
  const nowS = Math.floor(nowMs / 1000);
  return await updateBatch(deps.kv, batchId, (b) => {
    if (TERMINAL_BATCH_STATUSES.has(b.status) || b.status === "finalizing") return null;
    const next: BatchRecord = {
      ...b,
      jobs: b.jobs.map((j, i) => ({ ...j, ...updates.get(i) })),
      refreshedAtMs: nowMs,
    };
    next.status = runningStatusOf(next);
    next.requestCounts = runningCounts(next);
    if (next.status === "in_progress") next.inProgressAt ??= nowS;
    if (next.status === "cancelling") next.cancellingAt ??= nowS;
    if (next.status === "finalizing") {
      if (next.jobs.some((j) => j.status !== "Failed" || (j.counts?.processed ?? 0) > 0)) {
        next.inProgressAt ??= nowS;
      }
      next.finalizingAt = nowS;
    }
    return next;
  });
}

/**
 * Refreshes a batch under its lease and, once every job has ended, converts
 * its output (`finalize`). Returns the batch as stored afterwards.
 */
export async function syncBatch(
  deps: AppDeps,
  batchId: string,
  finalize: (deps: AppDeps, batchId: string) => Promise<BatchRecord>,
  options: RefreshOptions = {},
): Promise<BatchRecord> {
  const result = await withBatchLease(deps.kv, batchId, leaseOptions(deps), async () => {
    const batch = await refreshBatch(deps, batchId, options);
    return batch.status === "finalizing" ? await finalize(deps, batchId) : batch;
  });
  return result === "busy" ? await readBatch(deps, batchId) : result;
}
