/**
 * The background poller: so that a job that ends is seen within
 * `batch_poll_interval_seconds`, it runs a cycle a little more often than that
 * (by the length of a cycle). Each cycle brings each
 * unfinished batch up to date, with one ListModelInvocationJobs call per
 * Bedrock account and region instead of one Get per job, and converts the
 * output of batches whose jobs ended. Leases keep two instances from working
 * on one batch.
 * @module
 */
import type { AppDeps } from "../api/context.ts";
import { log } from "../log.ts";
import { type BatchRecord, getBatches, listActiveBatchIds } from "../store/batches.ts";
import { deploymentAt } from "../files/deployments.ts";
import { describeAwsError, type JobInfo, listJobs } from "../batches/bedrock_jobs.ts";
import { TERMINAL_JOB_STATUSES } from "../batches/status.ts";
import { syncBatch } from "../batches/refresh.ts";
import { finalizeBatch } from "../batches/finalize.ts";

/** What one poll cycle did. */
export interface PollCycleStats {
  batches: number;
  listCalls: number;
  failures: number;
}

/** How many batches one cycle syncs at once. */
const CONCURRENCY = 4;
/** List from a little before the oldest submit time, against clock skew. */
const LIST_SLACK_MS = 5 * 60 * 1000;

/** Polls Bedrock for unfinished batches until stopped. */
export class Poller {
  readonly #deps: AppDeps;
  readonly #intervalMs: number;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #cycle: Promise<unknown> | null = null;
  #stopped = false;

  /** @param deps the app's dependencies */
  constructor(deps: AppDeps, intervalMs = deps.config.general.batch_poll_interval_seconds * 1000) {
    this.#deps = deps;
    this.#intervalMs = intervalMs;
  }

  /** Starts polling: a first cycle now, then one per interval less the last cycle's length. */
  start(): void {
    this.#schedule(0);
  }

  #schedule(delayMs: number): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      const started = performance.now();
      this.#cycle = this.runCycle()
        .catch((error) => log.error("Poll cycle failed", { error: String(error) }))
        .finally(() => {
          this.#cycle = null;
          // A job that ends just after a List call is seen at the next one, plus the time a
          // cycle takes to get to its batch. So cycles start one interval apart minus the last
          // cycle's length (never faster than twice an interval): a finished job is seen within
          // one interval, however long a cycle over many batches takes.
          this.#schedule(nextCycleDelayMs(this.#intervalMs, performance.now() - started));
        });
    }, delayMs);
  }

  /** Stops polling and waits for a running cycle. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#cycle;
  }

  /** Runs one poll cycle. */
  async runCycle(): Promise<PollCycleStats> {
    const deps = this.#deps;
    const batches = await getBatches(deps.kv, await listActiveBatchIds(deps.kv));
    const stats: PollCycleStats = { batches: batches.length, listCalls: 0, failures: 0 };
    const listedAt = deps.now();
    const known = await this.#listRunningJobs(batches, stats);
    // Batches whose jobs moved go first: with many active batches, a finished job is then
    // seen right after the List call instead of after every unchanged batch is synced.
    const queue = batches.filter((b) => !deps.tasks.has(`finalize:${b.id}`))
      .sort((a, b) => Number(needsAction(b, known)) - Number(needsAction(a, known)));
    const worker = async () => {
      for (let batch = queue.shift(); batch; batch = queue.shift()) {
        try {
          await syncBatch(deps, batch.id, finalizeBatch, { known, listedAt });
        } catch (error) {
          stats.failures++;
          log.error("Cannot sync batch", { batchId: batch.id, error: String(error) });
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    return stats;
  }

  /** One List call per Bedrock target covering all running jobs there. */
  async #listRunningJobs(
    batches: BatchRecord[],
    stats: PollCycleStats,
  ): Promise<Map<string, JobInfo>> {
    const deps = this.#deps;
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
}

/**
 * How long after a cycle that took `tookMs` the next one starts: cycles start
 * one interval apart less the last cycle's length, never faster than twice
 * an interval.
 */
export function nextCycleDelayMs(intervalMs: number, tookMs: number): number {
  const period = Math.max(intervalMs / 2, intervalMs - tookMs);
  return Math.max(0, period - tookMs);
}

/** Whether a batch has news to act on: a job whose state moved, or work of its own. */
export function needsAction(batch: BatchRecord, known: ReadonlyMap<string, JobInfo>): boolean {
  if (batch.status !== "in_progress" || batch.cancelRequested) return true;
  return batch.jobs.some((job) => {
    const info = job.jobArn ? known.get(job.jobArn) : undefined;
    return !info || info.status !== job.status;
  });
}
