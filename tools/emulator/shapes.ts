/**
 * The Bedrock service-model shapes the emulator accepts, as zod schemas.
 *
 * Every constraint comes from `bedrock-batch.service.json` and carries the
 * Coral-style constraint text ("Member must have length less than or equal to
 * 63") as its message, so {@linkcode ./validate.ts} can join issues into
 * AWS's "N validation errors detected: …" message.
 * @module
 */
import { z } from "zod";
import { BedrockJobStatus } from "../../src/bedrock/job_status.ts";

/** Service-model patterns, verbatim (Smithy patterns; matched anchored). */
export const PATTERNS = {
  jobName: "[a-zA-Z0-9]{1,63}(-*[a-zA-Z0-9\\+\\-\\.]){0,63}",
  roleArn: "arn:aws(-[^:]+)?:iam::([0-9]{12})?:role/.+",
  token: "[a-zA-Z0-9]{1,256}(-*[a-zA-Z0-9]){0,256}",
  modelId:
    "(arn:aws(-[^:]+)?:bedrock:[a-z0-9-]{1,20}:(([0-9]{12}:custom-model/[a-z0-9-]{1,63}[.]{1}[a-z0-9-:]{1,63}/[a-z0-9]{12}$)|(:foundation-model/([a-z0-9-]{1,63}[.]{1}[a-z0-9-]{1,63}([.]?[a-z0-9-]{1,63})([:][a-z0-9-]{1,63}){0,2})|(([0-9a-zA-Z][_-]?)+)$)|([0-9]{12}:(inference-profile|application-inference-profile)/[a-zA-Z0-9-:.]+$)))|([a-z0-9-]{1,63}[.]{1}[a-z0-9-]{1,63}([.]?[a-z0-9-]{1,63})([:][a-z0-9-]{1,63}){0,2})|(([0-9a-zA-Z][_-]?)+)",
  s3Uri:
    "s3://[a-z0-9][-.a-z0-9]{1,61}[a-z0-9](?:/[-!_*'().a-z0-9A-Z]+(?:/[-!_*'().a-z0-9A-Z]+)*)?/?",
  accountId: "[0-9]{12}",
  kmsKeyId:
    "(arn:aws(-[^:]+)?:kms:[a-zA-Z0-9-]*:[0-9]{12}:((key/[a-zA-Z0-9-]{36})|(alias/[a-zA-Z0-9-_/]+)))|([a-zA-Z0-9-]{36})|(alias/[a-zA-Z0-9-_/]+)",
  vpcId: "[-0-9a-zA-Z]+",
  tag: "[a-zA-Z0-9\\s._:/=+@-]*",
  paginationToken: "\\S*",
  jobIdentifier:
    "((arn:aws(-[^:]+)?:bedrock:[a-z0-9-]{1,20}:[0-9]{12}:model-invocation-job/)?[a-z0-9]{12})",
} as const;

/** Whether `value` matches a service-model pattern as a whole. */
export function matchesPattern(pattern: string, value: string): boolean {
  // The model's patterns are unanchored Smithy patterns; Bedrock matches them whole.
  return new RegExp(`^(?:${pattern})$`).test(value);
}

interface StringRules {
  min?: number;
  max?: number;
  pattern?: string;
}

/** A string shape with Coral-style messages for length and pattern. */
function str(rules: StringRules) {
  let s = z.string();
  if (rules.min !== undefined) {
    s = s.min(rules.min, {
      error: `Member must have length greater than or equal to ${rules.min}`,
    });
  }
  if (rules.max !== undefined) {
    s = s.max(rules.max, { error: `Member must have length less than or equal to ${rules.max}` });
  }
  const pattern = rules.pattern;
  if (pattern !== undefined) {
    s = s.refine((v) => matchesPattern(pattern, v), {
      error: `Member must satisfy regular expression pattern: ${pattern}`,
    });
  }
  return s;
}

function list<T extends z.ZodType>(member: T, min: number, max: number) {
  return z.array(member)
    .min(min, { error: `Member must have length greater than or equal to ${min}` })
    .max(max, { error: `Member must have length less than or equal to ${max}` });
}

function enumOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, { error: `Member must satisfy enum value set: [${values.join(", ")}]` });
}

/** The message of a union member that does not set exactly one member. */
export function unionMessage(members: string[]): string {
  return `Member must have exactly one of these members set: [${members.join(", ")}]`;
}

/** A union shape: an object of which exactly one member is set. */
function union<T extends z.ZodRawShape>(shape: T) {
  const members = Object.keys(shape);
  return z.object(shape).superRefine((value, ctx) => {
    const set = Object.values(value).filter((v) => v !== undefined).length;
    if (set !== 1) ctx.addIssue({ code: "custom", message: unionMessage(members) });
  });
}

/** `ModelInvocationJobStatus`, in the model's order. */
export const JobStatus = BedrockJobStatus;
/** A job status. */
export type JobStatus = BedrockJobStatus;

/** Job name (`ModelInvocationJobName`). */
export const JobName = str({ min: 1, max: 63, pattern: PATTERNS.jobName });
const AccountId = str({ pattern: PATTERNS.accountId });
const S3Uri = str({ min: 1, max: 1024, pattern: PATTERNS.s3Uri });
const VpcId = str({ min: 0, max: 32, pattern: PATTERNS.vpcId });

/** `ModelInvocationJobInputDataConfig` (union). */
export const InputDataConfig = union({
  s3InputDataConfig: z.object({
    s3InputFormat: enumOf(["JSONL"]).optional(),
    s3Uri: S3Uri,
    s3BucketOwner: AccountId.optional(),
  }).optional(),
});

/** `ModelInvocationJobOutputDataConfig` (union). */
export const OutputDataConfig = union({
  s3OutputDataConfig: z.object({
    s3Uri: S3Uri,
    s3EncryptionKeyId: str({ min: 1, max: 2048, pattern: PATTERNS.kmsKeyId }).optional(),
    s3BucketOwner: AccountId.optional(),
  }).optional(),
});

/** `VpcConfig`. */
export const VpcConfig = z.object({
  subnetIds: list(VpcId, 1, 16),
  securityGroupIds: list(VpcId, 1, 5),
});

/** `ModelInvocationType`. */
export const ModelInvocationType = enumOf(["InvokeModel", "Converse"]);
/** How records are invoked: InvokeModel bodies or Converse bodies. */
export type ModelInvocationType = z.infer<typeof ModelInvocationType>;

/** `CreateModelInvocationJobRequest`. */
export const CreateJobRequest = z.object({
  jobName: JobName,
  roleArn: str({ min: 0, max: 2048, pattern: PATTERNS.roleArn }),
  clientRequestToken: str({ min: 1, max: 256, pattern: PATTERNS.token }).optional(),
  modelId: str({ min: 1, max: 2048, pattern: PATTERNS.modelId }),
  inputDataConfig: InputDataConfig,
  outputDataConfig: OutputDataConfig,
  vpcConfig: VpcConfig.optional(),
  timeoutDurationInHours: z.number().int()
    .min(24, { error: "Member must have value greater than or equal to 24" })
    .max(168, { error: "Member must have value less than or equal to 168" })
    .optional(),
  tags: list(
    z.object({
      key: str({ min: 1, max: 128, pattern: PATTERNS.tag }),
      value: str({ min: 0, max: 256, pattern: PATTERNS.tag }),
    }),
    0,
    200,
  ).optional(),
  modelInvocationType: ModelInvocationType.optional(),
});
/** A validated CreateModelInvocationJob request. */
export type CreateJobRequest = z.infer<typeof CreateJobRequest>;

/** `ListModelInvocationJobsRequest` query members other than the timestamps. */
export const ListJobsQuery = z.object({
  statusEquals: enumOf(JobStatus.options as [JobStatus, ...JobStatus[]]).optional(),
  nameContains: JobName.optional(),
  maxResults: z.number().int()
    .min(1, { error: "Member must have value greater than or equal to 1" })
    .max(1000, { error: "Member must have value less than or equal to 1000" })
    .optional(),
  nextToken: str({ min: 1, max: 2048, pattern: PATTERNS.paginationToken }).optional(),
  sortBy: enumOf(["CreationTime"]).optional(),
  sortOrder: enumOf(["Ascending", "Descending"]).optional(),
});
/** Validated list query members (timestamps parsed separately). */
export type ListJobsQuery = z.infer<typeof ListJobsQuery>;
