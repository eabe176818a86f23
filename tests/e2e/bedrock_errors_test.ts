import assert from "assert";
import { chatLines, startStack, uploadJsonl, waitForBatch } from "../_helpers/stack.ts";

const CREATE = { endpoint: "/v1/chat/completions", completion_window: "24h" } as const;

Deno.test("a job Bedrock refuses at creation fails the batch with Bedrock's message", async () => {
  const stack = await startStack({ roleArn: "arn:aws:iam::123:role/too-short-account" });
  try {
    const client = stack.client();
    const file = await uploadJsonl(client, chatLines(100));
    const batch = await client.batches.create({ input_file_id: file.id, ...CREATE });
    assert.equal(batch.status, "failed");
    assert.ok(batch.failed_at);
    const error = batch.errors!.data![0]!;
    assert.equal(error.code, "ValidationException");
    assert.match(error.message!, /Bedrock refused the job: .*roleArn/);
    // The input file is free again.
    assert.equal((await client.files.delete(file.id)).deleted, true);
  } finally {
    await stack.close();
  }
});

Deno.test("a job Bedrock fails in validation fails the batch with Bedrock's message", async () => {
  // Batchgate is told 50 records are enough; the (emulated) Bedrock still wants 100.
  const stack = await startStack({ extraParams: "\n      batch_min_records: 50" });
  try {
    const client = stack.client();
    const file = await uploadJsonl(client, chatLines(60));
    const batch = await client.batches.create({ input_file_id: file.id, ...CREATE });
    const done = await waitForBatch(client, batch.id);
    assert.equal(done.status, "failed");
    assert.match(done.errors!.data![0]!.message!, /100/);
    assert.deepEqual(done.request_counts, { total: 60, completed: 0, failed: 60 });
    assert.equal(done.output_file_id, null);
  } finally {
    await stack.close();
  }
});

Deno.test("over Bedrock's concurrent job quota a batch waits and then runs, nothing lost", async () => {
  const stack = await startStack({ maxConcurrentJobs: 1 });
  try {
    const client = stack.client();
    const first = await client.batches.create({
      input_file_id: (await uploadJsonl(client, chatLines(100))).id,
      ...CREATE,
    });
    const second = await client.batches.create({
      input_file_id: (await uploadJsonl(client, chatLines(100))).id,
      ...CREATE,
    });
    assert.equal(second.status, "validating", "accepted and queued, not failed");
    assert.equal(
      stack.emulator.requests.filter((r) => r.path === "/model-invocation-job").length,
      2,
      "both Creates were sent; the second hit the quota",
    );
    assert.equal((await waitForBatch(client, first.id)).status, "completed");
    assert.equal((await waitForBatch(client, second.id)).status, "completed");
    const creates = stack.emulator.requests.filter((r) =>
      r.method === "POST" && r.path === "/model-invocation-job"
    );
    assert.ok(creates.length >= 3, "the second Create was retried");
    const tokens = new Set(
      creates.map((r) => (r.body as { clientRequestToken: string }).clientRequestToken),
    );
    assert.equal(tokens.size, 2, "one token per batch");
  } finally {
    await stack.close();
  }
});
