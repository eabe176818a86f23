/**
 * Renders a job as the wire `GetModelInvocationJobResponse` /
 * `ModelInvocationJobSummary` (the two have the same members).
 * @module
 */
import { DEFAULT_TIMEOUT_HOURS, expirationTime, type Job, type RecordCounts } from "./jobs.ts";

/** RFC 3339 with milliseconds and `Z`, as aws-sdk-js-v3 parses timestamps. */
export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}

/**
 * The wire body of a job: every required member, status, times, configs
 * (unions with exactly one key, as the SDK's `expectUnion` demands) and counts.
 */
export function toJobSummary(job: Job, counts: RecordCounts): Record<string, unknown> {
  const r = job.request;
  const body: Record<string, unknown> = {
    jobArn: job.arn,
    jobName: r.jobName,
    modelId: r.modelId,
    roleArn: r.roleArn,
    status: job.status,
    submitTime: isoTime(job.submitTime),
    lastModifiedTime: isoTime(job.lastModifiedTime),
    inputDataConfig: { s3InputDataConfig: r.inputDataConfig.s3InputDataConfig },
    outputDataConfig: { s3OutputDataConfig: r.outputDataConfig.s3OutputDataConfig },
    timeoutDurationInHours: r.timeoutDurationInHours ?? DEFAULT_TIMEOUT_HOURS,
    jobExpirationTime: isoTime(expirationTime(job)),
    modelInvocationType: r.modelInvocationType ?? "InvokeModel",
    ...counts,
  };
  if (r.clientRequestToken !== undefined) body.clientRequestToken = r.clientRequestToken;
  if (job.message !== undefined) body.message = job.message;
  if (job.endTime !== undefined) body.endTime = isoTime(job.endTime);
  if (r.vpcConfig) body.vpcConfig = r.vpcConfig;
  return body;
}
