import assert from "assert";
import OpenAI from "openai";
import { loadConfig } from "../../src/config/load.ts";
import { startBatchgate } from "../../src/server.ts";
import { chatLines, STACK_MASTER_KEY, startStack, uploadJsonl } from "../_helpers/stack.ts";

async function waitViaList(client: OpenAI, id: string, timeoutMs = 30_000): Promise<OpenAI.Batch> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    // Listing never refreshes from Bedrock: only the poller moves the batch.
    const batch = (await client.batches.list()).data.find((b) => b.id === id);
    if (batch && ["completed", "failed", "expired", "cancelled"].includes(batch.status)) {
      return batch;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`Batch ${id} did not finish`);
}

Deno.test("the poller follows jobs with ListModelInvocationJobs, not one Get per job", async () => {
  const stack = await startStack();
  try {
    const client = stack.client();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const file = await uploadJsonl(client, chatLines(100));
      ids.push(
        (await client.batches.create({
          input_file_id: file.id,
          endpoint: "/v1/chat/completions",
          completion_window: "24h",
        })).id,
      );
    }
    for (const id of ids) assert.equal((await waitViaList(client, id)).status, "completed");
    const gets = stack.emulator.requests.filter((r) =>
      r.method === "GET" && r.path.startsWith("/model-invocation-job/")
    );
    const lists = stack.emulator.requests.filter((r) => r.path === "/model-invocation-jobs");
    assert.equal(gets.length, 0, "no per-job Get calls");
    assert.ok(lists.length >= 1);
    assert.ok(lists.every((r) => r.query.nameContains === "batchgate"));
  } finally {
    await stack.close();
  }
});

Deno.test("two instances on one KV finish a batch once: one job, one output file, one spend entry", async () => {
  const stack = await startStack({ pollSeconds: 0.1 });
  const second = await startBatchgate({
    config: await loadConfig(stack.configPath),
    kv: `${stack.dir}/batchgate.kv`,
    port: 0,
    host: "127.0.0.1",
  });
  try {
    const client = stack.client();
    const other = new OpenAI({
      apiKey: STACK_MASTER_KEY,
      baseURL: `${second.url}/v1`,
      maxRetries: 0,
    });
    const file = await uploadJsonl(client, chatLines(100));
    const batch = await other.batches.create({
      input_file_id: file.id,
      endpoint: "/v1/chat/completions",
      completion_window: "24h",
    });
    const done = await waitViaList(client, batch.id);
    assert.equal(done.status, "completed");
    // Both instances keep polling a while: nothing may happen twice.
    await new Promise((r) => setTimeout(r, 800));
    const creates = stack.emulator.requests.filter((r) =>
      r.method === "POST" && r.path === "/model-invocation-job"
    );
    assert.equal(creates.length, 1);
    const outputs = (await other.files.list({ purpose: "batch_output" })).data;
    assert.equal(outputs.length, 1);
    const logs = await (await fetch(`${stack.url}/spend/logs`, {
      headers: { authorization: `Bearer ${STACK_MASTER_KEY}` },
    })).json();
    assert.equal(logs.length, 1);
    assert.equal((await other.batches.retrieve(batch.id)).output_file_id, done.output_file_id);
  } finally {
    await second.shutdown();
    await stack.close();
  }
});
