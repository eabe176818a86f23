/**
 * A stored batch record for unit tests, with one job per given Bedrock status.
 * @module
 */
import type { BatchRecord, BedrockJobStatus, JobRecord } from "../../src/store/batches.ts";

/** A job record; `batchWith` sets its status. */
export const JOB: JobRecord = {
  jobName: "batchgate-x-0",
  clientRequestToken: "batchgate-x-0",
  jobArn: "arn:aws:bedrock:us-east-1:123456789012:model-invocation-job/abcdefghijkl",
  status: null,
  message: null,
  inputS3Uri: "s3://b/in.jsonl",
  outputS3Uri: "s3://b/out/",
  submitTime: null,
  endTime: null,
  counts: null,
  stopRequested: false,
  createError: null,
};

/** A validating batch with one job per status. */
export function batchWith(
  statuses: (BedrockJobStatus | null)[],
  cancelRequested = false,
): BatchRecord {
  return {
    id: "batch_x",
    ownerId: "o",
    teamId: null,
    userId: null,
    keyAlias: null,
    inputFileId: "file-x",
    endpoint: "/v1/chat/completions",
    completionWindow: "24h",
    metadata: null,
    modelGroup: "g",
    location: { modelGroup: "g", modelId: "m", bucket: "b" },
    records: 10,
    status: "validating",
    createdAt: 1_700_000_000,
    expiresAt: 1_700_086_400,
    inProgressAt: null,
    finalizingAt: null,
    completedAt: null,
    failedAt: null,
    expiredAt: null,
    cancellingAt: null,
    cancelledAt: null,
    errors: null,
    requestCounts: { total: 10, completed: 0, failed: 0 },
    usage: null,
    cost: null,
    outputFileId: null,
    errorFileId: null,
    plannedOutputFileId: "file-o",
    plannedErrorFileId: "file-e",
    jobs: statuses.map((status) => ({ ...JOB, status })),
    cancelRequested,
    refreshedAtMs: 0,
  };
}
