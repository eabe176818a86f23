/**
 * `expires_after` on uploads (OpenAI semantics): sets `expires_at`, refuses
 * out-of-range values naming the param, hides the file once it expired, and
 * the background sweep deletes its objects.
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
import { chatLines, listObjectKeys, STACK_MASTER_KEY, startStack } from "../_helpers/stack.ts";

Deno.test("files with expires_after get expires_at, answer 404 after it, and are swept from S3", async (t) => {
  const stack = await startStack();
  const clock = new ManualClock(Date.now());
  const deps = createDeps({
    config: await loadConfig(stack.configPath),
    store: await openDenoKvStore(":memory:"),
    aws: new AwsClients(),
    clock,
    instanceId: "expiry-test",
  });
  const app = createApp(deps);
  const auth = { authorization: `Bearer ${STACK_MASTER_KEY}` };
  const upload = async (fields: Record<string, string>) => {
    const form = new FormData();
    form.append("purpose", "batch");
    form.append("file", new Blob([chatLines(3)]), "in.jsonl");
    for (const [k, v] of Object.entries(fields)) form.append(k, v);
    const res = await app.request("/v1/files", { method: "POST", headers: auth, body: form });
    return { status: res.status, body: await res.json() };
  };
  try {
    await t.step("out-of-range values answer 400 naming the param, storing nothing", async () => {
      const before = await listObjectKeys(stack);
      for (
        const [fields, param] of [
          [{ "expires_after[anchor]": "created_at", "expires_after[seconds]": "60" }, "seconds"],
          [
            { "expires_after[anchor]": "created_at", "expires_after[seconds]": "2592001" },
            "seconds",
          ],
          [
            { "expires_after[anchor]": "last_active_at", "expires_after[seconds]": "3600" },
            "anchor",
          ],
        ] as const
      ) {
        const { status, body } = await upload(fields);
        assert.equal(status, 400, JSON.stringify(body));
        assert.equal(body.error.param, `expires_after.${param}`);
      }
      assert.deepEqual(await listObjectKeys(stack), before);
    });

    await t.step("expires_at is created_at plus the seconds; gone after it", async () => {
      const { status, body: file } = await upload({
        "expires_after[anchor]": "created_at",
        "expires_after[seconds]": "3600",
      });
      assert.equal(status, 200, JSON.stringify(file));
      assert.equal(file.expires_at, file.created_at + 3600);
      const kept = await upload({});
      assert.equal(kept.body.expires_at, null);
      const objects = await listObjectKeys(stack, `batchgate/files/${file.id}/`);
      assert.ok(objects.length > 0);

      clock.advance(3599_000);
      assert.equal((await app.request(`/v1/files/${file.id}`, { headers: auth })).status, 200);
      clock.advance(1_000);
      const gone = await app.request(`/v1/files/${file.id}`, { headers: auth });
      assert.equal(gone.status, 404);
      const listed = await (await app.request("/v1/files", { headers: auth })).json();
      assert.deepEqual(listed.data.map((f: { id: string }) => f.id), [kept.body.id]);

      await new Poller(deps).runCycle();
      assert.deepEqual(await listObjectKeys(stack, `batchgate/files/${file.id}/`), []);
      assert.ok((await listObjectKeys(stack, `batchgate/files/${kept.body.id}/`)).length > 0);
    });
  } finally {
    await closeDeps(deps);
    await stack.close();
  }
});
