import assert from "assert";
import { createApp } from "../../src/api/app.ts";
import { AwsClients } from "../../src/aws/clients.ts";
import { loadConfig } from "../../src/config/load.ts";
import { updateBatch } from "../../src/store/batches.ts";
import { closeDeps, createDeps } from "../../src/deps.ts";
import { openDenoKvStore } from "../../src/store/deno_kv_store.ts";
import { ManualClock } from "../_helpers/clock.ts";
import { chatLines, STACK_MASTER_KEY, startStack } from "../_helpers/stack.ts";

Deno.test("a job Bedrock no longer knows fails its batch after a grace period instead of hanging", async () => {
  const stack = await startStack();
  const store = await openDenoKvStore(":memory:");
  const aws = new AwsClients();
  const clock = new ManualClock(Date.now());
  const deps = createDeps({
    config: await loadConfig(stack.configPath),
    store,
    aws,
    clock,
    instanceId: "lost-job-test",
  });
  const app = createApp(deps);
  const auth = { authorization: `Bearer ${STACK_MASTER_KEY}` };
  try {
    const form = new FormData();
    form.append("purpose", "batch");
    form.append("file", new Blob([chatLines(100)]), "in.jsonl");
    const file =
      await (await app.request("/v1/files", { method: "POST", headers: auth, body: form })).json();
    const created = await (await app.request("/v1/batches", {
      method: "POST",
      headers: { ...auth, "content-type": "application/json" },
      body: JSON.stringify({
        input_file_id: file.id,
        endpoint: "/v1/chat/completions",
        completion_window: "24h",
      }),
    })).json();
    assert.equal(created.status, "validating");
    // The job vanishes at Bedrock (here: the record points at a job that never existed).
    await updateBatch(store, created.id, (b) => ({
      ...b,
      jobs: b.jobs.map((j) => ({
        ...j,
        jobArn: j.jobArn!.replace(/\/[a-z0-9]{12}$/, "/zzzzzzzzzzzz"),
      })),
    }));
    const get = async () =>
      await (await app.request(`/v1/batches/${created.id}`, { headers: auth })).json();

    clock.advance(30_000); // past the poll interval, within the grace period after submission
    const early = await get();
    assert.equal(early.status, "validating", "a job missing right after submission is not failed");

    clock.advance(31_000);
    assert.equal((await get()).status, "finalizing");
    await deps.tasks.drain();
    const failed = await get();
    assert.equal(failed.status, "failed");
    assert.match(failed.errors.data[0].message, /Bedrock has no job .* any more/);
    assert.deepEqual(failed.request_counts, { total: 100, completed: 0, failed: 100 });
    assert.equal(failed.error_file_id, null);
  } finally {
    await closeDeps(deps);
    await stack.close();
  }
});
