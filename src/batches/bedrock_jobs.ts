/**
 * The Bedrock calls of a batch: create (idempotent), get, list, stop, and
 * how their errors are classified.
 * @module
 */
import {
  type BedrockClient,
  CreateModelInvocationJobCommand,
  GetModelInvocationJobCommand,
  type GetModelInvocationJobCommandOutput,
  ListModelInvocationJobsCommand,
  type ModelInvocationJobSummary,
  StopModelInvocationJobCommand,
} from "@aws-sdk/client-bedrock";
import type { Deployment } from "../config/load.ts";
import { type BatchRecord, BedrockJobStatus, type JobRecord } from "../store/batches.ts";

/** Job names and tokens start with this, so List can find ours. */
export const JOB_NAME_PREFIX = "batchgate-";

/** Name and idempotency token of job `index` of a batch: both derived from the batch id. */
export function jobNameOf(batchId: string, index: number): string {
  return `${JOB_NAME_PREFIX}${batchId.replace(/^batch_/, "")}-${index}`;
}

/** What Bedrock tells about a job (Get response or List summary). */
export type JobInfo = GetModelInvocationJobCommandOutput | ModelInvocationJobSummary;

/** True when an AWS error will not go away by retrying the same request. */
export function isDefinitiveAwsError(error: unknown): boolean {
  const e = error as { $fault?: string; name?: string };
  if (e.$fault !== "client") return false;
  return !["ThrottlingException", "ServiceQuotaExceededException", "TooManyRequestsException"]
    .includes(e.name ?? "");
}

/** A short description of an AWS error for logs and batch errors. */
export function describeAwsError(error: unknown): { code: string; message: string } {
  const e = error as { name?: string; message?: string };
  return { code: e.name ?? "Error", message: e.message ?? String(error) };
}

function tagValue(text: string): string {
  return text.replace(/[^a-zA-Z0-9\s._:/=+@-]/g, "_").slice(0, 256);
}

/**
 * Sends CreateModelInvocationJob. The token is derived from the batch id, so
 * sending it again after a crash returns the same job instead of a new one.
 * @returns the job ARN
 */
export async function createJob(
  client: BedrockClient,
  deployment: Deployment,
  batch: BatchRecord,
  job: JobRecord,
): Promise<string> {
  const out = await client.send(
    new CreateModelInvocationJobCommand({
      jobName: job.jobName,
      clientRequestToken: job.clientRequestToken,
      roleArn: deployment.roleArn,
      modelId: deployment.modelId,
      inputDataConfig: { s3InputDataConfig: { s3Uri: job.inputS3Uri, s3InputFormat: "JSONL" } },
      outputDataConfig: {
        s3OutputDataConfig: {
          s3Uri: job.outputS3Uri,
          ...(deployment.kmsKeyId ? { s3EncryptionKeyId: deployment.kmsKeyId } : {}),
        },
      },
      timeoutDurationInHours: 24,
      tags: [
        { key: "batchgate:batch_id", value: batch.id },
        { key: "batchgate:model_group", value: tagValue(batch.modelGroup) },
      ],
    }),
  );
  if (!out.jobArn) throw new Error("CreateModelInvocationJob returned no jobArn");
  return out.jobArn;
}

/** GetModelInvocationJob. */
export function getJob(client: BedrockClient, jobArn: string): Promise<JobInfo> {
  return client.send(new GetModelInvocationJobCommand({ jobIdentifier: jobArn }));
}

/** StopModelInvocationJob; a job that already ended is not an error. */
export async function stopJob(client: BedrockClient, jobArn: string): Promise<void> {
  try {
    await client.send(new StopModelInvocationJobCommand({ jobIdentifier: jobArn }));
  } catch (error) {
    const name = (error as { name?: string }).name;
    if (name === "ValidationException" || name === "ConflictException") return;
    throw error;
  }
}

/**
 * Lists Batchgate's jobs submitted after `since`, all pages, keyed by ARN:
 * one call covers up to 1,000 jobs.
 */
export async function listJobs(
  client: BedrockClient,
  since: Date,
): Promise<Map<string, JobInfo>> {
  const out = new Map<string, JobInfo>();
  let nextToken: string | undefined;
  do {
    const page = await client.send(
      new ListModelInvocationJobsCommand({
        nameContains: JOB_NAME_PREFIX.replace(/-$/, ""),
        submitTimeAfter: since,
        maxResults: 1000,
        sortBy: "CreationTime",
        sortOrder: "Descending",
        nextToken,
      }),
    );
    for (const job of page.invocationJobSummaries ?? []) {
      if (job.jobArn) out.set(job.jobArn, job);
    }
    nextToken = page.nextToken;
  } while (nextToken);
  return out;
}

/** A job record updated with what Bedrock said. */
export function applyJobInfo(job: JobRecord, info: JobInfo): JobRecord {
  const parsed = BedrockJobStatus.safeParse(info.status);
  const counts = info.totalRecordCount !== undefined
    ? {
      total: info.totalRecordCount,
      processed: info.processedRecordCount ?? 0,
      success: info.successRecordCount ?? 0,
      error: info.errorRecordCount ?? 0,
    }
    : job.counts;
  return {
    ...job,
    status: parsed.success ? parsed.data : job.status,
    message: info.message ?? job.message,
    submitTime: info.submitTime?.getTime() ?? job.submitTime,
    endTime: info.endTime?.getTime() ?? job.endTime,
    counts,
  };
}
