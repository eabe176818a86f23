import assert from "assert";
import { BedrockClient, ListModelInvocationJobsCommand } from "@aws-sdk/client-bedrock";
import { chatLines, startStack, uploadJsonl, waitForBatch } from "../_helpers/stack.ts";

Deno.test("a crash after Bedrock accepted the job and a kill mid-batch lose nothing and create one job", async () => {
  // Slow enough that the job still runs once the crashed process's lease (5 s) has lapsed.
  const stack = await startStack({ subprocess: true, stepMs: 2500 });
  const bedrock = new BedrockClient({
    endpoint: stack.emulator.url,
    region: "us-east-1",
    credentials: { accessKeyId: "x", secretAccessKey: "y" },
  });
  try {
    const file = await uploadJsonl(stack.client(), chatLines(100));

    // 1. Batchgate is killed once Bedrock created the job, before it hears the answer.
    const accepted = stack.holdResponse(
      "bedrock",
      (r) => r.method === "POST" && r.path === "/model-invocation-job",
    );
    const created = stack.client().batches.create({
      input_file_id: file.id,
      endpoint: "/v1/chat/completions",
      completion_window: "24h",
    }).then(() => null, (e) => e);
    await accepted;
    await stack.stopBatchgate({ kill: true });
    assert.ok((await created) instanceof Error, "the request dies with the process");

    // 2. Restarted, it finds the batch saved before the call and re-sends Create with the same token.
    await stack.startBatchgate();
    const [batch] = (await stack.client().batches.list()).data;
    assert.ok(batch, "the batch was saved before the Bedrock call");
    await waitForBatch(stack.client(), batch.id, ["in_progress"]);

    // 3. Killed with SIGKILL while the job runs; restarted, it finishes the batch.
    await stack.stopBatchgate({ kill: true });
    await stack.startBatchgate();
    const done = await waitForBatch(stack.client(), batch.id);
    assert.equal(done.status, "completed");
    assert.equal(done.request_counts?.completed, 100);

    const creates = stack.emulator.requests.filter((r) =>
      r.method === "POST" && r.path === "/model-invocation-job"
    );
    assert.equal(creates.length, 2, "Create was sent again after the crash");
    const tokens = new Set(
      creates.map((r) => (r.body as { clientRequestToken: string }).clientRequestToken),
    );
    assert.equal(tokens.size, 1, "with the same idempotency token");
    const jobs = await bedrock.send(new ListModelInvocationJobsCommand({}));
    assert.equal(jobs.invocationJobSummaries?.length, 1, "exactly one Bedrock job exists");
  } finally {
    bedrock.destroy();
    await stack.close();
  }
});
