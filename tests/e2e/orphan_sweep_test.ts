/**
 * Objects an upload killed mid-way left under `files/` (no file record owns
 * them) are deleted by the background sweep after an hour's grace; objects
 * of stored files and of recent uploads stay.
 * @module
 */
import assert from "assert";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { createApp } from "../../src/api/app.ts";
import { AwsClients } from "../../src/aws/clients.ts";
import { loadConfig } from "../../src/config/load.ts";
import { closeDeps, createDeps } from "../../src/deps.ts";
import { openDenoKvStore } from "../../src/store/deno_kv_store.ts";
import { Poller } from "../../src/worker/poller.ts";
import { ManualClock } from "../_helpers/clock.ts";
import {
  chatLines,
  listObjectKeys,
  STACK_BUCKET,
  STACK_MASTER_KEY,
  startStack,
} from "../_helpers/stack.ts";

Deno.test("the sweep deletes objects no file owns after an hour, and nothing else", async () => {
  const stack = await startStack();
  const clock = new ManualClock(Date.now());
  const deps = createDeps({
    config: await loadConfig(stack.configPath),
    store: await openDenoKvStore(":memory:"),
    aws: new AwsClients(),
    clock,
    instanceId: "orphan-test",
  });
  const app = createApp(deps);
  try {
    const form = new FormData();
    form.append("purpose", "batch");
    form.append("file", new Blob([chatLines(3)]), "in.jsonl");
    const res = await app.request("/v1/files", {
      method: "POST",
      headers: { authorization: `Bearer ${STACK_MASTER_KEY}` },
      body: form,
    });
    const file = await res.json();
    assert.equal(res.status, 200, JSON.stringify(file));
    // What a killed upload leaves: segments of a file that never got its record.
    const orphan = "batchgate/files/file-01killedmidupload0000000000/";
    for (const key of [`${orphan}original/00001.zst`, `${orphan}bedrock/00001.jsonl`]) {
      await stack.s3.send(new PutObjectCommand({ Bucket: STACK_BUCKET, Key: key, Body: "x" }));
    }
    const poller = new Poller(deps);
    await poller.runCycle();
    assert.equal((await listObjectKeys(stack, orphan)).length, 2, "kept within the grace period");

    clock.advance(60 * 60 * 1000 + 1000);
    await poller.runCycle();
    assert.deepEqual(await listObjectKeys(stack, orphan), []);
    assert.ok((await listObjectKeys(stack, `batchgate/files/${file.id}/`)).length > 0);
    const content = await app.request(`/v1/files/${file.id}/content`, {
      headers: { authorization: `Bearer ${STACK_MASTER_KEY}` },
    });
    assert.equal(await content.text(), chatLines(3));
  } finally {
    await closeDeps(deps);
    await stack.close();
  }
});
