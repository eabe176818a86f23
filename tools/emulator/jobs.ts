/**
 * The emulator's job store: creation with idempotency, name and quota checks,
 * lookup by ARN or id, Stop, and the record counts of a job at a given time.
 * The background {@linkcode ./runner.ts} moves jobs through their states.
 * @module
 */
import { randomAlnum } from "../../src/ids.ts";
import type { RecordOutcome } from "./replies.ts";
import { familyOf } from "./replies.ts";
import { ServiceError, validationError } from "./service_error.ts";
import { type CreateJobRequest, type JobStatus, matchesPattern, PATTERNS } from "./shapes.ts";

/** One input record after validation, with its precomputed outcome. */
export interface EmulatedRecord {
  /** Index into {@linkcode JobInput.files}. */
  fileIndex: number;
  recordId: string;
  modelInput: Record<string, unknown>;
  /** Carries `EMULATOR_SLOW`: never processed. */
  slow: boolean;
  outcome: RecordOutcome;
}

/** One input `.jsonl` object. */
export interface InputFile {
  bucket: string;
  key: string;
  /** Last key segment, e.g. `records.jsonl`; its output is `records.jsonl.out`. */
  name: string;
}

/** What Validating read from S3. */
export interface JobInput {
  files: InputFile[];
  /** Every record, in input order. */
  records: EmulatedRecord[];
  /** Records that will be processed (not slow), in processing order. */
  eligible: EmulatedRecord[];
  /** `errorsBefore[k]` = failed records among the first k eligible ones. */
  errorsBefore: number[];
}

/** A job and its progress. Mutated only by the store and the runner. */
export interface Job {
  /** Creation sequence number, the tie-break of CreationTime sorting. */
  seq: number;
  id: string;
  arn: string;
  request: CreateJobRequest;
  /** The request without its token, for idempotency comparisons. */
  fingerprint: string;
  status: JobStatus;
  message?: string;
  submitTime: number;
  lastModifiedTime: number;
  endTime?: number;
  /** When the current state began; each state lasts one step. */
  stateSince: number;
  input?: JobInput;
  /** Why Validating failed; applied when the Validating step ends. */
  validationError?: string;
  /** Records processed, frozen on Stop and on reaching a terminal state. */
  processed: number;
  /** An S3 read or write for this job is in flight. */
  busy: boolean;
}

/** Record counts as Get/List and the manifest report them. */
export interface RecordCounts {
  totalRecordCount: number;
  processedRecordCount: number;
  successRecordCount: number;
  errorRecordCount: number;
}

/** States that count against `maxConcurrentJobs`. */
export const ACTIVE_STATUSES: readonly JobStatus[] = [
  "Submitted",
  "Validating",
  "Scheduled",
  "InProgress",
  "Stopping",
];

/** Hours a job may take when the request sets no timeout (third-party evidence says 24). */
export const DEFAULT_TIMEOUT_HOURS = 24;

/** When a job times out: submit time plus its timeout hours. */
export function expirationTime(job: Job): number {
  const hours = job.request.timeoutDurationInHours ?? DEFAULT_TIMEOUT_HOURS;
  return job.submitTime + hours * 3_600_000;
}

/** Whether a status is final. */
export function isTerminal(status: JobStatus): boolean {
  return ["Completed", "PartiallyCompleted", "Failed", "Stopped", "Expired"].includes(status);
}

/** Options of {@linkcode JobStore}. */
export interface JobStoreOptions {
  region: string;
  accountId: string;
  stepMs: number;
  maxConcurrentJobs: number;
  now: () => number;
}

/** In-memory jobs of one emulator. */
export class JobStore {
  readonly #jobs = new Map<string, Job>();
  readonly #byToken = new Map<string, Job>();
  readonly #options: JobStoreOptions;
  #seq = 0;

  constructor(options: JobStoreOptions) {
    this.#options = options;
  }

  /** Every job, in creation order. */
  all(): Job[] {
    return [...this.#jobs.values()];
  }

  /**
   * Creates a job, or returns the job an earlier call with the same token made.
   * @throws {ServiceError} ValidationException for a model the emulator cannot
   * reply as; ConflictException for a reused token with different parameters
   * (EC2's idempotency rules, which the model's doc links, call that a
   * mismatch error; ConflictException is the matching Bedrock error) or for a
   * name another job has; ServiceQuotaExceededException beyond the quota
   */
  create(request: CreateJobRequest): Job {
    const { clientRequestToken: token, ...rest } = request;
    const fingerprint = stableJson(rest);
    if ((request.modelInvocationType ?? "InvokeModel") === "InvokeModel") {
      if (!familyOf(request.modelId)) {
        throw validationError(
          `The provided model identifier is invalid: the emulator replies only as anthropic.*, amazon.nova-*, meta.llama*, mistral.* and amazon.titan-embed-text* models, got ${request.modelId}`,
        );
      }
    }
    const earlier = token === undefined ? undefined : this.#byToken.get(token);
    if (earlier) {
      if (earlier.fingerprint === fingerprint) return earlier;
      throw new ServiceError(
        "ConflictException",
        "Cannot create job: the client request token was already used with different parameters",
      );
    }
    if (this.all().some((j) => j.request.jobName === request.jobName)) {
      throw new ServiceError(
        "ConflictException",
        `Cannot create job: a job named ${request.jobName} already exists`,
      );
    }
    const { maxConcurrentJobs: quota, region, accountId } = this.#options;
    const active = this.all().filter((j) => ACTIVE_STATUSES.includes(j.status)).length;
    if (active >= quota) {
      throw new ServiceError(
        "ServiceQuotaExceededException",
        `Cannot create job: ${active} batch inference jobs are submitted or in progress, the quota is ${quota}`,
      );
    }
    let id = randomAlnum(12);
    while (this.#jobs.has(id)) id = randomAlnum(12);
    const now = this.#options.now();
    const job: Job = {
      seq: ++this.#seq,
      id,
      arn: `arn:aws:bedrock:${region}:${accountId}:model-invocation-job/${id}`,
      request,
      fingerprint,
      status: "Submitted",
      submitTime: now,
      lastModifiedTime: now,
      stateSince: now,
      processed: 0,
      busy: false,
    };
    this.#jobs.set(id, job);
    if (token !== undefined) this.#byToken.set(token, job);
    return job;
  }

  /**
   * Finds a job by its full ARN or its 12-character id.
   * @throws {ServiceError} ValidationException for a malformed identifier,
   * ResourceNotFoundException for an unknown job
   */
  find(identifier: string): Job {
    if (!matchesPattern(PATTERNS.jobIdentifier, identifier) || identifier.length > 1011) {
      throw validationError(
        `1 validation error detected: Value '${identifier}' at 'jobIdentifier' failed to satisfy constraint: Member must satisfy regular expression pattern: ${PATTERNS.jobIdentifier}`,
      );
    }
    const job = this.#jobs.get(identifier.slice(-12));
    if (!job || (identifier.startsWith("arn:") && identifier !== job.arn)) {
      throw new ServiceError(
        "ResourceNotFoundException",
        `Cannot find model invocation job: no job has identifier ${identifier}`,
      );
    }
    return job;
  }

  /**
   * Stops a job: Stopping now, Stopped one step later (the runner finishes it).
   * Stopping a job that is already Stopping is accepted again.
   * @throws {ServiceError} ValidationException for a job in a terminal state,
   * the closest of Stop's modeled errors to "nothing left to stop"
   */
  stop(identifier: string): void {
    const job = this.find(identifier);
    if (job.status === "Stopping") return;
    if (isTerminal(job.status)) {
      throw validationError(`Cannot stop job: it is already ${job.status}`);
    }
    const now = this.#options.now();
    job.processed = this.counts(job).processedRecordCount;
    this.setStatus(job, "Stopping", now);
  }

  /** Moves a job to a state, stamping its times. */
  setStatus(job: Job, status: JobStatus, now: number, message?: string): void {
    job.status = status;
    job.stateSince = now;
    job.lastModifiedTime = now;
    if (message !== undefined) job.message = message;
    if (isTerminal(status)) job.endTime = now;
  }

  /** Record counts of a job now; InProgress jobs process records evenly over one step. */
  counts(job: Job): RecordCounts {
    if (!job.input) return countsOf(undefined, 0);
    let processed = job.processed;
    if (job.status === "InProgress") {
      const until = Math.min(this.#options.now(), expirationTime(job));
      const elapsed = until - job.stateSince;
      const fraction = Math.min(1, Math.max(0, elapsed / this.#options.stepMs));
      processed = Math.floor(job.input.eligible.length * fraction);
    }
    return countsOf(job.input, processed);
  }
}

/** Record counts when the first `processed` eligible records are done. */
export function countsOf(input: JobInput | undefined, processed: number): RecordCounts {
  const errors = input?.errorsBefore[processed] ?? 0;
  return {
    totalRecordCount: input?.records.length ?? 0,
    processedRecordCount: processed,
    successRecordCount: processed - errors,
    errorRecordCount: errors,
  };
}

/** JSON with sorted object keys, so equal requests compare equal. */
function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v) => {
    if (v === null || typeof v !== "object" || Array.isArray(v)) return v;
    return Object.fromEntries(Object.entries(v).sort(([a], [b]) => a < b ? -1 : 1));
  });
}
