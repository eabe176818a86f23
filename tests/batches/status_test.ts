import assert from "assert";
import {
  finalStatusOf,
  openAIStatusOf,
  runningStatusOf,
  toOpenAIBatch,
} from "../../src/batches/status.ts";
import type { BedrockJobStatus } from "../../src/store/batches.ts";
import { batchWith } from "../_helpers/batch_record.ts";

Deno.test("openAIStatusOf() maps every Bedrock job state", () => {
  const table: [BedrockJobStatus | null, string][] = [
    [null, "validating"],
    ["Submitted", "validating"],
    ["Validating", "validating"],
    ["Scheduled", "in_progress"],
    ["InProgress", "in_progress"],
    ["Stopping", "cancelling"],
    ["Stopped", "cancelled"],
    ["Completed", "completed"],
    ["PartiallyCompleted", "expired"],
    ["Expired", "expired"],
    ["Failed", "failed"],
  ];
  for (const [bedrock, openai] of table) {
    assert.equal(openAIStatusOf(bedrock), openai, String(bedrock));
  }
});

Deno.test("runningStatusOf() says finalizing once every job ended, cancelling once asked", () => {
  assert.equal(runningStatusOf(batchWith(["Submitted"])), "validating");
  assert.equal(runningStatusOf(batchWith(["Scheduled"])), "in_progress");
  assert.equal(runningStatusOf(batchWith(["Completed", "InProgress"])), "in_progress");
  assert.equal(runningStatusOf(batchWith(["Completed", "Submitted"])), "in_progress");
  assert.equal(runningStatusOf(batchWith(["InProgress"], true)), "cancelling");
  assert.equal(runningStatusOf(batchWith(["Stopping"])), "cancelling");
  assert.equal(runningStatusOf(batchWith(["Completed", "Failed"])), "finalizing");
  assert.equal(runningStatusOf(batchWith(["Stopped"], true)), "finalizing");
});

Deno.test("finalStatusOf() keeps finished work: partial runs expire, stops cancel", () => {
  assert.equal(finalStatusOf(batchWith(["Completed"])), "completed");
  assert.equal(finalStatusOf(batchWith(["PartiallyCompleted"])), "expired");
  assert.equal(finalStatusOf(batchWith(["Expired"])), "expired");
  assert.equal(finalStatusOf(batchWith(["Failed"])), "failed");
  assert.equal(finalStatusOf(batchWith(["Completed", "Failed"])), "completed");
  assert.equal(finalStatusOf(batchWith(["Stopped"])), "cancelled");
  assert.equal(finalStatusOf(batchWith(["Completed"], true)), "cancelled");
});

Deno.test("toOpenAIBatch() reports seconds, OpenAI's fields and no Bedrock names", () => {
  const batch = {
    ...batchWith(["Completed"]),
    status: "completed" as const,
    completedAt: 1_700_000_100,
    usage: { input_tokens: 5, output_tokens: 7, total_tokens: 12 },
    errors: [{ code: "c", message: "m", param: null, line: null }],
  };
  const out = toOpenAIBatch(batch);
  assert.equal(out.object, "batch");
  assert.equal(out.created_at, 1_700_000_000);
  assert.equal(out.completed_at, 1_700_000_100);
  assert.equal(out.expires_at, 1_700_086_400);
  assert.deepEqual(out.errors, { object: "list", data: batch.errors });
  assert.deepEqual(out.usage, {
    input_tokens: 5,
    input_tokens_details: { cached_tokens: 0 },
    output_tokens: 7,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: 12,
  });
  const text = JSON.stringify(out);
  assert.ok(!/arn:aws|s3:\/\/|Completed/.test(text), "no ARN, S3 URI or Bedrock state leaks");
});
