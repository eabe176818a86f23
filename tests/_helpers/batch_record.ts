/**
 * A stored batch record for unit tests, with one job per given Bedrock status.
 * @module
 */
import type { BatchRecord, BedrockJobStatus, JobRecord } from "../../src/store/batches.ts";
import { newBatchRecord, newJobRecord } from "../../src/batches/new_record.ts";

/** A job record; `batchWith` sets its status. */
export const JOB: JobRecord = {
  ...newJobRecord("batchgate-x-0", "s3://b/in.jsonl", "s3://b/out/"),
  jobArn: "arn:aws:bedrock:us-east-1:123456789012:model-invocation-job/abcdefghijkl",
};

/** A validating batch with one job per status. */
export function batchWith(
  statuses: (BedrockJobStatus | null)[],
  cancelRequested = false,
): BatchRecord {
  return {
    ...newBatchRecord({
      id: "batch_x",
      owner: { ownerId: "o", teamId: null, userId: null, keyAlias: null },
      inputFileId: "file-x",
      endpoint: "/v1/chat/completions",
      completionWindow: "24h",
      metadata: null,
      location: { modelGroup: "g", modelId: "m", bucket: "b" },
      records: 10,
      nowMs: 1_700_000_000_000,
      plannedOutputFileId: "file-o",
      plannedErrorFileId: "file-e",
      jobs: statuses.map((status) => ({ ...JOB, status })),
    }),
    cancelRequested,
    refreshedAtMs: 0,
  };
}
