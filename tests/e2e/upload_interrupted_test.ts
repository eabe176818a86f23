/**
 * A client that closes the connection mid-upload gets a 400
 * `upload_interrupted` (not a 500), and nothing of the upload is stored.
 * @module
 */
import assert from "assert";
import { createApp } from "../../src/api/app.ts";
import { AwsClients } from "../../src/aws/clients.ts";
import { loadConfig } from "../../src/config/load.ts";
import { closeDeps, createDeps } from "../../src/deps.ts";
import { openDenoKvStore } from "../../src/store/deno_kv_store.ts";
import { chatLines, listObjectKeys, STACK_MASTER_KEY, startStack } from "../_helpers/stack.ts";

const BOUNDARY = "----batchgate-test";
const head = (filename: string) =>
  `--${BOUNDARY}\r\nContent-Disposition: form-data; name="purpose"\r\n\r\nbatch\r\n` +
  `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\n` +
  `Content-Type: application/jsonl\r\n\r\n`;

Deno.test("an upload whose body read fails mid-file answers 400 upload_interrupted, storing nothing", async () => {
  const stack = await startStack();
  const store = await openDenoKvStore(":memory:");
  const deps = createDeps({
    config: await loadConfig(stack.configPath),
    store,
    aws: new AwsClients(),
    instanceId: "interrupted-test",
  });
  const app = createApp(deps);
  try {
    const before = await listObjectKeys(stack);
    const bytes = new TextEncoder().encode(head("cut.jsonl") + chatLines(2000));
    let sent = 0;
    // What Deno hands the handler when the client goes away before the body ends.
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent > bytes.length / 2) {
          controller.error(new Deno.errors.BadResource("Cannot read request body"));
          return;
        }
        controller.enqueue(bytes.slice(sent, sent + 64 * 1024));
        sent += 64 * 1024;
      },
    });
    const res = await app.request("/v1/files", {
      method: "POST",
      headers: {
        authorization: `Bearer ${STACK_MASTER_KEY}`,
        "content-type": `multipart/form-data; boundary=${BOUNDARY}`,
      },
      body,
    });
    const answer = await res.json();
    assert.equal(res.status, 400, JSON.stringify(answer));
    assert.equal(answer.error.code, "upload_interrupted");
    await deps.tasks.drain();
    assert.deepEqual(await listObjectKeys(stack), before, "nothing stored");
    const listed = await app.request("/v1/files", {
      headers: { authorization: `Bearer ${STACK_MASTER_KEY}` },
    });
    assert.deepEqual((await listed.json()).data, []);
  } finally {
    await closeDeps(deps);
    await stack.close();
  }
});

Deno.test("a real connection closed mid-upload leaves nothing and the server keeps serving", async () => {
  const stack = await startStack();
  try {
    const before = await listObjectKeys(stack);
    const url = new URL(stack.url);
    const conn = await Deno.connect({ hostname: url.hostname, port: Number(url.port) });
    const part = head("cut.jsonl") + chatLines(500);
    await conn.write(new TextEncoder().encode(
      `POST /v1/files HTTP/1.1\r\nHost: ${url.host}\r\n` +
        `Authorization: Bearer ${STACK_MASTER_KEY}\r\n` +
        `Content-Type: multipart/form-data; boundary=${BOUNDARY}\r\n` +
        `Content-Length: ${part.length * 4}\r\n\r\n${part}`,
    ));
    conn.close();
    // The server notices on its own time; the listing must come back empty meanwhile and after.
    for (let i = 0; i < 20; i++) {
      const res = await fetch(`${stack.url}/v1/files`, {
        headers: { authorization: `Bearer ${STACK_MASTER_KEY}` },
      });
      assert.equal(res.status, 200);
      assert.deepEqual((await res.json()).data, []);
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.deepEqual(await listObjectKeys(stack), before, "nothing stored");
  } finally {
    await stack.close();
  }
});
