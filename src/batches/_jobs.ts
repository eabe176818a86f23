/**
 * A batch's Bedrock jobs, for the lifecycle (`lifecycle.ts`), whose lease
 * the callers hold: submitting jobs not yet accepted, reading job states,
 * stopping jobs of a cancelled batch, and moving the batch to `finalizing`
 * once every job has ended. Private to `src/batches/`.
 * @module
 */
import type { AppDeps } from "../deps.ts";
import { log } from "../log.ts";
import {
  type BatchRecord,
  getBatchEntry,
  type JobRecord,
  TERMINAL_BATCH_STATUSES,
  updateBatch,
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

/** Reads a batch that must exist. */
export async function readBatch(deps: AppDeps, id: string): Promise<BatchRecord> {
  const { value } = await getBatchEntry(deps.store, id);
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
      batch = await updateBatch(deps.store, batchId, (b) => ({
        ...b,
        // The errors a refused Create showed while it was retried are over.
        errors: b.jobs[index]!.createError !== null ? null : b.errors,
        jobs: replaceJob(b.jobs, index, {
          jobArn,
          status: b.jobs[index]!.status ?? "Submitted",
          submitTime: b.jobs[index]!.submitTime ?? deps.clock.now(),
          createError: null,
        }),
      }));
      log.info("Bedrock job submitted", { batchId, jobArn });
    } catch (error) {
      const { code, message } = describeAwsError(error);
      if (isDefinitiveAwsError(error)) {
        log.warn("Bedrock refused the job", { batchId, code, message });
        batch = await failBatch(deps, batchId, index, {
          code,
          message: `Bedrock refused the job: ${message}`,
        });
      } else if (deps.clock.now() >= batch.expiresAt * 1000) {
        log.warn("Bedrock kept refusing the job until the window ended", { batchId, code });
        batch = await failBatch(deps, batchId, index, {
          code,
          message: `Bedrock did not accept the job before the completion window ended: ${message}`,
        });
      } else {
        log.warn("Cannot submit Bedrock job yet, will retry", { batchId, code, message });
        batch = await updateBatch(deps.store, batchId, (b) => ({
          ...b,
          errors: [{
            code,
            message: `Bedrock has not accepted the job yet, retrying: ${message}`,
            param: null,
            line: null,
          }],
          jobs: replaceJob(b.jobs, index, { createError: `${code}: ${message}` }),
        }));
      }
    }
  }
  return batch;
}

/** Fails a batch whose job `index` Bedrock never accepted. */
function failBatch(
  deps: AppDeps,
  batchId: string,
  index: number,
  error: { code: string; message: string },
): Promise<BatchRecord> {
  const nowS = Math.floor(deps.clock.now() / 1000);
  return updateBatch(deps.store, batchId, (b) => ({
    ...b,
    status: "failed",
    failedAt: nowS,
    errors: [{ ...error, param: null, line: null }],
    jobs: replaceJob(b.jobs, index, {
      status: "Failed",
      message: error.message,
      createError: error.message,
    }),
  }));
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
        deps.clock.now() - (job.submitTime ?? 0) > LOST_JOB_GRACE_MS
      ) {
        log.warn("Bedrock no longer knows the job: failing it", { batchId, jobArn: job.jobArn });
        updates.set(index, {
          ...job,
          status: "Failed",
          message: `Bedrock has no job ${job.jobArn} any more: ${message}`,
          endTime: deps.clock.now(),
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
  const nowMs = deps.clock.now();
  const nowS = Math.floor(nowMs / 1000);
  return await updateBatch(deps.store, batchId, (b) => {
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
