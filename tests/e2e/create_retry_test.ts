/**
 * While Bedrock refuses Create with a transient error (here its concurrent
 * job quota), the batch stays `validating` and shows the last error; once
 * the completion window has passed it gives up as `failed`.
 * @module
 */
import assert from "assert";
import { createApp } from "../../src/api/app.ts";
import { AwsClients } from "../../src/aws/clients.ts";
import { loadConfig } from "../../src/config/load.ts";
import { closeDeps, createDeps } from "../../src/deps.ts";
import { openDenoKvStore } from "../../src/store/deno_kv_store.ts";
import { Poller } from "../../src/worker/poller.ts";
import { ManualClock } from "../_helpers/clock.ts";
import { chatLines, STACK_MASTER_KEY, startStack } from "../_helpers/stack.ts";

Deno.test("a Create refused for a transient reason shows its error, then fails after the window", async () => {
  // One job at a time, and jobs that do not move: the second batch's Create hits the quota.
  const stack = await startStack({ maxConcurrentJobs: 1, stepMs: 3_600_000 });
  const clock = new ManualClock(Date.now());
  const deps = createDeps({
    config: await loadConfig(stack.configPath),
    store: await openDenoKvStore(":memory:"),
    aws: new AwsClients(),
    clock,
    instanceId: "create-retry-test",
  });
  const app = createApp(deps);
  const auth = { authorization: `Bearer ${STACK_MASTER_KEY}` };
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await app.request(path, {
      method,
      headers: { ...auth, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return await res.json();
  };
  const createBatch = async () => {
    const form = new FormData();
    form.append("purpose", "batch");
    form.append("file", new Blob([chatLines(100)]), "in.jsonl");
    const file =
      await (await app.request("/v1/files", { method: "POST", headers: auth, body: form })).json();
    return await call("POST", "/v1/batches", {
      input_file_id: file.id,
      endpoint: "/v1/chat/completions",
      completion_window: "24h",
    });
  };
  try {
    const first = await createBatch();
    assert.equal(first.errors, null);
    const second = await createBatch();
    assert.equal(second.status, "validating", JSON.stringify(second));
    const waiting = await call("GET", `/v1/batches/${second.id}`);
    assert.equal(waiting.status, "validating");
    assert.equal(waiting.errors.data[0].code, "ServiceQuotaExceededException");
    assert.match(waiting.errors.data[0].message, /not accepted the job yet, retrying/);

    clock.advance(24 * 3600 * 1000 + 1000);
    await new Poller(deps).runCycle();
    await deps.tasks.drain();
    const failed = await call("GET", `/v1/batches/${second.id}`);
    assert.equal(failed.status, "failed", JSON.stringify(failed));
    assert.match(failed.errors.data[0].message, /before the completion window ended/);
  } finally {
    await closeDeps(deps);
    await stack.close();
  }
});
