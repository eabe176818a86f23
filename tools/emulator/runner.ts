/**
 * The emulator's clock-driven state machine:
 * Submitted → Validating → Scheduled → InProgress → Completed, each state
 * lasting one step, with the branches Failed (bad input), PartiallyCompleted
 * (`EMULATOR_SLOW` records or timeout), Expired (not started before the
 * timeout) and Stopping → Stopped.
 *
 * Outputs are written for every job that passed validation and ends
 * Completed, PartiallyCompleted or Stopped, before its status changes, so a
 * client that sees the final status can read them at once.
 * @module
 */
import type { S3Client } from "@aws-sdk/client-s3";
import { log } from "../../src/log.ts";
import {
  countsOf,
  DEFAULT_TIMEOUT_HOURS,
  expirationTime,
  isTerminal,
  type Job,
  type JobStore,
} from "./jobs.ts";
import { InputError, readInput, writeOutputs } from "./process.ts";
import type { JobStatus } from "./shapes.ts";

/** Options of {@linkcode JobRunner}. */
export interface JobRunnerOptions {
  store: JobStore;
  s3: S3Client;
  stepMs: number;
  minRecords: number;
  now: () => number;
}

/** Advances jobs on a timer; S3 work runs in the background and is awaited on stop. */
export class JobRunner {
  readonly #o: JobRunnerOptions;
  readonly #inFlight = new Set<Promise<void>>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #stopped = false;

  constructor(options: JobRunnerOptions) {
    this.#o = options;
  }

  /** Starts the timer loop. */
  start(): void {
    const interval = Math.min(200, Math.max(5, Math.floor(this.#o.stepMs / 5)));
    const loop = () => {
      try {
        this.tick();
      } catch (error) {
        // One bad tick must not stop the clock for every other job.
        log.error("Emulator tick failed", { error: String(error) });
      }
      if (!this.#stopped) this.#timer = setTimeout(loop, interval);
    };
    this.#timer = setTimeout(loop, interval);
  }

  /** Stops the loop and waits for S3 work in flight. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight]);
  }

  /** Advances every job whose current step is over. */
  tick(): void {
    const now = this.#o.now();
    for (const job of this.#o.store.all()) {
      if (!job.busy && !isTerminal(job.status)) this.#advance(job, now);
    }
  }

  #advance(job: Job, now: number): void {
    const { store, stepMs } = this.#o;
    const stepOver = now - job.stateSince >= stepMs;
    const expired = now >= expirationTime(job);
    const hours = job.request.timeoutDurationInHours ?? DEFAULT_TIMEOUT_HOURS;
    const expiredMessage = `Job expired: it did not start within its timeout of ${hours} hours`;
    switch (job.status) {
      case "Submitted":
        if (expired) store.setStatus(job, "Expired", now, expiredMessage);
        else if (stepOver) {
          store.setStatus(job, "Validating", now);
          this.#validate(job);
        }
        break;
      case "Validating":
        if (!stepOver) break;
        if (job.validationError !== undefined) {
          store.setStatus(job, "Failed", now, job.validationError);
        } else if (expired) store.setStatus(job, "Expired", now, expiredMessage);
        else store.setStatus(job, "Scheduled", now);
        break;
      case "Scheduled":
        if (expired) store.setStatus(job, "Expired", now, expiredMessage);
        else if (stepOver) store.setStatus(job, "InProgress", now);
        break;
      case "InProgress": {
        // Records are processed evenly over the step; a timeout inside the
        // step leaves the records after it unprocessed.
        const deadline = expirationTime(job);
        const stepEnd = job.stateSince + stepMs;
        if (now < Math.min(deadline, stepEnd)) break;
        const input = job.input!;
        const processed = deadline < stepEnd
          ? Math.floor(input.eligible.length * (deadline - job.stateSince) / stepMs)
          : input.eligible.length;
        const partial = processed < input.records.length;
        this.#finish(job, partial ? "PartiallyCompleted" : "Completed", processed);
        break;
      }
      case "Stopping":
        if (stepOver) this.#finish(job, "Stopped", job.processed);
        break;
    }
  }

  #validate(job: Job): void {
    const { s3InputDataConfig } = job.request.inputDataConfig;
    this.#track(job, async () => {
      try {
        job.input = await readInput(this.#o.s3, s3InputDataConfig!.s3Uri, {
          modelId: job.request.modelId,
          invocationType: job.request.modelInvocationType ?? "InvokeModel",
          minRecords: this.#o.minRecords,
        });
      } catch (error) {
        if (!(error instanceof InputError)) throw error;
        job.validationError = error.message;
      }
    });
  }

  #finish(job: Job, status: JobStatus, processed: number): void {
    job.processed = processed;
    this.#track(job, async () => {
      const counts = countsOf(job.input, processed);
      let final = status;
      let message: string | undefined;
      try {
        if (job.input) await writeOutputs(this.#o.s3, job, counts);
      } catch (error) {
        final = "Failed";
        message = `Cannot write output: ${error instanceof Error ? error.name : String(error)}`;
      }
      // A Stop that arrived while writing wins over Completed, but the outputs
      // already hold every processed record.
      if (final !== "Failed" && job.status === "Stopping") final = "Stopped";
      job.processed = processed;
      this.#o.store.setStatus(job, final, this.#o.now(), message);
    });
  }

  /** Runs S3 work for a job, marking it busy so ticks leave it alone meanwhile. */
  #track(job: Job, work: () => Promise<void>): void {
    job.busy = true;
    const promise = work()
      .catch((error) => {
        log.error("Emulator job step failed", { jobId: job.id, error: String(error) });
        this.#o.store.setStatus(job, "Failed", this.#o.now(), "Internal emulator error");
      })
      .finally(() => {
        job.busy = false;
        this.#inFlight.delete(promise);
      });
    this.#inFlight.add(promise);
  }
}
