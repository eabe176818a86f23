/**
 * `POST /v1/batches`: checks, then the batch is saved to KV *before* the
 * Bedrock call, so a crash at any point leaves a record that the poller
 * completes with the same idempotency token.
 * @module
 */
import { z } from "zod";
import { ApiError, badRequest } from "../errors.ts";
import type { AppDeps } from "../deps.ts";
import type { Principal } from "../auth/principal.ts";
import { newId } from "../ids.ts";
import { log } from "../log.ts";
import { canUseModel } from "../auth/principal.ts";
import { type BatchRecord, createBatchRecord } from "../store/batches.ts";
import { type BatchInputInfo, type FileRecord, getVisibleFile } from "../store/files.ts";
import type { Deployment } from "../config/load.ts";
import { assertBudgetLeft, assertEstimateFits } from "../auth/budgets.ts";
import { batchPriceFor, costOf } from "../pricing/prices.ts";
import { deploymentAt } from "../files/deployments.ts";
import { s3Uri } from "../storage/object_store.ts";
import { jobNameOf } from "./bedrock_jobs.ts";
import { newBatchRecord, newJobRecord } from "./new_record.ts";
import { submitBatch } from "./lifecycle.ts";

/** The body of `POST /v1/batches`. */
export const CreateBatchBody = z.object({
  input_file_id: z.string().min(1),
  endpoint: z.string().min(1),
  completion_window: z.literal("24h", { error: "completion_window must be '24h'" }),
  metadata: z.record(z.string().max(64), z.string().max(512)).nullish().refine(
    (m) => !m || Object.keys(m).length <= 16,
    { error: "metadata takes at most 16 pairs" },
  ),
  /** OpenAI's: when the output and error files expire. */
  output_expires_after: z.object({
    anchor: z.literal("created_at", { error: "anchor must be 'created_at'" }),
    seconds: z.number().int().min(3600).max(2_592_000),
  }).nullish(),
}).loose();
/** A parsed create-batch body. */
export type CreateBatchBody = z.infer<typeof CreateBatchBody>;

/** True when the body asks for a dry run (`dry_run`, or `extra_body.dry_run`). */
export function isDryRun(body: CreateBatchBody): boolean {
  const extra = body.extra_body as { dry_run?: unknown } | undefined;
  return body.dry_run === true || extra?.dry_run === true;
}

/** Worst-case cost of a batch: every input token, and every request's max output tokens. */
export interface CostEstimate {
  input_tokens: number;
  max_output_tokens: number;
  /** USD at the deployment's batch prices. */
  cost: number;
  /** False when the model has no known price (the estimate is then 0). */
  priced: boolean;
}

/** What a batch would be: everything checked, nothing created. */
export interface BatchPlan {
  file: FileRecord;
  input: BatchInputInfo;
  deployment: Deployment;
  estimate: CostEstimate;
}

/**
 * Checks a create-batch request: file, endpoint, model access, Bedrock's
 * minimum records, budgets and the worst-case cost.
 * @throws {ApiError} 404 for a file the caller cannot see, 400 for a batch that cannot run
 */
export async function planBatch(
  deps: AppDeps,
  principal: Principal,
  body: CreateBatchBody,
): Promise<BatchPlan> {
  const file = await getVisibleFile(deps.store, principal, body.input_file_id);
  if (!file) {
    throw new ApiError(404, `No file found with id '${body.input_file_id}'`, {
      param: "input_file_id",
      code: "not_found",
    });
  }
  if (file.purpose !== "batch" || !file.input) {
    throw badRequest(
      `Cannot create batch: file ${file.id} has purpose '${file.purpose}', not batch`,
      {
        param: "input_file_id",
      },
    );
  }
  const input = file.input;
  if (body.endpoint !== input.endpoint) {
    throw badRequest(
      `Cannot create batch: endpoint '${body.endpoint}' differs from the file's requests, which use '${input.endpoint}'`,
      { param: "endpoint" },
    );
  }
  if (!canUseModel(principal, file.location.modelGroup)) {
    throw new ApiError(403, `This key may not use model '${file.location.modelGroup}'`, {
      param: "input_file_id",
      code: "model_not_allowed",
    });
  }
  const deployment = deploymentAt(deps.config, file.location);
  if (input.records < deployment.minRecords) {
    throw badRequest(
      `Cannot create batch: input file has ${input.records} requests, Bedrock needs at least ${deployment.minRecords} per job`,
      { param: "input_file_id", code: "too_few_requests" },
    );
  }
  const budgets = await assertBudgetLeft(deps.store, principal, deps.clock.now(), "create batch");
  const price = batchPriceFor(deployment.modelId, deployment.modelInfo);
  const estimate: CostEstimate = {
    input_tokens: input.inputTokensEstimate,
    max_output_tokens: input.maxOutputTokens,
    cost: costOf(
      { inputTokens: input.inputTokensEstimate, outputTokens: input.maxOutputTokens },
      price,
    ),
    priced: price.known,
  };
  assertEstimateFits(budgets, estimate.cost);
  return { file, input, deployment, estimate };
}

/** The answer to a dry run. */
export function toDryRun(plan: BatchPlan) {
  return {
    object: "batch.dry_run" as const,
    input_file_id: plan.file.id,
    endpoint: plan.input.endpoint,
    model: plan.file.location.modelGroup,
    request_count: plan.input.records,
    estimate: plan.estimate,
  };
}

/**
 * Creates a batch and submits its Bedrock job.
 * @throws {ApiError} as {@linkcode planBatch}
 */
export async function createBatch(
  deps: AppDeps,
  principal: Principal,
  body: CreateBatchBody,
): Promise<BatchRecord> {
  const { file, input, deployment } = await planBatch(deps, principal, body);
  const now = deps.clock.now();
  const id = newId("batch_", now);
  const jobName = jobNameOf(id, 0);
  const batch = newBatchRecord({
    id,
    owner: {
      ownerId: principal.ownerId,
      teamId: principal.teamId ?? null,
      userId: principal.userId ?? null,
      keyAlias: principal.keyAlias ?? null,
    },
    inputFileId: file.id,
    endpoint: body.endpoint,
    completionWindow: body.completion_window,
    metadata: body.metadata ?? null,
    outputExpiresAfterSeconds: body.output_expires_after?.seconds ?? null,
    location: file.location,
    records: input.records,
    nowMs: now,
    plannedOutputFileId: newId("file-", now),
    plannedErrorFileId: newId("file-", now),
    jobs: [newJobRecord(
      jobName,
      s3Uri({ bucket: file.location.bucket, key: input.bedrockKey }),
      s3Uri({
        bucket: deployment.s3.outputBucket,
        key: `${deployment.s3.prefix}batches/${id}/bedrock-output/`,
      }),
    )],
  });
  if (!(await createBatchRecord(deps.store, batch))) {
    throw new ApiError(404, `No file found with id '${body.input_file_id}'`, {
      param: "input_file_id",
      code: "not_found",
    });
  }
  log.info("Batch created", { batchId: id, fileId: file.id, records: input.records });
  // Under the lease, like every other submission: the poller may see the new
  // batch at once, and only one of them may send Create.
  return await submitBatch(deps, id);
}
