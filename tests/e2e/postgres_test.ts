/**
 * The end-to-end batch flow once more with Batchgate's state in PostgreSQL:
 * a child process started with `--store postgres://…`, killed with SIGKILL
 * mid-batch and restarted, finishes the batch with one Bedrock job.
 * @module
 */
import assert from "assert";
import { POSTGRES_SKIP, startPostgres } from "../_helpers/postgres.ts";
import { chatLines, startStack, uploadJsonl, waitForBatch } from "../_helpers/stack.ts";

Deno.test({
  name: "on PostgreSQL (--store), a batch survives kill -9 mid-run and completes once",
  ignore: POSTGRES_SKIP !== null,
  async fn() {
    const pg = await startPostgres();
    try {
      const stack = await startStack({ subprocess: true, databaseUrl: pg.url, stepMs: 600 });
      try {
        const health = await (await fetch(`${stack.url}/health/readiness`)).json();
        assert.equal(health.store, "postgres", JSON.stringify(health));
        const file = await uploadJsonl(stack.client(), chatLines(100));
        const batch = await stack.client().batches.create({
          input_file_id: file.id,
          endpoint: "/v1/chat/completions",
          completion_window: "24h",
        });
        await waitForBatch(stack.client(), batch.id, ["in_progress"]);
        await stack.stopBatchgate({ kill: true });
        await stack.startBatchgate();
        const done = await waitForBatch(stack.client(), batch.id);
        assert.equal(done.status, "completed");
        assert.equal(done.request_counts?.completed, 100);
        const output = await stack.client().files.content(done.output_file_id!);
        assert.equal((await output.text()).trim().split("\n").length, 100);
        const creates = stack.emulator.requests.filter((r) =>
          r.method === "POST" && r.path === "/model-invocation-job"
        );
        assert.equal(creates.length, 1, "one Bedrock job");
        // Nothing was kept in the KV file.
        const kv = await Deno.stat(`${stack.dir}/batchgate.kv`).then(() => true, () => false);
        assert.equal(kv, false, "no Deno KV file was written");
      } finally {
        await stack.close();
      }
    } finally {
      await pg.stop();
    }
  },
});
