/**
 * New batch and job records: what a batch is made of, with every state
 * field at its start value. The one place that lists those start values.
 * @module
 */
import type { BatchRecord, JobRecord } from "../store/batches.ts";

/** How long OpenAI's only completion window lasts. */
const COMPLETION_WINDOW_S = 24 * 3600;

/** What a new batch is made of; everything else starts empty. */
export interface NewBatch {
  id: string;
  owner: Pick<BatchRecord, "ownerId" | "teamId" | "userId" | "keyAlias">;
  inputFileId: string;
  endpoint: string;
  completionWindow: BatchRecord["completionWindow"];
  metadata: BatchRecord["metadata"];
  outputExpiresAfterSeconds?: number | null;
  location: BatchRecord["location"];
  records: number;
  /** Creation time in ms. */
  nowMs: number;
  plannedOutputFileId: string;
  plannedErrorFileId: string;
  jobs: JobRecord[];
}

/** A batch in state `validating` with nothing run yet. */
export function newBatchRecord(batch: NewBatch): BatchRecord {
  const createdAt = Math.floor(batch.nowMs / 1000);
  return {
    id: batch.id,
    ownerId: batch.owner.ownerId,
    teamId: batch.owner.teamId,
    userId: batch.owner.userId,
    keyAlias: batch.owner.keyAlias,
    inputFileId: batch.inputFileId,
    endpoint: batch.endpoint,
    completionWindow: batch.completionWindow,
    metadata: batch.metadata,
    outputExpiresAfterSeconds: batch.outputExpiresAfterSeconds ?? null,
    modelGroup: batch.location.modelGroup,
    location: batch.location,
    records: batch.records,
    status: "validating",
    createdAt,
    expiresAt: createdAt + COMPLETION_WINDOW_S,
    inProgressAt: null,
    finalizingAt: null,
    completedAt: null,
    failedAt: null,
    expiredAt: null,
    cancellingAt: null,
    cancelledAt: null,
    errors: null,
    requestCounts: { total: batch.records, completed: 0, failed: 0 },
    usage: null,
    cost: null,
    outputFileId: null,
    errorFileId: null,
    plannedOutputFileId: batch.plannedOutputFileId,
    plannedErrorFileId: batch.plannedErrorFileId,
    jobs: batch.jobs,
    cancelRequested: false,
    refreshedAtMs: batch.nowMs,
  };
}

/** A Bedrock job not yet submitted; its name is also its idempotency token. */
export function newJobRecord(jobName: string, inputS3Uri: string, outputS3Uri: string): JobRecord {
  return {
    jobName,
    clientRequestToken: jobName,
    jobArn: null,
    status: null,
    message: null,
    inputS3Uri,
    outputS3Uri,
    submitTime: null,
    endTime: null,
    counts: null,
    stopRequested: false,
    createError: null,
  };
}
