import assert from "assert";
import OpenAI from "openai";
import {
  chatLines,
  KMS_KEY,
  listObjectKeys,
  parseJsonl,
  startStack,
  uploadJsonl,
  waitForBatch,
  waitForJobProgress,
} from "../_helpers/stack.ts";

const CREATE = { endpoint: "/v1/chat/completions", completion_window: "24h" } as const;

Deno.test("POST /v1/batches refuses a file under Bedrock's 100 records before any AWS call", async () => {
  const stack = await startStack();
  try {
    const client = stack.client();
    const file = await uploadJsonl(client, chatLines(99));
    const error = await client.batches.create({ input_file_id: file.id, ...CREATE }).then(
      () => assert.fail("should fail"),
      (e) => e,
    );
    assert.ok(error instanceof OpenAI.APIError);
    assert.equal(error.status, 400);
    assert.match(
      String(error.message),
      /input file has 99 requests, Bedrock needs at least 100 per job/,
    );
    assert.equal(stack.emulator.requests.length, 0, "no Bedrock call was made");
    // Other checks: wrong endpoint, unknown file, bad completion window.
    const wrongEndpoint = await client.batches.create({
      input_file_id: file.id,
      endpoint: "/v1/embeddings",
      completion_window: "24h",
    }).then(() => assert.fail("should fail"), (e) => e);
    assert.equal(wrongEndpoint.status, 400);
    assert.equal(wrongEndpoint.param, "endpoint");
    const badWindow = await client.batches.create({
      input_file_id: file.id,
      endpoint: "/v1/chat/completions",
      completion_window: "48h" as "24h",
    }).then(() => assert.fail("should fail"), (e) => e);
    assert.equal(badWindow.status, 400);
    assert.equal(badWindow.param, "completion_window");
    assert.equal((await client.batches.list()).data.length, 0);
  } finally {
    await stack.close();
  }
});

Deno.test("a cancelled batch stops its job and keeps the records that ran", async () => {
  const stack = await startStack({ stepMs: 1000 });
  try {
    const client = stack.client();
    const file = await uploadJsonl(client, chatLines(150));
    const batch = await client.batches.create({ input_file_id: file.id, ...CREATE });
    await waitForJobProgress(stack);

    // The input file cannot be deleted while the batch runs.
    const conflict = await client.files.delete(file.id).then(
      () => assert.fail("should be 409"),
      (e) => e,
    );
    assert.equal(conflict.status, 409);

    const cancelling = await client.batches.cancel(batch.id);
    assert.equal(cancelling.status, "cancelling");
    assert.ok(cancelling.cancelling_at);
    const stops = stack.emulator.requests.filter((r) => r.path.endsWith("/stop"));
    assert.equal(stops.length, 1);

    const done = await waitForBatch(client, batch.id);
    assert.equal(done.status, "cancelled");
    assert.ok(done.cancelled_at);
    const completed = done.request_counts!.completed;
    assert.ok(completed > 0 && completed < 150, `some records ran: ${completed}`);
    assert.equal(done.request_counts!.failed, 150 - completed);
    const errors = parseJsonl(await (await client.files.content(done.error_file_id!)).text());
    assert.equal(errors.length, 150 - completed);
    assert.deepEqual(errors[0]!.error, {
      code: "batch_cancelled",
      message: "This request was cancelled before it ran",
    });
    assert.equal(errors[0]!.response, null);

    // A finished batch cannot be cancelled again; its file can now be deleted.
    const again = await client.batches.cancel(batch.id).then(() => assert.fail(), (e) => e);
    assert.equal(again.status, 409);
    assert.equal((await client.files.delete(file.id)).deleted, true);
  } finally {
    await stack.close();
  }
});

Deno.test("a partially completed Bedrock job becomes an expired batch with batch_expired errors", async () => {
  const stack = await startStack();
  try {
    const client = stack.client();
    const file = await uploadJsonl(
      client,
      chatLines(110, { text: (i) => (i < 4 ? `EMULATOR_SLOW ${i}` : `Question ${i}`) }),
    );
    const batch = await client.batches.create({ input_file_id: file.id, ...CREATE });
    const done = await waitForBatch(client, batch.id);
    assert.equal(done.status, "expired");
    assert.ok(done.expired_at);
    assert.deepEqual(done.request_counts, { total: 110, completed: 106, failed: 4 });
    const errors = parseJsonl(await (await client.files.content(done.error_file_id!)).text());
    assert.deepEqual(
      errors.map((e) => e.custom_id).sort(),
      ["request-0", "request-1", "request-2", "request-3"],
    );
    for (const e of errors) assert.equal((e.error as { code: string }).code, "batch_expired");
  } finally {
    await stack.close();
  }
});

Deno.test("with s3_encryption_key_id every S3 write carries SSE-KMS and the job gets the key", async () => {
  const stack = await startStack({ kms: true });
  try {
    const client = stack.client();
    const file = await uploadJsonl(client, chatLines(100));
    const batch = await client.batches.create({ input_file_id: file.id, ...CREATE });
    const done = await waitForBatch(client, batch.id);
    assert.equal(done.status, "completed");
    const writes = stack.s3Requests.filter((r) =>
      (r.method === "PUT" && !/[?&](partNumber|uploadId)=/.test(r.search)) ||
      (r.method === "POST" && /[?&]uploads/.test(r.search))
    );
    assert.ok(writes.length >= 5, `saw ${writes.length} object writes`);
    for (const w of writes) {
      assert.equal(w.headers["x-amz-server-side-encryption"], "aws:kms", `${w.method} ${w.path}`);
      assert.equal(w.headers["x-amz-server-side-encryption-aws-kms-key-id"], KMS_KEY);
    }
    const create = stack.emulator.requests.find((r) => r.path === "/model-invocation-job")!;
    const output =
      (create.body as { outputDataConfig: { s3OutputDataConfig: Record<string, unknown> } })
        .outputDataConfig.s3OutputDataConfig;
    assert.equal(output.s3EncryptionKeyId, KMS_KEY);
    const keys = await listObjectKeys(stack, `batchgate/batches/${batch.id}/`);
    assert.ok(keys.includes(`batchgate/batches/${batch.id}/output.jsonl`));
  } finally {
    await stack.close();
  }
});

Deno.test("a batch whose Bedrock input spans several objects runs every record and converts every output object", async () => {
  const stack = await startStack();
  try {
    const client = stack.client();
    // About 9.7 MB of Claude records: objects of 2, 4 and 3.7 MiB in the Bedrock folder.
    const lines = 2_000;
    const text = chatLines(lines, { text: (i) => `Question ${i}: ${"context ".repeat(560)}` });
    const file = await uploadJsonl(client, text);
    const inputs = await listObjectKeys(stack, `batchgate/files/${file.id}/bedrock/`);
    assert.equal(inputs.length, 3);

    const batch = await client.batches.create({ input_file_id: file.id, ...CREATE });
    const done = await waitForBatch(client, batch.id, undefined, 60_000);
    assert.equal(done.status, "completed");
    assert.deepEqual(done.request_counts, { total: lines, completed: lines, failed: 0 });
    // Bedrock wrote one output per input object; all were read.
    const outputs = (await listObjectKeys(stack, `batchgate/batches/${batch.id}/bedrock-output/`))
      .filter((k) => k.endsWith(".jsonl.out"));
    assert.deepEqual(outputs.map((k) => k.split("/").at(-1)), [
      "00001.jsonl.out",
      "00002.jsonl.out",
      "00003.jsonl.out",
    ]);

    const output = parseJsonl(await (await client.files.content(done.output_file_id!)).text());
    const ids = output.map((l) => l.custom_id as string);
    assert.equal(ids.length, lines);
    assert.deepEqual(
      new Set(ids),
      new Set(Array.from({ length: lines }, (_, i) => `request-${i}`)),
    );
  } finally {
    await stack.close();
  }
});

Deno.test("output_expires_after sets expires_at on the output and error files; out of range is a 400", async () => {
  const stack = await startStack();
  try {
    const client = stack.client();
    const file = await uploadJsonl(client, chatLines(100));
    const bad = await client.batches.create({
      input_file_id: file.id,
      endpoint: "/v1/chat/completions",
      completion_window: "24h",
      output_expires_after: { anchor: "created_at", seconds: 60 },
    }).then(() => null, (e) => e);
    assert.ok(bad instanceof OpenAI.APIError, String(bad));
    assert.equal(bad.status, 400);
    assert.equal((bad.error as { param: string }).param, "output_expires_after.seconds");

    const batch = await client.batches.create({
      input_file_id: file.id,
      endpoint: "/v1/chat/completions",
      completion_window: "24h",
      output_expires_after: { anchor: "created_at", seconds: 7200 },
    });
    const done = await waitForBatch(client, batch.id);
    assert.equal(done.status, "completed");
    const output = await client.files.retrieve(done.output_file_id!);
    assert.equal(output.expires_at, output.created_at + 7200);
  } finally {
    await stack.close();
  }
});
